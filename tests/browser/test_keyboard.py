"""A keyboard user always sees where they are.

Logging a call with the keyboard alone is in test_log_a_call_safety_nets.py.
"""

import pytest

from tests.browser.pages import seed_org, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 1.4.11: what shows focus needs 3:1 against what is around it.
MIN_CONTRAST = 3.0


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_the_wcag_ratio():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert contrast((240, 180, 0), (255, 255, 255)) < MIN_CONTRAST  # the old yellow ring


def _focus_ring(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement, s = getComputedStyle(el);
            const rgb = c => c.match(/\\d+/g).slice(0, 3).map(Number);
            let bg = el.parentElement, colour = 'rgba(0, 0, 0, 0)';
            while (bg && /rgba\\(0, 0, 0, 0\\)|transparent/.test(colour)) {
                colour = getComputedStyle(bg).backgroundColor; bg = bg.parentElement;
            }
            return {name: el.tagName + ' ' + (el.innerText || el.name || el.id).trim().slice(0, 30),
                    style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    ring: rgb(s.outlineColor), around: rgb(colour)};
        }"""
    )


def test_every_control_a_rep_tabs_through_shows_a_clear_focus_ring(page, live_server):
    org = seed_org()
    sign_in(page, live_server, org.rep)
    page.goto(f"{live_server.url}/")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            break  # past the last control
        ring = _focus_ring(page)
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        assert contrast(tuple(ring["ring"]), tuple(ring["around"])) >= MIN_CONTRAST, ring
        seen.append(ring["name"])
    assert len(seen) >= 8, seen  # skip link, menu, log a call, notes, news…


def test_a_keyboard_user_picks_the_overviews_period_then_shows_it(page, live_server):
    """Arrow keys step through a closed select's options: the page must not reload at the
    first press, taking the user's place with it."""
    org = seed_org()
    sign_in(page, live_server, org.pm)
    page.goto(f"{live_server.url}/overview/?period=30")
    page.focus("select[name=period]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)  # a submit would have started by now
    assert page.url.endswith("/overview/?period=30")
    assert page.evaluate("document.activeElement.name") == "period"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/overview/?period=180")


def test_a_pointer_change_of_the_overviews_period_shows_it_at_once(page, live_server):
    org = seed_org()
    sign_in(page, live_server, org.pm)
    page.goto(f"{live_server.url}/overview/?period=30")
    page.wait_for_load_state("load")
    page.select_option("select[name=period]", "365")
    page.wait_for_url("**/overview/?period=365")
