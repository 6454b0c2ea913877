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
