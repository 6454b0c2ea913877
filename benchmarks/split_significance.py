"""Is the density split's cut significant? Three tests of it, and where Banking77's ARI is lost.

    .venv/bin/python benchmarks/split_significance.py banking demo /path/to/clinc150_test.csv
    .venv/bin/python benchmarks/split_significance.py --diagnose banking

An experiment, not the engine (docs/theme-engine.md, session 10). The engine
splits a community the tags did not join where CPM at the graph's own density
splits it (`density_split`). Each variant here keeps or makes such a split
only when it is beyond what one need would give, at the conventional 5% level
(19 draws: the split must beat every one), on communities of at least 6 notes
(the tag join's floor: the fewest notes with 20 ways to halve them):

- `random-halves`: the engine's pieces of a community are kept only when the
  link weight between them is lower than between random pieces of the same
  sizes drawn from the community's notes.
- `rewired`: kept only when the CPM gain of the engine's pieces (at the
  graph's density, on the community's own links) exceeds the best CPM gain
  Leiden finds on the community's links after degree-preserving rewiring
  (the configuration model of "one need").
- `own-rewired`: a finer split proposed at the community's own density
  ("denser than the community it came from", the next level of the same
  bar), kept only when its CPM gain at that density beats the rewired draws.
- `fuzzy-graph` (not a test: the graph's weights): the engine's neighbours
  weighted as UMAP weights them instead of by shared neighbours, then the
  engine's partition.
- `local-density` (no test): each community split by CPM at the density of
  its notes and their linked neighbours, a bar that does not fall as far-off
  notes are added (the graph's density does).

The tag join, `split_unjoined` and tidying then run as in `grouping`. With
`--diagnose` (labels used to diagnose only, never as an input): the pairs of
notes each stage loses, the themes that hold two needs (with the link
density inside and between the two) and the needs spread over themes; the
ARI if the labels fixed one kind of error; the best bisection (lowest
conductance sweep cut of the Fiedler vector) of one need against that of a
theme of two; and the best ARI any bar on cut strength could reach, cutting
the weakest cut first, once or again inside the sides (an upper bound: the
bar is read off the labels).
Reads the embeddings `engine_benchmark` cached in `benchmarks/.cache`.
"""

import argparse
import datetime as dt
import hashlib
import random
import sys
import time
from collections import Counter
from math import comb
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import igraph as ig  # noqa: E402
import leidenalg  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from benchmarks import second_pass  # noqa: E402  (sets Django up)
from benchmarks.lexical import engine_partition  # noqa: E402
from benchmarks.second_pass import BANKING, DRAWS, FLOOR, ROOT  # noqa: E402
from demo.seed import builder  # noqa: E402
from insights.themes.engine import density_split, embeddings, grouping, tag_partners  # noqa: E402
from insights.themes.engine.csv_io import read_rows, split_tags  # noqa: E402
from insights.themes.engine.quality import _scorable  # noqa: E402


def load(name: str):
    """(texts, tags, truth, text vectors) of a set as `engine_benchmark` reads it."""
    if name == "demo":
        tags, truth, vectors = second_pass.load(name)
        specs = [
            builder.note_spec(builder.Options.seed, i, dt.date(2000, 1, 1))
            for i in range(builder.Options.notes)
        ]
        return [s["body"] for s in specs], tags, truth, vectors
    fields, rows = read_rows(BANKING if name == "banking" else Path(name))
    column = "label" if "label" in fields else "category"
    texts = [row["text"] or "" for row in rows]
    key = hashlib.sha256(("\n".join(texts) + embeddings.MODEL_NAME).encode("utf-8"))
    vectors = np.load(ROOT / f"benchmarks/.cache/embeddings-{key.hexdigest()[:16]}.npy")
    tags = [split_tags(row.get("tags")) for row in rows]
    return texts, tags, [row[column] for row in rows], vectors


def own_links(graph, members: np.ndarray) -> ig.Graph:
    """The community's notes and the links between them."""
    return graph.induced_subgraph(members.tolist())


def cpm_gain(sub: ig.Graph, parts: np.ndarray, resolution: float) -> float:
    """CPM quality of `parts` minus that of the whole set: resolution x cut pairs - cut weight."""
    edges = np.asarray(sub.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    weight = np.asarray(sub.es["weight"], dtype=np.float64)
    cut = weight[parts[edges[:, 0]] != parts[edges[:, 1]]].sum()
    sizes = np.bincount(parts)
    cut_pairs = (sizes.sum() ** 2 - (sizes**2).sum()) / 2
    return resolution * cut_pairs - cut


def best_cpm(sub: ig.Graph, resolution: float, seed: int) -> np.ndarray:
    found = leidenalg.find_partition(
        sub,
        leidenalg.CPMVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        seed=seed,
    )
    return np.asarray(found.membership, dtype=np.int64)


def rewired_draws(sub: ig.Graph):
    """DRAWS degree-preserving rewirings of `sub`; each edge keeps its weight."""
    weight = list(sub.es["weight"])
    for _ in range(DRAWS):
        draw = sub.copy()
        draw.rewire(n=10 * draw.ecount())
        draw.es["weight"] = weight  # rewiring drops edge attributes; swaps keep the count
        yield draw


def keep_random_halves(graph, members, parts, resolution, seed):
    sub = own_links(graph, members)
    observed = cpm_gain(sub, parts, resolution)
    rng = np.random.default_rng(seed)
    return all(cpm_gain(sub, rng.permutation(parts), resolution) < observed for _ in range(DRAWS))


def keep_rewired(graph, members, parts, resolution, seed):
    sub = own_links(graph, members)
    observed = cpm_gain(sub, parts, resolution)
    return all(
        cpm_gain(d, best_cpm(d, resolution, seed), resolution) < observed
        for d in rewired_draws(sub)
    )


def variant_pieces(name, graph, communities, pieces, seed=0):
    """Each note's piece under a variant (the engine's pieces, kept or not, or finer ones)."""
    if name == "engine":
        return pieces
    resolution = density_split.density(graph)
    out, fresh = pieces.copy(), int(pieces.max()) + 1
    for c in np.unique(communities):
        members = np.flatnonzero(communities == c)
        if len(members) < FLOOR:
            continue
        if name == "local-density":
            sub = own_links(graph, members)
            ring = np.unique(np.concatenate([graph.neighbors(int(v)) for v in members]))
            around = density_split.density(graph.induced_subgraph(ring.tolist()))
            parts = best_cpm(sub, around, seed)
            out[members] = fresh + parts
            fresh += int(parts.max()) + 1
            continue
        if name == "own-rewired":
            sub = own_links(graph, members)
            own = density_split.density(sub)
            parts = best_cpm(sub, own, seed)
            if parts.max() == 0:
                continue
            observed = cpm_gain(sub, parts, own)
            if all(cpm_gain(d, best_cpm(d, own, seed), own) < observed for d in rewired_draws(sub)):
                out[members] = fresh + parts
                fresh += int(parts.max()) + 1
            continue
        parts = np.unique(pieces[members], return_inverse=True)[1].ravel()
        if parts.max() == 0:
            continue
        keep = {"random-halves": keep_random_halves, "rewired": keep_rewired}[name]
        if not keep(graph, members, parts, resolution, seed + int(c)):
            out[members] = pieces[members[0]]
    return out


def scored(truth, labels):
    scorable = _scorable(labels)
    return (
        normalized_mutual_info_score(truth, scorable),
        adjusted_rand_score(truth, scorable),
        int(labels.max()) + 1,
    )


def stages(texts, tags, vectors, seed=0, build=None):
    """(graph, communities, pieces); `build(features, words)` replaces the engine's graph."""
    n = len(vectors)
    features = grouping._features(vectors, tags, seed)
    words = grouping._word_rows(texts, np.arange(n), n)
    graph = (build or grouping._graph)(features, words)
    return (graph, *engine_partition(graph, seed))


def fuzzy_graph(features, words) -> ig.Graph:
    """The engine's k nearest, weighted as UMAP weights them (McInnes, Healy & Melville
    2018) instead of by shared neighbours: exp(-(d - rho) / sigma), rho the distance to
    the note's nearest, sigma such that its k weights sum to log2 k; a + b - ab both
    ways. Distances are 1 - the whole similarity (meaning + the words' share)."""
    k = grouping.K_NEIGHBOURS
    found = grouping.nearest_neighbours(features, k, words)
    n = len(features)
    rows = np.repeat(np.arange(n), k)
    similarity = (features[rows] * features[found.ravel()]).sum(axis=1)
    if words is not None:
        pair = words[rows].multiply(words[found.ravel()]).sum(axis=1)
        similarity = similarity + grouping.words_module.WEIGHT**2 * np.asarray(pair).ravel()
    distance = similarity.reshape(n, k).max() - similarity.reshape(n, k)
    excess = distance - distance.min(axis=1, keepdims=True)
    low, high, sigma = np.zeros(n), np.full(n, np.inf), np.ones(n)
    for _ in range(64):  # bisection for each note's sigma
        above = np.exp(-excess / sigma[:, None]).sum(axis=1) > np.log2(k)
        high, low = np.where(above, sigma, high), np.where(above, low, sigma)
        sigma = np.where(np.isinf(high), sigma * 2, (low + high) / 2)
    weight = np.exp(-excess / sigma[:, None]).ravel()
    one_way = sp.csr_matrix((weight, (rows, found.ravel())), shape=(n, n))
    both = sp.triu(one_way + one_way.T - one_way.multiply(one_way.T), 1).tocoo()
    graph = ig.Graph(n=n, edges=np.column_stack([both.row, both.col]).tolist())
    graph.es["weight"] = both.data.tolist()
    return graph


def finish(communities, pieces, tags):
    joined = tag_partners.join(communities, tags)
    return grouping._tidy(density_split.split_unjoined(communities, pieces, joined)[0])


def lost_pairs(truth, labels):
    """(same-need pairs in different themes, different-need pairs in one theme)."""
    both = Counter(zip(truth.tolist(), labels.tolist(), strict=True))
    inside = sum(comb(v, 2) for v in both.values())
    need = sum(comb(v, 2) for v in Counter(truth.tolist()).values())
    theme = sum(comb(v, 2) for v in Counter(labels.tolist()).values())
    return need - inside, theme - inside


def diagnose(texts, tags, truth, vectors):
    truth = np.asarray(truth)
    graph, communities, pieces = stages(texts, tags, vectors)
    joined = tag_partners.join(communities, tags)
    final = finish(communities, pieces, tags)
    for stage, labels in [
        ("Leiden communities", communities),
        ("density-split pieces", pieces),
        ("tag join", joined),
        ("themes", final),
    ]:
        nmi, ari, count = scored(truth, np.unique(labels, return_inverse=True)[1].ravel())
        split, merged = lost_pairs(truth, labels)
        print(
            f"{stage:22} {nmi:.3f} / {ari:.3f} / {count}; same-need pairs apart {split:,},"
            f" different-need pairs together {merged:,}"
        )
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64)
    weight = np.asarray(graph.es["weight"])
    degree = np.bincount(edges.ravel(), weights=np.repeat(weight, 2), minlength=len(truth))
    total = degree.sum()  # 2m
    print("themes holding two needs (second need >= 15% of the theme):")
    for theme in range(final.max() + 1):
        members = final == theme
        top = Counter(truth[members].tolist()).most_common(2)
        if len(top) < 2 or top[1][1] < 0.15 * members.sum():
            continue
        a, b = (truth == top[0][0]) & members, (truth == top[1][0]) & members

        def dens(x, y):
            w = weight[(x[edges[:, 0]] & y[edges[:, 1]]) | (y[edges[:, 0]] & x[edges[:, 1]])].sum()
            pairs = x.sum() * (x.sum() - 1) / 2 if x is y else x.sum() * y.sum()
            return w / pairs

        expected = degree[a].sum() * degree[b].sum() / total  # the configuration model's
        print(
            f"  {members.sum():4} notes: {top}; link density inside "
            f"{dens(a, a):.4f} / {dens(b, b):.4f}, between {dens(a, b):.4f}"
            f" ({dens(a, b) * a.sum() * b.sum() / expected:.1f} x the configuration model)"
        )
    print("needs spread over themes (largest theme < 85% of the need):")
    for need in sorted(set(truth.tolist())):
        spread = Counter(final[truth == need].tolist()).most_common(3)
        if spread[0][1] < 0.85 * (truth == need).sum():
            print(f"  {need}: {(truth == need).sum()} notes in themes {spread}")
    rejoins(truth, final, edges, weight, degree)
    oracle_bounds(truth, final)
    cut_strength(truth, final, edges, weight)
    weakest_cuts(truth, final, edges, weight)
    weakest_cuts_recursive(truth, final, edges, weight)


def rejoins(truth, final, edges, weight, degree):
    """Pairs of themes whose merge would raise modularity, and how many are one need."""
    count, themed = final.max() + 1, (final[edges[:, 0]] >= 0) & (final[edges[:, 1]] >= 0)
    links = np.zeros((count, count))
    np.add.at(links, (final[edges[themed, 0]], final[edges[themed, 1]]), weight[themed])
    links += links.T
    volume = np.bincount(final[final >= 0], weights=degree[final >= 0], minlength=count)
    m = degree.sum() / 2
    gain = links / m - np.outer(volume, volume) / (2 * m * m)
    major = [Counter(truth[final == t].tolist()).most_common(1)[0][0] for t in range(count)]
    pairs = [(i, j) for i, j in zip(*np.nonzero(np.triu(gain, 1) > 0), strict=True)]
    same = sum(major[i] == major[j] for i, j in pairs)
    print(f"theme pairs whose merge would raise modularity: {len(pairs)}, of one need: {same}")
    size = np.bincount(final[final >= 0], minlength=count)
    density = links / np.maximum(np.outer(size, size), 1)
    closest = np.sort(np.triu(density, 1).ravel())[::-1][:10]
    print(f"link density of the 10 most densely linked pairs of themes: {closest.round(4)}")


def weakest_cuts(truth, final, edges, weight):
    """Cut themes (>= 20 notes) at their best bisection, weakest cut first: the best ARI
    any bar on cut strength could reach (the bar read off the labels: an upper bound)."""
    cuts = []
    for theme in range(final.max() + 1):
        members = np.flatnonzero(final == theme)
        if len(members) >= 20:
            contrast, conductance, side = best_bisection(members, edges, weight)
            cuts.append((conductance, contrast, members, side))
    for key, statistic in enumerate(["conductance", "contrast"]):
        labels, fresh, steps = final.copy(), final.max() + 1, []
        for cut in sorted(cuts, key=lambda c: c[key]):
            labels[cut[2][cut[3]]] = fresh
            fresh += 1
            steps.append(scored(truth, _re(labels)) + (cut[key],))
        print_best(f"weakest {statistic} first", steps, (1, 5, 10, 20))


def best_bisection(members, edges, weight):
    """The lowest-conductance sweep cut of the Fiedler vector of `members`' own links
    (normalised Laplacian; each side at least 5% of the notes), as (contrast,
    conductance, side): contrast is the link density between the sides over the
    geometric mean of their inside densities."""
    position = np.full(int(edges.max()) + 1, -1)
    position[members] = np.arange(len(members))
    own = (position[edges[:, 0]] >= 0) & (position[edges[:, 1]] >= 0)
    a, b, w = position[edges[own, 0]], position[edges[own, 1]], weight[own]
    size = len(members)
    matrix = np.zeros((size, size))
    np.add.at(matrix, (a, b), w)
    matrix += matrix.T
    degree = matrix.sum(axis=1) + 1e-12
    scale = 1 / np.sqrt(degree)
    fiedler = np.linalg.eigh(matrix * scale[:, None] * scale[None, :])[1][:, -2] * scale
    order, margin = np.argsort(fiedler), max(3, size // 20)
    best = (np.inf, None)
    for cut in range(margin, size - margin):
        side = np.zeros(size, dtype=bool)
        side[order[:cut]] = True
        volume = degree[side].sum()
        conductance = w[side[a] != side[b]].sum() / min(volume, degree.sum() - volume)
        if conductance < best[0]:
            best = (conductance, side)
    side = best[1]

    def density(x, y):
        between = w[(x[a] & y[b]) | (y[a] & x[b])].sum()
        return between / (x.sum() * (x.sum() - 1) / 2 if x is y else x.sum() * y.sum())

    other = ~side
    contrast = density(side, other) / np.sqrt(density(side, side) * density(other, other))
    return contrast, best[0], side


def spread(what, rows, extra=""):
    """Print the 10/50/90% points of (contrast, conductance) rows."""
    if len(rows):
        print(
            f"best bisection of {len(rows)} {what}: contrast 10/50/90%"
            f" {np.percentile(rows[:, 0], [10, 50, 90]).round(4).tolist()}, conductance"
            f" {np.percentile(rows[:, 1], [10, 50, 90]).round(3).tolist()}{extra}"
        )


def cut_strength(truth, final, edges, weight):
    """How weakly the best bisection of one need is linked, against that of a theme
    holding two: if the ranges overlap, no test of cut strength tells them apart."""
    single = []
    for need in sorted(set(truth.tolist())):
        theme = Counter(final[truth == need].tolist()).most_common(1)[0][0]
        members = np.flatnonzero((truth == need) & (final == theme))
        if len(members) >= 20:
            single.append(best_bisection(members, edges, weight)[:2])
    spread("needs alone (their notes in their main theme, >= 20)", np.reshape(single, (-1, 2)))
    mixed, pure, along = [], [], 0
    for theme in range(final.max() + 1):
        members = np.flatnonzero(final == theme)
        top = Counter(truth[members].tolist()).most_common(2)
        if len(members) < 20:
            continue
        contrast, conductance, side = best_bisection(members, edges, weight)
        if len(top) < 2 or top[1][1] < 0.15 * len(members):
            pure.append((contrast, conductance))
            continue
        mixed.append((contrast, conductance))
        first = Counter(truth[members][side].tolist()).most_common(1)[0][0]
        second = Counter(truth[members][~side].tolist()).most_common(1)[0][0]
        along += first != second
    mixed, pure = np.reshape(mixed, (-1, 2)), np.reshape(pure, (-1, 2))
    spread("themes of one need (>= 20 notes)", pure)
    if len(mixed) == 0:
        return
    from sklearn.metrics import roc_auc_score

    labels = np.r_[np.zeros(len(pure)), np.ones(len(mixed))]
    print(
        "  how well a weak cut marks a theme of two needs (ROC AUC):"
        f" contrast {roc_auc_score(labels, -np.r_[pure[:, 0], mixed[:, 0]]):.2f},"
        f" conductance {roc_auc_score(labels, -np.r_[pure[:, 1], mixed[:, 1]]):.2f}"
    )
    spread(
        "themes holding two needs (>= 20 notes)",
        mixed,
        f"; the two sides' majority needs differ in {along}",
    )


def oracle_bounds(truth, final):
    """ARI if the labels fixed one kind of error (diagnosis only: what each kind costs)."""
    needs = np.unique(truth, return_inverse=True)[1].ravel()
    split = final * (needs.max() + 1) + needs  # every theme cut along its needs
    print(f"ARI if every theme were cut along its needs: {scored(truth, _re(split))[1]:.3f}")
    owner = {}  # each need's largest theme
    for need in np.unique(needs):
        owner[need] = Counter(final[needs == need].tolist()).most_common(1)[0][0]
    majority = {t: Counter(needs[final == t].tolist()).most_common(1)[0][0] for t in set(final)}
    joined = np.array([owner[majority[t]] for t in final])  # each theme joined to its need's
    print(
        f"ARI if every theme joined its majority need's largest theme: "
        f"{scored(truth, _re(joined))[1]:.3f}"
    )
    for top in (1, 3, 5, 10):
        sizes = Counter(final.tolist())
        merged = sorted(
            (t for t in sizes if len(set(needs[final == t].tolist())) > 1),
            key=lambda t: (
                -(sizes[t] ** 2 - sum(v * v for v in Counter(needs[final == t].tolist()).values()))
            ),
        )[:top]
        cut = np.where(np.isin(final, merged), split, final * (needs.max() + 1))
        print(
            f"ARI if the {top} most mixed themes were cut along their needs: "
            f"{scored(truth, _re(cut))[1]:.3f}"
        )


def weakest_cuts_recursive(truth, final, edges, weight, steps=120):
    """As `weakest_cuts`, but each cut's two sides are candidates again (a theme of
    three or four needs needs more than one cut): the globally weakest cut first."""
    import heapq

    labels, fresh, heap, found = final.copy(), final.max() + 1, [], []

    def push(members):
        if len(members) >= 20:
            _, conductance, side = best_bisection(members, edges, weight)
            heapq.heappush(heap, (conductance, int(members[0]), members, side))

    for theme in range(final.max() + 1):
        push(np.flatnonzero(final == theme))
    while heap and len(found) < steps:
        conductance, _, members, side = heapq.heappop(heap)
        labels[members[side]] = fresh
        fresh += 1
        found.append(scored(truth, _re(labels)) + (conductance,))
        push(members[side])
        push(members[~side])
    print_best("weakest conductance first, sides cut again", found, (10, 20, 40, 80))


def print_best(what, steps, marks):
    """The best of (NMI, ARI, themes, bar) after each cut, and the ARI after `marks` cuts."""
    best = int(np.argmax([step[1] for step in steps]))
    nmi, ari, count, bar = steps[best]
    print(
        f"{what}: best after {best + 1} cuts (bar {bar:.4f}): {nmi:.3f} / {ari:.3f} / {count};"
        f" after {', '.join(map(str, marks))} cuts ARI "
        f"{[round(steps[i - 1][1], 3) for i in marks if i <= len(steps)]}"
    )


def _re(labels):
    return np.unique(labels, return_inverse=True)[1].ravel()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", help="banking, demo, or a CSV path")
    parser.add_argument(
        "--variants", nargs="+", default=["engine", "random-halves", "rewired", "own-rewired"]
    )
    parser.add_argument("--diagnose", action="store_true")
    parser.add_argument(
        "--seeds", type=int, default=0, help="the engine alone over seeds 0..N-1 (PCA and Leiden)"
    )
    args = parser.parse_args()
    for name in args.sets:
        texts, tags, truth, vectors = load(name)
        if args.seeds:
            found = []
            for seed in range(args.seeds):
                graph, communities, pieces = stages(texts, tags, vectors, seed=seed)
                found.append(scored(truth, finish(communities, pieces, tags)))
                nmi, ari, count = found[-1]
                print(f"{Path(name).stem:16} seed {seed}  {nmi:.3f} / {ari:.3f} / {count}")
            mean, sd = np.mean(found, axis=0), np.std(found, axis=0, ddof=1)
            print(
                f"{Path(name).stem:16} mean    {mean[0]:.3f} / {mean[1]:.3f} / {mean[2]:.1f}"
                f" (sd {sd[0]:.3f} / {sd[1]:.3f} / {sd[2]:.1f})",
                flush=True,
            )
            continue
        if args.diagnose:
            diagnose(texts, tags, truth, vectors)
            continue
        if "fuzzy-graph" in args.variants:
            graph, communities, pieces = stages(texts, tags, vectors, build=fuzzy_graph)
            nmi, ari, count = scored(truth, finish(communities, pieces, tags))
            print(f"{Path(name).stem:16} fuzzy-graph    {nmi:.3f} / {ari:.3f} / {count}")
        graph, communities, pieces = stages(texts, tags, vectors)
        for variant in [v for v in args.variants if v != "fuzzy-graph"]:
            random.seed(0)  # igraph's rewiring draws from Python's generator
            started = time.perf_counter()
            finer = variant_pieces(variant, graph, communities, pieces)
            seconds = time.perf_counter() - started
            nmi, ari, count = scored(truth, finish(communities, finer, tags))
            print(
                f"{Path(name).stem:16} {variant:14} {nmi:.3f} / {ari:.3f} / {count}"
                f"  ({seconds:.1f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
