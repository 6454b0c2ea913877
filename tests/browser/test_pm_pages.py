"""A product manager's pages in Chromium, at 1280 and 390 px wide: the dashboard,
a theme's triage (panel near the top, merge confirmed then undone), charts whose
values a keyboard reaches, competitors and the engine panel."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from deals.models import Competitor
from insights.notes.models import Tag
from insights.themes.models import ClusteringRun, Theme, ThemeAssignment, ThemeEvent
from insights.themes.pipeline.stats import store_theme_stats
from tests.browser.a11y import assert_no_split_words
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAW_VALUE = re.compile(r"\b[A-Za-z]+_[A-Za-z_]+\b")
TAGS = ("audit-log", "compliance", "security-review")
LONG_TITLE = "Export every admin action to an audit log the security team can filter and keep"


@pytest.fixture
def world(rep, pm):
    """Themes with long titles, notes on deals in every stage, competitors and a run."""
    today = timezone.localdate()
    rivals = [Competitor.objects.create(name=n) for n in ("Dovetail", "Productboard", "Canny")]
    themes = [ThemeFactory(title=f"{LONG_TITLE} ({i})") for i in range(3)]
    themes.append(ThemeFactory(title="Okta login"))
    stages = ["closed_won", "closed_lost", "negotiation", "proposal"]
    for i in range(24):
        account = AccountFactory(owner=rep, segment=["smb", "mid_market", "enterprise"][i % 3])
        deal = DealFactory(
            account=account,
            stage=stages[i % 4],
            amount=Decimal(150_000 + 10_000 * i),
            competitor=rivals[i % 3] if stages[i % 4] == "closed_lost" else None,
        )
        note = CallNoteFactory(
            author=rep,
            account=account,
            deal=deal,
            call_date=today - dt.timedelta(days=3 * i),
            body="They keep asking for a proper audit trail they can export and search " * 4,
        )
        note.competitors.add(rivals[i % 3])
        note.tags.add(*(Tag.objects.get_or_create(name=t)[0] for t in TAGS))
        ThemeAssignment.objects.create(note=note, theme=themes[i % 4])
    store_theme_stats()
    started = timezone.now() - dt.timedelta(hours=1)
    run = ClusteringRun.objects.create(
        state="succeeded",
        started_at=started,
        finished_at=started + dt.timedelta(seconds=125.4),
        progress=100,
        changes={"created": 1, "grown": 0, "shrunk": 0, "emptied": 0, "moved": 0},
    )
    ThemeEvent.objects.create(theme=themes[0], kind="created", data={"run": run.pk, "notes": 6})
    return {"themes": themes, "rivals": rivals, "run": run}


def _fits_the_screen(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def _open(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("load")


def _check_page(page, name: str) -> None:
    assert _fits_the_screen(page), f"{name} scrolls sideways at {page.viewport_name} width"
    text = page.inner_text("main")
    assert not RAW_VALUE.findall(text), f"{name} shows raw values: {RAW_VALUE.findall(text)}"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.viewport_name}.png"), full_page=True)


def test_the_dashboard_is_labelled_readable_and_fits(page, live_server, pm, world):
    log_in(page, live_server, pm.username)
    _open(page, live_server, "/themes/")
    _check_page(page, "dashboard-pm")
    # Every filter control has a visible label of its own.
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('#dashboard-filters :is(select, input)')]
             .filter(el => !el.labels.length || ![...el.labels].some(l => l.offsetParent))
             .map(el => el.name)"""
    )
    assert unlabelled == []
    width = page.viewport_size["width"]
    # Nothing of a row (tags, competitors, trend) lies beyond the right edge.
    rightmost = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('table.themes td')]"
        ".map(td => td.getBoundingClientRect().right))"
    )
    assert rightmost <= width
    if page.viewport_name == "desktop":
        # An inline link has one box per line it wraps onto.
        lines = page.eval_on_selector_all(
            "a.theme-title", "links => Math.max(...links.map(a => a.getClientRects().length))"
        )
        assert lines <= 2, f"a title wraps to {lines} lines"


def test_the_empty_dashboard_says_what_to_do_in_product_terms(page, live_server, pm):
    log_in(page, live_server, pm.username)
    _open(page, live_server, "/themes/")
    text = page.inner_text("main")
    assert "No themes yet." in text and "log call notes" in text
    assert "manage.py" not in text
    assert _fits_the_screen(page)


def test_triage_sits_near_the_top_and_a_merge_is_confirmed_then_undone(
    page, live_server, pm, rep, world
):
    source, target = world["themes"][3], world["themes"][0]
    for _ in range(14):  # twenty notes: a page of ten, then the pager
        note = CallNoteFactory(author=rep, body="A long note about audit logs " * 12)
        ThemeAssignment.objects.create(note=note, theme=source)
    log_in(page, live_server, pm.username)
    _open(page, live_server, f"/themes/{source.pk}/")
    panel = page.locator("#triage")
    top, screen = panel.bounding_box()["y"], page.viewport_size["height"]
    assert top < screen, f"the triage panel starts at {top} px, below the first screen"
    _check_page(page, "theme-pm")
    beyond = page.eval_on_selector_all(
        "td.note-text",
        "cells => cells.filter(c => c.getBoundingClientRect().right > innerWidth + 0.5).length",
    )
    assert beyond == 0, f"{beyond} notes' text runs off the screen"
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 7000, f"the theme page is {height} px tall with twenty notes"

    page.fill("#triage input[name=target_text]", f"{target.title} (#{target.pk})")
    page.click("#triage button:has-text('Merge…')")
    page.wait_for_url(re.compile(r"/merge/"))
    assert page.is_visible("text=Merge these two themes?")
    assert Theme.objects.get(pk=source.pk).merged_into_id is None  # asked, not done
    page.click("button:has-text('Merge into')")
    page.wait_for_url(re.compile(rf"/themes/{target.pk}/#triage"))
    assert page.is_visible("text=Merged “Okta login” into this theme")
    assert Theme.objects.get(pk=source.pk).merged_into_id == target.pk

    page.click("#triage button:has-text('Undo merge')")
    page.wait_for_url(re.compile(rf"/themes/{source.pk}/#triage"))
    assert page.is_visible("text=Merge undone")
    assert Theme.objects.get(pk=source.pk).merged_into_id is None
    assert ThemeAssignment.objects.filter(theme=source).count() == 20
    assert _fits_the_screen(page)


def test_chart_values_are_reached_by_keyboard(page, live_server, pm, world):
    log_in(page, live_server, pm.username)
    rival = world["rivals"][0]
    for path, point in (
        ("/overview/", "svg.spark .pt"),
        (f"/competitors/{rival.pk}/", "svg.bars .bar"),
        (f"/themes/{world['themes'][0].pk}/", "svg.bars .bar"),
    ):
        _open(page, live_server, path)
        _check_page(page, path.strip("/").replace("/", "-"))
        last = page.locator(point).last
        value = last.locator("text.v")
        assert value.evaluate("el => getComputedStyle(el).opacity") == "0"
        # Tab from the element before it, as a keyboard user would.
        last.evaluate("el => el.previousElementSibling && el.previousElementSibling.focus()")
        page.keyboard.press("Tab")
        assert last.evaluate("el => el === document.activeElement"), f"{path}: not focusable"
        assert value.evaluate("el => getComputedStyle(el).opacity") == "1"
        assert re.match(r"Week of \d+ \w+ \d{4}: \d+ mentions", last.get_attribute("aria-label"))
    _open(page, live_server, f"/competitors/{rival.pk}/")
    assert page.is_visible("figcaption:has-text('Total')")


def test_competitors_fit_and_a_shared_deal_says_so(page, live_server, pm, world):
    log_in(page, live_server, pm.username)
    _open(page, live_server, "/competitors/")
    _check_page(page, "competitors")
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('.scroll')].some(s => s.scrollWidth > s.clientWidth)"
    )
    assert not overflow, "a competitors table runs off its box"
    rival = world["rivals"][0]
    listed = page.locator(f"tr:has(a[href='/competitors/{rival.pk}/'])").first.inner_text()
    _open(page, live_server, f"/competitors/{rival.pk}/")
    mentions = page.locator(".facts div:has(dt:text('Note mentions')) dd").inner_text()
    assert mentions in listed


def test_the_engine_panel_reads_in_words_and_links_what_changed(page, live_server, pm, world):
    log_in(page, live_server, pm.username)
    _open(page, live_server, "/engine/")
    _check_page(page, "engine")
    assert page.is_visible("text=2 min 5 s")
    page.click("a:has-text('1 created')")
    page.wait_for_url(re.compile(r"/engine/runs/\d+/#created"))
    assert page.is_visible(f"#created a:has-text('{LONG_TITLE} (0)')")


def test_the_product_market_fit_page_has_one_name(page, live_server, pm, world):
    log_in(page, live_server, pm.username)
    _open(page, live_server, "/pmf/")
    _check_page(page, "pmf")
    assert page.title().startswith("Product-market fit")
    assert page.inner_text("h1") == "Product-market fit"
    if page.viewport_name == "phone":
        page.click("summary:has-text('Menu')")
    assert page.locator("nav.mainnav a[href='/pmf/']").inner_text() == "Product-market fit"


def test_headings_labels_and_figures_keep_their_words_whole_on_a_phone(
    page, live_server, pm, world
):
    """At 390 px a heading "Gro|wth", a label "Importanc|e" or a figure "+16|7%" reads as broken."""
    if page.viewport_name != "phone":
        pytest.skip("the phone layout")
    log_in(page, live_server, pm.username)
    for path in (f"/themes/{world['themes'][0].pk}/", "/engine/", "/pmf/", "/overview/"):
        _open(page, live_server, path)
        page.wait_for_load_state("networkidle")
        assert_no_split_words(page, where=path)


_LINES = """td => {
    const r = document.createRange();
    r.selectNodeContents(td);
    const boxes = [...r.getClientRects()].filter(b => b.width > 0);
    return new Set(boxes.map(b => Math.round(b.top))).size;
}"""


def test_each_note_of_a_theme_shows_its_date_on_one_line(page, live_server, pm, world):
    log_in(page, live_server, pm.username)
    _open(page, live_server, f"/themes/{world['themes'][0].pk}/")
    dates = page.locator("table.theme-notes tbody td.date")
    assert dates.count() > 0
    assert all(d.evaluate(_LINES) == 1 for d in dates.all()), "a date wraps: 26 / Nov / 2026"
