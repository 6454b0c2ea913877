"""Incremental placement: a new note joins a theme within seconds, no run needed."""

import pytest

from insights.themes.models import ThemeAssignment
from insights.themes.pipeline import placement, similar
from tests.factories import CallNoteFactory

pytestmark = pytest.mark.django_db


def _theme_of(note):
    return ThemeAssignment.objects.filter(note=note).values_list("theme_id", flat=True).first()


def test_a_new_note_joins_the_theme_of_its_need(themed, rep):
    export_note = next(n for n in themed if "csv export" in n.body.lower())
    note = CallNoteFactory(author=rep, body="They want to download the report as an Excel file.")
    assert placement.place_note(note_id=note.pk) == _theme_of(export_note)
    assert _theme_of(note) == _theme_of(export_note)


def test_a_note_about_something_else_is_left_unthemed(themed, rep):
    note = CallNoteFactory(author=rep, body="Lunch was great; we talked about football all along.")
    assert placement.place_note(note_id=note.pk) is None
    assert _theme_of(note) is None


def test_placing_a_deleted_note_is_harmless(themed):
    assert placement.place_note(note_id=10**9) is None


def test_placement_refreshes_the_statistics_of_the_themes_it_touched(
    themed, rep, no_broker, django_capture_on_commit_callbacks
):
    no_broker.clear()
    note = CallNoteFactory(author=rep, body="Need SAML SSO with Okta for every employee.")
    with django_capture_on_commit_callbacks(execute=True):
        theme_id = placement.place_note(note_id=note.pk)
    assert ("refresh_theme_stats", ([theme_id],)) in no_broker


def test_the_inbox_gets_the_closest_themes_as_suggestions(themed, rep):
    from insights.themes.pipeline import vectors

    note = CallNoteFactory(author=rep, body="Hosting must be inside the EU for GDPR reasons.")
    vectors.ensure_embeddings(note_ids=[note.pk])
    residency = _theme_of(next(n for n in themed if "frankfurt" in n.body.lower()))
    suggestions = similar.suggest_themes(note_ids=[note.pk], limit=3)[note.pk]
    assert len(suggestions) == 3
    assert suggestions[0][0].pk == residency
    assert suggestions[0][1] >= suggestions[1][1] >= suggestions[2][1]


def test_similar_notes_and_themes_for_a_draft(themed):
    found = similar.similar_to_text(text="Can we get the numbers out as a spreadsheet?", tags=[])
    bodies = {n.pk: n.body for n in themed if n.pk in {x["note_id"] for x in found["notes"]}}
    assert len(found["notes"]) == 5 and len(found["themes"]) >= 3
    assert any("export" in b.lower() or "excel" in b.lower() for b in bodies.values())
