"""A theme's win/loss figures equal an independent calculation over the created objects."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from deals.models import Segment, Stage
from insights.analytics.winloss import Tally, theme_win_loss, theme_win_loss_context
from insights.themes.models import ThemeAssignment
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, ThemeFactory

pytestmark = pytest.mark.django_db

SEGMENTS = [s.value for s in Segment]
CLOSED = (Stage.CLOSED_WON, Stage.CLOSED_LOST)


@pytest.fixture
def period():
    until = timezone.now()
    return until - dt.timedelta(days=365), until


@pytest.fixture
def world(rep, period):
    """Closed and open deals in every segment, in and out of the period, with themed notes."""
    since, until = period
    rng = random.Random(11)
    themes = [ThemeFactory() for _ in range(3)]
    merged = ThemeFactory(title="Merged away", merged_into=themes[0])
    accounts = [AccountFactory(owner=rep, segment=SEGMENTS[i % 3]) for i in range(9)]
    deals = []
    for _ in range(40):
        stage = rng.choice([*CLOSED, *CLOSED, Stage.PROPOSAL])
        closed_at = None
        if stage in CLOSED:
            # Some before the period, some inside, a few after its end.
            closed_at = rng.choice(
                [
                    since - dt.timedelta(days=rng.randrange(1, 200)),
                    since + dt.timedelta(days=rng.randrange(0, 364)),
                    since + dt.timedelta(days=rng.randrange(0, 364)),
                    until + dt.timedelta(days=rng.randrange(1, 30)),
                ]
            )
        deals.append(
            DealFactory(
                account=rng.choice(accounts),
                stage=stage,
                amount=Decimal(rng.randrange(1000, 90000)),
                closed_at=closed_at,
            )
        )
    notes = []  # (note, theme or None)
    for _ in range(120):
        deal = rng.choice([*deals, None])
        account = deal.account if deal else rng.choice(accounts)
        note = CallNoteFactory(author=rep, account=account, deal=deal)
        theme = rng.choice([*themes, merged, None, "removed"])
        if theme == "removed":
            ThemeAssignment.objects.create(note=note, theme=None, locked=True, assigned_by="person")
            theme = None
        elif theme is not None:
            ThemeAssignment.objects.create(note=note, theme=theme)
        notes.append((note, theme))
    return {"themes": themes, "merged": merged, "deals": deals, "notes": notes}


def expected(world, theme, since, until) -> dict:
    """Loop over the created objects: which closed deals cite the theme, segment by segment."""
    citing = set()
    for note, assigned in world["notes"]:
        if assigned == theme and note.deal is not None and theme.merged_into_id is None:
            citing.add(note.deal.pk)
    closed = [d for d in world["deals"] if d.stage in CLOSED and since <= d.closed_at < until]
    rows = []
    for segment in [*SEGMENTS, None]:
        in_segment = [d for d in closed if segment is None or d.account.segment == segment]
        mine = [d for d in in_segment if d.pk in citing]
        theme_won = len([d for d in mine if d.stage == Stage.CLOSED_WON])
        theme_lost = len([d for d in mine if d.stage == Stage.CLOSED_LOST])
        all_won = len([d for d in in_segment if d.stage == Stage.CLOSED_WON])
        all_lost = len([d for d in in_segment if d.stage == Stage.CLOSED_LOST])
        rows.append(
            (
                segment,
                theme_won,
                theme_lost,
                theme_won + theme_lost,
                theme_won / (theme_won + theme_lost) if theme_won + theme_lost else None,
                all_won,
                all_lost,
                all_won + all_lost,
                all_won / (all_won + all_lost) if all_won + all_lost else None,
            )
        )
    won_revenue = Decimal(0)
    lost_revenue = Decimal(0)
    for deal in closed:
        if deal.pk in citing and deal.stage == Stage.CLOSED_WON:
            won_revenue += deal.amount
        if deal.pk in citing and deal.stage == Stage.CLOSED_LOST:
            lost_revenue += deal.amount
    return {"rows": rows, "won": won_revenue, "lost": lost_revenue}


def actual(result) -> dict:
    rows = [
        (
            row["segment"],
            row["theme"].won,
            row["theme"].lost,
            row["theme"].n,
            row["theme"].win_rate,
            row["baseline"].won,
            row["baseline"].lost,
            row["baseline"].n,
            row["baseline"].win_rate,
        )
        for row in result["segments"]
    ]
    return {"rows": rows, "won": result["won_revenue"], "lost": result["lost_revenue"]}


def test_figures_match_an_independent_calculation_for_every_theme(world, period):
    since, until = period
    for theme in world["themes"]:
        assert actual(theme_win_loss(theme, since=since, until=until)) == expected(
            world, theme, since, until
        )


def test_a_shorter_period_leaves_out_deals_closed_outside_it(world, period):
    since, until = period[1] - dt.timedelta(days=120), period[1] - dt.timedelta(days=10)
    theme = world["themes"][1]
    assert actual(theme_win_loss(theme, since=since, until=until)) == expected(
        world, theme, since, until
    )


def test_a_merged_theme_has_no_figures_of_its_own(world, period):
    since, until = period
    result = theme_win_loss(world["merged"], since=since, until=until)
    assert result["won_revenue"] == result["lost_revenue"] == Decimal(0)
    assert all(row["theme"] == Tally() for row in result["segments"])
    # The baseline does not depend on the theme.
    assert [r["baseline"] for r in result["segments"]] == [
        r["baseline"]
        for r in theme_win_loss(world["themes"][0], since=since, until=until)["segments"]
    ]


def test_a_deal_with_several_notes_in_the_theme_counts_once(rep, period):
    since, until = period
    theme = ThemeFactory()
    won = DealFactory(
        stage=Stage.CLOSED_WON,
        amount=Decimal("1000"),
        closed_at=until - dt.timedelta(days=3),
        account=AccountFactory(segment=Segment.ENTERPRISE),
    )
    for _ in range(3):
        note = CallNoteFactory(author=rep, account=won.account, deal=won)
        ThemeAssignment.objects.create(note=note, theme=theme)
    result = theme_win_loss(theme, since=since, until=until)
    assert result["won_revenue"] == Decimal("1000")
    enterprise = next(r for r in result["segments"] if r["segment"] == Segment.ENTERPRISE)
    assert enterprise["theme"] == Tally(won=1, lost=0)
    assert enterprise["theme"].win_rate == 1.0
    assert result["all"]["theme"].n == 1


def test_the_period_includes_its_start_and_excludes_its_end(rep, period):
    since, until = period
    theme = ThemeFactory()
    at_start = DealFactory(stage=Stage.CLOSED_LOST, amount=Decimal("7"), closed_at=since)
    at_end = DealFactory(stage=Stage.CLOSED_LOST, amount=Decimal("50"), closed_at=until)
    for deal in (at_start, at_end):
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        ThemeAssignment.objects.create(note=note, theme=theme)
    result = theme_win_loss(theme, since=since, until=until)
    assert result["lost_revenue"] == Decimal("7")
    assert result["all"]["baseline"] == Tally(won=0, lost=1)


def test_win_rates_are_none_without_closed_deals(db, period):
    result = theme_win_loss(ThemeFactory(), since=period[0], until=period[1])
    for row in result["segments"]:
        assert row["theme"].win_rate is None and row["baseline"].win_rate is None
        assert row["theme"].n == row["baseline"].n == 0
    assert [r["segment"] for r in result["segments"]] == [*SEGMENTS, None]


@pytest.mark.parametrize("size", [1, 25])
def test_it_uses_one_query_whatever_the_data(rep, period, size, django_assert_num_queries):
    theme = ThemeFactory()
    for i in range(size):
        deal = DealFactory(stage=CLOSED[i % 2], closed_at=period[1] - dt.timedelta(days=i + 1))
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        ThemeAssignment.objects.create(note=note, theme=theme)
    with django_assert_num_queries(1):
        theme_win_loss(theme, since=period[0], until=period[1])


def test_the_context_covers_the_last_twelve_months(world):
    theme = world["themes"][0]
    result = theme_win_loss_context(theme)
    now = timezone.now()
    assert abs((now - result["until"]).total_seconds()) < 60
    assert 365 <= (result["until"] - result["since"]).days <= 366
    assert actual(result) == expected(world, theme, result["since"], result["until"])


def test_the_partial_renders_the_figures(rep, period):
    theme = ThemeFactory()
    deal = DealFactory(
        stage=Stage.CLOSED_WON,
        amount=Decimal("123456"),
        closed_at=timezone.now() - dt.timedelta(days=5),
        account=AccountFactory(segment=Segment.SMB),
    )
    ThemeAssignment.objects.create(
        note=CallNoteFactory(author=rep, account=deal.account, deal=deal), theme=theme
    )
    html = render_to_string(
        "insights/_theme_winloss.html", {"winloss": theme_win_loss_context(theme)}
    )
    assert "$123,456" in html
    assert "All segments" in html and "Mid-market" in html
    assert "100%" in html and "n=1" in html and "small sample" in html
