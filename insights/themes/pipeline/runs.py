"""Full theme runs: requested by a person, the nightly schedule or a pile of
unthemed notes; executed by a Celery worker; one at a time.

A run is claimed with a conditional UPDATE (queued → running), so a task
delivered twice does the work once. Progress and a heartbeat are written as it
goes. Everything a run decides is written in one transaction at the end, so a
worker killed mid-run leaves the themes as they were; the run row is then
either taken over by the redelivered task (once its heartbeat is stale) or
marked failed when somebody asks for a new run.

While a run is claimed, a thread of its worker writes a heartbeat every
THEME_RUN_HEARTBEAT_SECONDS, whatever the main thread is busy with; a run
whose heartbeat is older than THEME_RUN_STALE_SECONDS lost its worker, and
the themes' reconciler (insights.themes.reconcile) queues it again.
"""

import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from feedbackhub.queue import enqueue_on_commit
from insights.themes.models import ClusteringRun

log = logging.getLogger(__name__)

RUN_TASK = "insights.tasks.run_full_regroup"

ACTIVE = (ClusteringRun.State.QUEUED, ClusteringRun.State.RUNNING)


class RunAlreadyActive(Exception):
    """A run is already queued or running; the new request was not recorded."""

    def __init__(self, run: ClusteringRun):
        self.run = run
        super().__init__(f"Theme run #{run.pk} is already {run.get_state_display().lower()}.")


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.THEME_RUN_STALE_SECONDS)


def _fail_stale_runs() -> None:
    """Mark as failed the runs whose worker stopped sending heartbeats."""
    cutoff = timezone.now() - _stale_after()
    ClusteringRun.objects.filter(state=ClusteringRun.State.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    ).update(
        state=ClusteringRun.State.FAILED,
        finished_at=timezone.now(),
        error="The worker running this run stopped (no heartbeat); nothing it did was kept.",
    )


def request_full_run(*, requested_by=None, trigger: str = ClusteringRun.Trigger.MANUAL):
    """Record a new full run and queue it after commit; raise RunAlreadyActive if one is on."""
    _fail_stale_runs()
    try:
        with transaction.atomic():
            run = ClusteringRun.objects.create(
                trigger=trigger, requested_by=requested_by, state=ClusteringRun.State.QUEUED
            )
    except IntegrityError:
        active = ClusteringRun.objects.filter(state__in=ACTIVE).first()
        if active is None:  # it finished in the meantime: try once more
            return request_full_run(requested_by=requested_by, trigger=trigger)
        raise RunAlreadyActive(active) from None
    enqueue_on_commit(RUN_TASK, run.pk)
    return run


class Claim:
    TAKEN = "taken"  # this worker runs it now
    DONE = "done"  # finished, failed or gone: nothing to do
    BUSY = "busy"  # running elsewhere with a fresh heartbeat: ask again later


def claim_run(run_id: int) -> str:
    """Take the run for this worker, if it is queued or its worker stopped beating."""
    now = timezone.now()
    stale = now - _stale_after()
    claimed = (
        ClusteringRun.objects.filter(pk=run_id)
        .filter(
            Q(state=ClusteringRun.State.QUEUED)
            | Q(state=ClusteringRun.State.RUNNING, heartbeat_at__lt=stale)
        )
        .update(
            state=ClusteringRun.State.RUNNING,
            started_at=now,
            heartbeat_at=now,
            phase="starting",
            progress=0,
        )
    )
    if claimed:
        return Claim.TAKEN
    running = ClusteringRun.objects.filter(pk=run_id, state=ClusteringRun.State.RUNNING).exists()
    return Claim.BUSY if running else Claim.DONE


class Progress:
    """Writes phase, percentage and heartbeat of a run, at most a few times a second."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self._last = 0.0

    def __call__(self, phase: str, percent: float, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        ClusteringRun.objects.filter(pk=self.run_id, state=ClusteringRun.State.RUNNING).update(
            phase=phase, progress=max(0, min(100, int(percent))), heartbeat_at=timezone.now()
        )


class Heartbeat:
    """Once started, beats the run's heartbeat from a thread with its own connection.

    The phases write progress as they go, but one call (grouping a million
    notes, naming, a long transaction) can take minutes; without a beat of
    its own a live run would look dead and be taken over.
    """

    def __init__(self, run_id: int):
        self.run_id = run_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"run-{run_id}-heartbeat")
        self._thread.daemon = True

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.THEME_RUN_HEARTBEAT_SECONDS):
                try:
                    ClusteringRun.objects.filter(
                        pk=self.run_id, state=ClusteringRun.State.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # Database away: the run will fail or retry on its own
                    # errors; this thread just tries again at the next beat.
                    log.warning("Run %s: heartbeat not written", self.run_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    def start(self) -> "Heartbeat":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def release_run(run_id: int, reason: str) -> None:
    """Put a run this worker cannot finish now back in the queue, saying why."""
    ClusteringRun.objects.filter(pk=run_id, state=ClusteringRun.State.RUNNING).update(
        state=ClusteringRun.State.QUEUED,
        phase="waiting to retry",
        heartbeat_at=timezone.now(),
        error=f"Retrying: {reason}"[:5000],
    )


def finish_run(run_id: int, *, notes: int, themes: int, changes: dict) -> None:
    ClusteringRun.objects.filter(pk=run_id).update(
        state=ClusteringRun.State.SUCCEEDED,
        error="",
        phase="done",
        progress=100,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        notes_count=notes,
        themes_count=themes,
        changes=changes,
    )


def fail_run(run_id: int, error: str) -> None:
    ClusteringRun.objects.filter(pk=run_id).update(
        state=ClusteringRun.State.FAILED, finished_at=timezone.now(), error=error[:5000]
    )
