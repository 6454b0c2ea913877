"""Report pages may be slow; reps' saves must not wait for them.

Every GET of a page named in `settings.REPORT_URL_NAMES` (the dashboard and
its exports, the theme page, the overview, competitors, win/loss):

- runs its queries with `SET LOCAL statement_timeout`, so one runaway
  aggregation is cancelled by PostgreSQL instead of holding a database core
  and a web thread for minutes; the person gets a 503 that says so (and
  without JIT compilation, which costs a report more than it saves);
- takes one of `REPORT_CONCURRENCY` seats of its web process first, so
  reports never occupy more than that many threads of a process: the other
  threads stay free for saves, My notes and the API. A report that finds no
  seat within `REPORT_QUEUE_SECONDS` gets a 503 "busy, try again".

Writes and every other page run as before, without a timeout.
"""

import functools
import threading

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve

# PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout.
QUERY_CANCELED = "57014"

TOO_SLOW = (
    "This report took longer than {seconds:g} s and was stopped, so that it does not slow "
    "down everyone else. Narrow the period or the filters, or try again in a minute."
)
TOO_BUSY = "Many reports are being prepared right now. Try again in a few seconds."


@functools.cache
def seats(size: int) -> threading.BoundedSemaphore:
    """The report seats of this process (one set per configured size)."""
    return threading.BoundedSemaphore(size)


def is_report(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    try:
        name = resolve(request.path_info).url_name
    except Resolver404:
        return False
    return name in settings.REPORT_URL_NAMES


def limit_report_queries() -> None:
    """For the rest of the report's transaction: a statement timeout, and no JIT compilation.

    PostgreSQL compiles a query with JIT once its estimated cost is high, which
    a report's aggregation over a million notes always is; compiling took
    about 130 ms of a 800 ms dashboard query measured at 1M notes and saved
    less than that in execution (docs/performance.md). One statement: one
    round trip.
    """
    if connection.vendor != "postgresql":
        return  # a development SQLite database has neither
    with connection.cursor() as cursor:
        # SET does not take bind parameters; the value is an int from settings.
        timeout = int(settings.REPORT_STATEMENT_TIMEOUT_MS)
        cursor.execute(f"SET LOCAL statement_timeout = {timeout}; SET LOCAL jit = off")


class ReportGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_report(request):
            return self.get_response(request)
        seat = seats(settings.REPORT_CONCURRENCY)
        if not seat.acquire(timeout=settings.REPORT_QUEUE_SECONDS):
            return _unavailable(TOO_BUSY, retry_after=5)
        try:
            with transaction.atomic():
                limit_report_queries()
                response = self.get_response(request)
        finally:
            seat.release()
        if response.streaming and not response.is_async:
            # A streamed export runs its queries after this returns: give them
            # the same limit (a seat is not held while the client downloads).
            response.streaming_content = _with_timeout(response.streaming_content)
        return response

    def process_exception(self, request, exception):
        if was_cancelled(exception) and is_report(request):
            transaction.set_rollback(True)
            seconds = settings.REPORT_STATEMENT_TIMEOUT_MS / 1000
            return _unavailable(TOO_SLOW.format(seconds=seconds), retry_after=60)
        return None


def _with_timeout(content):
    with transaction.atomic():
        limit_report_queries()
        yield from content


def was_cancelled(exception) -> bool:
    """The database stopped the statement (our statement timeout), it is not down."""
    cause = exception.__cause__
    return isinstance(exception, OperationalError) and getattr(cause, "pgcode", None) == (
        QUERY_CANCELED
    )


def _unavailable(message: str, *, retry_after: int) -> HttpResponse:
    response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response
