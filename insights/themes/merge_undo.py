"""Undoing a merge, for a while after it: the source theme comes back as it was.

A merge writes down, in the source's timeline line, the notes it moved and
the themes it re-pointed (insights.themes.triage.theme_merge). Undo moves back
exactly those notes that are still in the target, re-points those themes,
and frees the source. The source kept its own title, status, owner and
timeline while merged, so they come back unchanged.

Undo is offered for UNDO_WINDOW after the merge and only while no theme run
has been requested, is running or has finished since: a run regroups with the
merge as a fact, and undoing it afterwards would fight the run's result.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from insights.themes.models import ClusteringRun, Theme, ThemeAssignment, ThemeEvent
from insights.themes.pipeline.write_lock import hold_assignment_writes, waits_briefly
from insights.themes.triage import (
    record_event,
    refresh_after_commit,
    require_triage,
    theme_merge_undone,
    update_theme,
)

UNDO_WINDOW = dt.timedelta(minutes=30)


def _merge_event(source_id: int) -> ThemeEvent | None:
    """The source's latest merge line, if it recorded what it moved."""
    event = (
        ThemeEvent.objects.filter(theme_id=source_id, kind=ThemeEvent.Kind.MERGED)
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None or "note_ids" not in event.data or "into" not in event.data:
        return None
    return event


def why_not_undoable(event: ThemeEvent | None, *, now: dt.datetime | None = None) -> str:
    """Why this merge can no longer be undone; "" when it can."""
    now = now or timezone.now()
    if event is None:
        return "This merge cannot be undone (it was made before undo existed)."
    if event.data.get("undone"):
        return "This merge was already undone."
    if now - event.created_at > UNDO_WINDOW:
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        return f"A merge can be undone for {minutes} minutes; this one is older."
    # A run that started, finished or is still going since the merge has
    # regrouped (or is regrouping) with the merge as a fact.
    since = event.created_at
    runs = ClusteringRun.objects.filter(
        Q(created_at__gt=since)
        | Q(finished_at__gt=since)
        | Q(state__in=[ClusteringRun.State.QUEUED, ClusteringRun.State.RUNNING])
    )
    if runs.exists():
        return "A theme run has been started since this merge, so it can no longer be undone."
    return ""


def undoable_merges_into(*, theme: Theme, now: dt.datetime | None = None) -> list[ThemeEvent]:
    """The merges into `theme` that can still be undone, newest first (for its page)."""
    now = now or timezone.now()
    sources = Theme.objects.filter(merged_into=theme, updated_at__gte=now - UNDO_WINDOW)
    events = []
    for source in sources.only("pk", "title"):
        event = _merge_event(source.pk)
        if event and event.data["into"] == theme.pk and not why_not_undoable(event, now=now):
            event.source_id, event.source_title = source.pk, source.title
            event.moved = len(event.data["note_ids"])
            events.append(event)
    return sorted(events, key=lambda e: e.created_at, reverse=True)


@waits_briefly
@transaction.atomic
def theme_merge_undo(*, source: Theme, actor, now: dt.datetime | None = None) -> Theme:
    """Undo the merge of `source`: its notes and merged-in themes come back to it."""
    require_triage(actor)
    hold_assignment_writes()
    source = Theme.objects.select_for_update().get(pk=source.pk)
    if source.merged_into_id is None:
        raise ValidationError("This theme is not merged into another one.")
    event = _merge_event(source.pk)
    if event is not None and event.data["into"] != source.merged_into_id:
        event = None
    reason = why_not_undoable(event, now=now)
    if reason:
        raise ValidationError(reason)
    target = Theme.objects.select_for_update().get(pk=source.merged_into_id)
    if target.merged_into_id:
        raise ValidationError(
            f"“{target.title}” has itself been merged since, so this merge cannot be undone."
        )
    # Only the notes the merge moved, and only those still where it put them:
    # a note someone moved on since stays where they put it.
    back = ThemeAssignment.objects.filter(theme=target, note_id__in=event.data["note_ids"]).update(
        theme=source
    )
    Theme.objects.filter(pk__in=event.data.get("repointed", []), merged_into=target).update(
        merged_into=source
    )
    update_theme(source, None, actor, merged_into=None)
    update_theme(target, None, actor)
    event.data = {**event.data, "undone": True}
    event.save(update_fields=["data"])
    record_event(
        source.pk, actor, ThemeEvent.Kind.UNMERGED, into=target.pk, into_title=target.title
    )
    record_event(
        target.pk,
        actor,
        ThemeEvent.Kind.UNMERGED,
        source=source.pk,
        source_title=source.title,
        notes=back,
    )
    told = _target_merge_event(target_id=target.pk, source_id=source.pk)
    if told is not None:
        told.data = {**told.data, "undone": True}
        told.save(update_fields=["data"])
        # The reps were told their notes are now under the target's status; they
        # are back where they were, so that news is no longer true.
        theme_merge_undone.send(sender=Theme, event_id=told.pk)
    refresh_after_commit([source.pk, target.pk])
    source.refresh_from_db()
    return source


def _target_merge_event(*, target_id: int, source_id: int) -> ThemeEvent | None:
    """The target's line for the merge of `source_id` into it (the one reps were told of)."""
    return (
        ThemeEvent.objects.filter(
            theme_id=target_id, kind=ThemeEvent.Kind.MERGED, data__source=source_id
        )
        .order_by("-created_at", "-id")
        .first()
    )
