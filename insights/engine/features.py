"""One vector per note from what it says and how the rep tagged it.

Text embedding and tags are L2-normalised separately and concatenated, the
tag block scaled by TAG_WEIGHT. With both blocks of unit length the cosine
similarity of two notes is (text_sim + w² · tag_sim) / (1 + w²): at w = 0.5
tags make up a fifth of it. That keeps meaning in charge (reps tag
inconsistently, one tag spans several needs) while letting a shared tag
break ties between needs phrased alike. It is a design choice, not a value
fitted to a data set.
"""

from collections.abc import Sequence

import numpy as np

TAG_WEIGHT = 0.5


def normalise_tag(tag: str) -> str:
    return " ".join(tag.split()).lower()


def tag_matrix(tags: Sequence[Sequence[str]]) -> np.ndarray:
    """Rows of L2-normalised tag indicators (a note without tags is a zero row)."""
    vocabulary = sorted({normalise_tag(t) for row in tags for t in row if t.strip()})
    column = {t: i for i, t in enumerate(vocabulary)}
    matrix = np.zeros((len(tags), len(vocabulary)), dtype=np.float32)
    for i, row in enumerate(tags):
        for t in row:
            if t.strip():
                matrix[i, column[normalise_tag(t)]] = 1.0
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def combine(text_vectors: np.ndarray, tags: Sequence[Sequence[str]]) -> np.ndarray:
    """Concatenate text and weighted tags; rows L2-normalised."""
    text = np.asarray(text_vectors, dtype=np.float32)
    if len(tags) != len(text):
        raise ValueError(f"{len(text)} vectors but {len(tags)} tag lists")
    tag_block = tag_matrix(tags) * TAG_WEIGHT
    combined = np.hstack([text, tag_block]) if tag_block.shape[1] else text.copy()
    norms = np.linalg.norm(combined, axis=1, keepdims=True)
    return combined / np.maximum(norms, 1e-12)
