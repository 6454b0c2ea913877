"""The shared layout at 1280 and at 390 px: each person's home, the menu, the skip link.

Every main page's width, words and accessibility: test_every_page.py.
"""

import pytest

from tests.browser.a11y import assert_no_horizontal_scroll
from tests.browser.conftest import go_to, log_in
from tests.browser.pages import seed_org
from tests.factories import (
    AccountFactory,
    AdminFactory,
    CallNoteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rep_with_news(transactional_db):
    """A rep with notes on deals in every stage and segment, and news."""
    return seed_org().rep


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
    assert_no_horizontal_scroll(page)


def test_the_phone_menu_is_closed_until_opened(page, live_server, rep_with_news):
    log_in(page, live_server, rep_with_news.username)
    my_notes = page.locator("nav.mainnav").get_by_role("link", name="My notes", exact=True)
    if page.viewport_name == "phone":
        assert not my_notes.is_visible()
        page.click("summary:has-text('Menu')")
    assert my_notes.is_visible()


_LOOK = """el => {
  const s = getComputedStyle(el);
  return [s.color, s.fontWeight, s.backgroundColor, s.textDecorationThickness].join(" | ");
}"""


def test_log_a_call_looks_current_only_on_the_log_a_call_page(page, live_server, rep_with_news):
    log_in(page, live_server, rep_with_news.username)
    page.goto(f"{live_server.url}/notes/mine/")
    if page.viewport_name == "phone":
        page.click("summary:has-text('Menu')")
    menu = page.locator("nav.mainnav")
    my_notes = menu.get_by_role("link", name="My notes", exact=True)
    log_a_call = menu.get_by_role("link", name="Log a call", exact=True)
    assert my_notes.get_attribute("aria-current") == "page"
    assert log_a_call.get_attribute("aria-current") is None
    # The current page's look is the current page's alone: "Log a call" keeps its own.
    current_look = my_notes.evaluate(_LOOK)
    assert log_a_call.evaluate(_LOOK) != current_look
    assert log_a_call.evaluate("el => getComputedStyle(el).fontWeight") != my_notes.evaluate(
        "el => getComputedStyle(el).fontWeight"
    )

    page.goto(f"{live_server.url}/notes/mine/")  # the menu closed again
    go_to(page, "Log a call")
    page.wait_for_url("**/notes/new/**")
    if page.viewport_name == "phone":
        page.click("summary:has-text('Menu')")
    log_a_call = page.locator("nav.mainnav").get_by_role("link", name="Log a call", exact=True)
    assert log_a_call.get_attribute("aria-current") == "page"
    assert log_a_call.evaluate("el => getComputedStyle(el).fontWeight") == "600"


def test_my_notes_on_a_phone_shows_the_first_note_with_the_filters_folded(
    page, live_server, rep_with_news
):
    log_in(page, live_server, rep_with_news.username)
    page.goto(f"{live_server.url}/notes/mine/")
    search = page.locator("#id_q")
    first_note = page.locator("ul.notes > li").first
    if page.viewport_name == "phone":
        assert not search.is_visible()
        box = first_note.bounding_box()
        assert box is not None and box["y"] < page.viewport_size["height"], box
        page.click("summary:has-text('Filters')")
        assert search.is_visible()
    else:
        assert search.is_visible() and not page.is_visible("summary:has-text('Filters')")
    assert_no_horizontal_scroll(page)


def test_a_page_asks_for_no_file_that_is_missing(page, live_server, rep_with_news):
    # A browser asks for /favicon.ico unless the page names an icon; each miss is a
    # 404 and an error in the console, on every page.
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, rep_with_news.username)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert [e for e in errors if "Failed to load resource" in e] == []
