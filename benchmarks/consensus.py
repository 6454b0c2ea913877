"""Consensus over Leiden seeds: group on what several runs agree on.

    .venv/bin/python benchmarks/consensus.py banking demo /path/to/set.csv --runs 10

An experiment, not the engine (issue 10, session 10; docs/theme-engine.md). Leiden's
optimum is degenerate: many partitions have nearly the same modularity, and which
one a run finds depends on its seed (Banking77's ARI over seeds 0-9: 0.646 ± 0.010).
What every run agrees on is structure; what flips between seeds is noise. Each
variant runs the engine's steps with the seeds 0..R-1 (a fixed list, so the result
is deterministic) and reads, for every edge of the neighbour graph, the share of
runs in which its two notes land together (co-association):

- `engine`: the engine as it is (seed 0).
- `converged`: no consensus; Leiden (seed 0) iterated until a pass changes nothing
  (`n_iterations=-1`) instead of the engine's two passes, then the engine's steps:
  a run that has converged is less at the mercy of its seed.
- `final-cc`: the co-association of the final themes (after the tag join and the
  density split); themes are the connected components of the edges whose notes
  are together in a majority of runs.
- `final-lf`: the same co-association, grouped as Lancichinetti & Fortunato (2012)
  do: Leiden (modularity, resolution 1) on the majority edges weighted by their
  co-association, R seeds again, until every edge is agreed on by all runs or
  none; the components then.
- `comm-lf`: the consensus (as `final-lf`) of modularity's communities alone; then
  the tag join and the density split (seed 0) on it as in the engine.
- `comm-weighted`: one more Leiden run (modularity, seed 0) on the neighbour graph
  with each link's weight multiplied by its co-association over modularity's
  communities, then the engine's steps: links the runs disagree on count less.
- `comm-lf-pieces`: as `comm-lf`, and the density split's pieces by consensus too
  (majority components of the pieces' co-association inside each community).

The `final-*` variants cannot keep a theme the tags joined from phrasings that no
edge links (the demo's), since their consensus lives on the neighbour graph's edges;
`comm-*` take the consensus before the tag join, as the engine's steps run.

Prints NMI / ARI / themes (scored as `engine_benchmark` scores them) and seconds
(features, graph and all runs). With `--spread`: the engine over seeds 0..R-1 (mean
± sd, min / max ARI) and `comm-lf` over seeds 0..R-1 and R..2R-1, to tell the
consensus's gain from a lucky seed. With `--cross`: for each theme whose two largest
labels both have 20 notes or more and the first under 80%, the share of the link
weight between the two labels against random mixing of the two (2pq / (p + q)^2),
and the same for the best modularity split of every theme of 40 notes or more
(is a merge of two labels a weaker seam than a phrasing inside one?); the ARI
with every theme's splits or merges undone by the labels (where ARI is lost); the
ARI without the density split and the best ARI over every subset of its splits
kept — the ceiling of any test that can only undo its splits. Reads the
embeddings `engine_benchmark` cached.
"""

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import igraph as ig  # noqa: E402
import leidenalg  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from scipy.sparse.csgraph import connected_components  # noqa: E402

from benchmarks.grain import leiden  # noqa: E402
from benchmarks.lexical import scored, texts_of  # noqa: E402
from benchmarks.second_pass import load  # noqa: E402  (sets Django up)
from insights.themes.engine import density_split, grouping, tag_partners  # noqa: E402
from insights.themes.engine import words as words_module  # noqa: E402

VARIANTS = [
    "engine",
    "converged",
    "final-cc",
    "final-lf",
    "comm-lf",
    "comm-lf-pieces",
    "comm-weighted",
]
MAX_ROUNDS = 10


def modularity(graph: ig.Graph, seed: int, passes: int = 2) -> np.ndarray:
    """The engine's communities: modularity at resolution 1."""
    found = leiden(graph, leidenalg.RBConfigurationVertexPartition, 1.0, seed, passes)
    return found.astype(np.int64)


def agreement(edges: np.ndarray, memberships: list[np.ndarray]) -> np.ndarray:
    """Share of runs in which each edge's two notes are in one group."""
    together = [m[edges[:, 0]] == m[edges[:, 1]] for m in memberships]
    return np.mean(together, axis=0)


def components(n: int, edges: np.ndarray, keep: np.ndarray) -> np.ndarray:
    kept = edges[keep]
    adjacency = sp.csr_matrix((np.ones(len(kept)), (kept[:, 0], kept[:, 1])), shape=(n, n))
    return connected_components(adjacency, directed=False)[1].astype(np.int64)


def majority_components(n, edges, memberships) -> np.ndarray:
    return components(n, edges, agreement(edges, memberships) > 0.5)


def lancichinetti_fortunato(n, edges, memberships, seeds) -> tuple[np.ndarray, int]:
    """Consensus clustering: re-partition the majority co-association graph until all agree."""
    for rounds in range(1, MAX_ROUNDS + 1):
        share = agreement(edges, memberships)
        keep = share > 0.5
        if np.all(share[keep] == 1.0) or rounds == MAX_ROUNDS:
            return components(n, edges, keep), rounds
        graph = ig.Graph(n=n, edges=edges[keep].tolist())
        graph.es["weight"] = share[keep].tolist()
        memberships = [modularity(graph, s) for s in seeds]
    raise AssertionError


def final_labels(graph, communities, tags, seed):
    pieces = density_split.pieces(graph, communities, seed)
    joined = tag_partners.join(communities, tags)
    return density_split.split_unjoined(communities, pieces, joined)[0]


def run(text_vectors, tags, texts, runs: int, variants):
    started = time.perf_counter()
    graph, edges = graph_of(text_vectors, tags, texts)
    n = graph.vcount()
    base = time.perf_counter() - started
    seeds = list(range(runs))
    out, seconds, notes = {}, {}, {}

    started = time.perf_counter()
    communities = [modularity(graph, s) for s in seeds]
    leiden_seconds = time.perf_counter() - started
    engine = None
    if any(v.startswith("final") or v == "engine" for v in variants):
        started = time.perf_counter()
        finals = [final_labels(graph, c, tags, s) for c, s in zip(communities, seeds, strict=True)]
        finals_seconds = time.perf_counter() - started
        engine = finals[0]
    if "engine" in variants:
        out["engine"] = engine
        seconds["engine"] = base + (leiden_seconds + finals_seconds) / runs
    if "converged" in variants:
        started = time.perf_counter()
        out["converged"] = final_labels(graph, modularity(graph, 0, passes=-1), tags, 0)
        seconds["converged"] = base + time.perf_counter() - started
    if "final-cc" in variants:
        started = time.perf_counter()
        out["final-cc"] = majority_components(n, edges, finals)
        seconds["final-cc"] = base + leiden_seconds + finals_seconds + time.perf_counter() - started
    if "final-lf" in variants:
        started = time.perf_counter()
        out["final-lf"], rounds = lancichinetti_fortunato(n, edges, finals, seeds)
        seconds["final-lf"] = base + leiden_seconds + finals_seconds + time.perf_counter() - started
        notes["final-lf"] = f"{rounds} rounds"
    if "comm-lf" in variants or "comm-lf-pieces" in variants:
        started = time.perf_counter()
        agreed, rounds = lancichinetti_fortunato(n, edges, communities, seeds)
        agreed_seconds = time.perf_counter() - started
        if "comm-lf" in variants:
            started = time.perf_counter()
            out["comm-lf"] = final_labels(graph, agreed, tags, 0)
            seconds["comm-lf"] = (
                base + leiden_seconds + agreed_seconds + time.perf_counter() - started
            )
            notes["comm-lf"] = f"{rounds} rounds"
        if "comm-lf-pieces" in variants:
            started = time.perf_counter()
            pieces = [density_split.pieces(graph, agreed, s) for s in seeds]
            # Pieces never cross communities, so their majority components do not either.
            agreed_pieces = majority_components(n, edges, pieces)
            pairs = np.column_stack([agreed, agreed_pieces])
            agreed_pieces = np.unique(pairs, axis=0, return_inverse=True)[1].ravel()
            joined = tag_partners.join(agreed, tags)
            out["comm-lf-pieces"] = density_split.split_unjoined(agreed, agreed_pieces, joined)[0]
            seconds["comm-lf-pieces"] = (
                base + leiden_seconds + agreed_seconds + time.perf_counter() - started
            )
    if "comm-weighted" in variants:
        started = time.perf_counter()
        weighted = graph.copy()
        weighted.es["weight"] = (
            np.asarray(graph.es["weight"]) * agreement(edges, communities)
        ).tolist()
        out["comm-weighted"] = final_labels(graph, modularity(weighted, 0), tags, 0)
        seconds["comm-weighted"] = base + leiden_seconds + time.perf_counter() - started
    return out, seconds, notes


def graph_of(text_vectors, tags, texts):
    vectors = grouping._features(text_vectors, tags, 0)
    graph = grouping._graph(vectors, words_module.word_rows(texts))
    return graph, np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)


def spread(stem, text_vectors, tags, texts, truth, runs: int):
    graph, edges = graph_of(text_vectors, tags, texts)
    communities = [modularity(graph, s) for s in range(2 * runs)]
    each = [
        scored(truth, grouping._tidy(final_labels(graph, communities[s], tags, s)))
        for s in range(runs)
    ]
    mean, sd = np.mean(each, axis=0), np.std(each, axis=0, ddof=1)
    aris = [e[1] for e in each]
    print(
        f"{stem:16} engine seeds 0-{runs - 1}: NMI {mean[0]:.3f}±{sd[0]:.3f} "
        f"ARI {mean[1]:.3f}±{sd[1]:.3f} themes {mean[2]:.0f}±{sd[2]:.1f} "
        f"(ARI min {min(aris):.3f}, max {max(aris):.3f})",
        flush=True,
    )
    for first in (0, runs):
        seeds = list(range(first, first + runs))
        agreed, _ = lancichinetti_fortunato(
            graph.vcount(), edges, communities[first : first + runs], seeds
        )
        nmi, ari, themes = scored(truth, grouping._tidy(final_labels(graph, agreed, tags, first)))
        print(
            f"{stem:16} comm-lf seeds {first}-{first + runs - 1}: "
            f"NMI {nmi:.3f} ARI {ari:.3f} themes {themes:.0f}",
            flush=True,
        )


def _cross_share(weights, inside, side_a, side_b, size_a, size_b) -> float:
    """Link weight between two sides over the weight inside both, against random mixing."""
    across = weights[inside & (side_a != side_b)].sum() / weights[inside].sum()
    return across / (2 * size_a * size_b / (size_a + size_b) ** 2)


def undo_ceiling(stem, graph, communities, tags, truth):
    """ARI with no density split, and the best over every subset of its splits kept."""
    pieces = density_split.pieces(graph, communities, 0)
    joined = tag_partners.join(communities, tags)
    cut = [
        c
        for c in np.unique(communities)
        if len(np.unique(pieces[communities == c])) > 1
        and len(np.unique(communities[np.isin(joined, joined[communities == c])])) == 1
    ]
    found = []
    for keep in itertools.product([False, True], repeat=len(cut)):
        kept = pieces.copy()
        for c, k in zip(cut, keep, strict=True):
            if not k:
                kept[communities == c] = pieces[communities == c].min()
        labels = density_split.split_unjoined(communities, kept, joined)[0]
        found.append((scored(truth, grouping._tidy(labels))[1], sum(keep)))
    print(
        f"{stem:16} density split cuts {len(cut)} communities; ARI with none kept "
        f"{found[0][0]:.3f}, all {found[-1][0]:.3f}, best subset {max(found)[0]:.3f} "
        f"({max(found)[1]} kept)"
    )


def cross(stem, text_vectors, tags, texts, truth):
    graph, edges = graph_of(text_vectors, tags, texts)
    weights = np.asarray(graph.es["weight"])
    communities = modularity(graph, 0)
    undo_ceiling(stem, graph, communities, tags, truth)
    themes = grouping._tidy(final_labels(graph, communities, tags, 0))
    truth = np.asarray(truth)
    # Where ARI is lost: every theme given its majority label (its splits undone), or
    # every theme cut by label (its merges undone), both read with the labels.
    codes = np.unique(truth, return_inverse=True)[1]
    majority = np.asarray(
        [np.bincount(codes[themes == t]).argmax() for t in range(themes.max() + 1)]
    )
    by_label = np.unique(np.column_stack([themes, codes]), axis=0, return_inverse=True)[1]
    print(
        f"{stem:16} ARI {scored(truth, themes)[1]:.3f}; with every split undone "
        f"{scored(truth, majority[themes])[1]:.3f}, every merge undone "
        f"{scored(truth, by_label.ravel())[1]:.3f}"
    )
    pure, mixed = [], []
    for theme in range(themes.max() + 1):
        members = np.flatnonzero(themes == theme)
        labels, counts = np.unique(truth[members], return_counts=True)
        order = np.argsort(-counts)
        if len(counts) > 1 and counts[order[1]] >= 20 and counts[order[0]] < 0.8 * len(members):
            a, b = labels[order[:2]]
            ends = truth[edges]
            inside = np.isin(ends, [a, b]).all(axis=1) & (themes[edges] == theme).all(axis=1)
            share = _cross_share(
                weights, inside, ends[:, 0], ends[:, 1], counts[order[0]], counts[order[1]]
            )
            print(f"{stem:16} {a} + {b} ({counts[order[0]]} + {counts[order[1]]}): {share:.2f}")
        if len(members) < 40:
            continue
        sub = graph.subgraph(members.tolist())
        parts = modularity(sub, 0)
        sizes = np.bincount(parts)
        a, b = np.argsort(-sizes)[:2]
        sub_edges = np.asarray(sub.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        ends = parts[sub_edges]
        inside = np.isin(ends, [a, b]).all(axis=1)
        share = _cross_share(
            np.asarray(sub.es["weight"]), inside, ends[:, 0], ends[:, 1], sizes[a], sizes[b]
        )
        (pure if counts.max() >= 0.9 * len(members) else mixed).append(share)
    for kind, shares in (("at least 90% one label", pure), ("under 90%", mixed)):
        quartiles = " / ".join(f"{q:.2f}" for q in np.percentile(shares, [25, 50, 75]))
        print(
            f"{stem:16} best modularity split inside {len(shares)} themes {kind}: "
            f"cross weight against random mixing {quartiles} (quartiles)"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", help="banking, demo, or a CSV path")
    parser.add_argument("--variants", nargs="+", default=VARIANTS, choices=VARIANTS)
    parser.add_argument("--runs", type=int, default=10, help="Leiden seeds 0..runs-1")
    parser.add_argument("--spread", action="store_true")
    parser.add_argument("--cross", action="store_true")
    args = parser.parse_args()
    for name in args.sets:
        tags, truth, text_vectors = load(name)
        texts = texts_of(name)
        stem = Path(name).stem
        if args.spread:
            spread(stem, text_vectors, tags, texts, truth, args.runs)
            continue
        if args.cross:
            cross(stem, text_vectors, tags, texts, truth)
            continue
        out, seconds, notes = run(text_vectors, tags, texts, args.runs, args.variants)
        for variant in args.variants:
            nmi, ari, themes = scored(truth, grouping._tidy(out[variant]))
            print(
                f"{stem:16} {variant:15} runs {args.runs:2}  NMI {nmi:.3f} ARI {ari:.3f} "
                f"themes {themes:.0f}  ({seconds[variant]:.1f} s) {notes.get(variant, '')}",
                flush=True,
            )


if __name__ == "__main__":
    main()
