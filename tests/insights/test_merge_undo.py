"""A merge can be undone for a while: the source theme, its notes and status come back."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from insights.themes import merge_undo, note_moves, triage
from insights.themes.models import ClusteringRun, Theme, ThemeAssignment
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _with_notes(theme, count, author):
    notes = [CallNoteFactory(author=author) for _ in range(count)]
    for note in notes:
        ThemeAssignment.objects.create(note=note, theme=theme)
    return notes


def _theme_of(note):
    return ThemeAssignment.objects.get(note=note).theme_id


@pytest.fixture
def merged(pm, rep):
    """ "Okta login" (planned, owned, with an earlier merge of its own) merged into "SSO"."""
    source = ThemeFactory(title="Okta login")
    target = ThemeFactory(title="SSO")
    earlier = ThemeFactory(title="SAML")
    source_notes = _with_notes(source, 3, rep)
    target_notes = _with_notes(target, 2, rep)
    triage.theme_set_status(theme=source, status="planned", actor=pm)
    triage.theme_set_owner(theme=Theme.objects.get(pk=source.pk), owner=pm, actor=pm)
    triage.theme_merge(source=earlier, target=Theme.objects.get(pk=source.pk), actor=pm)
    triage.theme_merge(source=Theme.objects.get(pk=source.pk), target=target, actor=pm)
    return source, target, earlier, source_notes, target_notes


def test_undoing_a_merge_brings_back_the_theme_its_notes_and_status(pm, merged):
    source, target, earlier, source_notes, target_notes = merged
    restored = merge_undo.theme_merge_undo(source=source, actor=pm)

    assert restored.merged_into_id is None
    assert (restored.status, restored.owner, restored.title) == ("planned", pm, "Okta login")
    assert {_theme_of(n) for n in source_notes} == {source.pk}
    assert {_theme_of(n) for n in target_notes} == {target.pk}
    # A theme merged into the source before it went is pointed back at the source.
    assert Theme.objects.get(pk=earlier.pk).merged_into_id == source.pk
    assert list(source.events.values_list("kind", flat=True))[0] == "unmerged"
    assert target.events.first().data == {
        "source": source.pk,
        "source_title": "Okta login",
        "notes": 3,
    }


def test_a_note_moved_on_after_the_merge_stays_where_it_was_put(pm, rep, merged):
    source, target, _, source_notes, _ = merged
    elsewhere = ThemeFactory(title="Elsewhere")
    note_moves.notes_move(note_ids=[source_notes[0].pk], target=elsewhere, actor=pm)
    merge_undo.theme_merge_undo(source=source, actor=pm)
    assert _theme_of(source_notes[0]) == elsewhere.pk
    assert {_theme_of(n) for n in source_notes[1:]} == {source.pk}


def test_a_rep_cannot_undo_a_merge(rep, merged):
    source = merged[0]
    with pytest.raises(PermissionDenied):
        merge_undo.theme_merge_undo(source=source, actor=rep)
    assert Theme.objects.get(pk=source.pk).merged_into_id == merged[1].pk


def test_a_rep_posting_an_undo_is_refused(rep_client, merged):
    source, target = merged[:2]
    response = rep_client.post(
        reverse("theme_action", args=[target.pk]), {"action": "undo_merge", "source": source.pk}
    )
    assert response.status_code == 403
    assert Theme.objects.get(pk=source.pk).merged_into_id == target.pk


def test_a_merge_cannot_be_undone_after_the_window(pm, merged):
    source = merged[0]
    later = timezone.now() + merge_undo.UNDO_WINDOW + dt.timedelta(seconds=1)
    with pytest.raises(ValidationError, match="can be undone for 30 minutes"):
        merge_undo.theme_merge_undo(source=source, actor=pm, now=later)
    assert Theme.objects.get(pk=source.pk).merged_into_id == merged[1].pk


def test_a_merge_cannot_be_undone_once_a_theme_run_was_started(pm, merged):
    source = merged[0]
    ClusteringRun.objects.create(requested_by=pm)
    with pytest.raises(ValidationError, match="theme run has been started"):
        merge_undo.theme_merge_undo(source=source, actor=pm)


def test_a_merge_is_undone_only_once(pm, merged):
    source, target = merged[:2]
    merge_undo.theme_merge_undo(source=source, actor=pm)
    with pytest.raises(ValidationError, match="not merged"):
        merge_undo.theme_merge_undo(source=source, actor=pm)
    triage.theme_merge(source=Theme.objects.get(pk=source.pk), target=target, actor=pm)
    assert merge_undo.undoable_merges_into(theme=target)[0].source_id == source.pk


def test_the_theme_page_offers_undo_and_the_post_restores_the_source(pm_client, merged):
    source, target = merged[:2]
    page = pm_client.get(reverse("theme_page", args=[target.pk])).content.decode()
    assert "Merged “Okta login” into this theme" in page and "Undo merge" in page
    response = pm_client.post(
        reverse("theme_action", args=[target.pk]),
        {"action": "undo_merge", "source": source.pk},
        follow=True,
    )
    assert "Merge undone: “Okta login” is its own theme again." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("theme_page", args=[source.pk]) + "#triage"
    assert Theme.objects.get(pk=source.pk).merged_into_id is None


def test_the_page_stops_offering_undo_after_a_run(pm_client, pm, merged):
    target = merged[1]
    ClusteringRun.objects.create(requested_by=pm)
    page = pm_client.get(reverse("theme_page", args=[target.pk])).content.decode()
    assert "Undo merge" not in page


def test_a_merge_cannot_be_undone_while_a_run_that_began_before_it_is_going(pm, rep):
    running = ClusteringRun.objects.create(state="running", started_at=timezone.now())
    source, target = ThemeFactory(), ThemeFactory()
    _with_notes(source, 1, rep)
    triage.theme_merge(source=source, target=target, actor=pm)
    with pytest.raises(ValidationError, match="theme run"):
        merge_undo.theme_merge_undo(source=source, actor=pm)
    running.state, running.finished_at = "succeeded", timezone.now()
    running.save()
    with pytest.raises(ValidationError, match="theme run"):  # it finished after the merge
        merge_undo.theme_merge_undo(source=source, actor=pm)
