"""While a run writes, a person waits at most about two seconds and is told why;
a rep's save does not wait at all; merge and split refuse a stale page."""

import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse

from insights.notes.models import CallNote
from insights.themes import note_moves, triage
from insights.themes.models import Theme, ThemeAssignment
from insights.themes.pipeline.write_lock import ASSIGNMENT_WRITES
from tests.factories import AccountFactory, CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def run_writing():
    """Another connection holding what a run's write holds: the assignment turn, every theme row."""
    other = connections.create_connection("default")
    other.set_autocommit(False)
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ASSIGNMENT_WRITES])
        cursor.execute("SELECT id FROM insights_theme FOR UPDATE")
    yield
    other.rollback()
    other.close()


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_move_while_a_run_writes_is_refused_within_seconds_with_the_reason(
    pm_client, rep, request
):
    source, target = ThemeFactory(), ThemeFactory()
    note = CallNoteFactory(author=rep)
    ThemeAssignment.objects.create(note=note, theme=source)
    request.getfixturevalue("run_writing")  # from here on, a run is writing
    response, seconds = _timed(
        lambda: pm_client.post(
            reverse("theme_action", args=[source.pk]),
            {"action": "move", "target": target.pk, "note": [note.pk]},
            follow=True,
        )
    )
    assert seconds < 4
    assert "engine is writing a run" in response.content.decode()
    assert ThemeAssignment.objects.get(note=note).theme == source  # nothing half-applied


def test_a_rename_while_a_run_writes_is_refused_within_seconds(pm, request):
    theme = Theme.objects.create(title="Old name")
    request.getfixturevalue("run_writing")
    started = time.monotonic()
    with pytest.raises(ValidationError, match="engine is writing a run"):
        triage.theme_rename(theme=theme, title="New", actor=pm)
    assert time.monotonic() - started < 4
    assert Theme.objects.get(pk=theme.pk).title == "Old name"


def test_a_reps_save_does_not_wait_for_a_run_writing(rep, rep_client, run_writing):
    AccountFactory(name="Northwind", owner=rep)
    response, seconds = _timed(
        lambda: rep_client.post(
            reverse("log_call"),
            {
                "account": "Northwind",
                "call_date": dt.date.today().isoformat(),
                "body": "They need SAML single sign-on.",
                "importance": "important",
            },
        )
    )
    assert response.status_code == 302 and seconds < 1.5
    note = CallNote.objects.get(body="They need SAML single sign-on.")
    note.body = "They need SAML single sign-on with Okta."
    _, seconds = _timed(note.save)
    assert seconds < 1.5


def test_a_merge_from_a_stale_page_is_refused(pm):
    source, target = ThemeFactory(), ThemeFactory()
    seen = source.version
    triage.theme_rename(theme=source, title="Renamed meanwhile", actor=pm)
    with pytest.raises(triage.StaleEdit):
        triage.theme_merge(source=source, target=target, actor=pm, expected_version=seen)
    assert Theme.objects.get(pk=source.pk).merged_into is None


def test_a_split_from_a_stale_page_is_refused(pm):
    theme = ThemeFactory()
    notes = [CallNoteFactory() for _ in range(2)]
    for note in notes:
        ThemeAssignment.objects.create(note=note, theme=theme)
    seen = theme.version
    triage.theme_rename(theme=theme, title="Renamed meanwhile", actor=pm)
    with pytest.raises(triage.StaleEdit):
        note_moves.theme_split(
            theme=theme, note_ids=[notes[0].pk], title="Part", actor=pm, expected_version=seen
        )
    assert Theme.objects.count() == 1
