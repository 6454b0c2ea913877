"""The themes dashboard's figures, under any filters, in a fixed number of queries.

Unfiltered, the figures come from the statistics cached on each theme. With
note-level filters (period, segment, region, team, tag, deal stage,
competitor) they are computed from the matching notes, with the same
definitions as insights.theming.stats: a deal counts once per theme however
many of its notes match.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from deals.models import OPEN_STAGES, Stage

from .models import CallNote, Theme, ThemeAssignment
from .theming.stats import week_start

# Stage-weighted pipeline: how likely an open deal is to close, by stage.
STAGE_WEIGHTS = {
    Stage.PROSPECTING: Decimal("0.10"),
    Stage.QUALIFICATION: Decimal("0.25"),
    Stage.PROPOSAL: Decimal("0.50"),
    Stage.NEGOTIATION: Decimal("0.75"),
}
PERIODS = {"30": 30, "90": 90, "180": 180, "365": 365}
SORTS = {
    "revenue": "Open pipeline",
    "weighted": "Stage-weighted pipeline",
    "accounts": "Accounts",
    "notes": "Notes",
    "lost": "Lost revenue",
    "growth": "Growth",
    "recent": "Most recent",
}
SPARK_WEEKS = 12


@dataclass
class Filters:
    period: str = ""
    segment: str = ""
    region: str = ""
    team: int | None = None
    tag: str = ""
    stage: str = ""
    competitor: int | None = None
    status: str = ""
    owner: int | None = None
    new_since: dt.datetime | None = None

    @property
    def on_notes(self) -> bool:
        return any(
            [
                self.period,
                self.segment,
                self.region,
                self.team,
                self.tag,
                self.stage,
                self.competitor,
            ]
        )


@dataclass
class Row:
    theme: Theme
    notes: int = 0
    accounts: int = 0
    open_revenue: Decimal = Decimal("0")
    weighted: Decimal = Decimal("0")
    lost_revenue: Decimal = Decimal("0")
    weekly: list[int] = field(default_factory=list)
    last: dt.date | None = None
    tags: list[str] = field(default_factory=list)
    competitors: list[str] = field(default_factory=list)

    @property
    def growth(self) -> float | None:
        recent, before = sum(self.weekly[-4:]), sum(self.weekly[-8:-4])
        if before == 0:
            return None if recent == 0 else float("inf")
        return (recent - before) / before


def note_filter(filters: Filters, prefix: str = "note__") -> Q:
    q = Q()
    if filters.period in PERIODS:
        since = timezone.localdate() - dt.timedelta(days=PERIODS[filters.period])
        q &= Q(**{f"{prefix}call_date__gte": since})
    if filters.segment:
        q &= Q(**{f"{prefix}account__segment": filters.segment})
    if filters.region:
        q &= Q(**{f"{prefix}account__region": filters.region})
    if filters.team:
        q &= Q(**{f"{prefix}author__memberships__team_id": filters.team})
    if filters.tag:
        q &= Q(**{f"{prefix}tags__name": filters.tag})
    if filters.stage:
        q &= Q(**{f"{prefix}deal__stage": filters.stage})
    if filters.competitor:
        q &= Q(**{f"{prefix}competitors__id": filters.competitor}) | Q(
            **{f"{prefix}deal__competitor_id": filters.competitor}
        )
    return q


def _themes(filters: Filters):
    qs = Theme.objects.filter(merged_into__isnull=True).select_related("owner")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.new_since:
        qs = qs.filter(created_at__gt=filters.new_since)
    return qs


def _revenue(assignments) -> dict[int, dict[str, Decimal]]:
    """Open, weighted and lost revenue per theme over distinct (theme, deal) pairs."""
    pairs = (
        assignments.filter(note__deal__isnull=False)
        .annotate(t=F("theme_id"), d=F("note__deal_id"))
        .values("t", "d")
        .distinct()
        .order_by()
    )
    inner, params = pairs.query.sql_with_params()
    weights = " ".join(f"WHEN '{stage}' THEN {weight}" for stage, weight in STAGE_WEIGHTS.items())
    open_marks = ", ".join(["%s"] * len(OPEN_STAGES))
    sql = f"""
        SELECT p.t,
               SUM(CASE WHEN d.stage IN ({open_marks}) THEN d.amount ELSE 0 END),
               SUM(d.amount * CASE d.stage {weights} ELSE 0 END),
               SUM(CASE WHEN d.stage = %s THEN d.amount ELSE 0 END)
        FROM ({inner}) p JOIN deals_deal d ON d.id = p.d
        GROUP BY p.t
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*OPEN_STAGES, Stage.CLOSED_LOST, *params])
        return {
            t: {"open": Decimal(o or 0), "weighted": Decimal(w or 0), "lost": Decimal(lo or 0)}
            for t, o, w, lo in cursor.fetchall()
        }


def theme_rows(*, filters: Filters, sort: str = "revenue") -> list[Row]:
    """Every matching theme with its figures, ranked; decorations come separately."""
    themes = {t.pk: t for t in _themes(filters)}
    if not filters.on_notes:
        rows = [
            Row(
                theme=t,
                notes=t.note_count,
                accounts=t.account_count,
                open_revenue=t.open_revenue,
                weighted=t.weighted_revenue,
                lost_revenue=t.lost_revenue,
                weekly=list(t.weekly_mentions)[-SPARK_WEEKS:],
                last=t.last_mentioned_on,
            )
            for t in themes.values()
            if t.note_count
        ]
    else:
        assignments = ThemeAssignment.objects.filter(
            Q(theme_id__in=list(themes)) & note_filter(filters)
        )
        counts = (
            assignments.values("theme_id")
            .annotate(
                n=Count("note_id", distinct=True),
                a=Count("note__account_id", distinct=True),
            )
            .order_by()
        )
        revenue = _revenue(assignments)
        rows = []
        for c in counts:
            money = revenue.get(c["theme_id"], {})
            rows.append(
                Row(
                    theme=themes[c["theme_id"]],
                    notes=c["n"],
                    accounts=c["a"],
                    open_revenue=money.get("open", Decimal("0")),
                    weighted=money.get("weighted", Decimal("0")),
                    lost_revenue=money.get("lost", Decimal("0")),
                )
            )
        _weekly(rows, assignments)
    key = {
        "revenue": lambda r: (r.open_revenue, r.notes),
        "weighted": lambda r: (r.weighted, r.notes),
        "accounts": lambda r: (r.accounts, r.open_revenue),
        "notes": lambda r: (r.notes, r.open_revenue),
        "lost": lambda r: (r.lost_revenue, r.notes),
        "growth": lambda r: (r.growth if r.growth is not None else -1, r.notes),
        "recent": lambda r: (r.last or dt.date.min, r.notes),
    }.get(sort, lambda r: (r.open_revenue, r.notes))
    rows.sort(key=lambda r: (key(r), -r.theme.pk), reverse=True)
    return rows


def _weekly(rows: list[Row], assignments) -> None:
    first = week_start(timezone.localdate()) - dt.timedelta(weeks=SPARK_WEEKS - 1)
    series: dict[int, list[int]] = defaultdict(lambda: [0] * SPARK_WEEKS)
    last: dict[int, dt.date] = {}
    for item in (
        assignments.filter(note__call_date__gte=first)
        .annotate(week=TruncWeek("note__call_date"))
        .values("theme_id", "week")
        .annotate(n=Count("note_id", distinct=True))
        .order_by()
    ):
        week = item["week"].date() if isinstance(item["week"], dt.datetime) else item["week"]
        index = (week - first).days // 7
        if 0 <= index < SPARK_WEEKS:
            series[item["theme_id"]][index] += item["n"]
            last[item["theme_id"]] = max(last.get(item["theme_id"], week), week)
    for row in rows:
        row.weekly = series[row.theme.pk]
        row.last = last.get(row.theme.pk)


def decorate(rows: list[Row], filters: Filters) -> None:
    """Top tags and competitors of the rows shown (two queries for the whole page)."""
    ids = [r.theme.pk for r in rows]
    if not ids:
        return
    scope = Q(assignment__theme_id__in=ids) & note_filter(filters, prefix="")
    tags: dict[int, Counter] = defaultdict(Counter)
    for theme_id, name, n in (
        CallNote.objects.filter(scope, tags__isnull=False)
        .values_list("assignment__theme_id", "tags__name")
        .annotate(n=Count("id"))
        .order_by()
    ):
        tags[theme_id][name] += n
    rivals: dict[int, Counter] = defaultdict(Counter)
    for theme_id, name, n in (
        CallNote.objects.filter(scope, competitors__isnull=False)
        .values_list("assignment__theme_id", "competitors__name")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rivals[theme_id][name] += n
    for row in rows:
        row.tags = [t for t, _ in tags[row.theme.pk].most_common(3)]
        row.competitors = [c for c, _ in rivals[row.theme.pk].most_common(3)]
