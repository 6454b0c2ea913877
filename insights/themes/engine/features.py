"""One vector per note from what it says and how the rep tagged it.

Text embedding and tags are L2-normalised separately and concatenated, the
tag block scaled by TAG_WEIGHT. With both blocks of unit length the cosine
similarity of two notes is (text_sim + w² · tag_sim) / (1 + w²): at w = 0.5
tags make up a fifth of it. That keeps meaning in charge (reps tag
inconsistently, one tag spans several needs) while letting a shared tag
break ties between needs phrased alike. It is a design choice, not a value
fitted to a data set.

Tags are kept as a sparse matrix: a large organisation has thousands of tags,
and a dense notes × tags matrix would not fit in memory at a million notes.
Dense combined rows are only ever built for a slice of notes at a time.
"""

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

TAG_WEIGHT = 0.5


def normalise_tag(tag: str) -> str:
    return " ".join(tag.split()).lower()


def tag_matrix(tags: Sequence[Sequence[str]]) -> sp.csr_matrix:
    """Rows of L2-normalised tag indicators (a note without tags is an empty row)."""
    names = [{normalise_tag(t) for t in row if t.strip()} for row in tags]
    # Columns in sorted order, not in the order Python happens to iterate a set:
    # string hashing differs from process to process, and a different column
    # order gives PCA (and so the neighbour graph) slightly different numbers,
    # which was enough to reshuffle notes between two runs with nothing new.
    column = {name: i for i, name in enumerate(sorted(set().union(*names)))}
    rows, cols = [], []
    for i, row in enumerate(names):
        for name in sorted(row):
            rows.append(i)
            cols.append(column[name])
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(tags), len(column)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sp.diags(1 / np.maximum(norms, 1e-12)).astype(np.float32) @ matrix


def combine_rows(text_vectors: np.ndarray, tags: sp.csr_matrix, rows=slice(None)) -> np.ndarray:
    """Dense combined, L2-normalised vectors for the given rows only."""
    text = np.asarray(text_vectors[rows], dtype=np.float32)
    if tags.shape[1] == 0:
        combined = text.copy()
    else:
        combined = np.hstack([text, tags[rows].toarray() * TAG_WEIGHT])
    norms = np.linalg.norm(combined, axis=1, keepdims=True)
    return combined / np.maximum(norms, 1e-12)


def combine(text_vectors: np.ndarray, tags: Sequence[Sequence[str]]) -> np.ndarray:
    """Concatenate text and weighted tags for all notes; rows L2-normalised."""
    if len(tags) != len(text_vectors):
        raise ValueError(f"{len(text_vectors)} vectors but {len(tags)} tag lists")
    return combine_rows(text_vectors, tag_matrix(tags))
