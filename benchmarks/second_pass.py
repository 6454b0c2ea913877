"""A second Leiden pass inside each community, kept only when a null model says so.

    .venv/bin/python benchmarks/second_pass.py banking demo /path/to/clinc150_test.csv

An experiment, not the engine: issue 10 asks for one theme per need, and
modularity at resolution 1 on the whole graph cannot see needs whose internal
links are few relative to the whole graph (the resolution limit). Inside one
community the limit is relative to that community, so each community is
tested on its own and split only when its structure is beyond what a
one-need null model gives; the parts are tested again (recursion), and the
tag join and tidying then run as in `grouping.group`. Three nulls, all at the
conventional 5% level (19 draws: a split is kept only when it beats every
one), on at most `tag_partners.MAX_NOTES_TESTED` notes of a community and
never on fewer than 6 (fewer than 20 ways to halve them, as in the tag join):

- `rewired`: Leiden's modularity on the community's induced subgraph against
  the same subgraph after degree-preserving edge swaps (configuration model);
  the split is Leiden's.
- `gaussian`: SigClust (Liu, Hayes, Nobel & Marron 2008): the cluster index
  (within / total sum of squares) of the best 2-means split of the notes'
  reduced vectors against Gaussians with the same covariance spectrum; the
  split is the 2-means one (bisection).
- `gaussian-graph`: the brief's modularity statistic with a null that keeps
  geometry: modularity of the community's own shared-neighbour graph against
  that of Gaussians with its covariance; the split is Leiden's on the
  induced subgraph.

With `--purity`, instead: how many of the engine's communities the `gaussian`
test finds to be more than one Gaussian, and the mean purity (share of the
majority label) of those and of the rest: whether the test finds merged needs.

Prints NMI / ARI / themes (scored as `engine_benchmark` scores them) for the
engine as it is and for each null, plus the seconds each pass took. Reads
the embeddings `engine_benchmark` cached in `benchmarks/.cache` (run it on a
set first).
"""

import argparse
import datetime as dt
import hashlib
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedbackhub.settings")

import django  # noqa: E402

django.setup()

import igraph as ig  # noqa: E402
import leidenalg  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from demo.seed import builder  # noqa: E402
from insights.themes.engine import embeddings, grouping, tag_partners  # noqa: E402
from insights.themes.engine.csv_io import read_rows, split_tags  # noqa: E402
from insights.themes.engine.quality import _scorable  # noqa: E402

BANKING = ROOT.parent / "shared/datasets/banking77/banking77_tagged.csv"
if not BANKING.exists():  # a git worktree sits one level deeper than the main checkout
    BANKING = ROOT.parent.parent / "shared/datasets/banking77/banking77_tagged.csv"
DRAWS = 19  # (1 + 0) / (19 + 1) = 0.05: the split must beat every draw
FLOOR = 6  # comb(6, 3) = 20 ways to halve six notes, the tag join's own floor


def load(name: str):
    if name == "demo":
        specs = [
            builder.note_spec(builder.Options.seed, i, dt.date(2000, 1, 1))
            for i in range(builder.Options.notes)
        ]
        texts, tags = [s["body"] for s in specs], [s["tags"] for s in specs]
        truth = [s["need"] for s in specs]
    else:
        fields, rows = read_rows(BANKING if name == "banking" else Path(name))
        column = "label" if "label" in fields else "category"
        texts = [row["text"] or "" for row in rows]
        tags = [split_tags(row.get("tags")) for row in rows]
        truth = [row[column] for row in rows]
    key = hashlib.sha256(("\n".join(texts) + embeddings.MODEL_NAME).encode("utf-8"))
    vectors = np.load(ROOT / f"benchmarks/.cache/embeddings-{key.hexdigest()[:16]}.npy")
    return tags, truth, vectors


def snn_graph(vectors: np.ndarray) -> ig.Graph:
    n = len(vectors)
    i, j, weight = grouping.shared_neighbour_graph(
        grouping.nearest_neighbours(vectors, min(grouping.K_NEIGHBOURS, n - 1))
    )
    graph = ig.Graph(n=n, edges=np.column_stack([i, j]).tolist())
    graph.es["weight"] = weight.tolist()
    return graph


def leiden(graph: ig.Graph, seed: int = 0, weights: str | None = "weight"):
    found = leidenalg.find_partition(
        graph, leidenalg.RBConfigurationVertexPartition, weights=weights, seed=seed
    )
    membership = np.asarray(found.membership)
    return membership, graph.modularity(found.membership, weights=weights)


def two_means_sides(xc: np.ndarray, side: np.ndarray, rounds: int) -> np.ndarray | None:
    """Lloyd's 2-means on centred rows `xc` from a first split `side`; None when a side
    empties (also used by benchmarks/word_split.py)."""
    for _ in range(rounds):
        if side.all() or not side.any():
            return None
        c1, c0 = xc[side].mean(axis=0), xc[~side].mean(axis=0)
        new = ((xc - c1) ** 2).sum(1) < ((xc - c0) ** 2).sum(1)
        if (new == side).all():
            break
        side = new
    return None if side.all() or not side.any() else side


def within_share(xc: np.ndarray, side: np.ndarray) -> float:
    """The cluster index of a split: within-sides over total sum of squares."""
    c1, c0 = xc[side].mean(axis=0), xc[~side].mean(axis=0)
    within = ((xc[side] - c1) ** 2).sum() + ((xc[~side] - c0) ** 2).sum()
    return float(within / (xc * xc).sum())


def two_means(x: np.ndarray):
    """Cluster index (within / total sum of squares) of a 2-means split started on the
    first principal axis, and the two centres (None when it does not split)."""
    mean = x.mean(axis=0)
    xc = x - mean
    side = two_means_sides(xc, xc @ np.linalg.svd(xc, full_matrices=False)[2][0] > 0, 20)
    if side is None:
        return 1.0, None
    centres = (xc[side].mean(axis=0) + mean, xc[~side].mean(axis=0) + mean)
    return within_share(xc, side), centres


def gaussians(x: np.ndarray, seed: int):
    """DRAWS samples the size of x from a Gaussian with x's mean and covariance."""
    mean = x.mean(axis=0)
    _, s, axes = np.linalg.svd(x - mean, full_matrices=False)
    scale = s / np.sqrt(len(x) - 1)
    rng = np.random.default_rng(seed)
    for _ in range(DRAWS):
        yield (rng.standard_normal((len(x), len(scale))) * scale) @ axes + mean


def split_rewired(graph, vectors, members, sample):
    sub = graph.induced_subgraph(members.tolist())
    parts, observed = leiden(sub, weights=None)
    if parts.max() == 0:
        return None
    for draw in range(DRAWS):
        rewired = sub.copy()
        rewired.rewire(n=10 * rewired.ecount())
        if leiden(rewired, seed=draw, weights=None)[1] >= observed:
            return None
    return parts


def split_gaussian(graph, vectors, members, sample):
    observed, centres = two_means(vectors[sample])
    if centres is None:
        return None
    for z in gaussians(vectors[sample], int(members[0])):
        if two_means(z)[0] <= observed:
            return None
    x = vectors[members]
    return (((x - centres[1]) ** 2).sum(1) < ((x - centres[0]) ** 2).sum(1)).astype(int)


def split_gaussian_graph(graph, vectors, members, sample):
    parts, _ = leiden(graph.induced_subgraph(members.tolist()))
    if parts.max() == 0:
        return None
    observed = leiden(snn_graph(vectors[sample]))[1]
    for z in gaussians(vectors[sample], int(members[0])):
        z = (z / np.linalg.norm(z, axis=1, keepdims=True)).astype(np.float32)
        if leiden(snn_graph(z))[1] >= observed:
            return None
    return parts


NULLS = {
    "rewired": split_rewired,
    "gaussian": split_gaussian,
    "gaussian-graph": split_gaussian_graph,
}


def second_pass(split, graph, vectors, labels):
    out, fresh = labels.copy(), int(labels.max()) + 1
    stack = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    while stack:
        members = stack.pop()
        if len(members) < FLOOR:
            continue
        step = -(-len(members) // tag_partners.MAX_NOTES_TESTED)
        parts = split(graph, vectors, members, members[::step])
        if parts is None or parts.min() == parts.max():
            continue
        for part in range(parts.max() + 1):
            if part:
                out[members[parts == part]] = fresh
                fresh += 1
            stack.append(members[parts == part])
    return out


def scored(truth, labels, tags):
    labels = grouping._tidy(tag_partners.join(labels, tags))
    scorable = _scorable(labels)
    return (
        f"{normalized_mutual_info_score(truth, scorable):.3f} / "
        f"{adjusted_rand_score(truth, scorable):.3f} / {labels.max() + 1}"
    )


def purity(truth, vectors, labels):
    """Mean purity of the communities the `gaussian` test splits and of the rest."""
    truth = np.asarray(truth)
    found = {True: [], False: []}
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if len(members) < FLOOR:
            continue
        step = -(-len(members) // tag_partners.MAX_NOTES_TESTED)
        split = split_gaussian(None, vectors, members, members[::step]) is not None
        found[split].append(np.unique(truth[members], return_counts=True)[1].max() / len(members))
    return (
        f"{len(found[True])} of {len(found[True]) + len(found[False])} split; mean purity "
        f"{np.mean(found[True]) if found[True] else float('nan'):.3f} split, "
        f"{np.mean(found[False]):.3f} not split"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", help="banking, demo, or a CSV path")
    parser.add_argument("--nulls", nargs="+", default=list(NULLS), choices=list(NULLS))
    parser.add_argument("--purity", action="store_true")
    args = parser.parse_args()
    random.seed(0)  # igraph's rewiring draws from Python's generator
    for name in args.sets:
        tags, truth, text_vectors = load(name)
        vectors = grouping._features(text_vectors, tags, 0)
        graph = snn_graph(vectors)
        labels = leiden(graph)[0]
        if args.purity:
            print(f"{Path(name).stem:16} {purity(truth, vectors, labels)}", flush=True)
            continue
        print(f"{Path(name).stem:16} engine          {scored(truth, labels, tags)}", flush=True)
        for null in args.nulls:
            started = time.perf_counter()
            finer = second_pass(NULLS[null], graph, vectors, labels)
            seconds = time.perf_counter() - started
            print(
                f"{Path(name).stem:16} {null:15} {scored(truth, finer, tags)}  ({seconds:.1f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
