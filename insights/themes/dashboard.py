"""The themes dashboard: themes ranked by their figures, under any filters.

Unfiltered, the ranking and the page come from the statistics cached on each
theme, in SQL. With note-level filters (period, segment, region, team, tag,
deal stage, competitor) the figures are those of insights.themes.figures,
computed in SQL for the matching notes; the rows are ranked and paged, and
only the rows shown get their top tags and competitors.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from insights.themes import figures as theme_figures
from insights.themes.figures import Figures, NoteFilter
from insights.themes.models import Theme

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
class Filters(NoteFilter):
    """The note-level filters, and those that pick themes (status, owner, new)."""

    status: str = ""
    owner: int | None = None
    new_since: dt.datetime | None = None


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
        return theme_figures.growth(self.weekly)


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
    *,
    filters: Filters,
    sort: str = "revenue",
    offset: int = 0,
    limit: int | None = None,
    top_names: bool = True,
):
    """Matching themes with their figures, ranked; `limit` rows from `offset`.

    Without note-level filters the ranking and the page come straight from
    the cached statistics in SQL; with them, the figures are computed in SQL
    per theme (one row per theme, never one per note) and ranked here, and
    the top tags and competitors of the rows returned only if `top_names`.
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
    found = theme_figures.theme_figures(themes=themes, notes=filters, weeks=SPARK_WEEKS)
    rows = [_filtered_row(theme_id, figures) for theme_id, figures in found.items()]
    rows.sort(key=lambda r: (_KEY.get(sort, _KEY["revenue"])(r), r.theme_id), reverse=True)
    rows = rows[offset : offset + limit] if limit is not None else rows
    # Only the rows shown need their theme and top names: a filter can touch every theme.
    shown = themes.in_bulk([r.theme_id for r in rows])
    tags, rivals = (
        theme_figures.theme_top_names(themes=list(shown), notes=filters) if top_names else ({}, {})
    )
    for row in rows:
        row.theme = shown[row.theme_id]
        row.tags, row.competitors = tags.get(row.theme_id, []), rivals.get(row.theme_id, [])
    return rows


def _filtered_row(theme_id: int, figures: Figures) -> Row:
    return Row(
        theme=None,
        theme_id=theme_id,
        notes=figures.note_count,
        accounts=figures.account_count,
        open_revenue=figures.open_revenue,
        weighted=figures.weighted_revenue,
        lost_revenue=figures.lost_revenue,
        weekly=figures.weekly_mentions,
        last=figures.last_mentioned_on,
    )
