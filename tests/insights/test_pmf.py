"""Product-market-fit figures equal an independent calculation; the page is safe and cheap."""

import datetime as dt
import random
import statistics
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deals.models import Deal, Segment, Stage
from insights.analytics.pmf import (
    pmf_by_segment_quarter,
    quarters_with_deals,
    shipped_theme_impact,
)
from insights.analytics.winloss import Tally
from insights.themes import triage
from insights.themes.models import Theme, ThemeAssignment, ThemeEvent
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, ThemeFactory

pytestmark = pytest.mark.django_db

SEGMENTS = [s.value for s in Segment]


def _closed_deal(*, account, stage, closed_at, cycle, amount=Decimal("1000")):
    opened_on = timezone.localtime(closed_at - cycle).date()
    return DealFactory(
        account=account, stage=stage, closed_at=closed_at, amount=amount, opened_on=opened_on
    )


def _cycle_days(deal) -> int:
    return (timezone.localtime(deal.closed_at).date() - deal.opened_on).days


def _quarter_of(moment: dt.datetime) -> dt.date:
    day = timezone.localtime(moment).date()
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _last_quarters(count: int) -> list[dt.date]:
    start = _quarter_of(timezone.now())
    starts = [start]
    while len(starts) < count:
        year, month = starts[-1].year, starts[-1].month - 3
        if month < 1:
            year, month = year - 1, month + 12
        starts.append(dt.date(year, month, 1))
    return starts[::-1]


@pytest.fixture
def deals(rep):
    rng = random.Random(7)
    now = timezone.now()
    accounts = [AccountFactory(owner=rep, segment=SEGMENTS[i % 3]) for i in range(6)]
    made = []
    for _ in range(90):
        made.append(
            _closed_deal(
                account=rng.choice(accounts),
                stage=rng.choice([Stage.CLOSED_WON, Stage.CLOSED_LOST]),
                # Up to ~3 years back: some fall before the eight quarters shown.
                closed_at=now - dt.timedelta(days=rng.randrange(0, 1000), hours=rng.randrange(24)),
                cycle=dt.timedelta(days=rng.randrange(1, 200), hours=rng.randrange(24)),
            )
        )
    DealFactory(account=accounts[0], stage=Stage.PROPOSAL)  # open: never counted
    return made


def test_win_rates_and_cycles_match_an_independent_calculation(deals):
    quarters = _last_quarters(8)
    result = pmf_by_segment_quarter()
    assert result["quarters"] == quarters
    assert [row["segment"] for row in result["rows"]] == [*SEGMENTS, None]
    seen = 0
    for row in result["rows"]:
        for cell, quarter in zip(row["cells"], quarters, strict=True):
            assert cell["quarter"] == quarter
            mine = [
                d
                for d in deals
                if _quarter_of(d.closed_at) == quarter
                and (row["segment"] is None or d.account.segment == row["segment"])
            ]
            won = len([d for d in mine if d.stage == Stage.CLOSED_WON])
            lost = len([d for d in mine if d.stage == Stage.CLOSED_LOST])
            assert cell["tally"] == Tally(won=won, lost=lost)
            assert cell["tally"].win_rate == (won / (won + lost) if mine else None)
            days = [_cycle_days(d) for d in mine]
            if days:
                assert cell["median_days"] == pytest.approx(statistics.median(days), abs=1e-6)
                assert cell["avg_days"] == pytest.approx(statistics.mean(days), abs=1e-6)
            else:
                assert cell["median_days"] is None and cell["avg_days"] is None
            seen += len(mine) if row["segment"] is not None else 0
    # Deals closed before the eight quarters are left out, and there were some.
    assert 0 < seen < len(deals)


def test_fewer_quarters_cover_fewer_deals(deals):
    result = pmf_by_segment_quarter(quarters=2)
    assert result["quarters"] == _last_quarters(2)
    every = result["rows"][-1]["cells"]
    for cell in every:
        mine = [d for d in deals if _quarter_of(d.closed_at) == cell["quarter"]]
        assert cell["tally"].n == len(mine)


@pytest.fixture
def shipped(rep):
    now = timezone.now()
    moved = ThemeFactory(title="SSO", status="shipped")
    _event(moved, "status", {"old": "in_progress", "new": "shipped"}, now - dt.timedelta(days=200))
    _event(moved, "status", {"old": "shipped", "new": "in_progress"}, now - dt.timedelta(days=150))
    _event(moved, "status", {"old": "in_progress", "new": "shipped"}, now - dt.timedelta(days=100))
    _event(moved, "renamed", {"old": "x", "new": "shipped"}, now - dt.timedelta(days=10))
    silent = ThemeFactory(title="Exports", status="shipped")  # no status event recorded
    Theme.objects.filter(pk=silent.pk).update(updated_at=now - dt.timedelta(days=50))
    planned = ThemeFactory(title="Planned one", status="planned")
    merged = ThemeFactory(title="Merged shipped", status="shipped", merged_into=moved)
    rng = random.Random(9)
    notes = []
    for _ in range(40):
        stage = rng.choice([Stage.CLOSED_WON, Stage.CLOSED_LOST, Stage.PROPOSAL])
        deal = DealFactory(
            stage=stage,
            closed_at=(
                now - dt.timedelta(days=rng.randrange(1, 300)) if stage != Stage.PROPOSAL else None
            ),
        )
        for _ in range(rng.randrange(1, 4)):  # several notes on one deal: counted once
            note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
            theme = rng.choice([moved, silent, planned, merged])
            ThemeAssignment.objects.create(note=note, theme=theme)
            notes.append((note, theme))
    return {
        "moved": moved,
        "silent": silent,
        "moments": {
            moved.pk: now - dt.timedelta(days=100),
            silent.pk: now - dt.timedelta(days=50),
        },
        "notes": notes,
    }


def _event(theme, kind, data, when):
    event = ThemeEvent.objects.create(theme=theme, kind=kind, data=data)
    ThemeEvent.objects.filter(pk=event.pk).update(created_at=when)


def test_shipped_themes_compare_win_rates_before_and_after(shipped):
    rows = shipped_theme_impact()
    assert [r["theme"].pk for r in rows] == [shipped["silent"].pk, shipped["moved"].pk]
    for row in rows:
        theme = row["theme"]
        moment = shipped["moments"][theme.pk]
        assert row["shipped_at"] == moment
        assert row["from_event"] is (theme == shipped["moved"])
        deals = {n.deal for n, t in shipped["notes"] if t == theme}
        closed = [d for d in deals if d.stage in (Stage.CLOSED_WON, Stage.CLOSED_LOST)]
        before = [d for d in closed if d.closed_at < moment]
        after = [d for d in closed if d.closed_at >= moment]
        assert row["before"] == Tally(
            won=len([d for d in before if d.stage == Stage.CLOSED_WON]),
            lost=len([d for d in before if d.stage == Stage.CLOSED_LOST]),
        )
        assert row["after"] == Tally(
            won=len([d for d in after if d.stage == Stage.CLOSED_WON]),
            lost=len([d for d in after if d.stage == Stage.CLOSED_LOST]),
        )
        assert row["before"].n and row["after"].n


@pytest.mark.parametrize("client_fixture", ["rep_client", "pm_client"])
def test_reps_and_product_managers_see_the_page(deals, shipped, request, client_fixture):
    page = request.getfixturevalue(client_fixture).get(reverse("pmf"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mid-market" in html and "All segments" in html
    assert "SSO" in html and "Exports" in html and "Planned one" not in html


def test_anonymous_visitors_are_sent_to_log_in(db):
    response = Client().get(reverse("pmf"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_theme_titles_are_escaped(rep_client):
    ThemeFactory(title="<script>alert(1)</script>", status="shipped")
    html = rep_client.get(reverse("pmf")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("pmf")).status_code == 200
    return len(captured)


def test_the_page_query_count_does_not_grow(pm_client, rep):
    def add(count):
        for _ in range(count):
            theme = ThemeFactory(status="shipped")
            _event(theme, "status", {"new": "shipped"}, timezone.now() - dt.timedelta(days=30))
            deal = _closed_deal(
                account=AccountFactory(owner=rep),
                stage=Stage.CLOSED_WON,
                closed_at=timezone.now() - dt.timedelta(days=5),
                cycle=dt.timedelta(days=40),
            )
            note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
            ThemeAssignment.objects.create(note=note, theme=theme)

    add(1)
    few = _queries(pm_client)
    add(12)
    assert _queries(pm_client) == few


def test_the_functions_use_a_fixed_number_of_queries(deals, shipped, django_assert_num_queries):
    with django_assert_num_queries(2):
        pmf_by_segment_quarter()
    with django_assert_num_queries(2):
        shipped_theme_impact()


def test_a_close_dated_before_the_opening_is_left_out_of_the_sales_cycle(rep):
    account = AccountFactory(owner=rep, segment="smb")
    closed = timezone.now() - dt.timedelta(days=1)
    _closed_deal(
        account=account, stage=Stage.CLOSED_WON, closed_at=closed, cycle=dt.timedelta(days=30)
    )
    bad = _closed_deal(
        account=account, stage=Stage.CLOSED_LOST, closed_at=closed, cycle=dt.timedelta(days=5)
    )
    Deal.objects.filter(pk=bad.pk).update(opened_on=closed.date() + dt.timedelta(days=3))
    smb = next(r for r in pmf_by_segment_quarter()["rows"] if r["segment"] == "smb")
    cell = smb["cells"][-1]
    assert (cell["tally"].won, cell["tally"].lost) == (1, 1)  # still counted as closed
    assert cell["median_days"] == cell["avg_days"] == 30


def test_without_a_median_in_the_database_the_cycles_come_out_the_same(deals, monkeypatch):
    in_sql = pmf_by_segment_quarter()
    monkeypatch.setattr(connection, "vendor", "sqlite")  # the local fallback's path
    in_python = pmf_by_segment_quarter()
    for sql_row, py_row in zip(in_sql["rows"], in_python["rows"], strict=True):
        for a, b in zip(sql_row["cells"], py_row["cells"], strict=True):
            assert a["tally"] == b["tally"]
            for key in ("median_days", "avg_days"):
                assert (a[key] is None and b[key] is None) or a[key] == pytest.approx(b[key])
    assert any(c["median_days"] is not None for r in in_python["rows"] for c in r["cells"])


def test_quarters_without_a_closed_deal_are_left_out_newest_first(rep):
    account = AccountFactory(owner=rep, segment="smb")
    now = timezone.now()
    two_quarters_ago = now - dt.timedelta(days=190)
    for stage, moment in (
        (Stage.CLOSED_WON, now),
        (Stage.CLOSED_LOST, two_quarters_ago),
    ):
        _closed_deal(account=account, stage=stage, closed_at=moment, cycle=dt.timedelta(days=9))
    turned = quarters_with_deals(pmf_by_segment_quarter())
    assert [row["quarter"] for row in turned["rows"]] == [
        _quarter_of(now),
        _quarter_of(two_quarters_ago),
    ]
    assert turned["segments"][-1] == "All segments"
    assert all(len(row["cells"]) == len(turned["segments"]) for row in turned["rows"])


def test_a_theme_shipped_this_morning_is_too_early_to_tell(pm_client, pm, rep):
    theme = ThemeFactory(title="Audit log")
    triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    for stage in (Stage.CLOSED_WON, Stage.CLOSED_LOST, Stage.CLOSED_WON, Stage.CLOSED_LOST):
        deal = DealFactory(stage=stage, closed_at=timezone.now())  # closed since it shipped
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        ThemeAssignment.objects.create(note=note, theme=theme)
    page = pm_client.get(reverse("pmf")).content.decode()
    assert "Too early to tell (4 closed since)" in page
    assert "50% won" not in page


def test_a_deal_closing_in_the_future_is_not_counted_yet(rep_client, rep):
    now = timezone.now()
    theme = ThemeFactory(title="SSO", status="shipped")
    _event(theme, "status", {"old": "planned", "new": "shipped"}, now - dt.timedelta(minutes=5))
    for closed_at in (now + dt.timedelta(hours=3), now - dt.timedelta(days=30)):
        deal = DealFactory(stage=Stage.CLOSED_WON, closed_at=closed_at)
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        ThemeAssignment.objects.create(note=note, theme=theme)
    [row] = shipped_theme_impact()
    assert (row["before"], row["after"]) == (Tally(won=1), Tally())
    quarter = pmf_by_segment_quarter(quarters=1)
    all_segments = quarter["rows"][-1]["cells"][-1]["tally"]
    assert all_segments.n == (
        1 if _quarter_of(now - dt.timedelta(days=30)) == _quarter_of(now) else 0
    )
