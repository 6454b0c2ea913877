"""A keyboard user always sees where they are, and can log a call without a mouse."""

import pytest

from insights.notes.models import CallNote
from tests.browser.conftest import wait_for_htmx
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


def _tab_to(page, selector: str, text: str = "", limit: int = 30) -> None:
    """Press Tab until the element matching `selector` (and saying `text`) has the focus."""
    for _ in range(limit):
        if page.evaluate(
            "([s, t]) => document.activeElement.matches(s)"
            " && document.activeElement.innerText.trim().startsWith(t)",
            [selector, text],
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_a_rep_logs_a_call_with_the_keyboard_alone(page, live_server):
    org = seed_org()
    sign_in(page, live_server, org.rep)
    page.goto(f"{live_server.url}/notes/new/")
    wait_for_htmx(page)
    _tab_to(page, "#id_account")
    page.keyboard.type("Umbrella")
    _tab_to(page, "#id_deal")
    page.wait_for_selector("#id_deal option:has-text('Umbrella deal')", state="attached")
    page.keyboard.press("ArrowDown")  # from "— No deal —" to the account's first deal
    _tab_to(page, "#id_body")
    page.keyboard.type("They want every admin action exported to their SIEM, nightly.")
    _tab_to(page, "input[name=importance]")
    page.keyboard.press("ArrowDown")  # arrows move through a radio group, and pick
    importance = page.evaluate("() => document.activeElement.value")
    _tab_to(page, "main button[type=submit]", text="Save")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Saved.")
    note = CallNote.objects.filter(author=org.rep).latest("pk")
    assert note.account.name == "Umbrella" and note.deal.name == "Umbrella deal"
    assert note.body.startswith("They want every admin action")
    assert note.importance == importance
