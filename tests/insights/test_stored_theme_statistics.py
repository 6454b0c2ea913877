"""The statistics the worker stores per theme (period figures, the theme page's) equal the
live SQL computation, are read by the pages, and follow a change soon."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deals.models import Stage
from feedbackhub import periods
from insights.notes.models import Tag
from insights.themes import selectors
from insights.themes.dashboard import Filters, theme_rows
from insights.themes.figures import NoteFilter, theme_figures
from insights.themes.models import (
    ALL_TIME_DAYS,
    Theme,
    ThemeAssignment,
    ThemePageStats,
    ThemePeriodFigures,
)
from insights.themes.note_moves import notes_move
from insights.themes.pipeline import stats
from insights.themes.pipeline.stats import store_theme_stats
from insights.themes.triage import theme_merge
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    CompetitorFactory,
    DealFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

_FIGURES = stats.FIGURE_FIELDS


@pytest.fixture
def world(rep):
    rng = random.Random(12)
    today = dt.date.today()
    rival = CompetitorFactory(name="Rival")
    tags = [Tag.objects.create(name=n) for n in ("sso", "pricing", "export")]
    themes = [ThemeFactory() for _ in range(4)]
    accounts = [
        AccountFactory(owner=rep, segment=rng.choice(["smb", "enterprise"])) for _ in range(6)
    ]
    deals = [
        DealFactory(
            account=rng.choice(accounts),
            stage=rng.choice(list(Stage)),
            amount=Decimal(rng.randrange(1000, 50000)),
        )
        for _ in range(10)
    ]
    for _ in range(90):
        deal = rng.choice(deals + [None])
        note = CallNoteFactory(
            author=rep,
            account=deal.account if deal else rng.choice(accounts),
            deal=deal,
            call_date=today - dt.timedelta(days=rng.randrange(0, 500)),
        )
        note.tags.set(rng.sample(tags, rng.randrange(0, 3)))
        if rng.random() < 0.3:
            note.competitors.add(rival)
        theme = rng.choice(themes + [None])
        if theme:
            ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats()
    return {"themes": themes, "rival": rival}


def _stored(days: int) -> dict[int, dict]:
    return {
        row.theme_id: {name: getattr(row, name) for name in _FIGURES}
        for row in ThemePeriodFigures.objects.filter(period_days=days)
    }


def _live(period: str) -> dict[int, dict]:
    found = theme_figures(
        themes=Theme.objects.all(), notes=NoteFilter(period=period), top_names=True
    )
    return {theme_id: vars(figures) for theme_id, figures in found.items()}


@pytest.mark.parametrize("period", [p.key for p in periods.PERIODS] + [""])
def test_stored_period_figures_equal_the_live_computation(world, period):
    days = periods.BY_KEY[period].days if period else ALL_TIME_DAYS
    assert _stored(days) == _live(period)
    assert len(_stored(days)) >= 1


def test_the_dashboard_with_a_period_alone_reads_the_stored_rows(world, pm_client):
    for period in periods.PERIODS:
        live = _live(period.key)
        with CaptureQueriesContext(connection) as captured:
            rows = theme_rows(filters=Filters(period=period.key))
        assert not [q for q in captured if "insights_themeassignment" in q["sql"]]
        assert {
            r.theme.pk: (r.notes, r.accounts, r.open_revenue, r.lost_revenue) for r in rows
        } == {
            pk: (f["note_count"], f["account_count"], f["open_revenue"], f["lost_revenue"])
            for pk, f in live.items()
        }
    page = pm_client.get(reverse("dashboard"), {"period": "90", "sort": "growth"})
    assert page.status_code == 200


def test_period_figures_not_computed_today_are_not_read(world):
    Theme.objects.update(stats_as_of=timezone.localdate() - dt.timedelta(days=1))
    ThemePeriodFigures.objects.update(note_count=999_999)  # what a stale row would say
    rows = theme_rows(filters=Filters(period="30"))
    assert {r.theme.pk: r.notes for r in rows} == {
        pk: f["note_count"] for pk, f in _live("30").items()
    }


def test_moving_a_note_refreshes_the_stored_figures_soon(
    world, pm, eager_tasks, django_capture_on_commit_callbacks
):
    source, target = world["themes"][:2]
    note_id = ThemeAssignment.objects.filter(theme=source).values_list("note_id", flat=True)[0]
    before = theme_figures(themes=[target.pk])[target.pk].note_count
    with django_capture_on_commit_callbacks(execute=True):
        notes_move(note_ids=[note_id], target=target, actor=pm)
    for period in [*(p.key for p in periods.PERIODS), ""]:
        days = periods.BY_KEY[period].days if period else ALL_TIME_DAYS
        assert _stored(days) == _live(period)
    target.refresh_from_db()
    assert target.note_count == before + 1
    assert not ThemePageStats.objects.filter(stale_since__isnull=False).exists()


def test_merging_refreshes_the_target_figures_soon(
    world, pm, eager_tasks, django_capture_on_commit_callbacks
):
    source, target = world["themes"][2:4]
    with django_capture_on_commit_callbacks(execute=True):
        theme_merge(source=source, target=target, actor=pm)
    assert _stored(365) == _live("365")
    assert ThemePeriodFigures.objects.filter(theme=source).count() == 0


def test_a_change_marks_the_theme_page_stale_and_the_page_computes_until_the_refresh(
    world, pm, pm_client
):
    source, target = world["themes"][:2]
    url = reverse("theme_page", args=[target.pk])
    stored = pm_client.get(url).context
    assert stored["as_of"] is not None  # read from what the worker stored

    note_id = ThemeAssignment.objects.filter(theme=source).values_list("note_id", flat=True)[0]
    notes_move(note_ids=[note_id], target=target, actor=pm)  # its refresh is only queued
    assert ThemePageStats.objects.get(theme=target).stale_since is not None
    live = pm_client.get(url).context
    assert live["as_of"] is None
    assert live["figures"].note_count == stored["figures"].note_count + 1

    store_theme_stats(theme_ids=[source.pk, target.pk])  # what the queued refresh does
    fresh = pm_client.get(url).context
    assert fresh["as_of"] is not None
    assert fresh["figures"] == live["figures"]
    assert fresh["evidence"] == live["evidence"]
    assert list(fresh["accounts"]) == [dict(a) for a in live["accounts"]]


def test_the_stored_page_statistics_equal_the_live_ones(world):
    for theme in Theme.objects.all():
        stored = selectors.theme_statistics(theme=theme)
        ThemePageStats.objects.filter(theme=theme).update(stale_since=timezone.now())
        live = selectors.theme_statistics(theme=theme)
        assert stored["as_of"] is not None and live["as_of"] is None
        assert stored["figures"] == live["figures"]
        assert stored["evidence"] == live["evidence"]
        assert stored["accounts"] == [dict(a) for a in live["accounts"]]


def test_a_refresh_that_started_before_a_change_leaves_the_change_marked(world, pm):
    theme = world["themes"][0]
    later = timezone.now() + dt.timedelta(seconds=30)
    ThemePageStats.objects.filter(theme=theme).update(stale_since=later)
    store_theme_stats(theme_ids=[theme.pk])
    assert ThemePageStats.objects.get(theme=theme).stale_since == later


def test_a_filtered_view_is_cached_until_statistics_are_stored(world, rep):
    filters = Filters(tag="sso")
    first = {r.theme.pk: r.notes for r in theme_rows(filters=filters)}
    with CaptureQueriesContext(connection) as captured:
        again = {r.theme.pk: r.notes for r in theme_rows(filters=filters)}
    assert again == first
    assert not [q for q in captured if "COUNT(DISTINCT" in q["sql"]]  # figures came from the cache

    theme = world["themes"][0]
    note = CallNoteFactory(author=rep, tags=["sso"])
    ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats(theme_ids=[theme.pk])
    after = {r.theme.pk: r.notes for r in theme_rows(filters=filters)}
    assert after[theme.pk] == first.get(theme.pk, 0) + 1
