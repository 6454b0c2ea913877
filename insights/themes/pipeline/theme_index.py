"""The centroids of the themes that can receive notes, cached per process.

Placement and suggestions compare a note with every theme's centroid; at a few
thousand themes that is one small matrix product. The cache is keyed by the
themes' latest change, so a run, a merge or a rename is seen on the next call.
"""

from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from insights.themes.models import Theme
from insights.themes.pipeline import core
from insights.themes.pipeline.vectors import from_bytes


@dataclass(frozen=True)
class ThemeIndex:
    theme_ids: np.ndarray  # (k,)
    centroids: np.ndarray  # (k, d), L2-normalised
    thresholds: np.ndarray  # (k,), least similarity for a new note

    def __len__(self) -> int:
        return len(self.theme_ids)

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        if not len(self):
            return np.zeros(0, dtype=np.float32)
        return self.centroids @ vector.astype(np.float32, copy=False)


_cache: dict[str, object] = {"key": None, "index": None}


def _placeable():
    # Declined themes stay placeable: a need coming back should be seen.
    return Theme.objects.filter(merged_into__isnull=True, centroid__isnull=False)


def current() -> ThemeIndex:
    stamp = _placeable().aggregate(changed=Max("updated_at"), n=Count("id"))
    key = (stamp["changed"], stamp["n"], core.model_name())
    if _cache["key"] != key:
        rows = list(_placeable().values_list("id", "centroid", "placement_threshold"))
        dim = core.dimension()
        ids = np.asarray([r[0] for r in rows], dtype=np.int64)
        centroids = (
            np.vstack([from_bytes(r[1]) for r in rows]).astype(np.float32)
            if rows
            else np.zeros((0, dim), dtype=np.float32)
        )
        thresholds = np.asarray(
            [r[2] if r[2] is not None else core.DEFAULT_PLACEMENT_THRESHOLD for r in rows],
            dtype=np.float32,
        )
        _cache["index"] = ThemeIndex(ids, centroids, thresholds)
        _cache["key"] = key
    return _cache["index"]
