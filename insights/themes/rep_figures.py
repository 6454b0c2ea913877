"""Each rep's figures per theme, for My customers' requests: computed, stored, read.

A rep's figures in a theme (docs/definitions.md, "A rep's figures in a
theme") are their notes in it, the distinct accounts of those notes and the
latest call date among them. The busiest rep's notes sit in every theme, and
counting them on each visit means joining tens of thousands of assignments to
their notes; so the statistics task stores them per rep and theme
(`store_rep_figures`, called with the theme statistics), and the page reads
them (`figures_for_rep`).

A theme's stored rows are trusted only while they are at least as recent as
its page statistics and those are not marked stale (see RepFiguresStored):
a change to the theme's notes marks it through `stats.refresh_soon`, and the
page counts that theme's figures live until the refresh has stored them.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from insights.themes.models import RepFiguresStored, RepThemeFigures, Theme, ThemeAssignment

FIGURES = ("theme_id", "note_count", "account_count", "last_call_on")
# Themes per statement and transaction: a full refresh of 2,000 themes is one pass
# over the assignments, and the rows per theme are bounded by the number of reps.
_CHUNK = 2000


def _counted(assignments, *by: str):
    """The definition, once: per `by` (theme, and the author when storing), over live themes."""
    return (
        assignments.filter(theme__isnull=False, theme__merged_into__isnull=True)
        .values(*by)
        .annotate(
            note_count=Count("id"),
            account_count=Count("note__account_id", distinct=True),
            last_call_on=Max("note__call_date"),
        )
    )


def live_figures(*, author, theme_ids: Iterable[int] | None = None):
    """The rep's figures per theme counted from their notes now (all themes by default)."""
    assignments = ThemeAssignment.objects.filter(note__author=author)
    if theme_ids is not None:
        assignments = assignments.filter(theme_id__in=list(theme_ids))
    return _counted(assignments, "theme_id")


def themes_counted_live() -> list[int]:
    """Themes whose stored rep figures may be behind: never stored, marked stale, or stored
    before the theme's page statistics last were."""
    stored_since_page = RepFiguresStored.objects.filter(
        theme=OuterRef("pk"), computed_at__gte=OuterRef("page_stats__computed_at")
    )
    return list(
        Theme.objects.order_by()
        .filter(merged_into__isnull=True)
        .filter(
            Q(page_stats__isnull=True)
            | Q(page_stats__stale_since__isnull=False)
            | ~Exists(stored_since_page)
        )
        .values_list("id", flat=True)
    )


def figures_for_rep(*, author) -> dict[int, dict]:
    """The rep's figures per theme they have notes in: stored rows, and live counts for the
    themes whose rows may be behind. Two queries whatever the number of themes."""
    live = themes_counted_live()
    stored = (
        RepThemeFigures.objects.filter(author=author, theme__merged_into__isnull=True)
        .exclude(theme_id__in=live)
        .order_by()
        .values(*FIGURES)
    )
    # An empty `live` drops out of the union (Django omits a part that can match nothing).
    rows = stored.union(live_figures(author=author, theme_ids=live).values(*FIGURES), all=True)
    return {row["theme_id"]: row for row in rows}


def store_rep_figures(*, theme_ids: Iterable[int] | None = None) -> int:
    """Recompute and store every rep's figures in these themes (default: all); returns how
    many themes. Safe to run twice or side by side: a pair stored meanwhile is updated."""
    if theme_ids is None:
        ids = list(Theme.objects.order_by("id").values_list("id", flat=True))
    else:
        ids = sorted(Theme.objects.filter(id__in=set(theme_ids)).values_list("id", flat=True))
    for start in range(0, len(ids), _CHUNK):
        _store_chunk(ids[start : start + _CHUNK])
    return len(ids)


def _store_chunk(chunk: list[int]) -> None:
    # Stamped with the time the counting started: page statistics stored after
    # that (and so maybe after a change) make the page count live again.
    started = timezone.now()
    counted = _counted(
        ThemeAssignment.objects.filter(theme_id__in=chunk), "theme_id", "note__author_id"
    )
    select, params = counted.query.sql_with_params()
    table = RepThemeFigures._meta.db_table
    # Counted and written in the database, the rows never travelling to Python.
    # Only pairs that changed are written and only pairs gone are deleted, so
    # the beat's full refresh leaves an unchanged table (and its index-only
    # reads) alone; new rows go in by rep, so one rep's rows sit together.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH counted (theme_id, author_id, note_count, account_count, last_call_on) AS "
            f"({select}), "
            f"gone AS (DELETE FROM {table} AS stored WHERE stored.theme_id = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM counted WHERE counted.theme_id = stored.theme_id "
            "AND counted.author_id = stored.author_id)) "
            f"INSERT INTO {table} AS stored "
            "(theme_id, author_id, note_count, account_count, last_call_on) "
            "SELECT * FROM counted ORDER BY author_id, theme_id "
            "ON CONFLICT (author_id, theme_id) DO UPDATE SET note_count = EXCLUDED.note_count, "
            "account_count = EXCLUDED.account_count, last_call_on = EXCLUDED.last_call_on "
            "WHERE (stored.note_count, stored.account_count, stored.last_call_on) "
            "IS DISTINCT FROM (EXCLUDED.note_count, EXCLUDED.account_count, EXCLUDED.last_call_on)",
            (*params, chunk),
        )
        RepFiguresStored.objects.bulk_create(
            [RepFiguresStored(theme_id=theme_id, computed_at=started) for theme_id in chunk],
            update_conflicts=True,
            unique_fields=["theme"],
            update_fields=["computed_at"],
        )
