"""Real-browser tests: Playwright's Python package driving Debian's Chromium.

Never `playwright install`: the browser is Debian's /usr/bin/chromium, which
`make test` installs when it is missing.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
_REPO = Path(__file__).resolve().parents[2]
# Screenshots taken by the tests go to an ignored folder, so a test run leaves
# the tree clean; `make screenshots` (SCREENSHOTS_DIR=docs/screenshots) asks
# for the README's pictures to be taken again.
SCREENSHOTS = _REPO / os.environ.get("SCREENSHOTS_DIR", "var/screenshots")
SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop; Django's ORM refuses to run
    # inside one unless told it is safe (the test drives the browser, the
    # server runs in its own thread). Only while browser tests run.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield from _browser()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# The widths and heights the issue names: a laptop and a phone.
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def page(browser, request):
    context = browser.new_context(viewport=request.param, is_mobile=request.param is PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.viewport_name = "phone" if request.param is PHONE else "desktop"
    yield page
    context.close()


def log_in(page, live_server, username: str, password: str = "secret-pass-123") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    # Each role lands on its own home (a product manager on the dashboard).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def wait_for_htmx(page) -> None:
    """Wait until the page's deferred htmx has wired up its elements.

    Playwright types as soon as an input exists; on a busy machine that can be
    before htmx has loaded, and an event fired then is simply lost.
    """
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


def go_to(page, link: str) -> None:
    """Follow a main-menu link the way a person would: on a phone, open the menu first."""
    if page.viewport_name == "phone":
        page.click("summary:has-text('Menu')")
    page.locator("nav.mainnav").get_by_role("link", name=link, exact=True).click()
