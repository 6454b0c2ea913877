"""The figures the worker stores per theme and filter value (tag, competitor, segment, region,
team, deal stage) equal the live computation, answer the dashboard filtered by one of them
(alone or with a period), and follow a change soon; combinations are still computed live."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import TeamMembership
from deals.models import Stage
from feedbackhub import periods
from insights.notes.models import Tag
from insights.themes.dashboard import Filters, theme_rows
from insights.themes.figures import NoteFilter, theme_figures
from insights.themes.models import (
    ALL_TIME_DAYS,
    FacetKind,
    Theme,
    ThemeAssignment,
    ThemeFacetFigures,
    ThemePageStats,
)
from insights.themes.note_moves import notes_move
from insights.themes.pipeline import stats
from insights.themes.pipeline.copy_rows import copy_rows
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    DealFactory,
    RepFactory,
    TeamFactory,
    ThemeFactory,
)
from tests.insights.sales_floor import varied_sales_floor

pytestmark = pytest.mark.django_db

_FIGURES = stats.FIGURE_FIELDS
_PERIODS = [*(p.key for p in periods.PERIODS), ""]


@pytest.fixture
def world(rep):
    """Deals against a competitor whose notes sometimes name it too (counted once), notes
    naming a competitor without a deal, notes on both sides of every period's start; accounts
    with and without a region; reps in one team, in two, and in none."""
    world = varied_sales_floor(
        rep,
        seed=5,
        today=dt.date.today(),
        themes=4,
        accounts=6,
        deals=10,
        notes=100,
        segments=["smb", "enterprise"],
        ages=[40, 500],
        most_tags=3,
    )
    store_theme_stats()
    return world


def _stored(kind: str, facet, period: str) -> dict[int, dict]:
    days = periods.BY_KEY[period].days if period else ALL_TIME_DAYS
    rows = ThemeFacetFigures.objects.filter(kind=kind, facet=str(facet), period_days=days)
    return {row.theme_id: {name: getattr(row, name) for name in _FIGURES} for row in rows}


def _live(**filters) -> dict[int, dict]:
    found = theme_figures(themes=Theme.objects.all(), notes=NoteFilter(**filters), top_names=True)
    return {theme_id: vars(figures) for theme_id, figures in found.items()}


@pytest.mark.parametrize("period", _PERIODS)
def test_stored_tag_figures_equal_the_live_computation(world, period):
    for tag in world["tags"]:
        assert _stored(FacetKind.TAG, tag.pk, period) == _live(tag=tag.name, period=period)
    assert ThemeFacetFigures.objects.filter(kind=FacetKind.TAG).exists()


@pytest.mark.parametrize("period", _PERIODS)
def test_stored_competitor_figures_equal_the_live_computation(world, period):
    for rival in world["rivals"]:
        stored = _stored(FacetKind.COMPETITOR, rival.pk, period)
        assert stored == _live(competitor=rival.pk, period=period)
    assert ThemeFacetFigures.objects.filter(kind=FacetKind.COMPETITOR).exists()


def _segments_regions_teams_stages(world):
    """(kind, stored value, dashboard filter) for every value of the four account, team and
    deal facets."""
    return [
        *((FacetKind.SEGMENT, v, {"segment": v}) for v in ("smb", "enterprise", "mid_market")),
        *((FacetKind.REGION, v, {"region": v}) for v in ("emea", "apac", "na")),
        *((FacetKind.TEAM, t.pk, {"team": t.pk}) for t in world["teams"]),
        *((FacetKind.STAGE, s.value, {"stage": s.value}) for s in Stage),
    ]


@pytest.mark.parametrize("period", _PERIODS)
def test_stored_segment_region_team_and_stage_figures_equal_the_live_computation(world, period):
    for kind, value, filters in _segments_regions_teams_stages(world):
        assert _stored(kind, value, period) == _live(period=period, **filters), (kind, value)
    for kind in (FacetKind.SEGMENT, FacetKind.REGION, FacetKind.TEAM, FacetKind.STAGE):
        assert ThemeFacetFigures.objects.filter(kind=kind).exists()


def test_a_note_counts_for_each_team_of_its_author_and_a_teamless_one_for_none(db):
    emea, apac = TeamFactory(), TeamFactory()
    in_two, loner = RepFactory(), RepFactory()
    TeamMembership.objects.create(team=emea, user=in_two)
    TeamMembership.objects.create(team=apac, user=in_two)
    theme = ThemeFactory()
    for author in (in_two, loner, loner):
        note = CallNoteFactory(author=author, call_date=dt.date.today())
        ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats()
    counted = ThemeFacetFigures.objects.filter(
        kind=FacetKind.TEAM, theme=theme, period_days=ALL_TIME_DAYS
    ).values_list("facet", "note_count")
    assert sorted(counted) == sorted([(str(emea.pk), 1), (str(apac.pk), 1)])


def _dashboard(filters: Filters) -> tuple[dict[int, tuple], bool]:
    """The rows' figures, and whether the notes were read (not stored rows)."""
    with CaptureQueriesContext(connection) as captured:
        rows = theme_rows(filters=filters, sort="lost")
    read_notes = any(
        table in q["sql"]
        for q in captured
        for table in ("insights_themeassignment", "insights_notefacts")
    )
    return {
        r.theme.pk: (r.notes, r.accounts, r.open_revenue, r.lost_revenue, r.tags, r.competitors)
        for r in rows
    }, read_notes


def _expected(**filters) -> dict[int, tuple]:
    return {
        pk: (
            f["note_count"],
            f["account_count"],
            f["open_revenue"],
            f["lost_revenue"],
            f["top_tags"],
            f["top_competitors"],
        )
        for pk, f in _live(**filters).items()
    }


@pytest.mark.parametrize("period", _PERIODS)
def test_the_dashboard_by_one_filter_value_reads_the_stored_rows(world, period):
    tag, rival, team = world["tags"][0], world["rivals"][0], world["teams"][0]
    for filters in [
        {"tag": tag.name},
        {"competitor": rival.pk},
        {"segment": "enterprise"},
        {"region": "emea"},
        {"team": team.pk},
        {"stage": Stage.NEGOTIATION},
    ]:
        rows, read_notes = _dashboard(Filters(period=period, **filters))
        assert not read_notes
        assert rows == _expected(period=period, **filters)
        assert rows


@pytest.mark.parametrize(
    "combination",
    [
        {"tag": "sso", "segment": "enterprise"},
        {"competitor": "Rival", "stage": Stage.NEGOTIATION, "period": "365"},
        {"tag": "pricing", "competitor": "Other"},
        {"segment": "smb", "region": "emea"},
        {"stage": Stage.PROSPECTING, "team": "Sales EMEA", "period": "90"},
    ],
)
def test_combinations_not_stored_are_computed_live_and_correct(world, combination):
    names = {r.name: r.pk for r in world["rivals"]} | {t.name: t.pk for t in world["teams"]}
    filters = {
        k: names.get(v, v) if k in ("competitor", "team") else v for k, v in combination.items()
    }
    rows, read_notes = _dashboard(Filters(**filters))
    assert read_notes
    assert rows == _expected(**filters)


def test_an_unknown_tag_shows_no_themes(world):
    assert theme_rows(filters=Filters(tag="no-such-tag")) == []


def test_moving_a_note_changes_the_stored_tag_and_competitor_figures_soon(
    world, pm, eager_tasks, django_capture_on_commit_callbacks
):
    rival = world["rivals"][0]
    note = CallNoteFactory(author=pm, tags=["sso"], call_date=dt.date.today())
    note.competitors.add(rival)
    source, target = world["themes"][:2]
    ThemeAssignment.objects.create(note=note, theme=source)
    sso = Tag.objects.get(name="sso")
    with django_capture_on_commit_callbacks(execute=True):
        stats.refresh_soon(theme_ids=[source.pk])  # what placing a new note calls
    before = _stored(FacetKind.TAG, sso.pk, "30").get(target.pk, {}).get("note_count", 0)
    assert _stored(FacetKind.TAG, sso.pk, "30") == _live(tag="sso", period="30")

    with django_capture_on_commit_callbacks(execute=True):
        notes_move(note_ids=[note.pk], target=target, actor=pm)
    for period in _PERIODS:
        assert _stored(FacetKind.TAG, sso.pk, period) == _live(tag="sso", period=period)
        assert _stored(FacetKind.COMPETITOR, rival.pk, period) == _live(
            competitor=rival.pk, period=period
        )
    assert _stored(FacetKind.TAG, sso.pk, "30")[target.pk]["note_count"] == before + 1


def test_the_dashboard_page_filtered_by_a_tag_and_a_period(world, pm_client):
    page = pm_client.get(reverse("dashboard"), {"tag": "sso", "period": "90", "sort": "growth"})
    assert page.status_code == 200
    page = pm_client.get(reverse("dashboard"), {"competitor": world["rivals"][1].pk})
    assert page.status_code == 200


def test_figures_per_tag_computed_before_today_are_not_read(world):
    ThemePageStats.objects.update(computed_at=timezone.now() - dt.timedelta(days=1))
    ThemeFacetFigures.objects.update(note_count=999_999)  # what yesterday's row would say
    rows, read_notes = _dashboard(Filters(tag="sso"))
    assert read_notes
    assert rows == _expected(tag="sso")


def test_a_full_refresh_recomputes_the_figures_per_tag_only_of_themes_due(world, pm):
    """Nothing changed: yesterday's beat work is kept; a theme marked stale is recomputed."""
    untouched, marked = world["themes"][:2]
    before = {
        t.pk: set(ThemeFacetFigures.objects.filter(theme=t).values_list("pk", flat=True))
        for t in (untouched, marked)
    }
    ThemePageStats.objects.filter(theme=marked).update(stale_since=timezone.now())
    store_theme_stats()
    after = {
        t.pk: set(ThemeFacetFigures.objects.filter(theme=t).values_list("pk", flat=True))
        for t in (untouched, marked)
    }
    assert after[untouched.pk] == before[untouched.pk]
    assert after[marked.pk] and not after[marked.pk] & before[marked.pk]


def test_a_deal_now_against_another_competitor_moves_its_figures_soon(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    rival, other = world["rivals"]
    deal = DealFactory(competitor=rival, stage=Stage.NEGOTIATION, amount=Decimal("777"))
    note = CallNoteFactory(account=deal.account, deal=deal, call_date=dt.date.today())
    theme = world["themes"][0]
    ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats(theme_ids=[theme.pk])
    with django_capture_on_commit_callbacks(execute=True):
        deal.competitor = other
        deal.save()
    for competitor in (rival, other):
        assert _stored(FacetKind.COMPETITOR, competitor.pk, "30") == _live(
            competitor=competitor.pk, period="30"
        )


def test_stored_rows_keep_names_with_quotes_tabs_backslashes_and_line_breaks(db):
    theme = ThemeFactory()
    names = ["=1+1", 'say "hi"', "back\\slash", "tab\there", "line\nbreak", "été"]
    copy_rows(
        ThemeFacetFigures,
        [
            {
                "theme_id": theme.pk,
                "kind": FacetKind.TAG.value,
                "facet": "1",
                "period_days": ALL_TIME_DAYS,
                "note_count": 2,
                "account_count": 1,
                "last_mentioned_on": dt.date(2026, 1, 2),
                "open_revenue": Decimal("12.50"),
                "lost_revenue": Decimal("0"),
                "won_revenue": Decimal("0"),
                "weighted_revenue": Decimal("1.25"),
                "weekly_mentions": [0, 2],
                "top_tags": names,
                "top_competitors": [],
            }
        ],
    )
    row = ThemeFacetFigures.objects.get(theme=theme)
    assert row.top_tags == names
    assert (row.open_revenue, row.last_mentioned_on) == (Decimal("12.50"), dt.date(2026, 1, 2))


def test_an_account_moving_to_another_segment_and_region_moves_its_figures_soon(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    account = AccountFactory(segment="smb", region="emea")
    note = CallNoteFactory(account=account, call_date=dt.date.today())
    ThemeAssignment.objects.create(note=note, theme=world["themes"][0])
    store_theme_stats(theme_ids=[world["themes"][0].pk])
    with django_capture_on_commit_callbacks(execute=True):
        account.segment, account.region = "enterprise", "apac"
        account.save()
    for kind, value, filters in _segments_regions_teams_stages(world):
        assert _stored(kind, value, "30") == _live(period="30", **filters), (kind, value)


def test_a_rep_joining_and_leaving_a_team_moves_their_figures_soon(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    newcomer = RepFactory()
    note = CallNoteFactory(author=newcomer, call_date=dt.date.today())
    ThemeAssignment.objects.create(note=note, theme=world["themes"][1])
    store_theme_stats(theme_ids=[world["themes"][1].pk])
    apac = world["teams"][1]
    with django_capture_on_commit_callbacks(execute=True):
        membership = TeamMembership.objects.create(team=apac, user=newcomer)
    assert _stored(FacetKind.TEAM, apac.pk, "") == _live(team=apac.pk)
    assert _stored(FacetKind.TEAM, apac.pk, "")[world["themes"][1].pk]["note_count"] >= 1
    with django_capture_on_commit_callbacks(execute=True):
        membership.delete()
    assert _stored(FacetKind.TEAM, apac.pk, "") == _live(team=apac.pk)


def test_stored_rows_of_one_value_and_period_are_written_side_by_side(world, monkeypatch):
    """What the dashboard by one tag reads is a run of rows written together, not one row
    per theme scattered across the table: the rows go to the table in that order."""
    written = []
    monkeypatch.setattr(stats, "copy_rows", lambda model, rows: written.extend(rows))
    store_theme_stats(theme_ids=[theme.pk for theme in world["themes"]])
    keys = [(row["kind"], row["facet"], row["period_days"], row["theme_id"]) for row in written]
    assert len({key[:3] for key in keys}) > 10 and len({key[3] for key in keys}) == 4
    assert keys == sorted(keys)
