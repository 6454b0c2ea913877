"""Where a new note goes: the nearest theme centre, if the note is close enough.

"Close enough" is read from each theme's own spread: a new note must be at
least as similar to the centre as PLACEMENT_PERCENTILE percent of the notes
already in it are — so a tight theme is picky and a broad one is not. A theme
too small to have a spread uses DEFAULT_PLACEMENT_THRESHOLD.
"""

import numpy as np

PLACEMENT_PERCENTILE = 10
DEFAULT_PLACEMENT_THRESHOLD = 0.5  # cosine; for MiniLM sentences, "same topic"
MIN_MEMBERS_FOR_SPREAD = 5


def centroid(vectors: np.ndarray) -> np.ndarray:
    centre = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return centre / max(float(np.linalg.norm(centre)), 1e-12)


def placement_threshold(vectors: np.ndarray, centre: np.ndarray) -> float:
    if len(vectors) < MIN_MEMBERS_FOR_SPREAD:
        return DEFAULT_PLACEMENT_THRESHOLD
    return float(np.percentile(vectors @ centre, PLACEMENT_PERCENTILE))


def place(
    vector: np.ndarray, centroids: np.ndarray, thresholds: np.ndarray
) -> tuple[int | None, float]:
    """Row of the best centroid whose threshold the vector clears, and the similarity."""
    if not len(centroids):
        return None, 0.0
    sims = centroids @ vector
    best = int(sims.argmax())
    score = float(sims[best])
    return (best if score >= thresholds[best] else None), score
