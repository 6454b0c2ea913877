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

A worker that only *seems* dead (frozen, cut off from the database) may wake
up after its run was taken over. Each claim therefore raises the run's lease
number, and every write of a run is conditional on the lease it claimed
(`Lease`): progress, heartbeat, outcome, and the result itself, whose
transaction ends with a conditional UPDATE that must find its lease (see
regroup._write). A worker that finds 0 rows raises LeaseLost and stops.
A worker asked to stop (SIGTERM) hands its runs back at once
(`hand_back_runs_of`), so the next worker takes them without waiting for
the heartbeat to go stale.
"""

import dataclasses
import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
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
    DONE = "done"  # finished, failed, gone, or taken over: nothing to do
    BUSY = "busy"  # running elsewhere with a fresh heartbeat: ask again later


class LeaseLost(Exception):
    """Another worker holds this run now (this one was frozen, cut off or stopped)."""


@dataclasses.dataclass(frozen=True)
class Lease:
    """This worker's hold on a run: every write it makes is conditional on it."""

    run_id: int
    number: int

    def mine(self):
        return ClusteringRun.objects.filter(
            pk=self.run_id, lease=self.number, state=ClusteringRun.State.RUNNING
        )

    def write(self, **fields) -> None:
        """Update the run if this lease still holds it; raise LeaseLost (0 rows) if not."""
        if not self.mine().update(**fields):
            raise LeaseLost(f"Theme run {self.run_id}: lease {self.number} was taken over.")


def claim_run(run_id: int, *, holder: str = "") -> tuple[str, Lease | None]:
    """Take the run for this worker, if it is queued or its worker stopped beating."""
    now = timezone.now()
    stale = now - _stale_after()
    with transaction.atomic():
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
                lease=F("lease") + 1,
                held_by=holder[:200],
            )
        )
        if claimed:  # the row is locked by our UPDATE until commit: the lease read is ours
            number = ClusteringRun.objects.values_list("lease", flat=True).get(pk=run_id)
            return Claim.TAKEN, Lease(run_id, number)
    running = ClusteringRun.objects.filter(pk=run_id, state=ClusteringRun.State.RUNNING).exists()
    return (Claim.BUSY if running else Claim.DONE), None


class Progress:
    """Writes phase, percentage and heartbeat of a run, at most a few times a second.

    Raises LeaseLost when the run was taken over, so a worker that woke up
    stops at its next step instead of computing a result nobody will keep.
    """

    def __init__(self, lease: Lease):
        self.lease = lease
        self._last = 0.0

    def __call__(self, phase: str, percent: float, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        self.lease.write(
            phase=phase, progress=max(0, min(100, int(percent))), heartbeat_at=timezone.now()
        )


class Heartbeat:
    """Once started, beats the run's heartbeat from a thread with its own connection.

    The phases write progress as they go, but one call (grouping a million
    notes, naming, a long transaction) can take minutes; without a beat of
    its own a live run would look dead and be taken over.
    """

    def __init__(self, lease: Lease):
        self.lease = lease
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"run-{lease.run_id}-heartbeat", daemon=True
        )

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.THEME_RUN_HEARTBEAT_SECONDS):
                try:
                    self.lease.write(heartbeat_at=timezone.now())
                except LeaseLost:
                    return  # taken over: never make the new holder's run look alive
                except DatabaseError:
                    # Database away: the run will fail or retry on its own
                    # errors; this thread just tries again at the next beat.
                    log.warning("Run %s: heartbeat not written", self.lease.run_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    def start(self) -> "Heartbeat":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def release_run(lease: Lease, reason: str) -> None:
    """Put a run this worker cannot finish now back in the queue, saying why."""
    lease.mine().update(
        state=ClusteringRun.State.QUEUED,
        phase="waiting to retry",
        heartbeat_at=timezone.now(),
        error=f"Retrying: {reason}"[:5000],
    )


def hand_back_runs_of(*, holder: str, reason: str) -> list[int]:
    """A worker is stopping: its running runs go back to the queue now, under a new lease.

    Called in the worker's main process as its shutdown begins; the pool
    process still computing (or already killed) cannot write any more, and
    the next worker takes the run at once instead of after the heartbeat
    goes stale.
    """
    if not holder:
        return []
    with transaction.atomic():
        ids = list(
            ClusteringRun.objects.select_for_update()
            .filter(state=ClusteringRun.State.RUNNING, held_by=holder)
            .values_list("pk", flat=True)
        )
        ClusteringRun.objects.filter(pk__in=ids).update(
            state=ClusteringRun.State.QUEUED,
            phase="waiting to retry",
            heartbeat_at=timezone.now(),
            lease=F("lease") + 1,
            held_by="",
            error=f"Retrying: {reason}"[:5000],
        )
        for run_id in ids:
            enqueue_on_commit(RUN_TASK, run_id)
    return ids


def finish_run(lease: Lease, *, notes: int, themes: int, changes: dict) -> None:
    lease.write(
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


def fail_run(run_id: int, error: str, *, lease: Lease | None = None) -> None:
    """Mark the run failed (only while `lease` holds it, when given)."""
    runs = lease.mine() if lease else ClusteringRun.objects.filter(pk=run_id)
    runs.update(state=ClusteringRun.State.FAILED, finished_at=timezone.now(), error=error[:5000])
