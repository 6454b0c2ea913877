"""Nearest rows of a matrix of unit vectors: the similar-notes look-up.

Exact search by one matrix-vector product; at 100,000 notes of 384 float32
dimensions that is ~150 MB read once per query, a few milliseconds on one
core, so an approximate index would add complexity without a need.
"""

import numpy as np


def top_k(matrix: np.ndarray, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of the k most similar rows, most similar first, and their similarities."""
    if not len(matrix) or k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    sims = matrix @ vector.astype(matrix.dtype, copy=False)
    k = min(k, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    order = top[np.argsort(-sims[top])]
    return order, sims[order]
