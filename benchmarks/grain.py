"""The grain of the grouping read from the graph itself: CPM and neighbourhood-size variants.

    .venv/bin/python benchmarks/grain.py banking demo /path/to/clinc150_test.csv

An experiment, not the engine (issue 10, session 7; docs/theme-engine.md). With 10
neighbours per note, needs of few notes link across and modularity at resolution 1
merges them; each variant below reads a resolution or a neighbourhood size from the
graph instead of a constant, then the tag join and tidying run as in `grouping.group`:

- `engine`: the engine as it is (RBConfiguration, resolution 1, k = 10).
- `cpm-refine`: the engine's communities, each split where `cpm-density` splits it
  (CPM run on each community's own subgraph), never merged across.
- `cpm-refine-unjoined`: the tag join first, then `cpm-refine` only inside the themes
  that are one community of the text graph (not where tags joined phrasings).
- `cpm-density`: the Constant Potts Model with its resolution set to the graph's own
  weighted edge density (total weight over pairs of notes): a community must be denser
  than the graph as a whole, the CPM reading of "more densely linked than chance".
- `cpm-clique`: CPM at the density of a community of notes that are each other's
  neighbours: in a clique of k + 1 notes whose neighbourhoods coincide every
  shared-neighbour weight is 1, but real neighbourhoods overlap only partly, so the
  density such a community actually has is the mean weight of the graph's mutual-kNN
  edges (notes that are in each other's neighbourhoods).
- `k-connect`: a second graph whose k is the smallest neighbourhood that still holds a
  typical community together: for each community found at resolution 1 the smallest
  k' (1..10) at which its notes' own k'-neighbourhoods (restricted to the community)
  connect it, the note-weighted median over communities; then Leiden at resolution 1
  on the k' graph. Fewer neighbours link fewer notes across needs; fewer than that
  split a need that is one.
- `k-log`: k = ceil(ln s), s the size of the community a typical note is in at
  resolution 1 (note-weighted median): the order at which a random geometric
  kNN graph on s points becomes connected (Balister, Bollobás, Sarkar & Walters 2005).
- `cpm-typical`: CPM at the density of a community the size of a typical one at
  resolution 1 whose notes keep their links inside: mean weighted degree / (s - 1)
  (`cpm-density` is the same with s = n).
- `cpm-out`: modularity whose null counts only the weight of each note's own k links.
- `significance`: Traag, Krings & Van Dooren (2013), parameter-free, unweighted.
- `rb-plateau`: the resolution on a sqrt(2) grid from 0.5 to 16 whose partition agrees
  most with its two neighbours'; `champ` / `champ-cpm`: CHAMP (Weir et al. 2017) over
  the same grid's partitions, for modularity / CPM at multiples of the density.
- `csls`, `abtt` (and `-cpm`): hubness reduction before the graph (CSLS re-ranking;
  all-but-the-top), partitioned by modularity (or by `cpm-density`).

Prints NMI / ARI / themes (scored as `engine_benchmark` scores them), the resolution or
k each variant chose, and its seconds. Reads the embeddings `engine_benchmark` cached.
With `--seeds N`, those of engine, cpm-density, cpm-refine, cpm-refine-unjoined, champ
and champ-cpm that `--variants` names, over Leiden seeds 0..N-1; with `--strength`, the
engine's communities' weighted degree against their purity.
"""

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import igraph as ig  # noqa: E402
import leidenalg  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from scipy.sparse.csgraph import connected_components  # noqa: E402

from benchmarks.second_pass import load, scored  # noqa: E402  (sets Django up)
from insights.themes.engine import grouping, tag_partners  # noqa: E402

K = grouping.K_NEIGHBOURS
VARIANTS = [
    "engine",
    "cpm-density",
    "cpm-refine",
    "cpm-refine-unjoined",
    "cpm-out",
    "cpm-clique",
    "cpm-typical",
    "k-connect",
    "k-log",
    "significance",
    "rb-plateau",
    "champ",
    "champ-cpm",
    "csls",
    "csls-cpm",
    "abtt",
    "abtt-cpm",
]


def graph_of(neighbours: np.ndarray) -> ig.Graph:
    i, j, weight = grouping.shared_neighbour_graph(neighbours)
    graph = ig.Graph(n=len(neighbours), edges=np.column_stack([i, j]).tolist())
    graph.es["weight"] = weight.tolist()
    return graph


def rb(graph: ig.Graph, resolution: float = 1.0, seed: int = 0) -> np.ndarray:
    return leiden(graph, leidenalg.RBConfigurationVertexPartition, resolution, seed)


def cpm(graph: ig.Graph, resolution: float, seed: int = 0) -> np.ndarray:
    return leiden(graph, leidenalg.CPMVertexPartition, resolution, seed)


def leiden(graph: ig.Graph, quality, resolution: float, seed: int, passes: int = 2) -> np.ndarray:
    """Leiden's partition; `passes` = -1 iterates until a pass changes nothing."""
    found = leidenalg.find_partition(
        graph,
        quality,
        weights="weight",
        resolution_parameter=resolution,
        seed=seed,
        n_iterations=passes,
    )
    return np.asarray(found.membership)


def density(graph: ig.Graph) -> float:
    n = graph.vcount()
    return 2 * sum(graph.es["weight"]) / (n * (n - 1))


def typical_size(labels: np.ndarray) -> float:
    """Size of the community a typical note is in (note-weighted median)."""
    sizes = np.bincount(labels)[labels]
    return float(np.median(sizes))


def mutual_mean_weight(neighbours: np.ndarray, graph: ig.Graph) -> float:
    n, k = neighbours.shape
    rows = np.repeat(np.arange(n), k)
    knn = sp.csr_matrix((np.ones(n * k), (rows, neighbours.ravel())), (n, n))
    mutual = knn.multiply(knn.T)
    edges = np.asarray(graph.get_edgelist())
    is_mutual = np.asarray(mutual[edges[:, 0], edges[:, 1]]).ravel() > 0
    return float(np.asarray(graph.es["weight"])[is_mutual].mean())


def connecting_k(neighbours: np.ndarray, labels: np.ndarray) -> int:
    """Note-weighted median over communities of the smallest k' that connects each one
    through its notes' own k'-neighbourhoods, restricted to the community."""
    n = len(neighbours)
    smallest = np.full(labels.max() + 1, K)
    pending = set(np.unique(labels[np.bincount(labels)[labels] > 1]).tolist())
    for k in range(1, K + 1):
        if not pending:
            break
        rows = np.repeat(np.arange(n), k)
        cols = neighbours[:, :k].ravel()
        inside = labels[rows] == labels[cols]
        adjacency = sp.csr_matrix((np.ones(inside.sum()), (rows[inside], cols[inside])), (n, n))
        _, component = connected_components(adjacency, directed=True, connection="weak")
        for c in list(pending):
            if len(np.unique(component[labels == c])) == 1:
                smallest[c] = k
                pending.discard(c)
    sizes = np.bincount(labels)
    order = np.argsort(smallest)
    cumulative = np.cumsum(sizes[order])
    return int(smallest[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


PLATEAU_GRID = [2 ** (j / 2) for j in range(-2, 9)]  # 0.5 .. 16, steps of sqrt(2)


def plateau(graph: ig.Graph, at_one: np.ndarray) -> tuple[np.ndarray, float]:
    """The resolution whose partition changes least when the resolution moves one step
    either way (mean ARI with both neighbours on the grid): the most stable scale."""
    from sklearn.metrics import adjusted_rand_score

    partitions = [at_one if r == 1 else rb(graph, r) for r in PLATEAU_GRID]
    agreement = [
        (
            adjusted_rand_score(partitions[i - 1], partitions[i])
            + adjusted_rand_score(partitions[i], partitions[i + 1])
        )
        / 2
        for i in range(1, len(partitions) - 1)
    ]
    best = 1 + int(np.argmax(agreement))
    print(
        "    agreement by resolution: "
        + ", ".join(f"{PLATEAU_GRID[i + 1]:.2f}: {a:.3f}" for i, a in enumerate(agreement))
    )
    return partitions[best], PLATEAU_GRID[best]


def csls_neighbours(vectors: np.ndarray, k: int, pool: int = 3) -> np.ndarray:
    """Each note's k nearest by CSLS (Conneau et al. 2018): 2 cos(x, y) - r(x) - r(y),
    r the mean cosine to a note's own k nearest. A hub, close to everything because it
    sits near the middle of the cloud, loses its advantage; candidates are the pool * k
    nearest by cosine."""
    import faiss

    data = np.ascontiguousarray(vectors, dtype=np.float32)
    index = faiss.IndexFlatIP(data.shape[1])
    index.add(data)
    with grouping._search_threads(os.cpu_count() or 1):
        sims, found = index.search(data, min(len(data), pool * k + 1))
    own = found == np.arange(len(data))[:, None]
    sims = np.where(own, -np.inf, sims.astype(np.float64))
    order = np.argsort(-sims, axis=1, kind="stable")
    r = np.take_along_axis(sims, order[:, :k], axis=1).mean(axis=1)
    score = 2 * sims - r[:, None] - r[np.maximum(found, 0)]
    score[own | (found < 0)] = -np.inf
    best = np.argsort(-score, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(found, best, axis=1).astype(np.int64)


def champ(graph: ig.Graph, at_one: np.ndarray | None, er: bool = False, seed: int = 0):
    """CHAMP (Weir, Emmons, Gibson, Taylor & Mucha 2017): each partition's modularity is a
    line in the resolution, a - gamma * b (a: weight inside communities, b: the null's
    expected weight inside them); keep the partition optimal over the widest range of
    resolutions (measured in log gamma) within the grid's span. With `er`, the same on
    CPM at multiples of the graph's density (the null of uniform degrees: b is then the
    density times the pairs inside communities)."""
    if er:
        p = density(graph)
        partitions = [cpm(graph, r * p, seed) for r in PLATEAU_GRID]
    else:
        partitions = [
            at_one if r == 1 and at_one is not None else rb(graph, r, seed) for r in PLATEAU_GRID
        ]
    edges = np.asarray(graph.get_edgelist())
    weight = np.asarray(graph.es["weight"])
    strength = np.asarray(graph.strength(weights="weight"))
    total = weight.sum()
    lines = []
    for labels in partitions:
        inside = weight[labels[edges[:, 0]] == labels[edges[:, 1]]].sum()
        if er:
            sizes = np.bincount(labels).astype(np.float64)
            lines.append((inside, density(graph) * (sizes * (sizes - 1)).sum() / 2))
        else:
            per_community = np.bincount(labels, weights=strength)
            lines.append((inside, (per_community**2).sum() / (4 * total)))
    lines = np.asarray(lines)
    gammas = np.exp(np.linspace(np.log(PLATEAU_GRID[0]), np.log(PLATEAU_GRID[-1]), 2001))
    best = np.argmax(lines[:, :1] - lines[:, 1:] * gammas[None, :], axis=0)
    widths = np.bincount(best, minlength=len(partitions))
    chosen = int(np.argmax(widths))
    span = gammas[best == chosen]
    return partitions[chosen], PLATEAU_GRID[chosen], float(span.min()), float(span.max())


def by_own_links(graph: ig.Graph, neighbours: np.ndarray, seed: int = 0) -> np.ndarray:
    """Modularity whose null gives each note the weight of its own k links (to the notes
    it chose as neighbours) rather than all its links: the links other notes make to it
    are hubness, not a larger share of the graph. CPM with node sizes does this:
    Q = sum_c e_c - gamma * N_c^2 / 2, N_c the community's summed own-link weight
    (scaled to integers), with gamma making the null's total equal the graph's."""
    n, k = neighbours.shape
    weights = {}
    for (i, j), w in zip(graph.get_edgelist(), graph.es["weight"], strict=True):
        weights[i, j] = weights[j, i] = w
    own = np.array([sum(weights[i, j] for j in neighbours[i]) for i in range(n)])
    sizes = np.maximum(1, np.rint(own * 1000)).astype(int)
    total = sum(graph.es["weight"])
    found = leidenalg.find_partition(
        graph,
        leidenalg.CPMVertexPartition,
        weights="weight",
        node_sizes=sizes.tolist(),
        resolution_parameter=2 * total / float(sizes.sum()) ** 2,
        seed=seed,
    )
    return np.asarray(found.membership)


def over_seeds(stem, tags, truth, text_vectors, seeds, variants):
    """Whether a variant's difference from the engine is larger than Leiden's seed noise."""
    vectors = grouping._features(text_vectors, tags, 0)
    graph = graph_of(grouping.nearest_neighbours(vectors, min(K, len(vectors) - 1)))
    partitions = {
        "engine": lambda seed: rb(graph, 1.0, seed),
        "cpm-density": lambda seed: cpm(graph, density(graph), seed),
        "cpm-refine": lambda seed: refine(graph, rb(graph, 1.0, seed), density(graph), seed),
        "cpm-refine-unjoined": lambda seed: (
            -1 - refine_unjoined(graph, rb(graph, 1.0, seed), tags, seed)
        ),
        "champ": lambda seed: champ(graph, None, seed=seed)[0],
        "champ-cpm": lambda seed: champ(graph, None, er=True, seed=seed)[0],
    }
    for variant, partition in partitions.items():
        if variant not in variants:
            continue
        figures = np.array(
            [
                [float(x) for x in scored(truth, partition(seed), tags).split(" / ")]
                for seed in range(seeds)
            ]
        )
        mean, sd = figures.mean(axis=0), figures.std(axis=0, ddof=1)
        print(
            f"{stem:16} {variant:12} seeds 0-{seeds - 1}: NMI {mean[0]:.3f} ± {sd[0]:.3f}, "
            f"ARI {mean[1]:.3f} ± {sd[1]:.3f}, themes {mean[2]:.0f} ± {sd[2]:.0f}",
            flush=True,
        )


def refine(graph: ig.Graph, labels: np.ndarray, resolution: float, seed: int = 0) -> np.ndarray:
    """Modularity's communities, each split where CPM at the whole graph's density
    splits it (CPM is local: its optimum inside a community does not depend on the rest
    of the graph), never merged across."""
    out, fresh = labels.copy(), int(labels.max()) + 1
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if len(members) < 2:
            continue
        parts = cpm(graph.induced_subgraph(members.tolist()), resolution, seed)
        for part in range(1, parts.max() + 1):
            out[members[parts == part]] = fresh
            fresh += 1
    return out


def refine_unjoined(graph: ig.Graph, labels: np.ndarray, tags, seed: int = 0) -> np.ndarray:
    """The tag join as the engine runs it, then `refine` inside the themes that are one
    community of the text graph: where the reps' tags said several phrasings are one
    need, the density bar does not cut it again."""
    joined = tag_partners.join(labels, tags)
    parts_per_theme = {t: len(np.unique(labels[joined == t])) for t in np.unique(joined)}
    alone = np.array([parts_per_theme[t] == 1 for t in joined])
    out = joined.copy()
    cut = refine(graph, labels, density(graph), seed)
    fresh = int(joined.max()) + 1
    for piece in np.unique(cut[alone]):  # a piece lies inside one community, so one theme
        out[alone & (cut == piece)] = fresh
        fresh += 1
    return out


def strength_and_purity(stem, tags, truth, text_vectors):
    """Why the uniform null helps: are the engine's merged communities the loosely knit
    ones (low weighted degree), and are they the ones cpm-density splits?"""
    from scipy.stats import spearmanr

    vectors = grouping._features(text_vectors, tags, 0)
    graph = graph_of(grouping.nearest_neighbours(vectors, min(K, len(vectors) - 1)))
    labels, finer = rb(graph), cpm(graph, density(graph))
    strength = np.asarray(graph.strength(weights="weight"))
    truth = np.unique(np.asarray(truth), return_inverse=True)[1]
    rows = []
    for c in np.unique(labels):
        members = labels == c
        if members.sum() < 6:
            continue
        purity = np.bincount(truth[members]).max() / members.sum()
        kept = np.bincount(finer[members]).max() / members.sum()
        rows.append((strength[members].mean(), purity, kept < 0.9))
    rows = np.asarray(rows)
    split = rows[:, 2] > 0
    rho = spearmanr(rows[:, 0], rows[:, 1]).statistic
    print(
        f"{stem:16} {len(rows)} communities; Spearman(mean strength, purity) = {rho:.2f}; "
        f"cpm-density splits {split.sum()} (a tenth or more of their notes leave the "
        f"largest piece): mean purity {rows[split, 1].mean():.3f}, "
        f"strength {rows[split, 0].mean():.2f}; the rest "
        f"{rows[~split, 1].mean():.3f}, {rows[~split, 0].mean():.2f}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", help="banking, demo, or a CSV path")
    parser.add_argument(
        "--variants",
        nargs="+",
        default=VARIANTS,
        choices=VARIANTS,
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=0,
        help="instead: the variants (engine, cpm-density, cpm-refine[-unjoined], champ[-cpm]) "
        "over this many Leiden seeds (mean, sd)",
    )
    parser.add_argument(
        "--strength",
        action="store_true",
        help="instead: the engine's communities' weighted degree against their purity",
    )
    args = parser.parse_args()
    for name in args.sets:
        tags, truth, text_vectors = load(name)
        if args.strength:
            strength_and_purity(Path(name).stem, tags, truth, text_vectors)
            continue
        if args.seeds:
            over_seeds(Path(name).stem, tags, truth, text_vectors, args.seeds, args.variants)
            continue
        started = time.perf_counter()
        vectors = grouping._features(text_vectors, tags, 0)
        n = len(vectors)
        neighbours = grouping.nearest_neighbours(vectors, min(K, n - 1))
        graph = graph_of(neighbours)
        labels = rb(graph)
        base_seconds = time.perf_counter() - started
        stem = Path(name).stem
        for variant in args.variants:
            started = time.perf_counter()
            if variant == "engine":
                found, chose = labels, f"s={typical_size(labels):.0f}"
            elif variant == "cpm-density":
                resolution = density(graph)
                found, chose = cpm(graph, resolution), f"gamma={resolution:.2e}"
            elif variant == "cpm-clique":
                resolution = mutual_mean_weight(neighbours, graph)
                found, chose = cpm(graph, resolution), f"gamma={resolution:.3f}"
            elif variant == "cpm-typical":
                resolution = density(graph) * (n - 1) / (typical_size(labels) - 1)
                found, chose = cpm(graph, resolution), f"gamma={resolution:.2e}"
            elif variant == "rb-plateau":
                found, resolution = plateau(graph, labels)
                chose = f"gamma={resolution:.2f}"
            elif variant in ("csls", "csls-cpm"):
                csls_graph = graph_of(csls_neighbours(vectors, min(K, n - 1)))
                if variant == "csls":
                    found, chose = rb(csls_graph), "k=10"
                else:
                    resolution = density(csls_graph)
                    found, chose = cpm(csls_graph, resolution), f"gamma={resolution:.2e}"
            elif variant in ("abtt", "abtt-cpm"):
                # All-but-the-top (Mu & Viswanath 2018): PCA already removed the mean;
                # drop the top d/100 directions (one of 128), which every note shares.
                top = max(1, round(vectors.shape[1] / 100))
                rest = vectors[:, top:] / np.linalg.norm(vectors[:, top:], axis=1, keepdims=True)
                abtt_graph = graph_of(grouping.nearest_neighbours(rest, min(K, n - 1)))
                if variant == "abtt":
                    found, chose = rb(abtt_graph), f"top={top}"
                else:
                    resolution = density(abtt_graph)
                    found, chose = cpm(abtt_graph, resolution), f"gamma={resolution:.2e}"
            elif variant in ("champ", "champ-cpm"):
                found, at, low, high = champ(graph, labels, er=variant == "champ-cpm")
                chose = f"{at:.2f} (best {low:.2f}-{high:.2f})"
            elif variant == "cpm-out":
                found, chose = by_own_links(graph, neighbours), "out-strength null"
            elif variant == "cpm-refine":
                found, chose = refine(graph, labels, density(graph)), "within communities"
            elif variant == "cpm-refine-unjoined":
                found, chose = refine_unjoined(graph, labels, tags), "themes text alone made"
                found = -1 - found  # joined already; `scored` joins no labels below zero
            elif variant == "significance":
                found = np.asarray(
                    leidenalg.find_partition(
                        graph, leidenalg.SignificanceVertexPartition, seed=0
                    ).membership
                )
                chose = "unweighted"
            elif variant in ("k-connect", "k-log"):
                if variant == "k-connect":
                    k = connecting_k(neighbours, labels)
                else:
                    k = min(K, max(1, math.ceil(math.log(typical_size(labels)))))
                found = labels if k == K else rb(graph_of(neighbours[:, :k]))
                chose = f"k={k}"
            else:
                raise SystemExit(f"unknown variant {variant}")
            seconds = time.perf_counter() - started
            print(
                f"{stem:16} {variant:12} {scored(truth, found, tags)}  {chose:16} "
                f"(+{seconds:.1f} s; graph + Leiden {base_seconds:.1f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
