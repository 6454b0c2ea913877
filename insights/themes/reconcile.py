"""The themes' reconciler: re-drive, from the database, theme work that was lost.

Work is queued in the moment it is created; when Redis was down then, or a
worker died holding it, the message is gone but the database still shows
what must happen. Beat runs `reconcile` every RECONCILE_EVERY_SECONDS:

- a note saved more than RECONCILE_OVERDUE_SECONDS ago that has no theme
  assignment and no embedding of its current text was never placed: it is
  placed now (or, when more than THEME_RUN_UNTHEMED_THRESHOLD wait, a full
  run is asked for instead). Older notes are left to the nightly run, which
  embeds and groups everything.
- a run still queued that long after it was queued (its message was lost) or
  running without a heartbeat for THEME_RUN_STALE_SECONDS (its worker died)
  is queued again, at most THEME_RUN_MAX_REDRIVES times, then marked failed
  with the reason, which the engine panel shows.

One pass at a time (a transaction-scoped try-lock); everything it queues is
safe to run twice (placement is idempotent, runs are claimed conditionally).
"""

import contextlib
import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, Func, OuterRef, Q, TextField
from django.db.models.functions import Coalesce
from django.utils import timezone

from feedbackhub.locks import try_transaction_lock
from feedbackhub.queue import enqueue_on_commit
from insights.notes.models import CallNote
from insights.themes.models import ClusteringRun, NoteEmbedding
from insights.themes.pipeline import core, placement, runs

log = logging.getLogger(__name__)

RECONCILE_TASK = "insights.tasks.reconcile_theme_work"
THEMES_RECONCILER = 0x4648_0002  # advisory lock key ("FH" + 2)
NOTES_LOOKBACK = dt.timedelta(days=1)  # older ones: the nightly full run


class _BodyHash(Func):
    """CallNote.text_hash, computed by PostgreSQL."""

    template = "ENCODE(SHA256(CONVERT_TO(%(expressions)s, 'UTF8')), 'hex')"
    output_field = TextField()


def _seconds_ago(seconds: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def unplaced_notes(limit: int) -> list[int]:
    """Recently saved notes, overdue, with no assignment and no embedding of their text."""
    current = NoteEmbedding.objects.filter(note=OuterRef("pk"), model_name=core.model_name())
    # `awaiting_theme`: no assignment row (triggers keep it), read from its partial index.
    notes = CallNote.objects.filter(
        awaiting_theme=True,
        updated_at__lt=_seconds_ago(settings.RECONCILE_OVERDUE_SECONDS),
        updated_at__gte=timezone.now() - NOTES_LOOKBACK,
    )
    if connection.vendor == "postgresql":
        notes = notes.annotate(body_hash=_BodyHash("body"))
        current = current.filter(text_hash=OuterRef("body_hash"))
    notes = notes.filter(~Exists(current))
    return list(notes.order_by("updated_at").values_list("pk", flat=True)[:limit])


def redrive_notes() -> dict:
    threshold = settings.THEME_RUN_UNTHEMED_THRESHOLD
    note_ids = unplaced_notes(limit=threshold + 1)
    if len(note_ids) > threshold:
        # Placing them one by one would flood the queue; a run does it in one go.
        with contextlib.suppress(runs.RunAlreadyActive):
            runs.request_full_run(trigger=ClusteringRun.Trigger.THRESHOLD)
        return {"notes": 0, "run_for_notes": len(note_ids)}
    for note_id in note_ids:
        enqueue_on_commit(placement.PLACE_TASK, note_id)
    return {"notes": len(note_ids)}


def _lost_runs():
    """Runs whose message or worker was lost: queued too long, or running without a beat."""
    last_sign = Coalesce("heartbeat_at", "started_at", "created_at")
    return (
        ClusteringRun.objects.select_for_update(skip_locked=True)
        .alias(last_sign=last_sign)
        .filter(
            Q(
                state=ClusteringRun.State.QUEUED,
                last_sign__lt=_seconds_ago(settings.RECONCILE_OVERDUE_SECONDS),
            )
            | Q(
                state=ClusteringRun.State.RUNNING,
                last_sign__lt=_seconds_ago(settings.THEME_RUN_STALE_SECONDS),
            )
        )
    )


def redrive_runs() -> dict:
    redriven, failed = [], []
    for run in _lost_runs():
        why = (
            "its worker stopped (no heartbeat)"
            if run.state == ClusteringRun.State.RUNNING
            else "no worker took it (its message was lost)"
        )
        if run.redrives >= settings.THEME_RUN_MAX_REDRIVES:
            runs.fail_run(
                run.pk,
                f"Gave up after {run.redrives} retries: {why}. "
                "Check that the workers are running, then start a new run.",
            )
            failed.append(run.pk)
            continue
        # Back to queued, so the next worker claims it at once; the new
        # heartbeat spaces the retries one overdue period apart.
        ClusteringRun.objects.filter(pk=run.pk).update(
            state=ClusteringRun.State.QUEUED,
            phase="retrying",
            heartbeat_at=timezone.now(),
            redrives=F("redrives") + 1,
            error=f"Retried automatically: {why}.",
        )
        enqueue_on_commit(runs.RUN_TASK, run.pk)
        redriven.append(run.pk)
    return {"runs": len(redriven), "runs_failed": len(failed)}


def reconcile() -> dict:
    """One pass; returns what it re-drove (empty when another pass is running)."""
    with transaction.atomic():
        if not try_transaction_lock(THEMES_RECONCILER):
            return {}
        counts = {**redrive_runs(), **redrive_notes()}
    if any(counts.values()):
        log.warning("Theme engine: re-drove overdue work %s", counts)
    return counts
