"""A lexical channel beside the sentence model: the words that tell close requests apart.

    .venv/bin/python benchmarks/lexical.py banking demo /path/to/clinc150_test.csv

An experiment, not the engine (issue 10, session 8; docs/theme-engine.md). Banking77's
errors are merges of requests MiniLM puts side by side ("request a refund" / "refund not
showing up"; "why verify" / "unable to verify my identity"): a small sentence model
blurs the specific words that separate them. Each variant adds what the notes' own
words say, then runs the engine's own steps (SNN graph, Leiden at resolution 1, the
density split, the tag join, tidying) exactly as `grouping.group_with_phrasings` does:

- `engine`: the engine as it is.
- `lsa-tag`: sublinear TF-IDF of word uni- and bigrams (words in at least two notes),
  reduced by LSA (TruncatedSVD) and L2-normalised, appended to the text and tag blocks
  with the tag block's weight (0.5): the words get the same share of two notes'
  similarity as the reps' tags.
- `lsa-text`: the same block with the text's weight (1): words and meaning count alike.
- `snn-mean`: two graphs, one per view (the engine's features; the lexical block
  alone), each a shared-neighbour graph; the fused graph's weight is the mean of the
  two (an edge absent from a view weighs 0 there): a link counts as much as both views
  agree on it.
- `snn-both`: only links both views' kNN graphs hold (their intersection), weighted by
  the mean: a link must be seen in what the notes mean and in the words they use.
- `rerank`: each note's 3k nearest by the engine's features, re-ranked by the sum of
  the two cosines (features + words), the top k kept: the lexical view only decides
  among notes the meaning already put close.

Prints NMI / ARI / themes (scored as `engine_benchmark` scores them) and seconds.
Reads the embeddings `engine_benchmark` cached in `benchmarks/.cache`.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import igraph as ig  # noqa: E402
import leidenalg  # noqa: E402
import scipy.sparse as sp  # noqa: E402

from benchmarks.second_pass import load  # noqa: E402  (sets Django up)
from insights.themes.engine import density_split, grouping, tag_partners  # noqa: E402
from insights.themes.engine.features import tag_matrix  # noqa: E402
from insights.themes.engine.quality import _scorable  # noqa: E402

K = grouping.K_NEIGHBOURS
VARIANTS = [
    "engine",
    "lsa-tag",
    "lsa-text",
    "lsa-after",
    "snn-mean",
    "snn-both",
    "rerank",
    "rerank-tag",
    "sparse-tag",
    "sparse-text",
]


def texts_of(name: str) -> list[str]:
    import datetime as dt

    from benchmarks.second_pass import BANKING
    from demo.seed import builder
    from insights.themes.engine.csv_io import read_rows

    if name == "demo":
        return [
            builder.note_spec(builder.Options.seed, i, dt.date(2000, 1, 1))["body"]
            for i in range(builder.Options.notes)
        ]
    _, rows = read_rows(BANKING if name == "banking" else Path(name))
    return [row["text"] or "" for row in rows]


def tfidf(texts: list[str]) -> sp.csr_matrix:
    """Sublinear TF-IDF of word uni/bigrams seen in two notes or more, L2 rows."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, dtype=np.float32)
    return vectorizer.fit_transform(texts).tocsr()


def lexical(texts: list[str], dims: int, seed: int = 0) -> np.ndarray:
    """The TF-IDF rows reduced by LSA, L2 rows."""
    from sklearn.decomposition import TruncatedSVD

    matrix = tfidf(texts)
    dims = min(dims, matrix.shape[1] - 1, matrix.shape[0] - 1)
    reduced = TruncatedSVD(dims, random_state=seed).fit_transform(matrix).astype(np.float32)
    return reduced / np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-12)


def features_with(text_vectors, tags, block, weight, seed=0):
    """The engine's features with one more dense unit block appended at `weight`."""
    from sklearn.decomposition import PCA

    tag_rows = tag_matrix(tags)
    # Each block keeps its own weight, as in `combine_rows`: text 1, tags 0.5
    # (when the note has tags), words `weight`; then the row is normalised.
    text_and_tags = np.hstack(
        [text_vectors.astype(np.float32), tag_rows.toarray() * 0.5]
        if tag_rows.shape[1]
        else [text_vectors.astype(np.float32)]
    )
    rows = np.hstack([text_and_tags, block * weight])
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    n = len(rows)
    if n <= 2 * grouping.REDUCED_DIMENSIONS:
        return rows
    rng = np.random.default_rng(seed)
    fit = np.sort(rng.choice(n, min(n, grouping.PCA_SAMPLE), replace=False))
    pca = PCA(grouping.REDUCED_DIMENSIONS, random_state=seed).fit(rows[fit])
    reduced = pca.transform(rows).astype(np.float32)
    return reduced / np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-12)


def to_graph(n, i, j, weight) -> ig.Graph:
    graph = ig.Graph(n=n, edges=np.column_stack([i, j]).tolist())
    graph.es["weight"] = np.asarray(weight, dtype=np.float64).tolist()
    return graph


def snn_matrix(neighbours) -> sp.csr_matrix:
    n = len(neighbours)
    i, j, w = grouping.shared_neighbour_graph(neighbours)
    return sp.csr_matrix((w, (i, j)), shape=(n, n))


def fused(first: sp.csr_matrix, second: sp.csr_matrix, both: bool) -> ig.Graph:
    n = first.shape[0]
    mean = ((first + second) / 2).tocoo()
    if both:
        keep = (first.multiply(second) > 0).tocoo()
        mask = sp.csr_matrix((np.ones(len(keep.row)), (keep.row, keep.col)), shape=(n, n))
        mean = mean.tocsr().multiply(mask).tocoo()
    return to_graph(n, mean.row, mean.col, mean.data)


def pair_cosines(words, found) -> np.ndarray:
    """Cosine of each note's words with each of its candidates' (dense or sparse rows)."""
    if not sp.issparse(words):
        return np.einsum("nd,nkd->nk", words, words[found])
    n, width = found.shape
    rows = np.repeat(np.arange(n), width)
    return np.asarray(words[rows].multiply(words[found.ravel()]).sum(axis=1)).reshape(n, width)


def reranked(features, words, k, pool=3, weight=1.0):
    """Each note's pool * k nearest by features, re-ranked by the cosine of the
    concatenation [features, weight * words] (both unit rows), the top k kept."""
    import faiss

    data = np.ascontiguousarray(features, dtype=np.float32)
    index = faiss.IndexFlatIP(data.shape[1])
    index.add(data)
    with grouping._search_threads(os.cpu_count() or 1):
        sims, found = index.search(data, min(len(data), pool * k + 1))
    score = sims + weight**2 * pair_cosines(words, found)
    score[found == np.arange(len(data))[:, None]] = -np.inf
    best = np.argsort(-score, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(found, best, axis=1).astype(np.int64)


def engine_partition(graph: ig.Graph, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(communities, pieces) as `grouping._communities` finds them on a built graph."""
    found = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=1.0,
        seed=seed,
    )
    communities = np.asarray(found.membership, dtype=np.int64)
    return communities, density_split.pieces(graph, communities, seed)


def engine_steps(graph: ig.Graph, tags, seed: int = 0) -> np.ndarray:
    """What `group_with_phrasings` does once the graph is built (below GRAPH_SAMPLE)."""
    communities, pieces = engine_partition(graph, seed)
    joined = tag_partners.join(communities, tags)
    labels, _ = density_split.split_unjoined(communities, pieces, joined)
    return grouping._tidy(labels)


def run(variant, texts, tags, text_vectors, dims, seed=0):
    n = len(text_vectors)
    k = min(K, n - 1)
    if variant == "engine":
        return grouping.group(text_vectors, tags, seed=seed)
    block = lexical(texts, dims, seed) if not variant.startswith("sparse") else None
    if variant in ("lsa-tag", "lsa-text"):
        weight = 0.5 if variant == "lsa-tag" else 1.0
        vectors = features_with(text_vectors, tags, block, weight, seed)
        i, j, w = grouping.shared_neighbour_graph(grouping.nearest_neighbours(vectors, k))
        return engine_steps(to_graph(n, i, j, w), tags, seed)
    base = grouping._features(text_vectors, tags, seed)
    if variant in ("snn-mean", "snn-both"):
        first = snn_matrix(grouping.nearest_neighbours(base, k))
        second = snn_matrix(grouping.nearest_neighbours(block, k))
        return engine_steps(fused(first, second, variant == "snn-both"), tags, seed)
    if variant in ("rerank", "rerank-tag"):
        weight = 1.0 if variant == "rerank" else 0.5
        i, j, w = grouping.shared_neighbour_graph(reranked(base, block, k, weight=weight))
        return engine_steps(to_graph(n, i, j, w), tags, seed)
    if variant in ("sparse-tag", "sparse-text"):
        # Near-exact kNN on [features, w * tf-idf]: the words add at most w² to a
        # cosine, so a pool of 5k by features holds nearly every true neighbour.
        weight = 0.5 if variant == "sparse-tag" else 1.0
        neighbours = reranked(base, tfidf(texts), k, pool=5, weight=weight)
        i, j, w = grouping.shared_neighbour_graph(neighbours)
        return engine_steps(to_graph(n, i, j, w), tags, seed)
    if variant == "lsa-after":
        rows = np.hstack([base, 0.5 * block])
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        i, j, w = grouping.shared_neighbour_graph(grouping.nearest_neighbours(rows, k))
        return engine_steps(to_graph(n, i, j, w), tags, seed)
    raise SystemExit(f"unknown variant {variant}")


def scored(truth, labels) -> list[float]:
    """NMI, ARI, themes of final labels (joined and tidied already), unthemed rows alone."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    scorable = _scorable(labels)
    return [
        normalized_mutual_info_score(truth, scorable),
        adjusted_rand_score(truth, scorable),
        float(labels.max() + 1),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", help="banking, demo, or a CSV path")
    parser.add_argument("--variants", nargs="+", default=VARIANTS, choices=VARIANTS)
    parser.add_argument("--dims", type=int, default=128, help="LSA dimensions")
    parser.add_argument("--seeds", type=int, default=1, help="Leiden seeds 0..N-1 (mean)")
    args = parser.parse_args()
    for name in args.sets:
        tags, truth, text_vectors = load(name)
        texts = texts_of(name)
        stem = Path(name).stem
        for variant in args.variants:
            results = []
            started = time.perf_counter()
            for seed in range(args.seeds):
                labels = run(variant, texts, tags, text_vectors, args.dims, seed)
                results.append(scored(truth, labels))
            seconds = (time.perf_counter() - started) / args.seeds
            mean = np.mean(results, axis=0)
            spread = np.std(results, axis=0, ddof=1) if args.seeds > 1 else np.zeros(3)
            print(
                f"{stem:16} {variant:10} NMI {mean[0]:.3f}±{spread[0]:.3f} "
                f"ARI {mean[1]:.3f}±{spread[1]:.3f} themes {mean[2]:.0f}  ({seconds:.1f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
