"""One definition of a theme's figures, called by the cache, the filtered dashboard and
the theme page; the theme page's win/loss and win-back panels served by their areas."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedbackhub import periods
from insights.templatetags.charts import growth as growth_filter
from insights.themes.dashboard import Filters, Row, theme_rows
from insights.themes.figures import NoteFilter, growth, theme_figures
from insights.themes.models import Theme, ThemeAssignment
from insights.themes.note_moves import notes_move
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import CallNoteFactory, CompetitorFactory, DealFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _on(deal):
    return {"account": deal.account, "deal": deal}


def _note(theme, author, *, deal=None, tags=(), days_ago=1):
    on_deal = {"account": deal.account, "deal": deal} if deal else {}
    note = CallNoteFactory(
        author=author,
        tags=list(tags),
        call_date=dt.date.today() - dt.timedelta(days=days_ago),
        **on_deal,
    )
    ThemeAssignment.objects.create(note=note, theme=theme)
    return note


def test_the_cache_and_the_function_agree(rep):
    theme = ThemeFactory()
    deal = DealFactory(amount=Decimal("300"), stage="negotiation")
    for _ in range(2):
        _note(theme, rep, deal=deal, tags=["sso"])
    _note(theme, rep, tags=["pricing"], days_ago=400)
    store_theme_stats()
    theme.refresh_from_db()
    figures = theme_figures(themes=[theme.pk], top_names=True)[theme.pk]
    cached = {name: getattr(theme, name) for name in vars(figures)}
    assert cached == vars(figures)
    assert (figures.note_count, figures.open_revenue, figures.weighted_revenue) == (
        3,
        Decimal("300"),
        Decimal("225"),
    )
    assert figures.top_tags == ["sso", "pricing"]


def test_a_filter_counts_only_the_matching_notes_and_their_deals(rep):
    theme = ThemeFactory()
    recent = DealFactory(amount=Decimal("100"), stage="proposal")
    old = DealFactory(amount=Decimal("900"), stage="closed_lost")
    _note(theme, rep, deal=recent, days_ago=5)
    _note(theme, rep, deal=old, days_ago=200)
    found = theme_figures(themes=[theme.pk], notes=NoteFilter(period="90"))[theme.pk]
    assert (found.note_count, found.open_revenue, found.lost_revenue) == (1, 100, 0)
    assert found.last_mentioned_on == dt.date.today() - dt.timedelta(days=5)


def test_a_theme_without_matching_notes_is_left_out(rep):
    theme = ThemeFactory()
    _note(theme, rep, days_ago=200)
    assert theme_figures(themes=[theme.pk], notes=NoteFilter(period="30")) == {}


def test_a_note_with_the_tag_and_the_competitor_twice_over_counts_once(rep):
    """Many-valued filters are subqueries: no note is counted once per matching row."""
    theme = ThemeFactory()
    rival = CompetitorFactory()
    deal = DealFactory(amount=Decimal("50"), stage="proposal", competitor=rival)
    note = _note(theme, rep, deal=deal, tags=["sso", "okta"])
    note.competitors.add(rival)
    for notes in (NoteFilter(competitor=rival.pk), NoteFilter(tag="sso")):
        found = theme_figures(themes=[theme.pk], notes=notes)[theme.pk]
        assert (found.note_count, found.open_revenue) == (1, Decimal("50"))


def test_the_filtered_dashboard_shows_the_top_tags_of_the_matching_notes_only(rep):
    theme = ThemeFactory()
    for _ in range(3):
        _note(theme, rep, tags=["old"], days_ago=300)
    _note(theme, rep, tags=["new"], days_ago=3)
    store_theme_stats()
    [row] = theme_rows(filters=Filters(period="30"))
    assert row.theme == theme and row.tags == ["new"] and row.notes == 1


def test_the_filtered_dashboard_reads_one_row_per_theme_not_per_note(pm_client, rep):
    """The same statements for 3 notes or 63, numbers aside: no list of note ids."""
    themes = [ThemeFactory() for _ in range(3)]

    def add_notes(count):
        for i in range(count):
            _note(themes[i % 3], rep, deal=DealFactory(stage="proposal"), tags=["sso"])
        store_theme_stats()

    def statements():
        with CaptureQueriesContext(connection) as captured:
            response = pm_client.get(reverse("dashboard"), {"period": "90", "tag": "sso"})
        assert response.status_code == 200 and "Theme" in response.content.decode()
        # Numbers (ids, dates, times) may change; a list of ids would add commas. The
        # session and the visit bookkeeping (first visit inserts, later ones update) aside.
        return [
            re.sub(r"\d+", "0", q["sql"])
            for q in captured
            if "django_session" not in q["sql"] and "accounts_pagevisit" not in q["sql"]
        ]

    add_notes(3)
    few = statements()
    add_notes(60)
    assert statements() == few


def test_the_theme_page_shows_a_change_before_the_worker_has_stored_it(rep_client, rep, pm):
    theme = ThemeFactory()
    deal = DealFactory(amount=Decimal("7777"), stage="proposal")
    _note(theme, rep, deal=deal)
    store_theme_stats()
    other = CallNoteFactory(
        author=rep, **_on(DealFactory(amount=Decimal("1111"), stage="proposal"))
    )
    notes_move(note_ids=[other.pk], target=theme, actor=pm)  # the refresh is only queued
    page = rep_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    assert "<dt>Open pipeline</dt><dd>$8,888</dd>" in page
    assert Theme.objects.get(pk=theme.pk).open_revenue == Decimal("7777")  # not yet stored


def test_the_theme_page_loads_its_win_loss_and_win_back_panels_from_their_areas(rep_client, rep):
    theme = ThemeFactory()
    _note(theme, rep)
    page = rep_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    for name in ("theme_winloss", "theme_winback"):
        url = reverse(name, args=[theme.pk])
        assert f'hx-get="{url}" hx-trigger="load"' in page


def test_the_win_loss_panel_shows_the_deals_citing_the_theme(rep_client, rep):
    theme = ThemeFactory()
    _note(theme, rep, deal=DealFactory(amount=Decimal("123456"), stage="closed_won"))
    panel = rep_client.get(reverse("theme_winloss", args=[theme.pk])).content.decode()
    assert "Win/loss of deals citing this theme" in panel and "123,456" in panel
    assert "<html" not in panel  # a partial, not a page


@pytest.mark.parametrize("count", [1, 20])
def test_the_panels_use_a_fixed_number_of_queries(
    rep_client, rep, count, django_assert_num_queries
):
    theme = ThemeFactory()
    for _ in range(count):
        _note(theme, rep, deal=DealFactory(stage="closed_lost"))
    with django_assert_num_queries(6):
        rep_client.get(reverse("theme_winloss", args=[theme.pk]))
    with django_assert_num_queries(7):
        rep_client.get(reverse("theme_winback", args=[theme.pk]))


def test_the_panels_of_a_theme_that_does_not_exist_are_not_found(rep_client):
    for name in ("theme_winloss", "theme_winback"):
        assert rep_client.get(reverse(name, args=[987654])).status_code == 404


@pytest.mark.parametrize(
    ("weekly", "shown"),
    [
        ([0] * 8, "—"),
        ([0] * 4 + [1, 0, 0, 0], "new"),
        ([2, 1, 1, 1, 3, 3, 2, 2], "+100%"),
        ([1, 0, 0, 0, 4, 3, 2, 1], "—"),
    ],
)
def test_growth_is_one_figure_on_the_dashboard_row_and_in_templates(weekly, shown):
    assert Row(theme=None, weekly=weekly).growth == growth(weekly)
    assert growth_filter(weekly) == shown


def test_the_pages_offer_the_same_periods(pm_client):
    overview = pm_client.get(reverse("overview")).content.decode()
    dashboard = pm_client.get(reverse("dashboard")).content.decode()
    for period in periods.PERIODS:
        assert f'<option value="{period.key}"' in overview and period.label in overview
        assert f'<option value="{period.key}"' in dashboard and period.label in dashboard
    assert ">All time</option>" in dashboard


@pytest.mark.parametrize("page", ["abc", "0", "-3", "99999999999999999999", "1" * 5000])
@pytest.mark.parametrize("name", ["dashboard", "inbox", "my_notes", "my_requests", "notifications"])
def test_any_page_number_in_the_url_is_served(pm_client, rep_client, name, page):
    client = rep_client if name in ("my_notes", "my_requests") else pm_client
    assert client.get(reverse(name), {"page": page}).status_code == 200


def test_a_page_number_beyond_the_last_is_clamped_and_shows_an_empty_page(pm_client, rep):
    theme = ThemeFactory()
    _note(theme, rep)
    url = reverse("theme_page", args=[theme.pk])
    response = pm_client.get(url, {"page": "99999999999999999999"})
    assert response.status_code == 200
    assert response.context["notes"].number == 10_000 and not response.context["notes"].object_list


def test_the_csv_export_does_not_compute_the_top_names_it_does_not_write(pm_client, rep):
    theme = ThemeFactory()
    _note(theme, rep, tags=["sso"])
    store_theme_stats()
    with CaptureQueriesContext(connection) as captured:
        response = pm_client.get(reverse("dashboard"), {"period": "30", "format": "csv"})
        text = b"".join(response.streaming_content).decode()  # the rows are read as it streams
    assert response.status_code == 200 and f"{theme.pk},{theme.title}" in text
    assert not [q for q in captured if '"insights_tag"' in q["sql"]]
    page = pm_client.get(reverse("dashboard"), {"period": "30"}).content.decode()
    assert "sso" in page  # the page shows them


def test_no_theme_has_no_figures_and_a_filter_matching_nothing_shows_no_rows(pm_client, rep):
    assert theme_figures(themes=[], top_names=True) == {}
    assert theme_figures(themes=Theme.objects.none()) == {}
    _note(ThemeFactory(), rep, tags=["sso"])
    store_theme_stats()
    assert theme_rows(filters=Filters(tag="nobody-uses-this")) == []
    assert pm_client.get(reverse("dashboard"), {"tag": "nobody-uses-this"}).status_code == 200


@pytest.mark.parametrize(
    ("weekly", "expected"),
    [
        ([1, 0, 0, 0, 3, 3, 2, 2], None),  # 1 → 10 is not "+900%": too few to compare
        ([1, 1, 1, 1, 9, 0, 0, 0], None),  # 4 mentions before: still too few
        ([2, 1, 1, 1, 2, 2, 1, 0], 0.0),  # 5 before, 5 after: flat, and it means something
        ([5, 5, 5, 5, 1, 1, 1, 2], -0.75),
        ([0, 0, 0, 0, 0, 0, 2, 0], float("inf")),  # nothing before: "new"
    ],
)
def test_growth_is_shown_only_when_the_earlier_four_weeks_have_enough_mentions(weekly, expected):
    assert growth(weekly) == expected
