"""The statistics the worker stores for each theme: insights.themes.figures, kept.

For every theme it stores, in one pass per chunk of themes:

- the all-time figures, cached on Theme (the unfiltered dashboard ranks them);
- the figures of each reporting period (ThemePeriodFigures, the dashboard
  with `?period=N` and no other filter reads them), ending on the day stored
  in `Theme.stats_as_of`, all periods computed in one pass over the notes;
- the same per tag and per competitor (ThemeFacetFigures, pipeline.facet_stats:
  the dashboard filtered by one tag or one competitor, with or without a
  period), with the page statistics (see _pages_due);
- what its page shows besides (ThemePageStats: top accounts, the evidence
  panel by stage, segment and competitor).

A change to a theme's notes or deals calls `refresh_soon`, which marks the
theme's page statistics stale in the change's own transaction and queues a
refresh after it commits; the theme page computes live while the mark is on.
The definitions live with the computation in insights.themes.figures (and in
docs/definitions.md).
"""

import datetime as dt
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from feedbackhub import periods
from feedbackhub.queue import enqueue_on_commit
from insights.themes import selectors
from insights.themes.figures import Figures, theme_figures_by_period
from insights.themes.models import (
    ALL_TIME_DAYS,
    Theme,
    ThemeFacetFigures,
    ThemePageStats,
    ThemePeriodFigures,
)
from insights.themes.pipeline import facet_stats
from insights.themes.pipeline.copy_rows import copy_rows

REFRESH_TASK = "insights.tasks.refresh_theme_stats"
REFRESH_ALL_TASK = "insights.tasks.refresh_all_theme_stats"
# Bumped whenever statistics are stored: figures cached under an older
# generation (the filtered dashboard's) are no longer read.
_GENERATION = "theme-stats-generation"

# A full refresh (beat) recomputes a theme's page statistics and its figures per
# tag and competitor (the costly part: every tag of every note, for each period)
# only when they are missing, marked stale (changes mark them), or were computed
# before today; so once a day, and for the themes a change touched.

_CHUNK = 500
# A theme's stored figures, as the statistics task writes them on the theme and per period.
FIGURE_FIELDS = [
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
]
_FIELDS = [*FIGURE_FIELDS, "stats_updated_at", "stats_as_of"]


def period_starts(today: dt.date) -> dict[int, dt.date | None]:
    """The stored periods (period_days, ALL_TIME_DAYS for all time) and their first call dates."""
    starts: dict[int, dt.date | None] = {ALL_TIME_DAYS: None}
    for period in periods.PERIODS:
        starts[period.days] = periods.since(period.key, today=today)
    return starts


def generation() -> int:
    """Which storing of statistics the cached figures must be newer than."""
    return cache.get(_GENERATION, 0)


def refresh_soon(*, theme_ids: Iterable[int | None]) -> None:
    """The notes or deals of these themes changed: mark their stored page stale, refresh after
    commit."""
    ids = sorted({i for i in theme_ids if i is not None})
    if not ids:
        return
    ThemePageStats.objects.filter(theme_id__in=ids).update(stale_since=timezone.now())
    enqueue_on_commit(REFRESH_TASK, ids)


def store_theme_stats(*, theme_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the statistics of the given themes (default: all).

    Returns how many themes were refreshed. Themes that no longer exist are
    skipped, so a refresh queued before a merge or delete is harmless.
    """
    if theme_ids is None:
        ids = list(Theme.objects.order_by("id").values_list("id", flat=True))
    else:
        ids = list(Theme.objects.filter(id__in=set(theme_ids)).values_list("id", flat=True))
    today = timezone.localdate()
    for start in range(0, len(ids), _CHUNK):
        _store_chunk(ids[start : start + _CHUNK], today=today, every_page=theme_ids is not None)
    return len(ids)


def _store_chunk(chunk: list[int], *, today: dt.date, every_page: bool) -> None:
    started = timezone.now()
    starts = period_starts(today)
    by_period = theme_figures_by_period(themes=chunk, starts=starts, today=today, top_names=True)
    all_time = by_period[ALL_TIME_DAYS]
    themes = [
        Theme(
            id=theme_id,
            stats_updated_at=started,
            stats_as_of=today,
            **vars(all_time.get(theme_id, Figures())),
        )
        for theme_id in chunk
    ]
    rows = [
        ThemePeriodFigures(theme_id=theme_id, period_days=days, **vars(figures))
        for days, found in by_period.items()
        for theme_id, figures in found.items()
    ]
    due = chunk if every_page else _pages_due(chunk, today)
    facets = facet_stats.facet_figures(due, starts=starts, today=today) if due else []
    # Written in the order the dashboard reads them: a tag's (or any value's) rows for one
    # period then share a few pages of the table instead of each theme's row being on a
    # page of its own (2,000 themes: 2,411 buffers of a 522 MB table per request at 1M).
    facets.sort(key=lambda row: (row["kind"], row["facet"], row["period_days"], row["theme_id"]))
    page_json = selectors.page_statistics_json(
        note_counts={theme_id: all_time.get(theme_id, Figures()).note_count for theme_id in due}
    )
    pages = [
        ThemePageStats(theme_id=theme_id, computed_at=started, **data)
        for theme_id, data in page_json.items()
    ]
    with transaction.atomic():
        Theme.objects.bulk_update(themes, _FIELDS)
        ThemePeriodFigures.objects.filter(theme_id__in=chunk).delete()
        ThemePeriodFigures.objects.bulk_create(rows, batch_size=1000)
        ThemeFacetFigures.objects.filter(theme_id__in=due).delete()
        copy_rows(ThemeFacetFigures, facets)
        ThemePageStats.objects.bulk_create(
            pages,
            update_conflicts=True,
            unique_fields=["theme"],
            update_fields=["top_accounts", "evidence", "computed_at"],
        )
        # A change made while this chunk was computed keeps its mark (and its own refresh).
        ThemePageStats.objects.filter(
            theme_id__in=[p.theme_id for p in pages], stale_since__lte=started
        ).update(stale_since=None)
    forget_cached_figures()


def forget_cached_figures() -> None:
    """Bump the generation: no figures cached before (the filtered dashboard's) are read again."""
    cache.add(_GENERATION, 0, timeout=None)
    cache.incr(_GENERATION)


def day_start(today: dt.date) -> dt.datetime:
    """The first moment of `today` (local time): page and facet statistics computed since then
    count as today's."""
    return timezone.make_aware(dt.datetime.combine(today, dt.time.min))


def _pages_due(chunk: list[int], today: dt.date) -> list[int]:
    fresh = set(
        ThemePageStats.objects.filter(
            theme_id__in=chunk, stale_since__isnull=True, computed_at__gte=day_start(today)
        ).values_list("theme_id", flat=True)
    )
    return [theme_id for theme_id in chunk if theme_id not in fresh]
