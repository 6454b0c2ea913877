"""Theme statistics against an independent calculation in plain Python."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from deals.models import Stage
from feedbackhub.periods import week_start
from insights.themes.figures import WEEKS
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, ThemeFactory

pytestmark = pytest.mark.django_db

OPEN = {Stage.PROSPECTING, Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION}


def _assign(note, theme):
    ThemeAssignment.objects.create(note=note, theme=theme)


def test_a_deal_with_many_notes_in_a_theme_counts_once(rep):
    theme = ThemeFactory()
    deal = DealFactory(amount=Decimal("100000"), stage=Stage.PROPOSAL)
    for _ in range(3):
        _assign(CallNoteFactory(author=rep, account=deal.account, deal=deal), theme)

    store_theme_stats(theme_ids=[theme.id])
    theme.refresh_from_db()
    assert theme.note_count == 3
    assert theme.account_count == 1
    assert theme.open_revenue == Decimal("100000")


def test_open_lost_and_won_revenue_are_kept_apart(rep):
    theme = ThemeFactory()
    for stage, amount in [
        (Stage.NEGOTIATION, "10"),
        (Stage.CLOSED_LOST, "20"),
        (Stage.CLOSED_WON, "40"),
    ]:
        deal = DealFactory(stage=stage, amount=Decimal(amount))
        _assign(CallNoteFactory(author=rep, account=deal.account, deal=deal), theme)
    _assign(CallNoteFactory(author=rep), theme)  # a note without a deal adds no revenue

    store_theme_stats()
    theme.refresh_from_db()
    assert (theme.open_revenue, theme.lost_revenue, theme.won_revenue) == (10, 20, 40)
    assert theme.note_count == 4 and theme.account_count == 4


def test_statistics_match_an_independent_calculation_on_random_data(rep):
    rng = random.Random(7)
    today = dt.date.today()
    themes = [ThemeFactory() for _ in range(4)]
    accounts = [AccountFactory(owner=rep) for _ in range(6)]
    deals = [
        DealFactory(
            account=rng.choice(accounts),
            stage=rng.choice(list(Stage)),
            amount=Decimal(rng.randrange(1000, 90000)),
        )
        for _ in range(10)
    ]
    notes = []
    for _ in range(80):
        deal = rng.choice(deals + [None, None])
        account = deal.account if deal else rng.choice(accounts)
        note = CallNoteFactory(
            author=rep,
            account=account,
            deal=deal,
            call_date=today - dt.timedelta(days=rng.randrange(0, 400)),
        )
        theme = rng.choice(themes + [None])
        if theme:
            _assign(note, theme)
        notes.append((note, theme))

    store_theme_stats()

    first_week = week_start(today) - dt.timedelta(weeks=WEEKS - 1)
    for theme in themes:
        mine = [n for n, t in notes if t == theme]
        deals_in_theme = {n.deal for n in mine if n.deal}
        weekly = [0] * WEEKS
        for n in mine:
            if n.call_date >= first_week:
                weekly[(week_start(n.call_date) - first_week).days // 7] += 1
        theme.refresh_from_db()
        assert theme.note_count == len(mine)
        assert theme.account_count == len({n.account_id for n in mine})
        assert theme.open_revenue == sum((d.amount for d in deals_in_theme if d.stage in OPEN), 0)
        assert theme.lost_revenue == sum(
            (d.amount for d in deals_in_theme if d.stage == Stage.CLOSED_LOST), 0
        )
        assert theme.won_revenue == sum(
            (d.amount for d in deals_in_theme if d.stage == Stage.CLOSED_WON), 0
        )
        assert theme.weekly_mentions == weekly
        assert theme.last_mentioned_on == max((n.call_date for n in mine), default=None)


def test_a_theme_that_lost_all_its_notes_drops_to_zero(rep):
    theme = ThemeFactory()
    deal = DealFactory(amount=Decimal("5"))
    note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
    _assign(note, theme)
    store_theme_stats(theme_ids=[theme.id])
    ThemeAssignment.objects.filter(note=note).delete()

    store_theme_stats(theme_ids=[theme.id])
    theme.refresh_from_db()
    assert theme.note_count == 0 and theme.open_revenue == 0
    assert theme.weekly_mentions == [0] * WEEKS


def test_refreshing_a_theme_that_was_deleted_meanwhile_is_harmless():
    assert store_theme_stats(theme_ids=[987654]) == 0
