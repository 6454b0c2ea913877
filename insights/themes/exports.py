"""The themes dashboard as CSV: streamed from SQL in chunks, or built by a worker when big.

An export of up to THEME_EXPORT_STREAM_MAX_ROWS themes streams in the
request, a chunk of rows at a time (insights.themes.dashboard.theme_row_chunks),
so its first bytes leave before the last rows are read. A bigger one is a
ThemeExport the worker builds (`build_export`), counting its rows as it goes;
the person watches its progress and downloads it when ready; the file is
deleted THEME_EXPORT_KEEP_HOURS later (`expire_exports`). Exporting needs
`insights.export_themes` (product managers and admins); a built export is
downloaded only by the person who asked for it, while they may still export.

How one row reads (columns, formatting) is `export_rows` alone.
"""

import datetime as dt
import io
import logging
from collections.abc import Iterator
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from feedbackhub import csv_safe
from feedbackhub.queue import enqueue_on_commit
from insights.themes import export_cache, export_rows
from insights.themes.dashboard import Filters, export_size, theme_row_chunks
from insights.themes.models import ThemeExport

log = logging.getLogger(__name__)

EXPORT_TASK = "insights.tasks.build_theme_export"
EXPIRE_TASK = "insights.tasks.expire_theme_exports"
REFUSED = "Exporting themes is for product managers and admins."


def may_export(user) -> bool:
    return user.has_perm("insights.export_themes")


def require_export(user) -> None:
    if not may_export(user):
        raise PermissionDenied(REFUSED)


def is_large(*, filters: Filters) -> bool:
    return export_size(filters=filters) > settings.THEME_EXPORT_STREAM_MAX_ROWS


def csv_chunks(*, filters: Filters, sort: str) -> Iterator[str]:
    """The export as CSV text: the header first (before any figure is read), then a chunk
    of rows at a time; the same export again, from the cache until what it shows changes."""
    computed = (text for _count, text in _counted_chunks(filters=filters, sort=sort))
    return export_cache.cached_text(filters=filters, sort=sort, compute=computed)


def _counted_chunks(*, filters: Filters, sort: str) -> Iterator[tuple[int, str]]:
    yield 0, _lines([export_rows.header()])
    for rows in theme_row_chunks(filters=filters, sort=sort):
        yield len(rows), _lines(export_rows.theme_row(r) for r in rows)


def _lines(rows) -> str:
    out = io.StringIO()
    csv_safe.writer(out).writerows(rows)
    return out.getvalue()


def request_export(*, user, filters: Filters, sort: str) -> ThemeExport:
    """Record an export for the worker to build; it starts after this transaction commits."""
    require_export(user)
    export = ThemeExport.objects.create(
        requested_by=user, filters=_filters_json(filters), sort=sort
    )
    enqueue_on_commit(EXPORT_TASK, export.pk)
    return export


def export_for(*, export_id: int, user) -> ThemeExport:
    """The export, for the person who asked for it (and may still export); refused otherwise."""
    export = ThemeExport.objects.filter(pk=export_id).first()
    if export is None:
        raise Http404("No such export.")
    require_export(user)
    if export.requested_by_id != user.pk:
        raise PermissionDenied("This export belongs to someone else; export the view yourself.")
    return export


def build_export(*, export_id: int) -> str | None:
    """Build the export's CSV, counting rows as it goes; returns its status.

    Safe to run twice: a queued or interrupted (running) export is rebuilt
    from the start; a finished one is left alone.
    """
    claimed = ThemeExport.objects.filter(
        pk=export_id, status__in=[ThemeExport.Status.QUEUED, ThemeExport.Status.RUNNING]
    ).update(status=ThemeExport.Status.RUNNING, rows_done=0, content="", error="")
    if not claimed:
        return None  # gone, or already finished
    export = ThemeExport.objects.select_related("requested_by").get(pk=export_id)
    if not may_export(export.requested_by):
        return _finish(export_id, status=ThemeExport.Status.FAILED, error=REFUSED)
    filters = _filters_from_json(export.filters)
    ThemeExport.objects.filter(pk=export_id).update(rows_total=export_size(filters=filters))
    out = io.StringIO()
    done = 0
    try:
        for count, text in _counted_chunks(filters=filters, sort=export.sort):
            out.write(text)
            if count:
                done += count
                ThemeExport.objects.filter(pk=export_id).update(rows_done=done)
    except Exception as exc:  # recorded for the person waiting, then logged
        log.exception("Theme export %s failed", export_id)
        return _finish(export_id, status=ThemeExport.Status.FAILED, error=str(exc)[:500])
    return _finish(
        export_id, status=ThemeExport.Status.DONE, content=out.getvalue(), rows_total=done
    )


def expire_exports(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports ready longer than THEME_EXPORT_KEEP_HOURS ago; returns how
    many. The rows stay, marked expired, so their pages explain instead of failing."""
    cutoff = (now or timezone.now()) - keep_for()
    return ThemeExport.objects.filter(
        status=ThemeExport.Status.DONE, finished_at__lt=cutoff
    ).update(status=ThemeExport.Status.EXPIRED, content="")


def keep_for() -> dt.timedelta:
    return dt.timedelta(hours=settings.THEME_EXPORT_KEEP_HOURS)


def _finish(export_id: int, *, status: str, **fields) -> str:
    ThemeExport.objects.filter(pk=export_id).update(
        status=status, finished_at=timezone.now(), **fields
    )
    return status


def _filters_json(filters: Filters) -> dict:
    data = asdict(filters)
    if filters.new_since:
        data["new_since"] = filters.new_since.isoformat()
    return data


def export_filters(export: ThemeExport) -> Filters:
    """The dashboard filters an export was asked with."""
    return _filters_from_json(export.filters)


def _filters_from_json(data: dict) -> Filters:
    since = data.get("new_since")
    return Filters(**{**data, "new_since": dt.datetime.fromisoformat(since) if since else None})
