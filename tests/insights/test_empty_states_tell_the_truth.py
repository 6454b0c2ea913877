"""Empty lists say what is true of them: the inbox is not "every note is in a theme"
when a product manager removed notes by hand, and the dashboard does not suggest a
longer period to someone already looking at all time."""

import pytest
from django.urls import reverse

from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import CallNoteFactory, TagFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_an_empty_inbox_does_not_claim_every_note_is_in_a_theme(pm_client, rep):
    theme = ThemeFactory(title="Login")
    notes = [CallNoteFactory(author=rep) for _ in range(2)]
    for note in notes:
        ThemeAssignment.objects.create(note=note, theme=theme)
    pm_client.post(
        reverse("theme_action", args=[theme.pk]), {"action": "remove", "note": [notes[0].pk]}
    )
    page = pm_client.get(reverse("inbox")).content.decode()
    assert "Every note is in a theme" not in page
    assert "No note is waiting for a theme." in page
    assert "Notes removed from a theme by hand stay out of themes" in page


def test_an_inbox_page_past_the_end_says_so(pm_client):
    page = pm_client.get(reverse("inbox"), {"page": 3}).content.decode()
    assert "Page 3 is past the end of the list." in page


def test_no_match_over_all_time_does_not_suggest_a_longer_period(pm_client, rep):
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=ThemeFactory())
    TagFactory(name="unused")
    store_theme_stats()
    page = pm_client.get(reverse("dashboard"), {"tag": "unused"}).content.decode()
    assert "No themes match these filters." in page
    assert "longer period" not in page
    assert "Try fewer filters" in page


def test_no_match_within_a_period_suggests_a_longer_one(pm_client, rep):
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=ThemeFactory())
    store_theme_stats()
    TagFactory(name="unused")
    page = pm_client.get(reverse("dashboard"), {"tag": "unused", "period": "30"})
    assert "Try a longer period or fewer filters" in page.content.decode()


def test_a_tag_nobody_used_is_named_with_the_tags_it_may_be_a_slip_for(pm_client, rep):
    note = CallNoteFactory(author=rep)
    note.tags.add(TagFactory(name="sso"))
    ThemeAssignment.objects.create(note=note, theme=ThemeFactory())
    store_theme_stats()
    page = pm_client.get(reverse("dashboard"), {"tag": "ssso", "period": "90"}).content.decode()
    assert "No note is tagged “ssso”." in page
    assert "No themes match these filters." not in page
    # The suggestion keeps the rest of the view.
    assert 'Did you mean <a href="?tag=sso&amp;period=90">sso</a>?' in page
