"""Group notes by meaning, deciding the number of groups from the data.

The method: a k-nearest-neighbour graph over the notes' combined vectors,
edges weighted by how many neighbours two notes share (Jaccard index of their
neighbourhoods, the "shared nearest neighbour" graph), split into communities
by the Leiden algorithm at modularity resolution 1. Nobody gives k: a
community is a set of notes more densely linked to each other than chance
would give, so the number of themes follows from the data.

Choices, each made for a reason rather than fitted to a data set:
- K_NEIGHBOURS = 10, the usual neighbourhood size for graph clustering of
  embeddings; it is capped at n - 1 so a few dozen notes still work.
- Shared-neighbour weights make a link between two notes count only when
  their neighbourhoods agree, which keeps one generic note from gluing two
  needs together.
- Vectors are reduced to REDUCED_DIMENSIONS with PCA before the graph is built
  (for speed; quality is unchanged at 128, see docs/theme-engine.md), and
  neighbours are found by faiss's inner-product search: exact up to tens of
  thousands of notes, among the nearest k-means buckets above
  (`neighbour_search`).
- Communities smaller than MIN_THEME_SIZE are left unthemed (-1): a need heard
  once is not yet a theme; it may join one later by incremental placement.
- Communities that are phrasings of one need, told apart by meaning but tagged
  alike by reps, are then joined (`tag_partners`, which says when tags are
  specific enough to be trusted for that).
- A community the tags did not join is split where it is not denser than the
  graph as a whole (`density_split`: the Constant Potts Model at the graph's
  own density), so two loosely knit needs that modularity's null lets share a
  community become two themes.
- Given the notes' texts, a note's neighbours are chosen by meaning plus a
  fifth for the words it uses (`words`: TF-IDF of word uni/bigrams, weighted
  as the tags are), so two requests a small sentence model blurs ("request a
  refund", "refund not showing up") are told apart by their own words.
- Above GRAPH_SAMPLE notes the graph is built on a fixed random sample and the
  remaining notes join the nearest community centroid, chunk by chunk, so
  memory and time stay bounded at millions of notes; the density split is made
  on the sample's graph, and each other note takes the nearest piece of its
  community.
"""

import os
from collections.abc import Callable, Sequence
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp

from insights.themes.engine import density_split, neighbour_search, tag_partners
from insights.themes.engine import words as words_module
from insights.themes.engine.features import combine_rows, tag_matrix

K_NEIGHBOURS = 10
MIN_THEME_SIZE = 2
REDUCED_DIMENSIONS = 128
GRAPH_SAMPLE = 100_000
PCA_SAMPLE = 20_000
_SLICE = 20_000

# The notes' texts: all of them in row order, or a function giving those of given rows.
Texts = Sequence[str] | Callable[[np.ndarray], Sequence[str]]


def _features(text_vectors: np.ndarray, tags: Sequence[Sequence[str]], seed: int) -> np.ndarray:
    """Combined vectors, reduced with PCA when that saves work; built slice by slice."""
    n = len(text_vectors)
    if len(tags) != n:
        raise ValueError(f"{n} vectors but {len(tags)} tag lists")
    tag_rows = tag_matrix(tags)
    dim = text_vectors.shape[1] + tag_rows.shape[1]
    if dim <= REDUCED_DIMENSIONS or n <= 2 * REDUCED_DIMENSIONS:
        return combine_rows(text_vectors, tag_rows)
    from sklearn.decomposition import PCA

    # A sample describes the main directions as well as all rows do.
    rng = np.random.default_rng(seed)
    fit = np.sort(rng.choice(n, min(n, PCA_SAMPLE), replace=False))
    pca = PCA(REDUCED_DIMENSIONS, random_state=seed).fit(combine_rows(text_vectors, tag_rows, fit))
    reduced = np.empty((n, REDUCED_DIMENSIONS), dtype=np.float32)
    for start in range(0, n, _SLICE):
        rows = slice(start, min(start + _SLICE, n))
        reduced[rows] = pca.transform(combine_rows(text_vectors, tag_rows, rows))
    norms = np.linalg.norm(reduced, axis=1, keepdims=True)
    return reduced / np.maximum(norms, 1e-12)


def nearest_neighbours(vectors: np.ndarray, k: int, words=None) -> np.ndarray:
    """Indices of each row's k most cosine-similar other rows (faiss; exact below
    `neighbour_search.APPROXIMATE_FROM` rows, from the nearest buckets above).

    With `words` (the notes' TF-IDF rows), the similarity is meaning plus the
    words' share (`words.rerank`), searched among the nearest by meaning.
    """
    data = np.ascontiguousarray(vectors, dtype=np.float32)
    width = k if words is None else min(k * words_module.POOL, len(data) - 1)
    with _search_threads(os.cpu_count() or 1):
        scores, found = neighbour_search.search(data, width + 1)
    # A note is not its own neighbour: drop it where it was found, else drop the
    # last (width + 1)th result (one array operation, not a loop over the notes).
    others = found != np.arange(len(data))[:, None]
    others[others.all(axis=1), -1] = False
    candidates = found[others].reshape(len(data), width).astype(np.int64)
    candidate_scores = scores[others].reshape(len(data), width)
    if words is None:
        return candidates
    return words_module.rerank(candidates, candidate_scores, words, k)


@contextmanager
def _search_threads(count: int):
    """Run faiss with `count` OpenMP threads, then give the process back its own setting.

    faiss's float32 scores depend on how many threads split the search, and
    loading the embedding model sets the OpenMP threads of the whole process
    to one (torch shares faiss's OpenMP runtime). Without a fixed count, a
    worker that embedded notes and a process that only read stored vectors
    found different neighbours for a few nearly tied notes, and Leiden then
    regrouped hundreds of them. The count is restored afterwards so the
    model keeps the one thread it is tuned for (docs/theme-engine.md).
    """
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def shared_neighbour_graph(neighbours: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges (i, j, weight) between kNN-linked notes, weighted by neighbourhood overlap."""
    n, k = neighbours.shape
    rows = np.repeat(np.arange(n), k)
    knn = sp.csr_matrix((np.ones(n * k, dtype=np.float32), (rows, neighbours.ravel())), (n, n))
    with_self = knn + sp.eye(n, dtype=np.float32, format="csr")
    linked = (knn + knn.T) > 0
    # Entry (i, j) of the product counts the neighbours i and j share (self included);
    # keep it only where i and j are linked in the kNN graph.
    shared = (with_self @ with_self.T).multiply(linked).tocoo()
    keep = shared.row < shared.col
    i, j, count = shared.row[keep], shared.col[keep], shared.data[keep]
    weight = count / (2 * (k + 1) - count)
    return i.astype(np.int64), j.astype(np.int64), weight.astype(np.float64)


def _graph(vectors: np.ndarray, words=None):
    import igraph as ig

    n = len(vectors)
    k = min(K_NEIGHBOURS, n - 1)
    i, j, weight = shared_neighbour_graph(nearest_neighbours(vectors, k, words))
    graph = ig.Graph(n=n, edges=np.column_stack([i, j]).tolist())
    graph.es["weight"] = weight.tolist()
    return graph


def _communities(vectors: np.ndarray, seed: int, words=None) -> tuple[np.ndarray, np.ndarray]:
    """(communities, pieces): modularity's communities and their density-split pieces."""
    import leidenalg

    graph = _graph(vectors, words)
    partition = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=1.0,
        seed=seed,
    )
    communities = np.asarray(partition.membership, dtype=np.int64)
    return communities, density_split.pieces(graph, communities, seed)


def _word_rows(texts: Texts | None, rows: np.ndarray, n: int):
    found = _texts_of(texts, rows, n)
    return None if found is None else words_module.word_rows(found)


def _centroids(vectors: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    groups = np.unique(labels)
    centroids = np.vstack([vectors[labels == g].mean(axis=0) for g in groups])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    return groups, centroids


def _assign_to_nearest(
    vectors: np.ndarray, communities_of_sample: np.ndarray, pieces_of_sample: np.ndarray, sample
) -> tuple[np.ndarray, np.ndarray]:
    """Every note's community (nearest centroid) and piece (nearest within its community).

    The community is chosen as before the density split, so the tag join sees
    the same communities; the piece is then only a choice among a community's own.
    """
    groups, centroids = _centroids(vectors[sample], communities_of_sample)
    communities = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), 50_000):
        sims = vectors[start : start + 50_000] @ centroids.T
        communities[start : start + 50_000] = groups[sims.argmax(axis=1)]
    communities[sample] = communities_of_sample
    pieces = np.empty(len(vectors), dtype=np.int64)
    pieces[sample] = pieces_of_sample
    rest = np.ones(len(vectors), dtype=bool)
    rest[sample] = False
    # Each community's notes found once by sorting, not by a scan per community
    # (thousands of communities times a million notes).
    rest_notes = np.flatnonzero(rest)
    rest_notes = rest_notes[np.argsort(communities[rest_notes], kind="stable")]
    rest_bounds = np.searchsorted(communities[rest_notes], groups, side="right")
    in_sample = np.argsort(communities_of_sample, kind="stable")
    sample_bounds = np.searchsorted(communities_of_sample[in_sample], groups, side="right")
    for c in range(len(groups)):
        members = rest_notes[(rest_bounds[c - 1] if c else 0) : rest_bounds[c]]
        seen = in_sample[(sample_bounds[c - 1] if c else 0) : sample_bounds[c]]
        own = np.unique(pieces_of_sample[seen])
        if len(own) == 1 or len(members) == 0:
            pieces[members] = own[0]
            continue
        found, centres = _centroids(vectors[sample[seen]], pieces_of_sample[seen])
        pieces[members] = found[(vectors[members] @ centres.T).argmax(axis=1)]
    return communities, pieces


def _tidy(labels: np.ndarray) -> np.ndarray:
    """Small communities → -1; the rest numbered 0.. by decreasing size (then first row)."""
    out = np.full(len(labels), -1, dtype=np.int64)
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    kept = [
        (-c, f, v) for v, f, c in zip(values, first, counts, strict=True) if c >= MIN_THEME_SIZE
    ]
    for new, (_, _, value) in enumerate(sorted(kept)):
        out[labels == value] = new
    return out


def _texts_of(texts: Texts | None, rows: np.ndarray, n: int) -> Sequence[str] | None:
    """The texts of the given rows: from a sequence of all n, or a function of row indices."""
    if texts is None:
        return None
    if callable(texts):
        return list(texts(rows))
    if len(texts) != n:
        raise ValueError(f"{n} vectors but {len(texts)} texts")
    return [texts[i] for i in rows]


def group(
    text_vectors: np.ndarray,
    tags: Sequence[Sequence[str]],
    *,
    texts: Texts | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Group labels (0..k-1, or -1 for unthemed) for notes given their vectors and tags
    (and, when given, their texts: their words then help choose neighbours)."""
    return group_with_phrasings(text_vectors, tags, texts=texts, seed=seed)[0]


def group_with_phrasings(
    text_vectors: np.ndarray,
    tags: Sequence[Sequence[str]],
    *,
    texts: Texts | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """(group labels, phrasings): each note's community before phrasings of one need
    were joined by their tags (or its density-split piece, which is its own theme).
    Naming counts each phrasing of a theme as one voice.

    texts: the notes' texts, or a function giving the texts of given row indices
    (only the graph's sample is read above GRAPH_SAMPLE notes); None groups by
    meaning and tags alone."""
    n = len(text_vectors)
    if n < MIN_THEME_SIZE:
        return np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64)
    vectors = _features(text_vectors, tags, seed)
    if n > GRAPH_SAMPLE:
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(n, GRAPH_SAMPLE, replace=False))
        words = _word_rows(texts, sample, n)
        communities, pieces = _assign_to_nearest(
            vectors, *_communities(vectors[sample], seed, words), sample
        )
    else:
        words = _word_rows(texts, np.arange(n), n)
        communities, pieces = _communities(vectors, seed, words)
    joined = tag_partners.join(communities, tags)
    labels, phrasings = density_split.split_unjoined(communities, pieces, joined)
    return _tidy(labels), phrasings
