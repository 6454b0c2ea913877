"""What a person (or an API client) sees when a request cannot be served.

- A request carrying a NUL character is refused with 400 before any view runs:
  PostgreSQL cannot store or even compare text with NUL in it, so every query
  it reached would fail with a 500. The answer names the fields that hold one.
  A page whose form reports a NUL itself, next to the field and with the typed
  text kept (`nul_is_a_field_error`), gets the form post instead.
- When the database or Redis does not answer, the answer is 503 "temporarily
  unavailable" with `Retry-After`, not a bare 500.
- Any other unexpected error gets the styled 500 page.

Pages get HTML in the app's look; `/api/` clients get the API's error shape
`{"detail": ..., "errors": {}}` (see `feedbackhub.api_errors`).
"""

import logging
import sys

import redis
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from kombu.exceptions import OperationalError as BrokerError

from feedbackhub.report_guard import was_cancelled

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
NUL = "\x00"

# Failures of a data store that a retry a little later will likely fix.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    BrokerError,
)


class NotYours(PermissionDenied):
    """Refused because it belongs to someone else (another rep's note), whatever the role.

    The refusal page then says whose it is to change instead of sending the
    person to ask for another role, which would not help.
    """


class Conflict(Exception):
    """The request is valid but clashes with the current state (HTTP 409), e.g. a
    deletion refused because other records still refer to the row."""


NUL_IN_FIELD = (
    "Contains an invisible NUL character (\\x00), often pasted from another program, "
    "which no text can hold. Remove it and send again."
)


def nul_is_a_field_error(view):
    """Mark a page whose form refuses a NUL next to the field itself (keeping the text).

    Its form must not query with raw input before validating it.
    """
    view.nul_is_a_field_error = True
    return view


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(
    request: HttpRequest,
    *,
    status: int,
    title: str,
    detail: str,
    headers: dict | None = None,
    errors: dict | None = None,
) -> HttpResponse:
    """A page in the app's look, or the API's JSON error shape for `/api/` clients."""
    if is_api(request):
        response = JsonResponse({"detail": detail, "errors": errors or {}}, status=status)
    else:
        # Rendered without a request context: the database may be what failed,
        # and the context processors (user, notifications) would query it.
        html = render_to_string("error.html", {"status": status, "title": title, "detail": detail})
        response = HttpResponse(html, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def unavailable_response(request: HttpRequest) -> HttpResponse:
    return error_response(
        request,
        status=503,
        title="Temporarily unavailable",
        detail="FeedbackHub cannot reach its database or queue right now. "
        "Nothing you saved before is lost; please try again in a minute.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _is_form_post(request: HttpRequest) -> bool:
    return request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    )


def _fields_with_nul(params) -> list[str]:
    return sorted(
        {
            key.replace(NUL, "")
            for key, values in params.lists()
            if any(NUL in x for x in [key, *values])
        }
    )


def _view_reports_nul(request: HttpRequest) -> bool:
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    return getattr(view, "nul_is_a_field_error", False)


def _nul_response(request: HttpRequest, where: list[str]) -> HttpResponse:
    named = ", ".join(f"“{name}”" for name in where) or "the address"
    return error_response(
        request,
        status=400,
        title="Bad request",
        detail=f"The request contains a NUL character (\\x00) in {named}, which no text field "
        "may hold. Remove it and send again.",
        errors={name: [NUL_IN_FIELD] for name in where},
    )


class RequestErrorsMiddleware:
    """Refuse NUL characters in the URL and form fields; turn a data store that
    is down into 503 instead of 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:
            return _nul_response(request, [])
        in_query = _fields_with_nul(request.GET)
        if in_query:
            return _nul_response(request, in_query)
        if _is_form_post(request):
            in_form = _fields_with_nul(request.POST)
            if in_form and (is_api(request) or not _view_reports_nul(request)):
                return _nul_response(request, in_form)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if was_cancelled(exception):
            return None  # a report over its time, not a database down: the report guard answers
        if isinstance(exception, UNAVAILABLE_ERRORS) or (
            isinstance(exception, DatabaseError) and _is_connection_lost(exception)
        ):
            logger.error("Data store unavailable for %s: %s", request.path, exception)
            return unavailable_response(request)
        return None


def _is_connection_lost(exc: DatabaseError) -> bool:
    text = str(exc).lower()
    return "connection" in text and ("closed" in text or "terminat" in text)


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: the styled page, or JSON for the API.

    Errors raised inside middleware (loading the session or the user when the
    database is down) never reach `process_exception`; they land here, still
    inside the `except` block, so the exception at hand tells a store that is
    down from a bug.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return unavailable_response(request)
    return error_response(
        request,
        status=500,
        title="Something went wrong",
        detail="An unexpected error stopped this request. It has been logged; "
        "please try again, and tell an admin if it keeps happening.",
    )
