"""A theme run survives its worker being killed while writing, stopped, or frozen.

Each test runs real Celery workers on a private redis-server and stops the
run at an exact step with tests/worker_hooks.py (loaded only into the test's
worker), then kills, stops (SIGTERM) or freezes (SIGSTOP) that worker there.
The reconcile interval and the run's stale-after are the fault tests' short
ones (tests/faults.py); docs/reliability.md gives the figures.
"""

import signal
import time

import pytest
from celery import Celery

from insights.notes.models import CallNote
from insights.themes.models import ClusteringRun, Theme, ThemeAssignment, ThemeEvent
from insights.themes.pipeline.runs import RUN_TASK
from tests.corpus import rows
from tests.faults import FAST_RECONCILE, Pause, fault_worker, wait_for
from tests.theming.conftest import make_notes

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Generous for a loaded 2-core machine (the runs themselves take seconds; a
# worker loads the embedding model in 10-20 s); longer with the default intervals.
WAIT = 120 if FAST_RECONCILE else 180


def _queue_run(redis_server) -> ClusteringRun:
    run = ClusteringRun.objects.create(state=ClusteringRun.State.QUEUED)
    Celery(broker=redis_server.url, set_as_current=False).send_task(RUN_TASK, args=[run.pk])
    return run


def _notes(rep) -> int:
    framings = ["", "Call recap: ", "Follow-up: "]
    make_notes(
        rep,
        [
            (f"{framings[i % len(framings)]}{text} (#{i})", tags, need)
            for i in range(3)
            for text, tags, need in rows()
        ],
    )
    return CallNote.objects.count()


def _done(run) -> bool:
    return ClusteringRun.objects.filter(pk=run.pk, state="succeeded").exists()


def _results() -> dict:
    """Everything a run writes, as the product shows it."""
    return {
        "themes": sorted(Theme.objects.values_list("id", "title", "note_count", "updated_at")),
        "assignments": sorted(
            ThemeAssignment.objects.values_list("note_id", "theme_id", "assigned_at")
        ),
        "events": ThemeEvent.objects.count(),
        "runs": list(ClusteringRun.objects.values_list("state", "finished_at", "changes", "lease")),
    }


def test_a_worker_killed_while_writing_leaves_no_half_written_theme_and_the_run_finishes(
    rep, redis_server, tmp_path
):
    notes = _notes(rep)
    pause = Pause(tmp_path, "mid_write")
    first = fault_worker(redis_server.url, beat=False, hooks=True, **pause.env).start()
    run = _queue_run(redis_server)
    second = None
    try:
        seen = wait_for(pause.reached, WAIT, "the run never reached its writing step")
        # Its own transaction has written themes; nobody else sees any of them.
        assert seen["themes_seen"] > 0
        assert Theme.objects.count() == 0 and ThemeEvent.objects.count() == 0
        assert ThemeAssignment.objects.count() == 0
        second = fault_worker(redis_server.url).start()  # another worker, with the reconciler
    finally:
        first.kill()
    killed = time.monotonic()
    try:
        wait_for(lambda: _done(run), WAIT, "the run of the killed worker was never finished")
        done_after = time.monotonic() - killed
    finally:
        if second:
            second.stop()
    run.refresh_from_db()
    assert run.redrives == 1 and run.notes_count == notes
    # Written once, whole: every theme was created by this run, once, and has notes.
    created = ThemeEvent.objects.filter(kind=ThemeEvent.Kind.CREATED)
    assert created.count() == Theme.objects.count() == run.changes["created"]
    assert set(created.values_list("data__run", flat=True)) == {run.pk}
    assert not Theme.objects.filter(assignments__isnull=True).exists()
    assert ThemeAssignment.objects.count() == run.changes["newly_themed"] > notes * 0.9
    print(f"\nWorker killed mid-writing: run done {done_after:.1f}s after the kill")


def test_a_worker_stopped_by_sigterm_hands_its_run_back_at_once_and_the_next_worker_finishes_it(
    rep, redis_server, tmp_path
):
    """SIGTERM to the whole process group, as systemd stops a service."""
    notes = _notes(rep)
    pause = Pause(tmp_path, "before_write")
    first = fault_worker(redis_server.url, beat=False, hooks=True, **pause.env).start()
    run = _queue_run(redis_server)
    # Another worker, without the reconciler: it takes the run only if it is handed back.
    second = None
    try:
        wait_for(pause.reached, WAIT, "the run never reached its writing step")
        second = fault_worker(redis_server.url, beat=False).start()
        stopped = time.monotonic()
        first.signal_group(signal.SIGTERM)
        handed = wait_for(
            lambda: ClusteringRun.objects.filter(pk=run.pk, state="queued").first(),
            WAIT,
            "the stopped worker's run was not handed back",
        )
        handed_after = time.monotonic() - stopped
        first.proc.wait(timeout=WAIT)
        wait_for(lambda: _done(run), WAIT, "the handed-back run was never finished")
        done_after = time.monotonic() - stopped
    finally:
        first.kill()
        if second:
            second.stop()
    assert "its worker was stopped (SIGTERM)" in handed.error
    run.refresh_from_db()
    assert run.notes_count == notes and run.redrives == 0
    assert ThemeEvent.objects.filter(kind=ThemeEvent.Kind.CREATED).count() == Theme.objects.count()
    print(
        f"\nSIGTERM to the worker's process group: run handed back {handed_after:.1f}s after, "
        f"done {done_after:.1f}s after (by a worker already running)"
    )


def test_a_frozen_worker_that_wakes_after_its_run_was_taken_over_writes_nothing(
    rep, redis_server, tmp_path
):
    _notes(rep)
    pause = Pause(tmp_path, "before_write")
    first = fault_worker(redis_server.url, beat=False, hooks=True, **pause.env).start()
    run = _queue_run(redis_server)
    second = None
    try:
        wait_for(pause.reached, WAIT, "the run never reached its writing step")
        first.freeze()  # with its result computed, about to write
        frozen = time.monotonic()
        pause.go()  # it will go on as soon as it wakes
        second = fault_worker(redis_server.url).start()  # with the reconciler
        wait_for(lambda: _done(run), WAIT, "the frozen worker's run was never taken over")
        taken_over_after = time.monotonic() - frozen
        newer = _results()

        first.signal_group(signal.SIGCONT)  # it wakes
        outcome = wait_for(pause.returned, WAIT, "the woken worker never finished its attempt")
    finally:
        first.kill()
        if second:
            second.stop()
    assert outcome == "done"  # it found its lease gone and stopped
    assert _results() == newer  # not one theme, assignment, event or run field rewritten
    run.refresh_from_db()
    assert run.lease == 2 and run.redrives == 1
    print(f"\nWorker frozen before writing: run taken over and done {taken_over_after:.1f}s after")
