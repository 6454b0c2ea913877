"""Log a call in Chromium: Save in view on a laptop, the length counter, the same note
saved twice, "did you mean", and a call logged with the keyboard alone."""

import pytest

from deals.models import Account
from insights.notes.models import CallNote
from tests.browser.conftest import SCREENSHOTS, log_in, wait_for_htmx
from tests.factories import AccountFactory, CompetitorFactory, DealFactory, TagFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BODY = "Their CISO will not sign without SAML single sign-on via Okta."
# The demo organisation's eight competitors: the form must fit with all of them.
RIVALS = ["Productboard", "Canny", "Aha!", "Pendo", "Dovetail", "UserVoice", "Jira PD", "Savio"]


@pytest.fixture
def granite(rep):
    for name in RIVALS:
        CompetitorFactory(name=name)
    TagFactory(name="sso")
    account = AccountFactory(name="Granite Foods", domain="granite.example", owner=rep)
    DealFactory(account=account, name="Granite renewal", stage="negotiation")
    return account


def _page(browser, viewport):
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.viewport_name = "phone" if viewport is PHONE else "desktop"
    return context, page


@pytest.fixture
def laptop(browser):
    context, page = _page(browser, LAPTOP)
    yield page
    context.close()


@pytest.fixture(params=[LAPTOP, PHONE], ids=["laptop", "phone"])
def any_screen(browser, request):
    context, page = _page(browser, request.param)
    yield page
    context.close()


def _open_log_a_call(page, live_server, rep):
    log_in(page, live_server, rep.username)
    page.goto(f"{live_server.url}/notes/new/")
    wait_for_htmx(page)


def _fits_the_width(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_save_is_in_view_without_scrolling_on_a_laptop(laptop, live_server, rep, granite):
    _open_log_a_call(laptop, live_server, rep)
    assert laptop.evaluate("() => window.scrollY") == 0
    save = laptop.get_by_role("button", name="Save note").bounding_box()
    assert save["y"] + save["height"] <= LAPTOP["height"], f"Save ends at {save}"
    laptop.screenshot(path=str(SCREENSHOTS / "log-a-call-empty-1280x800.png"))


def test_the_counter_counts_warns_and_the_note_is_never_cut(any_screen, live_server, rep, granite):
    page = any_screen
    _open_log_a_call(page, live_server, rep)
    counter = page.locator("#id_body_count")
    assert counter.inner_text() == "0 / 10,000 characters"
    page.fill("#id_body", "Wants SSO now")
    assert counter.inner_text() == "13 / 10,000 characters"

    page.fill("#id_body", "a" * 9_500)
    assert "close to the limit" in counter.inner_text()
    assert "near" in counter.get_attribute("class")

    pasted = "They need SSO. " * 1_627  # 24,405 characters, as a long transcript pasted in
    page.fill("#id_account", "Granite Foods")
    page.fill("#id_body", pasted)
    assert page.input_value("#id_body") == pasted  # the browser keeps every character
    assert counter.inner_text().startswith("24,405 / 10,000 characters — 14,405 over the limit")
    assert "over" in counter.get_attribute("class")
    page.get_by_role("button", name="Save note").click()
    page.wait_for_selector("#id_body_error")
    assert "A note can have at most 10,000 characters." in page.inner_text("#id_body_error")
    assert page.input_value("#id_body") == pasted
    assert page.evaluate("() => document.activeElement.id") == "id_body"
    assert _fits_the_width(page)
    assert not CallNote.objects.exists()


def test_the_same_note_twice_asks_before_saving_again(any_screen, live_server, rep, granite):
    page = any_screen
    _open_log_a_call(page, live_server, rep)
    for _ in range(2):
        page.fill("#id_account", "Granite Foods")
        page.fill("#id_body", BODY)
        page.get_by_role("button", name="Save note").click()
        page.wait_for_load_state("load")
    warning = page.locator("#duplicate-note")
    assert "You saved this same note less than a minute ago." in warning.inner_text()
    first = CallNote.objects.get()
    assert warning.get_by_role("link", name="See it in My notes").get_attribute("href") == (
        f"/notes/mine/#note-{first.pk}"
    )
    assert page.evaluate("() => document.activeElement.textContent") == "Save anyway"
    assert _fits_the_width(page)
    if page.viewport_name == "desktop":
        page.screenshot(path=str(SCREENSHOTS / "log-a-call-duplicate.png"), full_page=True)

    page.get_by_role("button", name="Save anyway").click()
    page.wait_for_selector("text=Saved.")
    assert CallNote.objects.count() == 2


def test_a_prospect_named_like_an_account_asks_did_you_mean(any_screen, live_server, rep, granite):
    page = any_screen
    _open_log_a_call(page, live_server, rep)
    page.fill("#id_account", "Granite Food")
    page.check("#id_new_prospect")
    page.fill("#id_body", BODY)
    page.get_by_role("button", name="Save note").click()
    page.wait_for_selector("text=Did you mean Granite Foods?")
    assert _fits_the_width(page)
    if page.viewport_name == "desktop":
        page.screenshot(path=str(SCREENSHOTS / "log-a-call-did-you-mean.png"), full_page=True)

    page.get_by_label("Granite Foods").check()
    assert page.input_value("#id_account") == "Granite Foods"
    page.get_by_role("button", name="Save note").click()
    page.wait_for_selector("text=Saved.")
    assert CallNote.objects.get().account == granite
    assert not Account.objects.filter(name="Granite Food").exists()


def test_gran_foo_finds_granite_foods_and_its_deals(any_screen, live_server, rep, granite):
    page = any_screen
    _open_log_a_call(page, live_server, rep)
    page.locator("#id_account").press_sequentially("gran foo")
    choice = page.get_by_label("Granite Foods")
    choice.wait_for()
    assert "Matching accounts" in page.inner_text("#account-matches")
    assert _fits_the_width(page)
    choice.check()
    # The box now says where the note goes.
    assert page.input_value("#id_account") == "Granite Foods"
    page.wait_for_selector("#id_deal option:has-text('Granite renewal')", state="attached")
    page.select_option("#id_deal", label=page.inner_text("#id_deal option:nth-child(2)"))
    page.fill("#id_body", BODY)
    page.get_by_role("button", name="Save note").click()
    page.wait_for_selector("text=Saved.")
    note = CallNote.objects.get()
    assert (note.account, note.deal.name) == (granite, "Granite renewal")


def test_a_rep_logs_a_call_with_the_keyboard_alone(laptop, live_server, rep, granite):
    page = laptop
    keyboard = page.keyboard
    page.goto(f"{live_server.url}/accounts/login/")
    keyboard.type(rep.username)  # the username field has the cursor
    keyboard.press("Tab")
    keyboard.type("secret-pass-123")
    keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/notes/new/")
    wait_for_htmx(page)

    # The account field has the cursor; the rest is Tab, typing and Enter.
    assert page.evaluate("() => document.activeElement.id") == "id_account"
    keyboard.type("Granite Foods")
    keyboard.press("Tab")  # to "New prospect"
    keyboard.press("Tab")  # to the deal, which the account's deals now fill
    page.wait_for_selector("#id_deal option:has-text('Granite renewal')", state="attached")
    keyboard.press("ArrowDown")
    keyboard.press("Tab")  # the call date keeps today
    focused = page.evaluate("() => document.activeElement.id")
    while focused != "id_body":
        keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.id")
    keyboard.type(BODY)
    keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "id_tags"
    keyboard.type("okta")
    keyboard.press("Escape")  # close the tag suggestions, if any
    keyboard.press("Tab")  # into "How much does it matter?"
    assert page.evaluate("() => document.activeElement.name") == "importance"
    keyboard.press("ArrowDown")  # arrows move through a radio group, and pick
    importance = page.evaluate("() => document.activeElement.value")
    while page.evaluate("() => document.activeElement.textContent") != "Save note":
        keyboard.press("Tab")
    keyboard.press("Enter")
    page.wait_for_selector("text=Saved.")

    note = CallNote.objects.get()
    assert (note.account, note.body, note.deal.name) == (granite, BODY, "Granite renewal")
    assert list(note.tags.values_list("name", flat=True)) == ["okta"]
    assert note.importance == importance


def test_log_a_call_works_without_script(browser, live_server, rep, granite):
    context = browser.new_context(viewport=LAPTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, rep.username)
        page.goto(f"{live_server.url}/notes/new/")
        assert "At least 3 words, up to 10,000 characters" in page.inner_text("#id_body_count")
        page.fill("#id_account", "Granite Foods")
        page.fill("#id_body", "pricing")
        page.get_by_role("button", name="Save note").click()
        assert "Write at least 3 words" in page.inner_text("#id_body_error")
        assert page.evaluate("() => document.activeElement.id") == "id_body"
        page.fill("#id_body", BODY)
        page.get_by_role("button", name="Save note").click()
        page.wait_for_selector("text=Saved.")
        assert CallNote.objects.get().body == BODY
    finally:
        context.close()
