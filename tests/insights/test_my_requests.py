"""A rep's "My customers' requests": the themes their notes are in and what changed."""

import re
from html import unescape

import pytest
from django.urls import reverse

from insights.loop import my_requests
from insights.themes import triage
from insights.themes.models import ThemeAssignment
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _in(theme, author, count=1):
    for _ in range(count):
        ThemeAssignment.objects.create(note=CallNoteFactory(author=author), theme=theme)


def test_lists_the_themes_with_my_notes_and_their_status(rep, other_rep, pm, rep_client):
    sso, export, theirs = (
        ThemeFactory(title="SSO"),
        ThemeFactory(title="Bulk export"),
        ThemeFactory(title="Their theme"),
    )
    _in(sso, rep, 2)
    _in(export, rep)
    _in(theirs, other_rep)
    triage.theme_set_status(theme=sso, status="planned", actor=pm)

    page = rep_client.get(reverse("my_requests")).content.decode()
    assert "SSO" in page and "Bulk export" in page and "Their theme" not in page
    assert "Planned" in page and "Status changed: New → Planned" in page


def test_news_since_the_last_visit_is_marked_new(rep, pm, rep_client):
    sso, export = ThemeFactory(title="SSO"), ThemeFactory(title="Bulk export")
    _in(sso, rep)
    _in(export, rep)
    first = rep_client.get(reverse("my_requests")).content.decode()
    assert "new</strong>" not in first  # no last visit yet

    triage.theme_set_status(theme=export, status="shipped", actor=pm)
    second = rep_client.get(reverse("my_requests")).content.decode()
    assert second.count("1 new</strong>") == 1
    assert second.index("Bulk export") < second.index("SSO")  # news first

    third = rep_client.get(reverse("my_requests")).content.decode()
    assert "new</strong>" not in third


def test_the_page_costs_the_same_queries_with_one_or_many_themes(rep, pm, rep_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert rep_client.get(reverse("my_requests")).status_code == 200
        return len(captured)

    theme = ThemeFactory()
    _in(theme, rep)
    triage.theme_set_status(theme=theme, status="planned", actor=pm)
    one = count()
    for _ in range(15):
        t = ThemeFactory()
        _in(t, rep, 2)
        triage.theme_set_status(theme=t, status="declined", actor=pm, reason="Not this year")
    assert count() == one


def test_product_managers_without_notes_to_log_are_refused(client):
    from tests.factories import ProductManagerFactory

    pm = ProductManagerFactory()
    client.force_login(pm)
    assert client.get(reverse("my_requests")).status_code == 403


def test_themes_with_news_come_before_quiet_ones_even_on_the_first_visit(rep, pm, rep_client):
    quiet, planned = ThemeFactory(title="Quiet theme"), ThemeFactory(title="Planned theme")
    _in(planned, rep)
    _in(quiet, rep)  # the newer note, so first without news
    triage.theme_set_status(theme=planned, status="planned", actor=pm)
    page = rep_client.get(reverse("my_requests")).content.decode()
    assert page.index("Planned theme") < page.index("Quiet theme")


def _themes_on(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/themes/(\d+)/"', html)]


def _next_link(html: str) -> str | None:
    found = re.search(r'href="(\?[^"]*)">Older', html)
    return reverse("my_requests") + unescape(found.group(1)) if found else None


def test_the_busiest_rep_gets_the_list_in_pages_each_theme_once(rep, pm, rep_client):
    themes = [ThemeFactory(title=f"Need {i}") for i in range(my_requests.PER_PAGE + 7)]
    for theme in themes:
        _in(theme, rep)
    rep_client.get(reverse("my_requests"))  # a first visit
    for theme in themes[:4]:
        triage.theme_set_status(theme=theme, status="planned", actor=pm)

    first = rep_client.get(reverse("my_requests")).content.decode()
    assert len(_themes_on(first)) == my_requests.PER_PAGE
    assert first.count("1 new</strong>") == 4
    second = rep_client.get(_next_link(first)).content.decode()
    assert _next_link(second) is None
    seen = _themes_on(first) + _themes_on(second)
    assert sorted(seen) == sorted(t.pk for t in themes) and len(set(seen)) == len(seen)
    assert set(_themes_on(first)[:4]) == {t.pk for t in themes[:4]}, "news first"


def test_later_pages_mark_news_since_the_same_visit_as_the_first(rep, pm, rep_client):
    themes = [ThemeFactory() for _ in range(my_requests.PER_PAGE + 3)]
    for theme in themes:
        _in(theme, rep)
    rep_client.get(reverse("my_requests"))
    for theme in themes:
        triage.theme_set_status(theme=theme, status="planned", actor=pm)
    first = rep_client.get(reverse("my_requests")).content.decode()
    second = rep_client.get(_next_link(first)).content.decode()
    assert len(_themes_on(second)) == 3 and second.count("1 new</strong>") == 3
    assert rep_client.get(_next_link(first)).content.decode().count("1 new</strong>") == 3


def test_a_page_past_the_end_says_so_and_leads_back(rep, rep_client):
    _in(ThemeFactory(title="SSO"), rep)
    page = rep_client.get(reverse("my_requests"), {"page": 2}).content.decode()
    # Not "none of your notes is in a theme yet": the first page lists one.
    assert "None of your notes is in a theme yet" not in page
    assert "past the end of the list" in page
    assert f'href="{reverse("my_requests")}"' in page
