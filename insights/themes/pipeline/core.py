"""The one seam between the Django layer and the numeric core (insights.themes.engine).

Everything the Django layer needs from the engine goes through here, so tests
can swap the embedding model for a small fake when they are not about meaning.
"""

import numpy as np

from insights.themes.engine import embeddings, grouping, identity, lookup, naming, placement

DEFAULT_PLACEMENT_THRESHOLD = placement.DEFAULT_PLACEMENT_THRESHOLD
NEW = identity.NEW
Decision = identity.Decision


def model_name() -> str:
    return embeddings.MODEL_NAME


def dimension() -> int:
    return embeddings.DIMENSION


def embed(texts: list[str]) -> np.ndarray:
    return embeddings.embed(texts)


def warm_up() -> None:
    """Load the model and run it once, so the next real call is quick."""
    embeddings.embed(["warming up"])


def group(
    vectors: np.ndarray, tags: list[list[str]], texts: grouping.Texts | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(group labels, each note's phrasing: its community before phrasings were joined)."""
    return grouping.group_with_phrasings(vectors, tags, texts=texts)


def name_groups(
    texts: list[str],
    labels: np.ndarray,
    *,
    centres: dict[int, np.ndarray] | None = None,
    current: dict[int, str] | None = None,
    tags: list[list[str]] | None = None,
    phrasings: np.ndarray | None = None,
) -> dict[int, tuple[str, list[str]]]:
    """Titles chosen by meaning with the notes' own model; current titles kept unless beaten."""
    return naming.name_groups(
        texts, labels, centres=centres, embed=embed, current=current, tags=tags, phrasings=phrasings
    )


def centroid(vectors: np.ndarray) -> np.ndarray:
    return placement.centroid(vectors)


def placement_threshold(vectors: np.ndarray, centre: np.ndarray) -> float:
    return placement.placement_threshold(vectors, centre)


def place(vector: np.ndarray, centroids: np.ndarray, thresholds: np.ndarray):
    """Row of the best theme centre the note clears, or None; and the similarity."""
    return placement.place(vector, centroids, thresholds)


def top_k(matrix: np.ndarray, vector: np.ndarray, k: int):
    return lookup.top_k(matrix, vector, k)


def decide(**kwargs) -> identity.Decision:
    return identity.decide(**kwargs)


def resolve(theme_id: int | None, merged_into) -> int | None:
    return identity.resolve(theme_id, merged_into)
