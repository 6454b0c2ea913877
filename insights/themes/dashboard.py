"""The themes dashboard's figures, under any filters, in a fixed number of queries.

Unfiltered, the figures come from the statistics cached on each theme. With
note-level filters (period, segment, region, team, tag, deal stage,
competitor) they are computed from the matching notes, with the same
definitions as insights.themes.pipeline.stats: a deal counts once per theme however
many of its notes match.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from deals.models import OPEN_STAGES, Deal, Stage
from insights.notes.models import CallNote
from insights.themes.models import Theme, ThemeAssignment
from insights.themes.pipeline.stats import week_start

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
    theme: Theme | None
    notes: int = 0
    accounts: int = 0
    open_revenue: Decimal = Decimal("0")
    weighted: Decimal = Decimal("0")
    lost_revenue: Decimal = Decimal("0")
    weekly: list[int] = field(default_factory=list)
    last: dt.date | None = None
    tags: list[str] = field(default_factory=list)
    competitors: list[str] = field(default_factory=list)
    theme_id: int = 0

    def __post_init__(self) -> None:
        if self.theme is not None:
            self.theme_id = self.theme.pk

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


_ORDER = {
    "revenue": ("-open_revenue", "-note_count"),
    "weighted": ("-weighted_revenue", "-note_count"),
    "accounts": ("-account_count", "-open_revenue"),
    "notes": ("-note_count", "-open_revenue"),
    "lost": ("-lost_revenue", "-note_count"),
    "recent": ("-last_mentioned_on", "-note_count"),
}
_KEY = {
    "revenue": lambda r: (r.open_revenue, r.notes),
    "weighted": lambda r: (r.weighted, r.notes),
    "accounts": lambda r: (r.accounts, r.open_revenue),
    "notes": lambda r: (r.notes, r.open_revenue),
    "lost": lambda r: (r.lost_revenue, r.notes),
    "growth": lambda r: (r.growth if r.growth is not None else -1, r.notes),
    "recent": lambda r: (r.last or dt.date.min, r.notes),
}


def _cached_row(theme: Theme) -> Row:
    return Row(
        theme=theme,
        notes=theme.note_count,
        accounts=theme.account_count,
        open_revenue=theme.open_revenue,
        weighted=theme.weighted_revenue,
        lost_revenue=theme.lost_revenue,
        weekly=list(theme.weekly_mentions)[-SPARK_WEEKS:],
        last=theme.last_mentioned_on,
        tags=list(theme.top_tags),
        competitors=list(theme.top_competitors),
    )


def theme_rows(
    *, filters: Filters, sort: str = "revenue", offset: int = 0, limit: int | None = None
):
    """Matching themes with their figures, ranked; `limit` rows from `offset`.

    Without note-level filters the ranking and the page come straight from
    the cached statistics in SQL; with them, the matching notes are read once
    and the figures computed from those rows.
    """
    themes = (
        _themes(filters)
        .filter(note_count__gt=0)
        .defer("centroid", "keywords", "representative_note_ids", "description", "decision")
    )
    if not filters.on_notes:
        if sort in _ORDER:
            page = themes.order_by(*_ORDER[sort], "-id")
            page = page[offset : offset + limit] if limit is not None else page
            return [_cached_row(t) for t in page]
        rows = sorted(
            (_cached_row(t) for t in themes),
            key=lambda r: (_KEY[sort](r), r.theme_id),
            reverse=True,
        )
        return rows[offset : offset + limit] if limit is not None else rows
    rows = _filtered_rows(filters, themes)
    rows.sort(key=lambda r: (_KEY.get(sort, _KEY["revenue"])(r), r.theme_id), reverse=True)
    rows = rows[offset : offset + limit] if limit is not None else rows
    # Only the rows shown need their theme: a filter can touch every theme.
    shown = themes.in_bulk([r.theme_id for r in rows])
    for row in rows:
        row.theme = shown[row.theme_id]
    _decorate_filtered(rows)
    return rows


def _filtered_rows(filters: Filters, themes) -> list[Row]:
    """Figures under note-level filters: the matching notes are read once."""
    # Merged themes hold no notes (a merge moves them), so no join with the
    # themes table is needed unless a theme-level filter asks for one.
    scope = Q(theme__isnull=False)
    if filters.status or filters.owner or filters.new_since:
        scope &= Q(theme_id__in=themes.values("pk"))
    matches = (
        ThemeAssignment.objects.filter(scope & note_filter(filters))
        .values_list("theme_id", "note_id", "note__account_id", "note__deal_id", "note__call_date")
        .distinct()
        .order_by()
    )
    first_week = week_start(timezone.localdate()) - dt.timedelta(weeks=SPARK_WEEKS - 1)
    notes: dict[int, set] = defaultdict(set)
    accounts: dict[int, set] = defaultdict(set)
    deals: dict[int, set] = defaultdict(set)
    weekly: dict[int, list[int]] = defaultdict(lambda: [0] * SPARK_WEEKS)
    last: dict[int, dt.date] = {}
    for theme_id, note_id, account_id, deal_id, call_date in matches:
        notes[theme_id].add(note_id)
        accounts[theme_id].add(account_id)
        if deal_id:
            deals[theme_id].add(deal_id)
        if call_date >= first_week:
            weekly[theme_id][(week_start(call_date) - first_week).days // 7] += 1
        if theme_id not in last or call_date > last[theme_id]:
            last[theme_id] = call_date
    amounts = {
        pk: (amount, stage)
        for pk, amount, stage in Deal.objects.filter(
            pk__in={d for ids in deals.values() for d in ids}
        ).values_list("pk", "amount", "stage")
    }
    eligible = set(themes.filter(pk__in=list(notes)).values_list("pk", flat=True))
    rows = []
    for theme_id, note_ids in notes.items():
        if theme_id not in eligible:
            continue
        money = [amounts[d] for d in deals[theme_id]]
        rows.append(
            Row(
                theme=None,
                theme_id=theme_id,
                notes=len(note_ids),
                accounts=len(accounts[theme_id]),
                open_revenue=sum((a for a, s in money if s in OPEN_STAGES), Decimal("0")),
                weighted=sum(
                    (a * STAGE_WEIGHTS[s] for a, s in money if s in OPEN_STAGES), Decimal("0")
                ),
                lost_revenue=sum((a for a, s in money if s == Stage.CLOSED_LOST), Decimal("0")),
                weekly=weekly[theme_id],
                last=last.get(theme_id),
            )
        )
        rows[-1].note_ids = note_ids
    return rows


def _decorate_filtered(rows: list[Row]) -> None:
    """Top tags and competitors among each shown theme's matching notes (two queries)."""
    theme_of = {n: r.theme_id for r in rows for n in getattr(r, "note_ids", ())}
    if not theme_of:
        return
    tags: dict[int, Counter] = defaultdict(Counter)
    for note_id, name in CallNote.tags.through.objects.filter(
        callnote_id__in=list(theme_of)
    ).values_list("callnote_id", "tag__name"):
        tags[theme_of[note_id]][name] += 1
    rivals: dict[int, Counter] = defaultdict(Counter)
    for note_id, name in CallNote.competitors.through.objects.filter(
        callnote_id__in=list(theme_of)
    ).values_list("callnote_id", "competitor__name"):
        rivals[theme_of[note_id]][name] += 1
    for row in rows:
        row.tags = [t for t, _ in tags[row.theme_id].most_common(3)]
        row.competitors = [c for c, _ in rivals[row.theme_id].most_common(3)]
