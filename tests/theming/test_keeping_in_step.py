"""The engine hears about every change to notes and deals, whatever made it."""

import pytest

from deals.models import Stage
from insights.themes.models import ThemeAssignment
from tests.corpus import rows
from tests.factories import CallNoteFactory
from tests.theming.conftest import make_notes, run_now

pytestmark = pytest.mark.django_db


def test_saving_a_note_hands_it_to_placement_after_commit(
    rep, no_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = CallNoteFactory(author=rep)
    assert ("place_note", (note.pk,)) in no_broker

    no_broker.clear()
    with django_capture_on_commit_callbacks(execute=True):
        note.importance = "deal_blocker"
        note.save(update_fields=["importance"])
    assert no_broker == []  # the text did not change: nothing to place


def test_a_deal_that_changes_refreshes_the_themes_of_its_notes(
    themed, no_broker, django_capture_on_commit_callbacks
):
    assignment = ThemeAssignment.objects.select_related("note__deal").first()
    deal = assignment.note.deal
    no_broker.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deal.stage = Stage.CLOSED_LOST
        deal.save()
    refreshed = [ids for name, (ids,) in no_broker if name == "refresh_theme_stats"]
    assert refreshed and assignment.theme_id in refreshed[0]


def test_a_deal_edit_that_changes_no_figure_refreshes_nothing(
    themed, no_broker, django_capture_on_commit_callbacks
):
    deal = ThemeAssignment.objects.select_related("note__deal").first().note.deal
    no_broker.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deal.name = f"{deal.name} (renamed)"
        deal.loss_reason = "Went with a spreadsheet"
        deal.save()
    assert [name for name, _ in no_broker if name == "refresh_theme_stats"] == []


def test_deleting_a_note_refreshes_its_theme(themed, no_broker, django_capture_on_commit_callbacks):
    assignment = ThemeAssignment.objects.first()
    no_broker.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignment.note.delete()
    assert ("refresh_theme_stats", ([assignment.theme_id],)) in no_broker


def test_five_percent_new_notes_leave_existing_notes_where_they_were(themed, rep):
    before = dict(ThemeAssignment.objects.values_list("note_id", "theme_id"))
    extra = [(f"Follow-up: {text}", tags, need) for text, tags, need in rows()[::16]]
    make_notes(rep, extra)  # 3 new notes on top of 48
    run_now()
    after = dict(ThemeAssignment.objects.values_list("note_id", "theme_id"))
    kept = sum(1 for note, theme in before.items() if after.get(note) == theme)
    assert kept / len(before) >= 0.95


def test_each_theme_shows_its_most_typical_notes(themed):
    from insights.themes.models import Theme

    for theme in Theme.objects.filter(note_count__gt=0):
        assert 1 <= len(theme.representative_note_ids) <= 3
        members = set(theme.assignments.values_list("note_id", flat=True))
        assert set(theme.representative_note_ids) <= members
