"""Win/loss, competitor and product-market-fit figures, read in a fixed number of queries.

Definitions follow PRODUCT.md: a deal "cites" a theme when at least one of
its notes is currently assigned to that theme, and a deal counts once however
many of its notes do. A deal's segment is its account's segment. Merged
themes hold no notes and are left out everywhere.

Every function here only reads; none knows about HTTP.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    Sum,
    When,
    Window,
)
from django.db.models.functions import TruncQuarter, TruncWeek
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from deals.models import CLOSED_STAGES, Competitor, Deal, Segment, Stage
from insights.notes.models import CallNote
from insights.themes.models import Theme, ThemeAssignment, ThemeEvent, ThemeStatus
from insights.themes.pipeline.stats import week_start

_ZERO = Decimal("0")
# Below this many closed deals a win rate is shown, but flagged as a small sample.
SMALL_SAMPLE = 10
ALL_SEGMENTS = "All segments"


@dataclass(frozen=True)
class Tally:
    """Closed deals won and lost, and the win rate they make (None without any)."""

    won: int = 0
    lost: int = 0

    @property
    def n(self) -> int:
        return self.won + self.lost

    @property
    def win_rate(self) -> float | None:
        return self.won / self.n if self.n else None

    @property
    def small(self) -> bool:
        return self.n < SMALL_SAMPLE

    @property
    def percent(self) -> str:
        """The win rate for display: "45%", or "—" without closed deals."""
        return "—" if self.win_rate is None else f"{self.win_rate:.0%}"

    def add(self, stage: str, count: int = 1) -> "Tally":
        if stage == Stage.CLOSED_WON:
            return Tally(self.won + count, self.lost)
        if stage == Stage.CLOSED_LOST:
            return Tally(self.won, self.lost + count)
        return self


def _active_assignments():
    return ThemeAssignment.objects.filter(theme__isnull=False, theme__merged_into__isnull=True)


# -- One theme's win/loss -------------------------------------------------------------------


def theme_win_loss(theme: Theme, *, since: dt.datetime, until: dt.datetime) -> dict:
    """How deals citing `theme` closed in [since, until), against all deals closed then.

    Returns {"since", "until", "won_revenue", "lost_revenue", "segments", "all"}:
    One query. `segments` has one row per segment, then the "all segments" row (also
    `all`); a row is {"segment" (None for all), "label", "theme": Tally,
    "baseline": Tally}. Revenue is over the same closed deals, each once.
    """
    cites = Q(
        pk__in=_active_assignments()
        .filter(theme=theme, note__deal__isnull=False)
        .values("note__deal_id")
    )
    # One pass over the period's closed deals: all of them (the baseline) and,
    # filtered in the same aggregate, those citing the theme.
    rows = (
        Deal.objects.filter(stage__in=CLOSED_STAGES, closed_at__gte=since, closed_at__lt=until)
        .order_by()
        .values("account__segment", "stage")
        .annotate(
            n=Count("id"),
            theme_n=Count("id", filter=cites),
            theme_amount=Sum("amount", filter=cites),
        )
    )

    mine: dict[str, Tally] = defaultdict(Tally)
    everyone: dict[str, Tally] = defaultdict(Tally)
    revenue = {Stage.CLOSED_WON: _ZERO, Stage.CLOSED_LOST: _ZERO}
    for row in rows:
        segment = row["account__segment"]
        everyone[segment] = everyone[segment].add(row["stage"], row["n"])
        if row["theme_n"]:
            mine[segment] = mine[segment].add(row["stage"], row["theme_n"])
            revenue[row["stage"]] += row["theme_amount"] or _ZERO

    segments = [
        {"segment": value, "label": label, "theme": mine[value], "baseline": everyone[value]}
        for value, label in Segment.choices
    ]
    overall = {
        "segment": None,
        "label": ALL_SEGMENTS,
        "theme": Tally(sum(t.won for t in mine.values()), sum(t.lost for t in mine.values())),
        "baseline": Tally(
            sum(t.won for t in everyone.values()), sum(t.lost for t in everyone.values())
        ),
    }
    return {
        "since": since,
        "until": until,
        "won_revenue": revenue[Stage.CLOSED_WON],
        "lost_revenue": revenue[Stage.CLOSED_LOST],
        "segments": [*segments, overall],
        "all": overall,
    }


def _a_year_before(moment: dt.datetime) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)


def theme_win_loss_context(theme: Theme) -> dict:
    """theme_win_loss over the last 12 months: what templates/insights/_theme_winloss.html
    expects as `winloss`."""
    until = timezone.now()
    return theme_win_loss(theme, since=_a_year_before(until), until=until)


# -- Competitors ----------------------------------------------------------------------------


def _deal_counts_by_competitor() -> dict[int, int]:
    """Distinct deals each competitor appeared in: as the deal's competitor or in its notes."""
    deal = Deal._meta.db_table
    note = CallNote._meta.db_table
    mention = CallNote.competitors.through._meta.db_table
    # UNION (not UNION ALL) keeps each (competitor, deal) pair once.
    sql = f"""
        SELECT p.competitor_id, COUNT(*)
        FROM (SELECT d.competitor_id AS competitor_id, d.id AS deal_id
              FROM {deal} d WHERE d.competitor_id IS NOT NULL
              UNION
              SELECT m.competitor_id, n.deal_id
              FROM {mention} m JOIN {note} n ON n.id = m.callnote_id
              WHERE n.deal_id IS NOT NULL) p
        GROUP BY p.competitor_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def competitor_list() -> list[dict]:
    """Every competitor with its note mentions, deals and revenue lost to it.

    Rows are {"competitor", "mentions", "deals", "lost_deals", "lost_revenue"},
    most lost revenue first. Four queries, whatever the number of competitors.
    """
    mentions = dict(
        CallNote.competitors.through.objects.values("competitor_id")
        .annotate(n=Count("callnote_id", distinct=True))
        .values_list("competitor_id", "n")
        .order_by()
    )
    deals = _deal_counts_by_competitor()
    lost = {
        row["competitor_id"]: row
        for row in Deal.objects.lost()
        .filter(competitor__isnull=False)
        .values("competitor_id")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    }
    rows = [
        {
            "competitor": competitor,
            "mentions": mentions.get(competitor.pk, 0),
            "deals": deals.get(competitor.pk, 0),
            "lost_deals": lost.get(competitor.pk, {}).get("n", 0),
            "lost_revenue": lost.get(competitor.pk, {}).get("total") or _ZERO,
        }
        for competitor in Competitor.objects.order_by("name", "id")
    ]
    rows.sort(key=lambda r: (-r["lost_revenue"], -r["mentions"]))
    return rows


DEALS_SHOWN = 50


def competitor_detail(competitor: Competitor, weeks: int = 26) -> dict:
    """One competitor's mentions over time, deals, the themes of deals lost to it, and quotes.

    Returns {"competitor", "week_starts": [date], "weekly": [int] (oldest week
    first, Monday-based, by call date), "mentions" (in those weeks), "deals":
    [Deal with `.mentioned` (a note on it names the competitor)], "lost_deals",
    "lost_revenue", "deal_count" (all of them; `deals` holds the DEALS_SHOWN
    newest), "lost_themes": [{"theme_id", "title", "deals",
    "lost_revenue"}] (most first), "quotes": [CallNote] (20 newest)}.
    """
    today = timezone.localdate()
    first_week = week_start(today) - dt.timedelta(weeks=weeks - 1)
    weekly = [0] * weeks
    per_week = (
        CallNote.objects.filter(competitors=competitor, call_date__gte=first_week)
        .annotate(week=TruncWeek("call_date"))
        .values("week")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    for row in per_week:
        week = row["week"]
        week = week.date() if isinstance(week, dt.datetime) else week
        index = (week - first_week).days // 7
        if 0 <= index < weeks:
            weekly[index] += row["n"]

    appeared_in = Deal.objects.filter(
        Q(competitor=competitor)
        | Q(
            pk__in=CallNote.objects.filter(competitors=competitor, deal__isnull=False).values(
                "deal_id"
            )
        )
    )
    # A busy competitor appears in thousands of deals: the page lists the
    # newest and says how many there are.
    deals = list(
        appeared_in.annotate(total=Window(Count("id")))
        .select_related("account", "owner")
        .order_by("-created_at", "-id")[:DEALS_SHOWN]
    )
    named_in_notes = set(
        CallNote.objects.filter(competitors=competitor, deal__in=[d.pk for d in deals])
        .values_list("deal_id", flat=True)
        .order_by()
    )
    for deal in deals:
        deal.mentioned = deal.pk in named_in_notes
    deal_count = deals[0].total if deals else 0

    lost_to = Deal.objects.lost().filter(competitor=competitor)
    totals = lost_to.aggregate(n=Count("id"), total=Sum("amount"))
    pairs = (
        _active_assignments()
        .filter(note__deal__in=lost_to)
        .values_list("theme_id", "theme__title", "note__deal_id", "note__deal__amount")
        .distinct()
        .order_by()
    )
    themes: dict[int, dict] = {}
    for theme_id, title, _deal_id, amount in pairs:
        row = themes.setdefault(
            theme_id, {"theme_id": theme_id, "title": title, "deals": 0, "lost_revenue": _ZERO}
        )
        row["deals"] += 1
        row["lost_revenue"] += amount

    quotes = list(
        CallNote.objects.filter(competitors=competitor)
        .exclude(quote__regex=r"^\s*$")
        .select_related("account", "author")
        .order_by("-call_date", "-created_at", "-id")[:20]
    )
    return {
        "competitor": competitor,
        "week_starts": [first_week + dt.timedelta(weeks=i) for i in range(weeks)],
        "weekly": weekly,
        "mentions": sum(weekly),
        "deals": deals,
        "deal_count": deal_count,
        "lost_deals": totals["n"],
        "lost_revenue": totals["total"] or _ZERO,
        "lost_themes": sorted(
            themes.values(), key=lambda r: (-r["lost_revenue"], r["title"], r["theme_id"])
        ),
        "quotes": quotes,
    }


def competitor_theme_matrix(top_themes: int = 15) -> dict:
    """Revenue lost to each competitor, by theme cited in the lost deals (one query).

    A cell sums the closed-lost deals lost to that competitor with a note in
    that theme, each deal once. Returns {"themes": [{"theme_id", "title",
    "lost_revenue"}] (the `top_themes` with most lost revenue, most first),
    "rows": [{"competitor_id", "name", "lost_revenue" (its lost deals that cite
    any theme, each once), "cells": [{"theme_id", "lost_revenue"}] aligned
    with "themes"}]}.
    """
    found = (
        _active_assignments()
        .filter(note__deal__stage=Stage.CLOSED_LOST, note__deal__competitor__isnull=False)
        .values_list(
            "note__deal__competitor_id",
            "note__deal__competitor__name",
            "theme_id",
            "theme__title",
            "note__deal_id",
            "note__deal__amount",
        )
        .distinct()
        .order_by()
    )
    cells: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    theme_total: dict[int, Decimal] = defaultdict(Decimal)
    titles: dict[int, str] = {}
    names: dict[int, str] = {}
    competitor_deals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for competitor_id, name, theme_id, title, deal_id, amount in found:
        cells[competitor_id, theme_id] += amount
        # A deal has one competitor, so (theme, deal) is already unique here.
        theme_total[theme_id] += amount
        titles[theme_id], names[competitor_id] = title, name
        competitor_deals[competitor_id][deal_id] = amount
    top = sorted(theme_total, key=lambda t: (-theme_total[t], titles[t], t))[:top_themes]
    rows = [
        {
            "competitor_id": competitor_id,
            "name": names[competitor_id],
            "lost_revenue": sum(amounts.values(), _ZERO),
            "cells": [
                {"theme_id": t, "lost_revenue": cells.get((competitor_id, t), _ZERO)} for t in top
            ],
        }
        for competitor_id, amounts in competitor_deals.items()
    ]
    rows.sort(key=lambda r: (-r["lost_revenue"], r["name"], r["competitor_id"]))
    return {
        "themes": [
            {"theme_id": t, "title": titles[t], "lost_revenue": theme_total[t]} for t in top
        ],
        "rows": rows,
    }


# -- Product-market fit ---------------------------------------------------------------------


class _Median(Aggregate):
    """PostgreSQL's continuous median."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class _DaysOpen(Func):
    """Whole days from the day a deal was opened to the day it closed."""

    template = "(CAST(%(expressions)s)"
    arg_joiner = " AS date) - "
    output_field = IntegerField()


# A close dated before the opening (bad CRM data) is left out of the sales
# cycle rather than counted as a negative one.
_DAYS_OPEN = _DaysOpen(F("closed_at"), F("opened_on"))
_CYCLE_DAYS = Case(When(GreaterThanOrEqual(_DAYS_OPEN, 0), then=_DAYS_OPEN))


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quarters_before(start: dt.date, count: int) -> dt.date:
    months = start.year * 12 + start.month - 1 - 3 * count
    return dt.date(months // 12, months % 12 + 1, 1)


def _cycles_in_python(closed, found: dict) -> None:
    """Median and mean sales cycle per cell where the database has no median (SQLite,
    the local fallback): one more query, reading the period's closed deals."""
    days: dict[tuple[str | None, dt.date], list[int]] = defaultdict(list)
    rows = closed.values_list("account__segment", "quarter", "closed_at", "opened_on")
    for segment, quarter, closed_at, opened_on in rows:
        cycle = (timezone.localtime(closed_at).date() - opened_on).days
        if cycle >= 0:
            days[segment, quarter].append(cycle)
            days[None, quarter].append(cycle)
    for key, row in found.items():
        values = days.get(key)
        row["median_days"] = statistics.median(values) if values else None
        row["avg_days"] = statistics.fmean(values) if values else None


def pmf_by_segment_quarter(quarters: int = 8) -> dict:
    """Win rate and sales cycle of closed deals by segment and calendar quarter closed.

    Covers the current quarter and the `quarters - 1` before it. Returns
    {"quarters": [date (first day), oldest first], "rows": [{"segment" (None
    for all), "label", "cells": [{"quarter", "tally": Tally, "median_days",
    "avg_days"}] aligned with "quarters"}]}, one row per segment then all
    segments. Cycle = days from opened_on to the day closed_at falls on; None
    without deals.
    Two queries.
    """
    current = _quarter_start(timezone.localdate())
    first = _quarters_before(current, quarters - 1)
    starts = [_quarters_before(current, quarters - 1 - i) for i in range(quarters)]
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(_quarters_before(current, -1), dt.time.min, tzinfo=tz)
    closed = (
        Deal.objects.filter(stage__in=CLOSED_STAGES, closed_at__gte=since, closed_at__lt=until)
        .annotate(quarter=TruncQuarter("closed_at", output_field=DateField()))
        .order_by()
    )
    figures = {
        "won": Count("id", filter=Q(stage=Stage.CLOSED_WON)),
        "lost": Count("id", filter=Q(stage=Stage.CLOSED_LOST)),
    }
    in_sql = connection.vendor == "postgresql"
    if in_sql:
        figures.update(median_days=_Median(_CYCLE_DAYS), avg_days=Avg(_CYCLE_DAYS))
    found: dict[tuple[str | None, dt.date], dict] = {}
    for row in closed.values("account__segment", "quarter").annotate(**figures):
        found[row["account__segment"], row["quarter"]] = row
    for row in closed.values("quarter").annotate(**figures):
        found[None, row["quarter"]] = row
    if not in_sql:
        _cycles_in_python(closed, found)

    def cell(segment: str | None, quarter: dt.date) -> dict:
        row = found.get((segment, quarter))
        if row is None:
            return {"quarter": quarter, "tally": Tally(), "median_days": None, "avg_days": None}
        return {
            "quarter": quarter,
            "tally": Tally(row["won"], row["lost"]),
            "median_days": row["median_days"],
            "avg_days": row["avg_days"],
        }

    segments = [*Segment.choices, (None, ALL_SEGMENTS)]
    return {
        "quarters": starts,
        "rows": [
            {"segment": value, "label": label, "cells": [cell(value, q) for q in starts]}
            for value, label in segments
        ],
    }


def shipped_theme_impact() -> list[dict]:
    """For each shipped (unmerged) theme: win rate of deals citing it, closed before vs after.

    The shipped moment is the latest "status → shipped" event, or the theme's
    last update when there is none. Returns [{"theme", "shipped_at",
    "from_event": bool, "before": Tally, "after": Tally}], latest shipped
    first. Two queries.
    """
    themes = list(
        Theme.objects.filter(status=ThemeStatus.SHIPPED, merged_into__isnull=True)
        .annotate(
            shipped_event_at=Max(
                "events__created_at",
                filter=Q(
                    events__kind=ThemeEvent.Kind.STATUS,
                    events__data__new=ThemeStatus.SHIPPED.value,
                ),
            )
        )
        .defer("centroid", "representative_note_ids", "keywords", "description", "decision")
    )
    moments = {t.pk: t.shipped_event_at or t.updated_at for t in themes}
    tallies: dict[int, dict[str, Tally]] = defaultdict(
        lambda: {"before": Tally(), "after": Tally()}
    )
    if themes:
        closed = (
            ThemeAssignment.objects.filter(
                theme_id__in=list(moments),
                note__deal__stage__in=CLOSED_STAGES,
                note__deal__closed_at__isnull=False,
            )
            .values_list("theme_id", "note__deal_id", "note__deal__stage", "note__deal__closed_at")
            .distinct()
            .order_by()
        )
        for theme_id, _deal_id, stage, closed_at in closed:
            side = "before" if closed_at < moments[theme_id] else "after"
            tallies[theme_id][side] = tallies[theme_id][side].add(stage)
    rows = [
        {
            "theme": theme,
            "shipped_at": moments[theme.pk],
            "from_event": theme.shipped_event_at is not None,
            "before": tallies[theme.pk]["before"],
            "after": tallies[theme.pk]["after"],
        }
        for theme in themes
    ]
    rows.sort(key=lambda r: (r["shipped_at"], r["theme"].pk), reverse=True)
    return rows
