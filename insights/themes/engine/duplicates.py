"""Which themes are probably one need: their centres are as close as their own notes.

Pure numpy on plain data, so the rule can be read and tested on its own.

The rule: two themes are probably one need when their centres are at least as
similar as each theme's notes usually are to the centre of the rest of their
theme (`typical_similarity`: the median, each note left out of the centre it
is compared with, since a note counted in its own centre looks closer than it
is — in a theme of four, by a quarter of itself). Put plainly, the other
theme's centre would be an ordinary member of either theme. Each theme's own
spread sets the bar, so a tight theme asks for a closer twin than a broad one,
and no threshold is tuned to a data set; a person decides the rest.
"""

import numpy as np

BLOCK = 1024  # centres compared at a time: bounds memory at many thousands of themes


def typical_similarity(vectors: np.ndarray) -> float:
    """Median similarity of a theme's notes to the centre of its other notes.

    vectors: the theme's L2-normalised note vectors. A theme of one note has no
    "other notes"; it gets 1.0, a bar nothing clears.
    """
    if len(vectors) < 2:
        return 1.0
    vectors = np.asarray(vectors, dtype=np.float32)
    total = vectors.sum(axis=0)
    dots = vectors @ total  # v·S = 1 + v·(S - v)
    rest_norms = np.sqrt(np.maximum(float(total @ total) - 2 * dots + 1, 1e-12))
    return float(np.median((dots - 1) / rest_norms))


def probable_duplicates(
    centres: np.ndarray, typical: np.ndarray, *, per_theme: int = 3
) -> list[tuple[int, int, float]]:
    """Pairs of rows (i < j, similarity) whose centres clear both themes' bars.

    centres: (k, d) L2-normalised theme centres; typical: (k,) each theme's
    `typical_similarity`. Each theme keeps at most `per_theme` partners (its
    closest): a product manager acts on the nearest first, and the next run
    shows what is left.
    """
    centres = np.asarray(centres, dtype=np.float32)
    typical = np.asarray(typical, dtype=np.float32)
    k = len(centres)
    best: dict[tuple[int, int], float] = {}
    for start in range(0, k, BLOCK):
        sims = centres[start : start + BLOCK] @ centres.T
        rows = np.arange(start, min(start + BLOCK, k))
        bar = np.maximum(typical[rows, None], typical[None, :])
        sims[sims < bar] = -np.inf
        sims[rows - start, rows] = -np.inf  # a theme is not its own duplicate
        for offset, i in enumerate(rows):
            candidates = np.flatnonzero(np.isfinite(sims[offset]))
            if not len(candidates):
                continue
            closest = candidates[np.argsort(-sims[offset, candidates], kind="stable")][:per_theme]
            for j in closest:
                pair = (int(min(i, j)), int(max(i, j)))
                best[pair] = float(sims[offset, j])
    return sorted(((i, j, s) for (i, j), s in best.items()), key=lambda p: (-p[2], p[0], p[1]))
