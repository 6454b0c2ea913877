"""A streamed themes export, kept whole until anything it shows changes.

Product managers export the same views again and again (the 365-day export
of every theme), and each export formats every theme's row in the report
pool, the CPU that other reports queue for. The file is kept under a key
made of everything its rows are read from:

- the filters, the sort and the day (stored figures are per day);
- the statistics generation (insights.themes.pipeline.stats): bumped
  whenever statistics are stored, so stored and filtered figures alike;
- a fingerprint of the exported themes, computed in SQL: id, title,
  status, owner and the owner's name, the figures cached on the theme and
  when they were stored. A product manager's edit of a title or a status
  (saved or as a queryset update), a merge, a new owner or an owner's new
  name gives another key at once: a stale file is never served.

Figures computed live (a filter combination) are kept no longer than the
dashboard keeps them (DASHBOARD_FILTER_CACHE_SECONDS); an export that
depends on the viewer's last visit ("new since") is not kept at all.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import astuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from insights.themes import dashboard
from insights.themes.pipeline import stats

# What an exported row shows of a theme and its owner, when the theme was last edited, and
# the figures cached on it (what the all-time export writes) and when they were stored.
_SHOWN = (
    *dashboard.SHOWN_FIELDS,
    "updated_at",
    "stats_updated_at",
    "stats_as_of",
    *dashboard.WRITTEN_FIGURES,
    "last_mentioned_on",
)


def cached_text(*, filters: dashboard.Filters, sort: str, compute: Iterator[str]) -> Iterator[str]:
    """The export's text: the kept file in one piece, or `compute`'s chunks as they come
    (kept once the last one is out, if nothing it shows changed meanwhile)."""
    if filters.new_since:  # the themes shown change with every note logged
        yield from compute
        return
    key = _key(filters, sort)
    found = cache.get(key)
    if found is not None:
        yield found
        return
    stored = dashboard.reads_stored_figures(filters)
    parts = []
    for text in compute:
        parts.append(text)
        yield text
    if _key(filters, sort) == key:  # no edit or statistics arrived while it streamed
        keep = _seconds_left_today() if stored else settings.DASHBOARD_FILTER_CACHE_SECONDS
        cache.set(key, "".join(parts), timeout=keep)


def _key(filters: dashboard.Filters, sort: str) -> str:
    what = (astuple(filters), sort, timezone.localdate(), stats.generation(), _fingerprint(filters))
    return "theme-export:" + hashlib.sha256(repr(what).encode()).hexdigest()


def _fingerprint(filters: dashboard.Filters) -> str:
    """A digest of what the export shows of its themes: one aggregate over the themes table."""
    shown = dashboard.export_themes(filters).values(*_SHOWN)
    sql, params = shown.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM ({sql}) t", params)
        return cursor.fetchone()[0] or ""


def _seconds_left_today() -> int:
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60, 86400 - int((now - midnight).total_seconds()))
