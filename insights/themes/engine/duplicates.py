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

Text alone pairs themes whose notes share a rep's boilerplate ("Would help us
close this quarter."), so the reps' tags may veto such a pair (`suggest`):
when the permutation test the run uses to join phrasings tells the two apart
(`tag_partners.told_apart`).

That bar misses two phrasings of one need that the run kept apart (session 8):
each phrasing is tight ("429 errors from the API", "higher API quotas"), so
its bar is high, while the other phrasing's centre is close but not that
close; and the tag test tells them apart, because the run groups notes by
their tags as well as their text, so two pieces of one need differ in how
they were tagged by construction. What gives such a pair away is how it stands
out (`twins`): each is the other's closest theme, far closer than usual for
either (above Tukey's upper fence of each theme's similarities to all the
others, the usual convention for "unusually high"). Standing out in words is
not enough alone: related needs stand out too (on CLINC150 and Banking77,
neighbouring intents are each other's outliers). So a twin pair is suggested
only when its tags agree positively: the two tag profiles are more alike than
either is to the tags of all notes (`tag_partners.alike`, the first condition
of the run's join). Neither bar is fitted to a data set.
"""

from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np

from insights.themes.engine import tag_partners

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


def twins(centres: np.ndarray) -> list[tuple[int, int, float]]:
    """Pairs of rows (i < j, similarity) that are each other's closest theme and
    stand out: their similarity is above each theme's upper fence of its
    similarities to all the other themes' centres (Tukey's: the third quartile
    plus 1.5 times the interquartile range). Fewer than five themes have no
    quartiles to speak of, and no twins."""
    centres = np.asarray(centres, dtype=np.float32)
    k = len(centres)
    if k < 5:
        return []
    fences = np.empty(k, dtype=np.float32)
    nearest = np.empty(k, dtype=np.int64)
    closest = np.empty(k, dtype=np.float32)
    for start in range(0, k, BLOCK):
        sims = centres[start : start + BLOCK] @ centres.T
        rows = np.arange(start, min(start + BLOCK, k))
        sims[rows - start, rows] = np.inf  # a theme is not compared with itself:
        others = np.sort(sims, axis=1)[:, :-1]  # sorted last, then left out
        q1, q3 = np.percentile(others, [25, 75], axis=1)
        fences[rows] = q3 + 1.5 * (q3 - q1)
        sims[rows - start, rows] = -np.inf
        nearest[rows] = np.argmax(sims, axis=1)
        closest[rows] = sims[rows - start, nearest[rows]]
    return [
        (int(i), int(j), float(closest[i]))
        for i, j in enumerate(nearest)
        if i < j and nearest[j] == i and closest[i] > max(fences[i], fences[j])
    ]


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


def every_kth(rows: np.ndarray, limit: int = tag_partners.MAX_NOTES_TESTED) -> np.ndarray:
    """At most `limit` of a theme's rows, every k-th in order, so each run reads the same."""
    rows = np.sort(np.asarray(rows))
    return rows[:: -(-len(rows) // limit)] if len(rows) else rows


def suggest(
    centres: np.ndarray,
    typical: np.ndarray,
    tags_of: Callable[[set[int]], dict[int, Sequence[Sequence[str]]]],
    *,
    all_tags: Mapping[str, int],
    apart: Collection[frozenset[int]] = (),
) -> list[tuple[int, int, float]]:
    """The pairs of rows (i < j, similarity) to show a product manager as probably one need.

    `probable_duplicates` unless the reps' tags clearly tell the two apart, and
    `twins` whose tags are more alike than either's is to all notes' tags
    (`all_tags`: tag → how many notes carry it); less the pairs a person kept
    apart (`apart`, pairs of rows). tags_of: rows → each theme's notes' tags (a
    sample, see `every_kth`), asked only for the themes of candidate pairs.
    """
    close = {(i, j): s for i, j, s in probable_duplicates(centres, typical)}
    paired = {(i, j): s for i, j, s in twins(centres)}
    candidates = {pair: s for pair, s in (close | paired).items() if frozenset(pair) not in apart}
    tags = tags_of({t for pair in candidates for t in pair})
    everyone = tag_partners.tag_totals(all_tags)

    def kept(i: int, j: int) -> bool:
        if (i, j) in close and not tag_partners.told_apart(tags[i], tags[j], seed=(i, j)):
            return True
        return (i, j) in paired and tag_partners.alike(tags[i], tags[j], everyone)

    return sorted(
        ((i, j, s) for (i, j), s in candidates.items() if kept(i, j)),
        key=lambda p: (-p[2], p[0], p[1]),
    )
