"""Why a theme was declined stays beside its status, for the reps who asked and on its page.

The reason used to live only in the timeline line of the decline: three renames
or merges later it had left a rep's latest news, and the theme page showed
"Declined" with no word of why above its timeline.
"""

import re
from html import unescape

import pytest
from django.urls import reverse

from insights.themes import triage
from insights.themes.models import ThemeAssignment
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db

REASON = "Not this year: we focus on the core product first."


def _declined_then_renamed(rep, pm, times=3):
    theme = ThemeFactory(title="Dark mode")
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    theme = triage.theme_set_status(theme=theme, status="declined", actor=pm, reason=REASON)
    for i in range(times):
        theme = triage.theme_rename(theme=theme, title=f"Dark mode {i}", actor=pm)
    return theme


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_my_requests_shows_the_decline_reason_after_later_news(rep, pm, rep_client):
    _declined_then_renamed(rep, pm)
    page = _text(rep_client.get(reverse("my_requests")))
    assert "Status changed: New → Declined" not in page  # pushed out of the latest news
    assert f"Declined “{REASON}”" in page


def test_the_theme_page_says_why_it_is_declined(rep, pm, rep_client, pm_client):
    theme = _declined_then_renamed(rep, pm, times=1)
    for client in (rep_client, pm_client):
        page = _text(client.get(reverse("theme_page", args=[theme.pk])))
        assert f"Why declined: “{REASON}”" in page


def test_a_later_status_without_a_reason_drops_the_old_one(rep, pm, rep_client):
    theme = _declined_then_renamed(rep, pm, times=0)
    triage.theme_set_status(theme=theme, status="under_review", actor=pm)
    page = _text(rep_client.get(reverse("theme_page", args=[theme.pk])))
    assert "Why declined" not in page and "Why under review" not in page
    assert REASON in page  # still in the timeline, as history
    my_requests = _text(rep_client.get(reverse("my_requests")))
    assert f"Under review “{REASON}”" not in my_requests
