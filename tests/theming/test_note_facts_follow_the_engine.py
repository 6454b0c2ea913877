"""What the theme engine writes (a full run's bulk assignments, placement of a new note)
reaches each note's facts, which the dashboard's filter combinations read."""

import pytest

from insights.themes.models import NoteFacts, Theme, ThemeAssignment
from insights.themes.pipeline import placement
from tests.factories import CallNoteFactory
from tests.insights.facts_check import assert_facts_are_exact
from tests.theming.conftest import run_now

pytestmark = pytest.mark.django_db


def test_a_first_run_gives_every_themed_note_its_facts(notes):
    assert not NoteFacts.objects.exists()
    run_now()
    assert NoteFacts.objects.count() == ThemeAssignment.objects.filter(theme__isnull=False).count()
    assert_facts_are_exact()


def test_a_run_that_moves_and_places_notes_keeps_their_facts(themed):
    first, second = Theme.objects.filter(note_count__gt=0).order_by("-note_count", "id")[:2]
    strays = list(first.assignments.values_list("note_id", flat=True)[:3])
    ThemeAssignment.objects.filter(note_id__in=strays).update(theme=second)  # the engine's
    dropped = list(
        second.assignments.exclude(note_id__in=strays).values_list("note_id", flat=True)[:2]
    )
    ThemeAssignment.objects.filter(note_id__in=dropped).delete()
    assert_facts_are_exact()
    run = run_now()
    assert run.changes["moved"] > 0
    assert NoteFacts.objects.filter(note_id__in=dropped).count() == 2
    assert_facts_are_exact()


def test_a_placed_note_gets_its_facts_with_its_tags(themed, rep):
    note = CallNoteFactory(
        author=rep, body="Need SAML SSO with Okta for every employee.", tags=["sso"]
    )
    theme_id = placement.place_note(note_id=note.pk)
    assert theme_id is not None
    facts = NoteFacts.objects.get(note_id=note.pk)
    assert (facts.theme_id, facts.tag_ids) == (
        theme_id,
        list(note.tags.values_list("pk", flat=True)),
    )
    assert_facts_are_exact()
