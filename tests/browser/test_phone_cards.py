"""A wide table becomes one card per row on a phone: a cell holding several things
reads as one block beside its label, never as narrow side-by-side columns."""

import pytest

from insights.themes import triage
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.browser.pages import sign_in
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_themes_news_reads_one_item_under_the_other_in_my_requests(page, live_server, rep, pm):
    if page.viewport_name != "phone":
        pytest.skip("the phone layout")
    theme = ThemeFactory(title="SAML SSO")
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    triage.theme_set_status(theme=theme, status="planned", actor=pm, reason="Okta first, in Q1.")
    triage.theme_rename(theme=theme, title="SAML single sign-on", actor=pm)
    sign_in(page, live_server, rep)
    page.goto(f"{live_server.url}/my-requests/")
    news = page.locator("table.themes tbody tr").first.locator("td").last.locator("div.muted")
    assert news.count() == 2
    first, second = news.nth(0).bounding_box(), news.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1, "news items stand side by side"


def test_a_themes_owner_reads_under_its_status_on_the_dashboard(page, live_server, rep, pm):
    if page.viewport_name != "phone":
        pytest.skip("the phone layout")
    theme = ThemeFactory(title="SAML SSO")
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    triage.theme_set_status(theme=theme, status="declined", actor=pm, reason="Not this year.")
    triage.theme_set_owner(theme=theme, owner=pm, actor=pm)
    store_theme_stats()
    sign_in(page, live_server, pm)
    page.goto(f"{live_server.url}/themes/")
    cell = page.locator("table.themes tbody tr").first.locator("td").nth(1)
    status = cell.locator(".status").bounding_box()
    owner = cell.get_by_text(pm.display_name).bounding_box()
    assert owner["y"] >= status["y"] + status["height"] - 1, "the owner stands beside the status"
