"""Every main page of every person, at 1280×800 and at 390×844: usable by everyone.

For each page a person uses (tests/browser/pages.py): axe-core finds no
serious or critical violation, nothing scrolls sideways at phone width, and no
stored value ("closed_won", "mid_market") shows instead of its label.
`make screenshots` also photographs each page here into docs/screenshots/.
"""

import os
import warnings

import pytest

from tests.browser.a11y import assert_accessible, assert_no_horizontal_scroll, assert_no_raw_values
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.browser.pages import ROLE_PAGES, page_path, seed_org, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages other people are redesigning, with the axe-core rules they still break:
# {URL name, or "403" for the refusal page: {rule id: what and where}}. Each
# entry must still fail, so the list stays exact: when a page is fixed, its
# entry goes.
KNOWN_VIOLATIONS: dict[str, dict[str, str]] = {
    # rep-admin owns Django admin.
    "admin:insights_theme_change": {
        "aria-input-field-name": "Owner and Merged into pickers (select2) have no name"
    },
    "admin:accounts_user_changelist": {
        "target-size": "the filter sidebar's group links sit too close to tap"
    },
    "admin:deals_deal_changelist": {
        "target-size": "the filter sidebar's stage links sit too close to tap"
    },
}

# A page a person may not open answers 403 (and must still be accessible).
REFUSED = {("none", "dashboard")}

SIZES = {"desktop": DESKTOP, "phone": PHONE}
CASES = [(role, name) for role, names in ROLE_PAGES.items() for name in names]


# A picture shows at most three screens of a page: enough to see it, and the
# repository does not carry a phone-width theme page 16,000 px tall.
SCREENS_PER_PICTURE = 3


def _take_screenshot(page, role: str, name: str) -> None:
    """Only `make screenshots` photographs the pages; an ordinary test run does not."""
    if "SCREENSHOTS_DIR" not in os.environ:
        return
    slug = name.replace("admin:", "").replace("_", "-")
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    tall = page.evaluate("() => document.documentElement.scrollHeight")
    page.screenshot(
        path=str(SCREENSHOTS / f"{role}-{slug}-{page.viewport_name}.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": min(tall, SCREENS_PER_PICTURE * height)},
    )


@pytest.mark.parametrize(("role", "name"), CASES, ids=[f"{r}-{n}" for r, n in CASES])
def test_each_main_page_is_accessible_fits_a_phone_and_shows_labels(
    browser, live_server, role, name
):
    org = seed_org()  # once for both sizes: the database is emptied after each test
    problems = []
    for size, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport, is_mobile=size == "phone")
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.viewport_name = size
        try:
            problems += _problems(page, live_server, org, role, name)
        finally:
            context.close()
    assert not problems, "\n\n".join(problems)


def _problems(page, live_server, org, role: str, name: str) -> list[str]:
    """What is wrong with one page at the page's size, as readable messages."""
    if role != "anonymous":
        sign_in(page, live_server, org.user(role))
    response = page.goto(f"{live_server.url}{page_path(org, name)}")
    page.wait_for_load_state("load")
    where = f"{name} as {role} at {page.viewport_name} width"
    expected = 403 if (role, name) in REFUSED else 200
    if response.status != expected:
        return [f"{where}: answered {response.status}, not {expected}"]

    known = KNOWN_VIOLATIONS.get("403" if (role, name) in REFUSED else name, {})
    for rule, what in known.items():
        # Shown in every run's summary until the page is fixed.
        warnings.warn(f"known accessibility failure, {where}: {rule} ({what})", stacklevel=1)
    checks = [lambda: assert_accessible(page, known=frozenset(known), where=where)]
    if page.viewport_name == "phone":
        checks.append(lambda: assert_no_horizontal_scroll(page, where=where))
    checks.append(lambda: assert_no_raw_values(page, where=where))
    problems = []
    for check in checks:
        try:
            check()
        except AssertionError as failure:
            problems.append(str(failure))
    _take_screenshot(page, role, name)
    return problems


@pytest.mark.parametrize("role", ["rep", "pm"])
def test_the_phone_menu_opened_is_accessible_too(browser, live_server, role):
    """axe checks only what shows; on a phone the menu shows once opened."""
    org = seed_org()
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server, org.user(role))
    page.goto(f"{live_server.url}/notifications/")
    page.click("summary:has-text('Menu')")
    assert page.locator("nav.mainnav").is_visible()
    assert_accessible(page, where=f"the open phone menu of a {role}")
    assert_no_horizontal_scroll(page, where=f"the open phone menu of a {role}")
    context.close()
