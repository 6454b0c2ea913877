"""Each note's nearest notes by inner product: exact for a few tens of thousands, bucketed above.

The exact search compares every note with every other: n² distances, so ten
times the notes cost a hundred times the time. At 100,000 notes it is about
half a regroup (docs/theme-engine.md, session 9), while every other step
grows about linearly.

Above APPROXIMATE_FROM notes the notes are first sorted into buckets around
k-means centres (faiss's inverted-file index, `IndexIVFFlat`): about 4·√n
buckets, faiss's own rule of thumb, which balances the cost of finding a
note's nearest buckets (one comparison per bucket) against the cost of
reading them (n / buckets notes each). A note's neighbours are then sought
only in the PROBED buckets nearest to it. Notes are grouped by meaning
because notes about one need lie close together; the nearest neighbours of
a note lie in the buckets nearest to it for the same reason, so few are
missed (on Banking77's real vectors the buckets hold 99.9% of the exact ten
nearest; docs/theme-engine.md, session 9). The cost per note grows with √n
instead of n.

Below APPROXIMATE_FROM the search stays exact: there it costs about a
second, a small share of a regroup, and the themes of a data set of that
size are exactly those of before (Banking77's 13,083 notes, the demo). From
about 24,000 notes faiss has the 39 training notes per centre it asks for;
50,000 leaves room above that.

Determinism: the k-means starts from a fixed seed, and the caller fixes the
number of threads (`grouping._search_threads`), so the same notes always get
the same buckets and the same neighbours.
"""

import math

import numpy as np

APPROXIMATE_FROM = 50_000
PROBED = 32
# Lloyd rounds for the bucket centres: buckets need to be compact, not the best
# k-means; on Banking77's vectors 10 rounds find as many of the exact neighbours
# as 25 (faiss's default) in about a third of the training time.
_ROUNDS = 10
_SEED = 0


def search(data: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, indices) of each row's `width` highest inner products among all rows,
    best first (a row usually finds itself first)."""
    import faiss

    data = np.ascontiguousarray(data, dtype=np.float32)
    n, dim = data.shape
    if n < APPROXIMATE_FROM:
        return _exact(data, data, width)
    buckets = round(4 * math.sqrt(n))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, buckets, faiss.METRIC_INNER_PRODUCT)
    # Unit-length centres, so "nearest bucket" means the same as "nearest note".
    index.cp.spherical = True
    index.cp.seed = _SEED
    index.cp.niter = _ROUNDS
    index.train(data)
    index.add(data)
    index.nprobe = min(PROBED, buckets)
    scores, found = index.search(data, width)
    # The probed buckets may hold fewer than `width` notes (faiss pads with -1):
    # those rows are searched exactly instead.
    short = np.flatnonzero((found < 0).any(axis=1))
    if len(short):
        scores[short], found[short] = _exact(data[short], data, width)
    return scores, found


def _exact(queries: np.ndarray, data: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    import faiss

    index = faiss.IndexFlatIP(data.shape[1])
    index.add(data)
    return index.search(queries, width)
