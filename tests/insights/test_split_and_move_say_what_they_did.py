"""Splitting and moving notes from the theme page: the halves of a split count as
different needs, and each action says what it did (or why it did nothing)."""

import pytest
from django.urls import reverse

from insights.themes.models import Theme, ThemeAssignment
from insights.themes.pipeline import duplicates
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _theme_with_notes(title, count, author):
    theme = ThemeFactory(title=title)
    notes = [CallNoteFactory(author=author) for _ in range(count)]
    for note in notes:
        ThemeAssignment.objects.create(note=note, theme=theme)
    return theme, notes


def _split(pm_client, theme, notes, title):
    return pm_client.post(
        reverse("theme_action", args=[theme.pk]),
        {
            "action": "split",
            "note": [n.pk for n in notes],
            "title": title,
            "version": theme.version,
        },
        follow=True,
    )


def test_the_two_halves_of_a_split_are_never_suggested_as_duplicates(pm_client, rep):
    theme, notes = _theme_with_notes("Login", 4, rep)
    _split(pm_client, theme, notes[:2], "SSO")
    new = Theme.objects.get(title="SSO")
    assert frozenset({theme.pk, new.pk}) in duplicates.kept_apart()
    page = pm_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "Marked as a different need: from “SSO”" in timeline


def test_a_split_links_to_the_new_theme(pm_client, rep):
    theme, notes = _theme_with_notes("Login", 4, rep)
    page = _split(pm_client, theme, notes[:2], "SSO").content.decode()
    new = Theme.objects.get(title="SSO")
    assert f'Split 2 notes into <a href="{reverse("theme_page", args=[new.pk])}">“SSO”</a>' in page


def _move(pm_client, theme, notes, typed):
    return pm_client.post(
        reverse("theme_action", args=[theme.pk]),
        {"action": "move", "note": [n.pk for n in notes], "target_text": typed},
        follow=True,
    )


def test_moving_to_an_unknown_theme_says_so_and_keeps_the_ticks(pm_client, rep):
    theme, notes = _theme_with_notes("Login", 3, rep)
    page = _move(pm_client, theme, notes[:2], "nonexistent theme xyz").content.decode()
    assert "No other active theme has “nonexistent theme xyz” in its title." in page
    assert 'value="nonexistent theme xyz"' in page
    for note in notes[:2]:
        assert f'value="{note.pk}" aria-label="select note {note.pk}" checked' in page
    assert f'value="{notes[2].pk}" aria-label="select note {notes[2].pk}">' in page
    assert ThemeAssignment.objects.filter(theme=theme).count() == 3


def test_a_move_says_how_many_notes_went_to_which_theme(pm_client, rep):
    theme, notes = _theme_with_notes("Login", 3, rep)
    target = ThemeFactory(title="Single sign-on")
    page = _move(pm_client, theme, notes[:2], "single sign").content.decode()
    link = reverse("theme_page", args=[target.pk])
    assert f'Moved 2 notes to <a href="{link}">“Single sign-on”</a>.' in page
    assert ThemeAssignment.objects.filter(theme=target).count() == 2


def test_removing_notes_says_how_many_left_the_theme(pm_client, rep):
    theme, notes = _theme_with_notes("Login", 3, rep)
    page = pm_client.post(
        reverse("theme_action", args=[theme.pk]),
        {"action": "remove", "note": [n.pk for n in notes[:2]]},
        follow=True,
    ).content.decode()
    assert "Removed 2 notes from this theme" in page
    assert ">Saved.<" not in page
    assert ThemeAssignment.objects.filter(theme=theme).count() == 1


def test_removing_one_note_says_no_run_puts_it_back(pm_client, rep):
    theme, notes = _theme_with_notes("Login", 2, rep)
    page = pm_client.post(
        reverse("theme_action", args=[theme.pk]),
        {"action": "remove", "note": [notes[0].pk]},
        follow=True,
    ).content.decode()
    assert "Removed 1 note from this theme; no theme run puts it back." in page
