"""A run that moved many notes leaves the planner statistics of what it rewrote fresh.

At a million notes a first run moved nearly every note from 2,000 themes into 178, and
the statistics phase right after it was planned for the old spread: one statement ran
for minutes instead of seconds. A run that changed a tenth of the notes or more analyzes
the assignments and the facts itself (pipeline.planner_stats); an idle run does not.
"""

import pytest
from django.db import connection

from insights.themes.models import ClusteringRun, NoteFacts, ThemeAssignment
from insights.themes.pipeline import planner_stats, regroup
from tests.theming.conftest import make_notes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def analyzed(monkeypatch) -> list[str]:
    """The tables analyzed from here on, in order."""
    found = []
    original = connection.cursor

    def noting_cursor(*args, **kwargs):
        cursor = original(*args, **kwargs)
        execute = cursor.execute

        def noting(sql, params=None):
            if sql.startswith("ANALYZE "):
                found.append(sql.removeprefix("ANALYZE "))
            return execute(sql, params)

        cursor.execute = noting
        return cursor

    monkeypatch.setattr(connection, "cursor", noting_cursor)
    return found


def _planner_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def _run() -> ClusteringRun:
    run = ClusteringRun.objects.create(state=ClusteringRun.State.QUEUED)
    regroup.execute_full_run(run_id=run.pk)
    run.refresh_from_db()
    return run


def test_a_first_run_leaves_the_planner_knowing_the_new_themes(rep, no_broker, analyzed):
    make_notes(rep)
    run = _run()
    assert run.changes["newly_themed"] > 0
    assert analyzed == list(planner_stats.REWRITTEN)
    # A table this small is read whole: the planner knows its rows exactly.
    assert _planner_rows("insights_themeassignment") == ThemeAssignment.objects.count()
    assert _planner_rows("insights_notefacts") == NoteFacts.objects.count()


def test_an_idle_run_leaves_the_statistics_to_postgresql(rep, no_broker, analyzed):
    make_notes(rep)
    _run()
    analyzed.clear()
    run = _run()
    assert run.changes["moved"] == 0 and run.changes["newly_themed"] == 0
    assert analyzed == []


def test_the_bar_is_a_tenth_of_the_notes(analyzed):
    assert not planner_stats.refresh_after_run(changed=99, notes=1000)
    assert not planner_stats.refresh_after_run(changed=0, notes=0)
    assert analyzed == []
    assert planner_stats.refresh_after_run(changed=100, notes=1000)
    assert analyzed == list(planner_stats.REWRITTEN)
