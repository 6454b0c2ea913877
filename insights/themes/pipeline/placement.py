"""Incremental placement: a saved note joins the best existing theme, or none.

Runs in the worker right after the note's transaction commits, without a full
run. A note a person pinned (or removed) is never moved. When enough notes
wait unthemed, a full run is requested.
"""

import contextlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from insights.notes.models import CallNote
from insights.themes.models import ClusteringRun, NoteEmbedding, ThemeAssignment
from insights.themes.pipeline import core, runs, stats, theme_index, vectors
from insights.themes.pipeline.write_lock import hold_assignment_writes

log = logging.getLogger(__name__)

PLACE_TASK = "insights.tasks.place_note"


def best_theme(vector) -> tuple[int | None, float]:
    """The most similar theme whose own threshold the note clears, and the similarity."""
    index = theme_index.current()
    row, score = core.place(vector, index.centroids, index.thresholds)
    return (int(index.theme_ids[row]) if row is not None else None), score


def place_note(*, note_id: int) -> int | None:
    """Place one note; returns the theme id it is in afterwards (or None)."""
    if not CallNote.objects.filter(pk=note_id).exists():
        return None  # deleted meanwhile: nothing to do
    pinned = ThemeAssignment.objects.filter(note_id=note_id, locked=True).first()
    vectors.ensure_embeddings(note_ids=[note_id])
    if pinned is not None:
        return pinned.theme_id
    stored = NoteEmbedding.objects.filter(note_id=note_id).values_list("vector", flat=True).first()
    if stored is None:
        return None
    theme_id, score = best_theme(vectors.from_bytes(stored))

    with transaction.atomic():
        hold_assignment_writes()
        current = ThemeAssignment.objects.select_for_update().filter(note_id=note_id).first()
        if current is not None and current.locked:
            return current.theme_id  # a person decided while we computed
        old_theme = current.theme_id if current else None
        if theme_id is None:
            if current is not None:
                current.delete()
        elif current is None:
            ThemeAssignment.objects.create(note_id=note_id, theme_id=theme_id, similarity=score)
        else:
            current.theme_id = theme_id
            current.similarity = score
            current.save(update_fields=["theme", "similarity", "assigned_at"])
        stats.refresh_soon(theme_ids={old_theme, theme_id})
    if theme_id is None:
        _maybe_request_run()
    return theme_id


UNTHEMED_COUNTER = "theming:unthemed-since-last-run"


def _maybe_request_run() -> None:
    """Count notes left unthemed; past the threshold, ask for a full run (once)."""
    cache.add(UNTHEMED_COUNTER, 0, timeout=None)
    waiting = cache.incr(UNTHEMED_COUNTER)
    if waiting >= settings.THEME_RUN_UNTHEMED_THRESHOLD:
        cache.set(UNTHEMED_COUNTER, 0, timeout=None)
        with contextlib.suppress(runs.RunAlreadyActive):
            runs.request_full_run(trigger=ClusteringRun.Trigger.THRESHOLD)
