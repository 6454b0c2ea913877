"""The one seam between the Django layer and the numeric core (insights.themes.engine).

Everything the Django layer needs from the engine goes through here, so tests
can swap the embedding model for a small fake when they are not about meaning.
"""

import numpy as np

from insights.themes.engine import embeddings, grouping, naming, placement

DEFAULT_PLACEMENT_THRESHOLD = placement.DEFAULT_PLACEMENT_THRESHOLD


def model_name() -> str:
    return embeddings.MODEL_NAME


def dimension() -> int:
    return embeddings.DIMENSION


def embed(texts: list[str]) -> np.ndarray:
    return embeddings.embed(texts)


def warm_up() -> None:
    """Load the model and run it once, so the next real call is quick."""
    embeddings.embed(["warming up"])


def group(vectors: np.ndarray, tags: list[list[str]]) -> np.ndarray:
    return grouping.group(vectors, tags)


def name_groups(texts: list[str], labels: np.ndarray) -> dict[int, tuple[str, list[str]]]:
    return naming.name_groups(texts, labels)


def centroid(vectors: np.ndarray) -> np.ndarray:
    return placement.centroid(vectors)


def placement_threshold(vectors: np.ndarray, centre: np.ndarray) -> float:
    return placement.placement_threshold(vectors, centre)
