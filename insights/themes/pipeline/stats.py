"""Theme statistics exactly as PRODUCT.md defines them, cached on Theme.

- notes: notes assigned to the theme;
- accounts: distinct accounts of those notes;
- revenue at stake / lost / won: the sum of the amounts of the *distinct*
  open / closed-lost / closed-won deals that have at least one note in the
  theme — a deal with five notes counts once;
- weekly mentions: notes per calendar week (Monday first) over the last
  WEEKS weeks, oldest first, by call date.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max
from django.db.models.functions import TruncWeek
from django.utils import timezone

from deals.models import OPEN_STAGES, Deal, Stage
from insights.notes.models import CallNote
from insights.themes.models import Theme, ThemeAssignment

REFRESH_TASK = "insights.tasks.refresh_theme_stats"
WEEKS = 26
_ZERO = Decimal("0")


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _revenue_by_theme(theme_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    assignment = ThemeAssignment._meta.db_table
    note = CallNote._meta.db_table
    deal = Deal._meta.db_table
    from insights.themes.dashboard import STAGE_WEIGHTS

    open_marks = ", ".join(["%s"] * len(OPEN_STAGES))
    id_marks = ", ".join(["%s"] * len(theme_ids))
    weights = " ".join(f"WHEN '{stage}' THEN {weight}" for stage, weight in STAGE_WEIGHTS.items())
    # Distinct (theme, deal) pairs first, so that each deal counts once per theme.
    sql = f"""
        SELECT p.theme_id,
               SUM(CASE WHEN d.stage IN ({open_marks}) THEN d.amount ELSE 0 END),
               SUM(CASE WHEN d.stage = %s THEN d.amount ELSE 0 END),
               SUM(CASE WHEN d.stage = %s THEN d.amount ELSE 0 END),
               SUM(d.amount * CASE d.stage {weights} ELSE 0 END)
        FROM (SELECT DISTINCT a.theme_id AS theme_id, n.deal_id AS deal_id
              FROM {assignment} a JOIN {note} n ON n.id = a.note_id
              WHERE a.theme_id IN ({id_marks}) AND n.deal_id IS NOT NULL) p
        JOIN {deal} d ON d.id = p.deal_id
        GROUP BY p.theme_id
    """
    params = [*OPEN_STAGES, Stage.CLOSED_LOST, Stage.CLOSED_WON, *theme_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        theme_id: {
            "open": Decimal(open_ or 0),
            "lost": Decimal(lost or 0),
            "won": Decimal(won or 0),
            "weighted": Decimal(weighted or 0),
        }
        for theme_id, open_, lost, won, weighted in rows
    }


def _weekly_mentions(theme_ids: list[int], today: dt.date) -> dict[int, list[int]]:
    first_week = week_start(today) - dt.timedelta(weeks=WEEKS - 1)
    rows = (
        ThemeAssignment.objects.filter(theme_id__in=theme_ids, note__call_date__gte=first_week)
        .annotate(week=TruncWeek("note__call_date"))
        .values("theme_id", "week")
        .annotate(n=Count("id"))
        .order_by()
    )
    series: dict[int, list[int]] = defaultdict(lambda: [0] * WEEKS)
    for row in rows:
        week = row["week"]
        if isinstance(week, dt.datetime):
            week = week.date()
        index = (week - first_week).days // 7
        if 0 <= index < WEEKS:
            series[row["theme_id"]][index] += row["n"]
    return series


def _top_names(theme_ids: list[int], relation: str, limit: int = 3) -> dict[int, list[str]]:
    """The most frequent tags (or competitors) of each theme's notes."""
    field = f"note__{relation}__name"
    rows = (
        ThemeAssignment.objects.filter(theme_id__in=theme_ids, **{f"{field}__isnull": False})
        .values_list("theme_id", field)
        .annotate(n=Count("id"))
        .order_by("theme_id", "-n", field)
    )
    top: dict[int, list[str]] = defaultdict(list)
    for theme_id, name, _ in rows:
        if len(top[theme_id]) < limit:
            top[theme_id].append(name)
    return top


def compute_theme_stats(
    theme_ids: Iterable[int], *, today: dt.date | None = None, top_names: bool = True
) -> dict:
    """The statistics of the given themes, computed from the notes (no caching)."""
    ids = sorted(set(theme_ids))
    if not ids:
        return {}
    today = today or timezone.localdate()
    counts = {
        row["theme_id"]: row
        for row in ThemeAssignment.objects.filter(theme_id__in=ids)
        .values("theme_id")
        .annotate(
            notes=Count("id"),
            accounts=Count("note__account_id", distinct=True),
            last=Max("note__call_date"),
        )
        .order_by()
    }
    revenue = _revenue_by_theme(ids)
    weekly = _weekly_mentions(ids, today)
    tags = _top_names(ids, "tags") if top_names else {}
    rivals = _top_names(ids, "competitors") if top_names else {}
    zero_revenue = {"open": _ZERO, "lost": _ZERO, "won": _ZERO, "weighted": _ZERO}
    return {
        theme_id: {
            "note_count": counts.get(theme_id, {}).get("notes", 0),
            "account_count": counts.get(theme_id, {}).get("accounts", 0),
            "last_mentioned_on": counts.get(theme_id, {}).get("last"),
            "open_revenue": revenue.get(theme_id, zero_revenue)["open"],
            "lost_revenue": revenue.get(theme_id, zero_revenue)["lost"],
            "won_revenue": revenue.get(theme_id, zero_revenue)["won"],
            "weighted_revenue": revenue.get(theme_id, zero_revenue)["weighted"],
            "weekly_mentions": weekly.get(theme_id, [0] * WEEKS),
            "top_tags": tags.get(theme_id, []),
            "top_competitors": rivals.get(theme_id, []),
        }
        for theme_id in ids
    }


_CHUNK = 500


def store_theme_stats(*, theme_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the statistics of the given themes (default: all).

    Returns how many themes were refreshed. Themes that no longer exist are
    skipped, so a refresh queued before a merge or delete is harmless.
    """
    if theme_ids is None:
        ids = list(Theme.objects.values_list("id", flat=True))
    else:
        ids = list(Theme.objects.filter(id__in=set(theme_ids)).values_list("id", flat=True))
    now = timezone.now()
    today = timezone.localdate()
    fields = [
        "note_count",
        "account_count",
        "last_mentioned_on",
        "open_revenue",
        "lost_revenue",
        "won_revenue",
        "weighted_revenue",
        "weekly_mentions",
        "top_tags",
        "top_competitors",
        "stats_updated_at",
    ]
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        stats = compute_theme_stats(chunk, today=today)
        themes = []
        for theme_id in chunk:
            theme = Theme(id=theme_id, stats_updated_at=now, **stats[theme_id])
            themes.append(theme)
        with transaction.atomic():
            Theme.objects.bulk_update(themes, fields)
    return len(ids)
