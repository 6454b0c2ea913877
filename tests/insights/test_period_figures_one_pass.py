"""The statistics task computes all time and every period in one pass over a theme's notes;
each period's figures are exactly those of the notes of that period counted alone."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from deals.models import Stage
from feedbackhub import periods
from insights.notes.models import Tag
from insights.themes.figures import NoteFilter, theme_figures, theme_figures_by_period
from insights.themes.models import ALL_TIME_DAYS, ThemeAssignment, ThemePeriodFigures
from insights.themes.pipeline.stats import period_starts, store_theme_stats
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    CompetitorFactory,
    DealFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def _note(rep, theme, *, days_ago, deal=None, account=None, tags=(), rivals=()):
    note = CallNoteFactory(
        author=rep,
        account=deal.account if deal else account,
        deal=deal,
        call_date=dt.date.today() - dt.timedelta(days=days_ago),
    )
    note.tags.set(tags)
    note.competitors.set(rivals)
    ThemeAssignment.objects.create(note=note, theme=theme)
    return note


def test_a_deal_with_notes_inside_and_before_a_period_counts_once_in_each(rep):
    theme = ThemeFactory()
    account = AccountFactory(owner=rep)
    spanning = DealFactory(account=account, stage=Stage.NEGOTIATION, amount=Decimal("1000"))
    old_only = DealFactory(account=account, stage=Stage.PROPOSAL, amount=Decimal("500"))
    lost = DealFactory(account=account, stage=Stage.CLOSED_LOST, amount=Decimal("70"))
    for days_ago in (2, 10, 200):
        _note(rep, theme, days_ago=days_ago, deal=spanning)
    _note(rep, theme, days_ago=100, deal=old_only)
    _note(rep, theme, days_ago=400, deal=lost)

    found = theme_figures_by_period(themes=[theme.pk], starts=period_starts(dt.date.today()))

    def figures(days):
        f = found[days][theme.pk]
        return f.note_count, f.open_revenue, f.lost_revenue

    assert figures(ALL_TIME_DAYS) == (5, Decimal("1500"), Decimal("70"))
    assert figures(30) == (2, Decimal("1000"), Decimal("0"))
    assert figures(90) == (2, Decimal("1000"), Decimal("0"))
    assert figures(180) == (3, Decimal("1500"), Decimal("0"))
    assert figures(365) == (4, Decimal("1500"), Decimal("0"))


def test_a_theme_without_notes_in_a_period_has_no_row_for_it(rep):
    theme = ThemeFactory()
    _note(rep, theme, days_ago=300, account=AccountFactory(owner=rep))
    store_theme_stats(theme_ids=[theme.pk])
    stored = set(
        ThemePeriodFigures.objects.filter(theme=theme).values_list("period_days", flat=True)
    )
    assert stored == {ALL_TIME_DAYS, 365}


def test_the_weekly_series_of_a_period_is_the_all_time_trend(rep):
    """The period picks the notes the totals count; the trend (and growth) is never cut."""
    theme = ThemeFactory()
    account = AccountFactory(owner=rep)
    for days_ago in (29, 30, 31, 35, 60):  # around the 30-day period's first day
        _note(rep, theme, days_ago=days_ago, account=account)
    one_pass = theme_figures_by_period(themes=[theme.pk], starts=period_starts(dt.date.today()))
    alone = theme_figures(themes=[theme.pk], notes=NoteFilter(period="30"))
    assert one_pass[30][theme.pk].weekly_mentions == alone[theme.pk].weekly_mentions
    assert one_pass[30][theme.pk].note_count == alone[theme.pk].note_count == 2  # 29, 30 days
    assert sum(one_pass[30][theme.pk].weekly_mentions) == 5
    assert (
        one_pass[30][theme.pk].weekly_mentions == one_pass[ALL_TIME_DAYS][theme.pk].weekly_mentions
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_pass_figures_equal_each_period_computed_alone(rep, seed):
    """A varied world: deals with notes on both sides of period starts, closed and open, notes
    without deals, tags and competitors with ties; every figure of every period equal."""
    rng = random.Random(seed)
    rivals = [CompetitorFactory(name=f"Rival {i}") for i in range(3)]
    tags = [Tag.objects.create(name=n) for n in ("sso", "pricing", "export", "audit")]
    themes = [ThemeFactory() for _ in range(5)]
    accounts = [AccountFactory(owner=rep) for _ in range(6)]
    deals = [
        DealFactory(
            account=rng.choice(accounts),
            stage=rng.choice(list(Stage)),
            amount=Decimal(rng.randrange(100, 9000)),
        )
        for _ in range(12)
    ]
    for _ in range(120):
        deal = rng.choice([*deals, None])
        _note(
            rep,
            rng.choice(themes),
            days_ago=rng.choice([0, 6, 7, 29, 30, 31, 89, 90, 91, 179, 180, 364, 365, 366, 700]),
            deal=deal,
            account=None if deal else rng.choice(accounts),
            tags=rng.sample(tags, rng.randrange(0, 3)),
            rivals=rng.sample(rivals, rng.randrange(0, 2)),
        )
    ids = [t.pk for t in themes]
    one_pass = theme_figures_by_period(
        themes=ids, starts=period_starts(dt.date.today()), top_names=True
    )
    for period in [*periods.PERIODS, None]:
        key = period.key if period else ""
        alone = theme_figures(themes=ids, notes=NoteFilter(period=key), top_names=True)
        days = period.days if period else ALL_TIME_DAYS
        assert {t: vars(f) for t, f in one_pass[days].items()} == {
            t: vars(f) for t, f in alone.items()
        }, key
