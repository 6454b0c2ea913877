"""Themes that are probably one need, found after each full run and stored for the pages.

The rule is the numeric core's (insights.themes.engine.duplicates.suggest):
centres at least as similar as each theme's notes usually are to their own
centre, unless the reps' tags clearly tell the two apart; or two themes that
are each other's closest by far and whose tags agree (two phrasings of one
need). It is computed once per run, in the worker, from the run's matrix and the centres
the run just wrote; the dashboard and the theme page only read the stored
pairs, so they stay as fast as before. Centres change only in runs, so
nothing else needs to recompute them: a merge retires a theme (pages show
active themes only) and "not the same" deletes its pair at once.
"""

from collections import defaultdict

import numpy as np
from django.db import transaction
from django.db.models import Count

from insights.notes.models import CallNote
from insights.themes.engine import duplicates as rule
from insights.themes.models import DistinctThemes, DuplicateSuggestion, Theme, ThemeAssignment
from insights.themes.pipeline import vectors


def kept_apart() -> set[frozenset[int]]:
    """Pairs of themes a person said are different needs, for the run's identity rule."""
    return {frozenset(pair) for pair in DistinctThemes.objects.values_list("first", "second")}


def _members(note_ids: np.ndarray, theme_ids: set[int]) -> dict[int, np.ndarray]:
    """theme id → rows of its notes in the matrix whose rows are `note_ids`.

    Only an index is sorted, never the matrix: at a million notes a copy of
    it would cost another 1.5 GB.
    """
    order = np.argsort(note_ids, kind="stable")
    sorted_ids = note_ids[order]
    found: dict[int, list[int]] = defaultdict(list)
    rows = ThemeAssignment.objects.filter(theme_id__in=theme_ids).values_list("theme_id", "note_id")
    for theme_id, note_id in rows.iterator(chunk_size=20_000):
        found[theme_id].append(note_id)
    members = {}
    for theme_id, ids in found.items():
        ids = np.asarray(ids, dtype=np.int64)
        positions = np.searchsorted(sorted_ids, ids)
        inside = positions < len(sorted_ids)  # notes without a vector are left out
        positions, ids = positions[inside], ids[inside]
        members[theme_id] = order[positions[sorted_ids[positions] == ids]]
    return members


def find_suggestions(
    *, note_ids: np.ndarray | None = None, matrix: np.ndarray | None = None
) -> list[tuple[int, int, float]]:
    """(theme id, theme id, similarity) for every probable duplicate pair of active themes.

    A run passes its matrix; without one, the stored vectors are loaded.
    """
    if note_ids is None or matrix is None:
        note_ids, matrix = vectors.load_matrix()
    centres = dict(
        Theme.objects.filter(merged_into__isnull=True, centroid__isnull=False).values_list(
            "id", "centroid"
        )
    )
    members = _members(note_ids, set(centres))
    theme_ids = sorted(t for t in centres if len(members.get(t, ())) >= 2)
    if len(theme_ids) < 2:
        return []
    centre_matrix = np.vstack([vectors.from_bytes(centres[t]) for t in theme_ids])
    typical = np.asarray([rule.typical_similarity(matrix[members[t]]) for t in theme_ids])
    row_of = {theme: row for row, theme in enumerate(theme_ids)}
    apart = {
        frozenset(row_of[t] for t in pair)
        for pair in kept_apart()
        if all(t in row_of for t in pair)
    }

    def tags_of(rows: set[int]) -> dict[int, list[list[str]]]:
        return _tags_of_sample({row: note_ids[members[theme_ids[row]]] for row in rows})

    pairs = rule.suggest(centre_matrix, typical, tags_of, all_tags=_tag_counts(), apart=apart)
    return [(theme_ids[i], theme_ids[j], similarity) for i, j, similarity in pairs]


def _tag_counts() -> dict[str, int]:
    """tag name → how many notes carry it (all notes: the profile twins are compared with)."""
    return dict(
        CallNote.tags.through.objects.values("tag__name")
        .annotate(notes=Count("callnote_id"))
        .values_list("tag__name", "notes")
    )


def _tags_of_sample(notes_of: dict[int, np.ndarray]) -> dict[int, list[list[str]]]:
    """key → the tags of (a fixed sample of, `rule.every_kth`) its notes, one list per note."""
    sample = {key: rule.every_kth(ids).tolist() for key, ids in notes_of.items()}
    wanted = {note for ids in sample.values() for note in ids}
    names: dict[int, list[str]] = defaultdict(list)
    rows = CallNote.tags.through.objects.filter(callnote_id__in=wanted).values_list(
        "callnote_id", "tag__name"
    )
    for note_id, name in rows.iterator(chunk_size=20_000):
        names[note_id].append(name)
    return {key: [names[n] for n in ids] for key, ids in sample.items()}


@transaction.atomic
def store_suggestions(
    *, note_ids: np.ndarray | None = None, matrix: np.ndarray | None = None
) -> int:
    """Replace the stored suggestions with the current ones; returns how many pairs."""
    pairs = find_suggestions(note_ids=note_ids, matrix=matrix)
    DuplicateSuggestion.objects.all().delete()
    DuplicateSuggestion.objects.bulk_create(
        [DuplicateSuggestion(first_id=a, second_id=b, similarity=s) for a, b, s in pairs]
    )
    return len(pairs)
