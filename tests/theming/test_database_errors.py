"""The database going away mid-task is retried, never acknowledged as done."""

import pytest
from django.db import OperationalError

from insights.themes import tasks
from insights.themes.models import ClusteringRun
from insights.themes.pipeline import core, regroup
from tests.theming.conftest import make_notes

pytestmark = pytest.mark.django_db


def _database_gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_run_whose_database_drops_mid_grouping_goes_back_to_the_queue(
    rep, no_broker, monkeypatch
):
    make_notes(rep)
    run = ClusteringRun.objects.create(state=ClusteringRun.State.QUEUED)
    monkeypatch.setattr(core, "group", _database_gone)
    with pytest.raises(OperationalError):
        regroup.execute_full_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == ClusteringRun.State.QUEUED  # not "running" for minutes, not failed
    assert "database was unavailable" in run.error

    monkeypatch.undo()
    regroup.execute_full_run(run_id=run.pk)  # the task's retry
    run.refresh_from_db()
    assert run.state == ClusteringRun.State.SUCCEEDED and run.error == ""


@pytest.mark.parametrize(
    "task",
    [
        tasks.place_note,
        tasks.refresh_theme_stats,
        tasks.run_full_regroup,
    ],
    ids=lambda t: t.name,
)
def test_engine_tasks_retry_on_database_errors_with_backoff(task):
    assert OperationalError in task.autoretry_for
    assert task.retry_backoff and task.retry_backoff_max <= 300


def test_loop_tasks_retry_on_database_errors_with_backoff():
    from insights.loop import tasks as loop_tasks

    for task in (
        loop_tasks.theme_status_fan_out,
        loop_tasks.send_status_emails,
        loop_tasks.deliver_webhook,
    ):
        assert OperationalError in task.autoretry_for, task.name
        assert task.retry_backoff, task.name


def test_a_placement_that_meets_a_dropped_database_runs_again(rep, monkeypatch, eager_tasks):
    from feedbackhub.celery import app
    from insights.themes.pipeline import placement

    calls = []

    def flaky(*, note_id):
        calls.append(note_id)
        if len(calls) == 1:
            raise OperationalError("the database system is starting up")

    monkeypatch.setattr(placement, "place_note", flaky)
    app.conf.task_eager_propagates = False  # eager retries run only then; eager_tasks resets it
    tasks.place_note.delay(42)
    assert calls == [42, 42]
