"""The statements behind insights.themes.figures: every reporting period in one pass.

The figures (docs/definitions.md) of a group of notes — a theme, or a theme
and one tag or competitor — are conditional aggregates over the group's
matching rows, one set per period (`FILTER (WHERE call date >= start)`), so
the statistics task reads the notes once for all time and the four periods
instead of five times. A live filter is the same statement with its own
period over the rows that match its other filters.

The rows (`rows_sql`) carry the group's key columns, then `m_account`,
`m_day` (call date), `m_amount`, `m_stage` (of the note's deal) and
`m_first`: 1 on the latest-dated row of each deal within its group. Periods
only bound call dates from below, so a deal has a row in a period exactly
when its latest row is in it: summing the amounts of `m_first = 1` rows in
the period counts each deal once per group and period, as the definition
asks, however many of its notes match.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from decimal import Decimal

from django.db import connection

from deals.models import OPEN_STAGES, STAGE_WEIGHTS, Stage
from feedbackhub import periods

# period key -> first call date inside it (None: all time)
Starts = Mapping[object, dt.date | None]


def figures_by_period(
    rows_sql: str, rows_params, *, keys: tuple[str, ...], starts: Starts, today: dt.date, weeks: int
) -> Iterator[tuple[tuple, object, dict]]:
    """(group key, period key, figure fields) for every group with a row in the period.

    One statement whatever the number of periods. The weekly series is the same in every
    period: it is the trend that growth reads (the last four weeks against the four before),
    so a period, which only picks the notes the totals count, never cuts it.
    """
    week_starts = periods.week_starts(today, weeks)
    bounds = [(start, start + dt.timedelta(weeks=1)) for start in week_starts]
    open_marks = ", ".join(["%s"] * len(OPEN_STAGES))
    # Our own constants, not input: written into the statement as numbers.
    weights = " ".join(f"WHEN '{stage}' THEN {weight}" for stage, weight in STAGE_WEIGHTS.items())
    select = ["MAX(m.m_day)"] + ["COUNT(*) FILTER (WHERE m.m_day >= %s AND m.m_day < %s)"] * weeks
    params: list = [day for bound in bounds for day in bound]
    for start in starts.values():
        inside = "TRUE" if start is None else "m.m_day >= %s"
        mark = [] if start is None else [start]
        once = f"m.m_first = 1 AND {inside}"
        select += [
            f"COUNT(*) FILTER (WHERE {inside})",
            f"COUNT(DISTINCT m.m_account) FILTER (WHERE {inside})",
            f"SUM(m.m_amount) FILTER (WHERE {once} AND m.m_stage IN ({open_marks}))",
            f"SUM(m.m_amount) FILTER (WHERE {once} AND m.m_stage = %s)",
            f"SUM(m.m_amount) FILTER (WHERE {once} AND m.m_stage = %s)",
            f"SUM(m.m_amount * CASE m.m_stage {weights} ELSE 0 END) FILTER (WHERE {once})",
        ]
        params += [*mark, *mark, *mark, *OPEN_STAGES, *mark, Stage.CLOSED_LOST]
        params += [*mark, Stage.CLOSED_WON, *mark]
    group = ", ".join(f"m.{k}" for k in keys)
    sql = f"SELECT {group}, {', '.join(select)} FROM ({rows_sql}) m GROUP BY {group}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *rows_params])
        for row in cursor:
            group_key, (last, *values) = tuple(row[: len(keys)]), row[len(keys) :]
            weekly, values = [int(v) for v in values[:weeks]], values[weeks:]
            for key in starts:
                n, accounts, open_, lost, won, weighted = values[:6]
                values = values[6:]
                if not n:
                    continue
                yield (
                    group_key,
                    key,
                    {
                        "note_count": n,
                        "account_count": accounts,
                        "last_mentioned_on": as_date(last),
                        "open_revenue": as_decimal(open_),
                        "lost_revenue": as_decimal(lost),
                        "won_revenue": as_decimal(won),
                        "weighted_revenue": as_decimal(weighted),
                        "weekly_mentions": list(weekly),
                    },
                )


def top_names_by_period(
    matching_sql: str,
    params,
    *,
    keys: tuple[str, ...],
    branches,
    starts: Starts,
    limit: int,
    columns: tuple[str, ...] = (),
) -> dict[str, dict[object, dict[tuple, list[str]]]]:
    """The most frequent names (tags, competitors) among each group's matching notes, per
    period: {kind: {period key: {group key: names}}}, most frequent first, ties by name.

    `matching_sql` yields the group's key columns, then note id and call date (`m_day`),
    then `columns`; `branches` are (kind, how a row `m` reaches its names, the name's id
    there, named table). One statement.
    """
    counts = ", ".join(
        "COUNT(*)" if start is None else "COUNT(*) FILTER (WHERE m.m_day >= %s)"
        for start in starts.values()
    )
    marks = [start for start in starts.values() if start is not None]
    group = ", ".join(f"m.{k}" for k in keys)
    union = " UNION ALL ".join(
        f"""SELECT '{kind}', {group}, x.name, {counts}
            FROM m {reach}
            JOIN {named} x ON x.id = {name_id}
            GROUP BY {group}, x.name"""
        for kind, reach, name_id, named in branches
    )
    names = ", ".join([*keys, "m_note", "m_day", *columns])
    sql = f"WITH m ({names}) AS ({matching_sql}) {union}"
    found: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *marks * len(branches)])
        rows = cursor.fetchall()
    by_count = sorted(rows, key=lambda r: (r[: 1 + len(keys)], r[1 + len(keys)]))
    for period_index, key in enumerate(starts):
        ranked = sorted(by_count, key=lambda r: -r[2 + len(keys) + period_index])
        for row in ranked:  # a stable sort: equal counts stay in name order
            n = row[2 + len(keys) + period_index]
            names = found[row[0]][key][tuple(row[1 : 1 + len(keys)])]
            if n and len(names) < limit:
                names.append(row[1 + len(keys)])
    return found


def as_decimal(value) -> Decimal:
    # PostgreSQL returns Decimals; SQLite (the local fallback) may return floats.
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def as_date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
