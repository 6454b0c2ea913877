"""Growth and the weekly mentions are a trend: choosing a period changes which notes the totals
count, never the last four weeks against the four before. Every other filter still applies to
the trend. Stored figures (per period, per tag) and the live computation agree."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from feedbackhub import periods
from insights.notes.models import Tag
from insights.themes.dashboard import Filters, theme_rows
from insights.themes.figures import NoteFilter, theme_figures
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import AccountFactory, CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db

# Days before this week's Monday: three notes in each. The last four weeks are inside the
# 30-day period whatever the weekday; the weeks 5 to 8 weeks back (but for the one that can
# straddle the period's first day) are before it.
RECENT_WEEKS = (0, 7, 14, 21)
EARLIER_WEEKS = (35, 42, 49)
HOVER = "12 mentions in the last 4 weeks, 9 in the 4 before"  # growth +33%


def _note(rep, theme, monday_minus: int, *, tags=(), segment="smb"):
    monday = periods.week_start(dt.date.today())
    note = CallNoteFactory(
        author=rep,
        account=AccountFactory(owner=rep, segment=segment),
        call_date=monday - dt.timedelta(days=monday_minus),
    )
    note.tags.set(tags)
    ThemeAssignment.objects.create(note=note, theme=theme)


@pytest.fixture
def theme(rep):
    """12 SSO-tagged smb notes in the last four weeks, 9 in the weeks before the 30-day period,
    and untagged enterprise notes on both sides that the tag or segment filter leaves out."""
    theme = ThemeFactory(title="SSO login")
    sso = Tag.objects.create(name="sso")
    for days in RECENT_WEEKS + EARLIER_WEEKS:
        for _ in range(3):
            _note(rep, theme, days, tags=[sso])
    for days in (0, 42):
        for _ in range(5):
            _note(rep, theme, days, segment="enterprise")
    store_theme_stats()
    return theme


def _export(pm_client, **params) -> dict:
    response = pm_client.get(reverse("dashboard"), {**params, "format": "csv"})
    [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    return row


def test_a_period_shows_the_same_growth_as_all_time(theme, pm_client):
    [all_time] = theme_rows(filters=Filters())
    [last_30] = theme_rows(filters=Filters(period="30"))
    assert (all_time.notes, last_30.notes) == (31, 17)  # the totals do follow the period
    assert last_30.weekly == all_time.weekly
    assert sum(last_30.weekly[-8:-4]) == 14  # 9 tagged, 5 untagged: none cut by the period
    page = pm_client.get(reverse("dashboard"), {"period": "30"}).content.decode()
    assert "17 mentions in the last 4 weeks, 14 in the 4 before" in page
    assert "new</span>" not in page


def test_the_export_of_a_period_writes_the_true_mentions_before(theme, pm_client):
    row = _export(pm_client, period="30")
    assert (row["notes"], row["mentions_last_4_weeks"], row["mentions_4_weeks_before"]) == (
        "17",
        "17",
        "14",
    )
    assert row["growth_pct"] == _export(pm_client)["growth_pct"] == "21.4"


def test_a_tag_with_a_period_keeps_the_tags_trend(theme, pm_client):
    page = pm_client.get(reverse("dashboard"), {"tag": "sso", "period": "30"}).content.decode()
    assert HOVER in page and "+33%" in page
    row = _export(pm_client, tag="sso", period="30")
    assert (row["notes"], row["mentions_4_weeks_before"], row["growth_pct"]) == ("12", "9", "33.3")
    assert _export(pm_client, tag="sso")["growth_pct"] == "33.3"


@pytest.mark.parametrize(
    "filters",
    [Filters(period="30"), Filters(tag="sso", period="30"), Filters(tag="sso", period="90")],
)
def test_stored_and_live_trends_agree(theme, filters):
    [stored] = theme_rows(filters=filters)  # stored today: ThemePeriodFigures / facet figures
    live = theme_figures(
        themes=[theme.pk], notes=NoteFilter(tag=filters.tag, period=filters.period), weeks=12
    )[theme.pk]
    assert stored.weekly == live.weekly_mentions
    assert stored.notes == live.note_count


def test_other_filters_still_apply_to_the_trend(theme, pm_client):
    """A segment with a period is always computed live: the segment cuts the trend, the
    period does not."""
    page = pm_client.get(reverse("dashboard"), {"segment": "smb", "period": "30"}).content.decode()
    assert HOVER in page
    row = _export(pm_client, segment="enterprise", period="30")
    assert (row["notes"], row["mentions_last_4_weeks"], row["mentions_4_weeks_before"]) == (
        "5",
        "5",
        "5",
    )
