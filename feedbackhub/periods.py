"""Reporting periods and calendar weeks: the time buckets every figure is counted in.

A period is "the last N days" by call date; the pages offer the same ones
with the same labels, and the worker precomputes figures for each. A week
starts on Monday; weekly series are oldest week first and end with the week
of `today` (definitions in docs/definitions.md).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    key: str  # what the URL carries: ?period=90
    days: int
    label: str


PERIODS = (
    Period("30", 30, "30 days"),
    Period("90", 90, "90 days"),
    Period("180", 180, "6 months"),
    Period("365", 365, "12 months"),
)
BY_KEY = {p.key: p for p in PERIODS}
DEFAULT_KEY = "90"
ALL_TIME_LABEL = "All time"


def choices(*, all_time: bool = False) -> list[tuple[str, str]]:
    """(key, label) pairs for a select; "" stands for all time when offered."""
    options = [(p.key, p.label) for p in PERIODS]
    return [("", ALL_TIME_LABEL), *options] if all_time else options


def period_or_default(key: str | None) -> Period:
    """The period a URL asked for; the default one for anything else."""
    return BY_KEY.get(key or "", BY_KEY[DEFAULT_KEY])


def since(key: str, *, today: dt.date) -> dt.date | None:
    """First call date inside the period `key`; None for all time or an unknown key."""
    period = BY_KEY.get(key)
    return today - dt.timedelta(days=period.days) if period else None


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def first_week(today: dt.date, weeks: int) -> dt.date:
    """The Monday that starts a series of `weeks` weeks ending with this week."""
    return week_start(today) - dt.timedelta(weeks=weeks - 1)


def week_starts(today: dt.date, weeks: int) -> list[dt.date]:
    start = first_week(today, weeks)
    return [start + dt.timedelta(weeks=i) for i in range(weeks)]


def weekly_series(counts: Iterable[tuple], *, today: dt.date, weeks: int) -> list[int]:
    """Counts per week, oldest first, from (day or week start, count) pairs.

    Days outside the `weeks` weeks ending this week are left out. Accepts what
    TruncWeek returns (a date or a datetime, depending on the database).
    """
    start = first_week(today, weeks)
    series = [0] * weeks
    for day, count in counts:
        if isinstance(day, dt.datetime):
            day = day.date()
        index = (week_start(day) - start).days // 7
        if 0 <= index < weeks:
            series[index] += count
    return series
