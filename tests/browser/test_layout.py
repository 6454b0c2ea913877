"""Every main page fits a phone and reads like words: at 1280 and at 390 px wide."""

import re
from decimal import Decimal

import pytest

from insights.loop.models import Notification
from insights.themes import triage
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.browser.conftest import SCREENSHOTS, go_to, log_in
from tests.factories import (
    AccountFactory,
    AdminFactory,
    CallNoteFactory,
    DealFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A stored choice value leaking into a page: "closed_won", "mid_market", "Closed_Won".
RAW_VALUE = re.compile(r"\b[A-Za-z]+_[A-Za-z_]+\b")
MAIN_PAGES = {
    "home": "/",
    "log-a-call": "/notes/new/",
    "my-notes": "/notes/mine/",
    "dashboard": "/themes/",
    "notifications": "/notifications/",
}


@pytest.fixture
def rep_with_news(rep, pm):
    """A rep with notes on deals in every stage and segment, and one notification."""
    theme = ThemeFactory(title="Audit log export")
    for name, segment, stage, amount in [
        ("Globex", "mid_market", "closed_won", "3517232.10"),
        ("Initech", "smb", "closed_lost", "14929"),
        ("Umbrella", "enterprise", "negotiation", "1250000"),
    ]:
        account = AccountFactory(owner=rep, segment=segment, name=name)
        deal = DealFactory(
            account=account, name=f"{name} deal", stage=stage, amount=Decimal(amount)
        )
        note = CallNoteFactory(
            author=rep,
            account=account,
            deal=deal,
            importance="deal_blocker",
            body="They need every admin action in an exportable audit log " * 6,
        )
        ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats()
    triage.theme_set_status(theme=theme, status="planned", actor=pm)
    Notification.objects.create(
        recipient=rep,
        theme=theme,
        event=theme.events.latest("created_at"),
        old_status="new",
        new_status="planned",
        details={"accounts": [{"name": "Initech"}], "deals": [], "open_pipeline": "0"},
    )
    return rep


def _fits_the_screen(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_each_main_page_fits_the_screen_and_shows_no_raw_values(page, live_server, rep_with_news):
    log_in(page, live_server, rep_with_news.username)
    for name, path in MAIN_PAGES.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        assert _fits_the_screen(page), f"{name} scrolls sideways at {page.viewport_name} width"
        text = page.inner_text("body")
        assert not RAW_VALUE.findall(text), f"{name} shows raw values: {RAW_VALUE.findall(text)}"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.viewport_name}.png"), full_page=True)


def test_the_rep_home_offers_log_a_call_and_the_phone_menu_opens(page, live_server, rep_with_news):
    log_in(page, live_server, rep_with_news.username)
    assert page.get_by_role("link", name="Log a call").first.is_visible()
    assert page.is_visible("text=Your latest notes") and page.is_visible("text=Your news")
    go_to(page, "Dashboard")
    page.wait_for_url("**/themes/")
    assert page.is_visible("h1:has-text('Themes')")


def test_keyboard_users_can_skip_to_the_content(page, live_server, rep_with_news):
    log_in(page, live_server, rep_with_news.username)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement") and skip.is_visible()


def test_a_user_without_a_role_sees_whom_to_ask(page, live_server):
    AdminFactory(first_name="Ada", last_name="Admin")
    CallNoteFactory(account=AccountFactory(name="Secret Customer"))
    nobody = UserFactory()
    log_in(page, live_server, nobody.username)
    assert page.is_visible("text=no role yet") and page.is_visible("text=Ada Admin")
    assert not page.is_visible("text=Secret Customer")
    assert _fits_the_screen(page)


def test_the_phone_menu_is_closed_until_opened(page, live_server, rep_with_news):
    log_in(page, live_server, rep_with_news.username)
    my_notes = page.locator("nav.mainnav").get_by_role("link", name="My notes", exact=True)
    if page.viewport_name == "phone":
        assert not my_notes.is_visible()
        page.click("summary:has-text('Menu')")
    assert my_notes.is_visible()
