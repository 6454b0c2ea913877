"""Product-market fit: win rate and sales cycle by segment and quarter, and what
shipping a theme changed for the deals citing it.

Every function here only reads; none knows about HTTP.
"""

import datetime as dt
import statistics
from collections import defaultdict

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
    When,
)
from django.db.models.functions import TruncQuarter
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from deals.models import CLOSED_STAGES, Deal, Segment, Stage
from insights.analytics.winloss import ALL_SEGMENTS, Tally
from insights.themes.models import Theme, ThemeAssignment, ThemeEvent, ThemeStatus


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
    # A deal "closing" later than now (a planned date typed into closed_at) has not closed yet.
    until = min(
        dt.datetime.combine(_quarters_before(current, -1), dt.time.min, tzinfo=tz), timezone.now()
    )
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


def quarters_with_deals(pmf: dict) -> dict:
    """pmf_by_segment_quarter turned for reading: one row per quarter that closed
    any deal (newest first), one column per segment then all segments.

    Returns {"segments": [label], "rows": [{"quarter", "label" ("2026 Q3"),
    "cells": [cell] aligned with "segments"}]}; quarters without a closed
    deal are left out instead of showing a column of dashes.
    """
    segments = [row["label"] for row in pmf["rows"]]
    rows = []
    for i, quarter in enumerate(pmf["quarters"]):
        cells = [row["cells"][i] for row in pmf["rows"]]
        if any(c["tally"].n for c in cells):
            label = f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"
            rows.append({"quarter": quarter, "label": label, "cells": cells})
    return {"segments": segments, "rows": rows[::-1]}


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
                note__deal__closed_at__lte=timezone.now(),  # not a closing still to come
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
