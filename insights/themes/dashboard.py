"""The themes dashboard: themes ranked by their figures, under any filters.

Where the figures come from, cheapest first:

- no note-level filter: the all-time statistics cached on each theme,
  ranked and paged in SQL;
- a period alone (`?period=90`), or one tag, competitor, segment, region,
  team or deal stage alone or with a period: the figures the statistics task
  stored (ThemePeriodFigures, ThemeFacetFigures), ranked and paged in SQL, as
  long as they were computed today for every theme shown; otherwise, as
  below, and a refresh is asked for;
- a combination of those (a tag with a segment, a stage with a team, ...):
  insights.themes.figures computed in SQL per theme over the matching notes'
  facts (NoteFacts: one narrow row per themed note, found through its
  indexes, no joins), kept in the cache for DASHBOARD_FILTER_CACHE_SECONDS
  per filter set (and dropped as soon as the statistics task stores
  anything), ranked here; only the rows shown get their top tags and
  competitors.
"""

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import astuple, dataclass, field
from decimal import Decimal
from itertools import islice
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import CharField, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from feedbackhub import periods
from feedbackhub.queue import enqueue_now
from insights.notes.models import CallNote, Tag
from insights.themes import figures as theme_figures
from insights.themes.figures import Figures, NoteFilter
from insights.themes.models import (
    ALL_TIME_DAYS,
    FacetKind,
    Theme,
    ThemeFacetFigures,
    ThemePeriodFigures,
    ThemeStatus,
)
from insights.themes.models.stats import StoredFigures
from insights.themes.pipeline import stats

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


class ShownTheme(NamedTuple):
    """What an export writes of a theme, read as plain values with its figures: building a
    Theme (and its stored figures and owner) as models for every row cost more than the
    rest of writing it (docs/performance.md, "The one-tag export's cost per row")."""

    pk: int
    title: str
    status_label: str
    owner_name: str


@dataclass
class Row:
    theme: Theme | ShownTheme | None
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
        # New themes, and themes given notes since (docs/design.md, "New since my last visit").
        fresh = CallNote.objects.filter(
            assignment__theme=OuterRef("pk"), created_at__gt=filters.new_since
        )
        qs = qs.filter(Q(created_at__gt=filters.new_since) | Exists(fresh))
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


def _row(theme: Theme, figures: Theme | StoredFigures) -> Row:
    """A row from stored figures: the theme's own (all time), a period's, a tag's or a
    competitor's, same fields."""
    return Row(
        theme=theme,
        notes=figures.note_count,
        accounts=figures.account_count,
        open_revenue=figures.open_revenue,
        weighted=figures.weighted_revenue,
        lost_revenue=figures.lost_revenue,
        weekly=list(figures.weekly_mentions)[-SPARK_WEEKS:],
        last=figures.last_mentioned_on,
        tags=list(figures.top_tags),
        competitors=list(figures.top_competitors),
    )


def _cached_row(theme: Theme) -> Row:
    return _row(theme, theme)


def _stored_row(stored: StoredFigures) -> Row:
    return _row(stored.theme, stored)


# What no dashboard row reads of a theme.
_HEAVY = ("centroid", "keywords", "representative_note_ids", "description", "decision")


def _candidates(filters: Filters):
    return _themes(filters).filter(note_count__gt=0).defer(*_HEAVY)


def _one_facet(filters: NoteFilter) -> tuple[FacetKind, str | Subquery] | None:
    """The one stored filter value asked for (kind, value as stored), or None when there is
    none or several (a combination is computed live)."""
    given = [
        (kind, value)
        for kind, value in (
            (FacetKind.TAG, filters.tag),
            (FacetKind.COMPETITOR, filters.competitor),
            (FacetKind.SEGMENT, filters.segment),
            (FacetKind.REGION, filters.region),
            (FacetKind.TEAM, filters.team),
            (FacetKind.STAGE, filters.stage),
        )
        if value
    ]
    if len(given) != 1:
        return None
    kind, value = given[0]
    if kind == FacetKind.TAG:  # stored by id, asked by name: the id in the same query
        named = Tag.objects.filter(name=value).annotate(key=Cast("pk", CharField()))
        return kind, Subquery(named.values("key")[:1])
    return kind, str(value)


def stored_figures(filters: NoteFilter):
    """The stored rows (one per theme) that answer these note filters, or None when they must
    be computed live: a period alone (ThemePeriodFigures), or one tag, competitor, segment,
    region, team or deal stage, alone or with a period (ThemeFacetFigures). Not for no note
    filter at all (the theme's cache)."""
    period = periods.BY_KEY.get(filters.period)
    days = period.days if period else ALL_TIME_DAYS
    facets = [filters.tag, filters.competitor, filters.segment, filters.region, filters.team]
    if not any([*facets, filters.stage]):
        return ThemePeriodFigures.objects.filter(period_days=days) if period else None
    facet = _one_facet(filters)
    if facet is None:
        return None
    kind, value = facet
    return ThemeFacetFigures.objects.filter(kind=kind, facet=value, period_days=days)


def _stored_are_current(themes, *, facets: bool) -> bool:
    """Whether every theme's stored figures end today (for `facets`, its figures per tag and
    competitor too, stored with its page statistics); if not, a refresh is asked for (once)."""
    today = timezone.localdate()
    behind = Q(stats_as_of__isnull=True) | Q(stats_as_of__lt=today)
    if facets:
        behind |= ~Q(page_stats__computed_at__gte=stats.day_start(today))
    late = themes.filter(behind).exists()
    if late and cache.add("theme-period-stats-refresh-requested", True, timeout=300):
        enqueue_now(stats.REFRESH_ALL_TASK)
    return not late


def _ordered_page(rows_or_qs, sort: str, offset: int, limit: int | None, make_row, tie: str):
    if sort in _ORDER:
        page = rows_or_qs.order_by(*_ORDER[sort], tie)
        page = page[offset : offset + limit] if limit is not None else page
        return [make_row(t) for t in page]
    rows = sorted(
        (make_row(t) for t in rows_or_qs),
        key=lambda r: (_KEY[sort](r), r.theme_id),
        reverse=True,
    )
    return rows[offset : offset + limit] if limit is not None else rows


def _uses_stored_rows(filters: Filters, themes) -> bool:
    if not filters.on_notes:
        return True
    facets = stored_figures(filters)
    if facets is None:
        return False
    return _stored_are_current(themes, facets=facets.model is ThemeFacetFigures)


def _stored_rows(filters: Filters, themes, sort, offset, limit) -> list[Row]:
    if not filters.on_notes:
        return _ordered_page(themes, sort, offset, limit, _cached_row, tie="-id")
    stored = (
        stored_figures(filters)
        .filter(theme__in=themes.values("pk"))
        .select_related("theme", "theme__owner")
        .defer(*(f"theme__{name}" for name in _HEAVY))
    )
    return _ordered_page(stored, sort, offset, limit, _stored_row, tie="-theme_id")


def theme_rows(
    *,
    filters: Filters,
    sort: str = "revenue",
    offset: int = 0,
    limit: int | None = None,
    top_names: bool = True,
):
    """Matching themes with their figures, ranked; `limit` rows from `offset`.

    Stored figures (the cache on each theme, or the stored period figures)
    are ranked and paged in SQL; other filters are computed in SQL per theme
    (one row per theme, never one per note) and ranked here, with the top tags
    and competitors of the rows returned only if `top_names`.
    """
    themes = _candidates(filters)
    if _uses_stored_rows(filters, themes):
        return _stored_rows(filters, themes, sort, offset, limit)
    rows = _ranked_live_rows(filters, themes, sort)
    rows = rows[offset : offset + limit] if limit is not None else rows
    _attach_themes(rows, themes, filters if top_names else None)
    return rows


def theme_row_chunks(*, filters: Filters, sort: str = "revenue", size: int = 500):
    """The rows of theme_rows (without top names), `size` at a time, for an export to write
    as they come; each row's theme is what the export writes of it (ShownTheme). Stored
    figures are one ordered query, read `size` rows at a time (ranked by growth: read whole
    and ranked here); live ones computed once."""
    themes = _candidates(filters)
    if _uses_stored_rows(filters, themes):
        rows = _stored_export_rows(filters, themes, sort, size)
        while chunk := list(islice(rows, size)):
            yield chunk
        return
    ranked = _ranked_live_rows(filters, themes, sort)
    for start in range(0, len(ranked), size):
        chunk = ranked[start : start + size]
        _attach_shown(chunk, themes)
        yield chunk


# What an export reads of a theme (ShownTheme: its owner by name), and the figures it writes
# (insights.themes.export_cache fingerprints the same fields).
SHOWN_FIELDS = (
    "id",
    "title",
    "status",
    "owner_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)
WRITTEN_FIGURES = (
    "note_count",
    "account_count",
    "open_revenue",
    "weighted_revenue",
    "lost_revenue",
    "weekly_mentions",
)


def _stored_export_rows(filters: Filters, themes, sort: str, size: int) -> Iterator[Row]:
    """The stored rows as values, in one query read `size` rows at a time (not a page of
    models at a time, each page running the ordered join again)."""
    if filters.on_notes:
        source, tie = stored_figures(filters).filter(theme__in=themes.values("pk")), "-theme_id"
        shown = tuple(f"theme__{name}" for name in SHOWN_FIELDS)
    else:
        source, tie, shown = themes, "-id", SHOWN_FIELDS
    values = source.values_list(*shown, *WRITTEN_FIGURES)
    themes_shown = _ShownThemes()

    def make_row(found: tuple) -> Row:
        notes, accounts, open_revenue, weighted, lost, weekly = found[len(SHOWN_FIELDS) :]
        return Row(
            theme=themes_shown.of(found[: len(SHOWN_FIELDS)]),
            notes=notes,
            accounts=accounts,
            open_revenue=open_revenue,
            weighted=weighted,
            lost_revenue=lost,
            weekly=list(weekly)[-SPARK_WEEKS:],
        )

    if sort in _ORDER:
        ordered = values.order_by(*_ORDER[sort], tie).iterator(chunk_size=size)
        return (make_row(found) for found in ordered)
    return iter(_ordered_page(values, sort, 0, None, make_row, tie))


class _ShownThemes:
    """ShownTheme from the values of SHOWN_FIELDS, each owner's display name made once (an
    export's 2,000 rows have a few owners)."""

    def __init__(self) -> None:
        self._owners: dict[int | None, str] = {None: ""}

    def of(self, values: tuple) -> ShownTheme:
        pk, title, status, owner_id, first_name, last_name, username = values
        if owner_id not in self._owners:
            owner = get_user_model()(first_name=first_name, last_name=last_name, username=username)
            self._owners[owner_id] = owner.display_name
        return ShownTheme(pk, title, ThemeStatus(status).label, self._owners[owner_id])


def _attach_shown(rows: list[Row], themes) -> None:
    """Give computed rows what an export writes of their themes (rows whose theme is gone
    are dropped, as on the page)."""
    themes_shown = _ShownThemes()
    found = themes.filter(pk__in=[r.theme_id for r in rows]).values_list(*SHOWN_FIELDS)
    shown = {values[0]: themes_shown.of(values) for values in found}
    rows[:] = [r for r in rows if r.theme_id in shown]
    for row in rows:
        row.theme = shown[row.theme_id]


def export_themes(filters: Filters):
    """The themes an export of these filters may show (those with notes matching the theme
    filters; a note filter may leave some out)."""
    return _candidates(filters)


def reads_stored_figures(filters: Filters) -> bool:
    """Whether these filters' rows are read from stored figures (today's), not computed live."""
    return _uses_stored_rows(filters, _candidates(filters))


def export_size(*, filters: Filters) -> int:
    """How many rows an export of these filters has at most (themes with notes that match the
    theme filters): one indexed count over themes, whatever the note filters."""
    return export_themes(filters).count()


def _ranked_live_rows(filters: Filters, themes, sort: str) -> list[Row]:
    found = _live_figures(filters, themes)
    rows = [_filtered_row(theme_id, figures) for theme_id, figures in found.items()]
    rows.sort(key=lambda r: (_KEY.get(sort, _KEY["revenue"])(r), r.theme_id), reverse=True)
    return rows


def _live_figures(filters: Filters, themes) -> dict[int, Figures]:
    """The filtered figures per theme, from the cache when this filter set was computed in the
    last DASHBOARD_FILTER_CACHE_SECONDS and no statistics were stored since."""
    today = timezone.localdate()
    return _cached(
        ("figures", astuple(filters), today),
        lambda: theme_figures.theme_figures(
            themes=themes,
            notes=filters,
            weeks=SPARK_WEEKS,
            today=today,
            rows=theme_figures.facts_for(filters),
        ),
        store=theme_figures.packed,
        load=theme_figures.unpacked,
    )


def _cached(what: tuple, compute, *, store=None, load=None):
    """`compute()`, kept per `what` for DASHBOARD_FILTER_CACHE_SECONDS, and only until the
    statistics task next stores anything (the key carries its generation). `store` and
    `load` turn the value into what the cache keeps and back."""
    key = "dashboard:" + hashlib.sha256(repr((*what, stats.generation())).encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return load(found) if load else found
    value = compute()
    kept = store(value) if store else value
    cache.set(key, kept, timeout=settings.DASHBOARD_FILTER_CACHE_SECONDS)
    return value


def _attach_themes(rows: list[Row], themes, filters: Filters | None) -> None:
    """Give the rows their themes and, with `filters`, their top names (only the rows shown:
    a filter can touch every theme)."""
    shown = themes.select_related("owner").in_bulk([r.theme_id for r in rows])
    tags, rivals = ({}, {})
    if filters:
        tags, rivals = _cached(
            ("top names", astuple(filters), timezone.localdate(), sorted(shown)),
            lambda: theme_figures.theme_top_names(
                themes=list(shown), notes=filters, rows=theme_figures.facts_for(filters)
            ),
        )
    rows[:] = [r for r in rows if r.theme_id in shown]
    for row in rows:
        row.theme = shown[row.theme_id]
        row.tags, row.competitors = tags.get(row.theme_id, []), rivals.get(row.theme_id, [])


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
