"""`CallNote.awaiting_theme` says "no assignment row" whatever wrote the assignments, and the
inbox and the reconciler read it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.notes.models import CallNote
from insights.themes import selectors
from insights.themes.models import ThemeAssignment
from insights.themes.note_moves import notes_remove
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _waiting() -> set[int]:
    return set(CallNote.objects.filter(awaiting_theme=True).values_list("pk", flat=True))


def _without_assignment() -> set[int]:
    return set(CallNote.objects.filter(assignment__isnull=True).values_list("pk", flat=True))


def test_a_new_note_waits_until_a_theme_takes_it(rep):
    note = CallNoteFactory(author=rep)
    assert _waiting() == {note.pk}
    ThemeAssignment.objects.create(note=note, theme=ThemeFactory())
    assert _waiting() == set()


def test_bulk_writes_of_assignments_keep_it(rep):
    theme = ThemeFactory()
    notes = [CallNoteFactory(author=rep) for _ in range(6)]
    ThemeAssignment.objects.bulk_create([ThemeAssignment(note=n, theme=theme) for n in notes])
    assert _waiting() == set()
    ThemeAssignment.objects.filter(note__in=notes[:3]).delete()  # as a run unassigns
    assert _waiting() == {n.pk for n in notes[:3]} == _without_assignment()
    ThemeAssignment.objects.filter(note__in=notes[3:]).update(theme=ThemeFactory())  # a move
    assert _waiting() == _without_assignment()


def test_a_note_a_person_took_out_of_its_theme_does_not_wait(rep, pm):
    theme = ThemeFactory()
    note = CallNoteFactory(author=rep)
    ThemeAssignment.objects.create(note=note, theme=theme)
    notes_remove(theme=theme, note_ids=[note.pk], actor=pm)
    assert ThemeAssignment.objects.get(note=note).theme is None
    assert _waiting() == set()
    assert selectors.unthemed_notes() == []


def test_the_inbox_lists_the_waiting_notes_newest_first_without_reading_assignments(rep):
    theme = ThemeFactory()
    waiting = [CallNoteFactory(author=rep) for _ in range(3)]
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    with CaptureQueriesContext(connection) as captured:
        listed = selectors.unthemed_notes()
    assert [n.pk for n in listed] == [n.pk for n in reversed(waiting)]
    assert not [q for q in captured if "insights_themeassignment" in q["sql"]]


def test_deleting_a_themed_note_leaves_nothing_waiting(rep):
    note = CallNoteFactory(author=rep)
    ThemeAssignment.objects.create(note=note, theme=ThemeFactory())
    note.delete()
    assert not CallNote.objects.exists()
