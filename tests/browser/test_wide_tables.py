"""Tables with long contents fit their column: the competitors page's revenue lost by
theme at phone width, and a shipped theme's win-back list at 1280 px."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from deals.models import Deal
from insights.analytics import competitor_snapshots
from insights.loop.status_changes import fan_out_status_change
from insights.themes import triage
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.browser.a11y import assert_no_horizontal_scroll
from tests.browser.pages import sign_in
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    CompetitorFactory,
    DealFactory,
    ProductManagerFactory,
    RepFactory,
    ThemeFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUOTE = "We cannot roll this out to the field without an offline mode that syncs later " * 3


def _theme_lost_to_many(rep, deals: int):
    """A theme cited by `deals` lost deals with long names, lost to five competitors."""
    rivals = [CompetitorFactory(name=n) for n in ("Dovetail", "Gong", "Pendo", "Canny", "Aha!")]
    theme = ThemeFactory(title="Mobile app")
    for i in range(deals):
        deal = DealFactory(
            account=AccountFactory(owner=rep, name=f"Sterling Energy Holdings {i}"),
            name=f"Sterling Energy Holdings {i} — Platform renewal 2026",
            stage="closed_lost",
            amount=Decimal(100_000 + i),
            competitor=rivals[i % len(rivals)],
        )
        Deal.objects.filter(pk=deal.pk).update(closed_at=timezone.now() - dt.timedelta(days=20))
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal, quote=QUOTE)
        ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats()
    return theme


def test_revenue_lost_by_theme_reads_as_cards_on_a_phone(page, live_server):
    if page.viewport_name != "phone":
        pytest.skip("the phone layout")
    rep, pm = RepFactory(), ProductManagerFactory()
    _theme_lost_to_many(rep, 10)
    competitor_snapshots.refresh()
    sign_in(page, live_server, pm)
    page.goto(f"{live_server.url}/competitors/")
    assert_no_horizontal_scroll(page)
    name = page.locator("table.matrix a", has_text="Dovetail").first.bounding_box()
    assert name["width"] > name["height"], "a competitor's name wraps a letter a line"


def test_a_long_win_back_list_fits_the_theme_page_at_1280(page, live_server):
    if page.viewport_name != "desktop":
        pytest.skip("the desktop layout")
    rep, pm = RepFactory(), ProductManagerFactory()
    theme = _theme_lost_to_many(rep, 14)
    triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    fan_out_status_change(theme.events.latest("created_at").pk)
    sign_in(page, live_server, pm)
    page.goto(f"{live_server.url}/themes/{theme.pk}/")
    table = page.locator("#theme-winback table")
    table.wait_for()
    fits = table.evaluate("t => t.getBoundingClientRect().width <= t.parentElement.clientWidth + 1")
    assert fits, "the win-back table is wider than its column"
    assert page.locator("#theme-winback tbody tr").count() == 10
    page.get_by_role("button", name="Show all 14").click()
    rows = "() => document.querySelectorAll('#theme-winback tbody tr').length == 14"
    page.wait_for_function(rows)


def test_a_win_back_deal_and_its_account_read_as_one_line_of_text_on_a_phone(page, live_server):
    """Not the account standing in its own narrow column beside a deal name that wraps."""
    if page.viewport_name != "phone":
        pytest.skip("the phone layout")
    rep, pm = RepFactory(), ProductManagerFactory()
    theme = _theme_lost_to_many(rep, 1)
    triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    fan_out_status_change(theme.events.latest("created_at").pk)
    sign_in(page, live_server, pm)
    page.goto(f"{live_server.url}/themes/{theme.pk}/")
    cell = page.locator("#theme-winback tbody tr td").first
    cell.wait_for()
    link_lines, account_below = cell.evaluate(
        """td => {
            const a = td.querySelector('a');
            const tops = node => {
                const r = document.createRange();
                r.selectNodeContents(node);
                return [...r.getClientRects()].map(b => Math.round(b.top));
            };
            const after = [...a.parentElement.childNodes].find(n => n.nodeType === 3);
            return [new Set(tops(a)).size, tops(after)[0] > tops(a)[0]];
        }"""
    )
    assert link_lines > 1, "the deal's name should wrap at 390 px for this test to tell"
    assert account_below, "the account stands beside the deal's first line, in a column of its own"


def test_my_requests_news_and_a_decline_reason_wrap_within_the_page_at_1280(page, live_server):
    """The news column kept each line whole: a decline's reason ran past the table's
    edge (read only by scrolling sideways) and squeezed the theme titles to a word a line."""
    if page.viewport_name != "desktop":
        pytest.skip("the desktop layout")
    rep, pm = RepFactory(), ProductManagerFactory()
    theme = ThemeFactory(title="Two-way sync with Pipedrive")
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    reason = "Not on this year's roadmap: we focus on the core product first, then integrations."
    triage.theme_set_status(theme=theme, status="declined", actor=pm, reason=reason)
    sign_in(page, live_server, rep)
    page.goto(f"{live_server.url}/my-requests/")
    table = page.locator("main table")
    fits = table.evaluate("t => t.getBoundingClientRect().width <= t.parentElement.clientWidth + 1")
    assert fits, "the table is wider than the page: its news is cut at the edge"
    lines = page.get_by_role("link", name="Two-way sync with Pipedrive").evaluate(
        "a => Math.round(a.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(a).lineHeight))"
    )
    assert lines <= 2, f"the theme's title wraps onto {lines} lines"
