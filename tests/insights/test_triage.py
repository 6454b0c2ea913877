"""Product managers triage themes; every action is recorded and survives runs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from insights.themes import note_moves, triage
from insights.themes.models import Theme, ThemeAssignment, ThemeEvent
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _with_notes(theme, count, author):
    notes = [CallNoteFactory(author=author) for _ in range(count)]
    for note in notes:
        ThemeAssignment.objects.create(note=note, theme=theme)
    return notes


def _kinds(theme):
    return list(theme.events.values_list("kind", flat=True))


def test_renaming_records_who_and_what_and_bumps_the_version(pm):
    theme = ThemeFactory(title="Sso, okta, saml")
    theme = triage.theme_rename(theme=theme, title="Enterprise SSO", actor=pm, expected_version=1)
    assert theme.title == "Enterprise SSO" and theme.title_is_manual and theme.version == 2
    event = theme.events.get()
    assert (event.kind, event.actor, event.data) == (
        "renamed",
        pm,
        {"old": "Sso, okta, saml", "new": "Enterprise SSO"},
    )


def test_a_stale_edit_is_refused_instead_of_overwriting(pm, admin_user):
    theme = ThemeFactory()
    triage.theme_rename(theme=theme, title="First", actor=admin_user, expected_version=1)
    with pytest.raises(triage.StaleEdit, match=f"changed since you opened it \\(by {admin_user}"):
        triage.theme_rename(theme=theme, title="Second", actor=pm, expected_version=1)
    theme.refresh_from_db()
    assert theme.title == "First"


def test_a_stale_edit_of_ones_own_change_says_it_may_be_another_tab(pm):
    theme = ThemeFactory()
    triage.theme_rename(theme=theme, title="First", actor=pm, expected_version=1)
    with pytest.raises(triage.StaleEdit, match="by you, in another tab"):
        triage.theme_rename(theme=theme, title="Second", actor=pm, expected_version=1)


def test_status_owner_link_and_decision_are_recorded(pm, django_capture_on_commit_callbacks):
    theme = ThemeFactory()
    heard = []
    triage.theme_status_changed.connect(lambda **kw: heard.append(kw), weak=False)
    with django_capture_on_commit_callbacks(execute=True):
        theme = triage.theme_set_status(theme=theme, status="planned", actor=pm)
    theme = triage.theme_set_owner(theme=theme, owner=pm, actor=pm)
    theme = triage.theme_link(theme=theme, url="https://tracker.example/ISSUE-7", actor=pm)
    theme = triage.theme_write_decision(theme=theme, decision="Build in Q1.", actor=pm)
    assert (theme.status, theme.owner, theme.external_url, theme.decision) == (
        "planned",
        pm,
        "https://tracker.example/ISSUE-7",
        "Build in Q1.",
    )
    assert set(_kinds(theme)) == {"status", "owner", "linked", "decision"}
    assert heard and heard[-1]["new"] == "planned" and heard[-1]["old"] == "new"


def test_bad_values_are_refused_with_a_message(pm):
    theme = ThemeFactory()
    with pytest.raises(ValidationError, match="One of"):
        triage.theme_set_status(theme=theme, status="done-ish", actor=pm)
    with pytest.raises(ValidationError, match="full http"):
        triage.theme_link(theme=theme, url="javascript:alert(1)", actor=pm)
    with pytest.raises(ValidationError, match="needs a title"):
        triage.theme_rename(theme=theme, title="   ", actor=pm)


def test_merging_moves_the_notes_and_points_the_theme_to_its_target(pm, rep):
    target, source = ThemeFactory(), ThemeFactory()
    notes = _with_notes(source, 3, rep)
    ThemeAssignment.objects.filter(note=notes[0]).update(locked=True, assigned_by="person")
    earlier = ThemeFactory(merged_into=source)
    triage.theme_merge(source=source, target=target, actor=pm)
    source.refresh_from_db()
    earlier.refresh_from_db()
    assert source.merged_into == target and earlier.merged_into == target
    assert ThemeAssignment.objects.filter(theme=target).count() == 3
    assert ThemeAssignment.objects.get(note=notes[0]).locked  # a pin stays a pin
    assert "merged" in _kinds(source) and "merged" in _kinds(target)
    with pytest.raises(ValidationError, match="already merged"):
        triage.theme_merge(source=source, target=target, actor=pm)


def test_moving_removing_and_splitting_notes_pins_them(pm, rep):
    theme, other = ThemeFactory(), ThemeFactory()
    notes = _with_notes(theme, 5, rep)
    note_moves.notes_move(note_ids=[notes[0].pk], target=other, actor=pm)
    note_moves.notes_remove(theme=theme, note_ids=[notes[1].pk], actor=pm)
    new = note_moves.theme_split(
        theme=theme, note_ids=[notes[2].pk, notes[3].pk], title="Okta only", actor=pm
    )
    assignment = {a.note_id: a for a in ThemeAssignment.objects.all()}
    assert assignment[notes[0].pk].theme == other and assignment[notes[0].pk].locked
    assert assignment[notes[1].pk].theme is None and assignment[notes[1].pk].locked
    assert assignment[notes[2].pk].theme == new and assignment[notes[3].pk].locked
    assert assignment[notes[4].pk].theme == theme and not assignment[notes[4].pk].locked
    assert new.title_is_manual
    assert {"notes_moved", "notes_removed", "split"} <= set(_kinds(theme))
    with pytest.raises(ValidationError, match="Pick notes of this theme"):
        note_moves.notes_remove(theme=theme, note_ids=[notes[0].pk], actor=pm)


@pytest.mark.parametrize(
    "action",
    [
        lambda t, o, u, n: triage.theme_rename(theme=t, title="x", actor=u),
        lambda t, o, u, n: triage.theme_set_status(theme=t, status="shipped", actor=u),
        lambda t, o, u, n: triage.theme_merge(source=t, target=o, actor=u),
        lambda t, o, u, n: note_moves.notes_move(note_ids=[n.pk], target=o, actor=u),
        lambda t, o, u, n: note_moves.notes_remove(theme=t, note_ids=[n.pk], actor=u),
        lambda t, o, u, n: note_moves.theme_split(theme=t, note_ids=[n.pk], title="x", actor=u),
    ],
)
def test_a_rep_cannot_triage_and_nothing_changes(rep, action):
    theme, other = ThemeFactory(title="Keep"), ThemeFactory()
    note = _with_notes(theme, 1, rep)[0]
    with pytest.raises(PermissionDenied):
        action(theme, other, rep, note)
    theme.refresh_from_db()
    assert (theme.title, theme.status, theme.merged_into_id) == ("Keep", "new", None)
    assert ThemeAssignment.objects.get(note=note).theme == theme
    assert not ThemeEvent.objects.exists() and Theme.objects.count() == 2
