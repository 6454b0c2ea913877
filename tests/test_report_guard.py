"""Report pages run with a statement timeout and a bounded number of seats; saves do not."""

import threading

import pytest
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.test import override_settings
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt

from feedbackhub import report_guard
from tests.factories import AccountFactory

# What the guard adds to a report page's queries inside a test's transaction:
# SAVEPOINT, SET LOCAL statement_timeout, RELEASE SAVEPOINT (in production the
# first and last are the BEGIN and COMMIT of its transaction, not queries).
REPORT_GUARD_QUERIES = 3

# Real transactions: inside a test's wrapping transaction the guard's would
# be a savepoint, and SET LOCAL would outlive it.
pytestmark = pytest.mark.django_db(transaction=True)


def _show_timeout() -> str:
    return _show("statement_timeout")


def _show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


def jit_view(request):
    return HttpResponse(_show("jit"))


def timeout_view(request):
    return HttpResponse(_show_timeout())


def slow_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    return HttpResponse("done")


def streamed_view(request):
    return StreamingHttpResponse(_show_timeout() for _ in range(2))


urlpatterns = [
    path("report/", timeout_view, name="overview"),
    path("slow/", slow_view, name="pmf"),
    path("export/", streamed_view, name="dashboard"),
    path("save/", csrf_exempt(timeout_view), name="log_call"),
    path("plain/", timeout_view, name="my_notes"),
    path("report/jit/", jit_view, name="competitors"),
    path("save/jit/", csrf_exempt(jit_view), name="note_edit"),
]

as_test_urls = override_settings(
    ROOT_URLCONF=__name__, REPORT_STATEMENT_TIMEOUT_MS=1500, REPORT_QUEUE_SECONDS=0.2
)


@as_test_urls
def test_a_report_page_runs_with_the_statement_timeout(rep_client):
    assert rep_client.get("/report/").content == b"1500ms"


@as_test_urls
def test_a_save_and_other_pages_run_without_it(rep_client):
    assert rep_client.post("/save/").content == b"0"
    assert rep_client.get("/plain/").content == b"0"
    assert rep_client.get("/report/").content == b"1500ms"
    assert rep_client.post("/save/").content == b"0", "the limit does not outlive the report"


@as_test_urls
def test_a_report_page_runs_without_jit_compilation_and_a_save_as_configured(rep_client):
    configured = _show("jit")
    assert rep_client.get("/report/jit/").content == b"off"
    assert rep_client.post("/save/jit/").content == configured.encode()


@as_test_urls
def test_a_streamed_export_keeps_the_timeout_while_it_streams(rep_client):
    response = rep_client.get("/export/")
    assert b"".join(response.streaming_content) == b"1500ms1500ms"
    assert rep_client.post("/save/").content == b"0"


@as_test_urls
@override_settings(REPORT_STATEMENT_TIMEOUT_MS=100)
def test_a_report_over_the_limit_is_stopped_with_a_clear_503(rep_client):
    response = rep_client.get("/slow/")
    assert response.status_code == 503
    assert "took longer than 0.1 s" in response.content.decode()
    assert rep_client.post("/save/").status_code == 200


@as_test_urls
@override_settings(REPORT_CONCURRENCY=1)
def test_reports_wait_for_a_seat_but_other_pages_do_not(rep_client):
    seat = report_guard.seats(1)
    assert seat.acquire(timeout=1)  # another thread of this process is in a report
    try:
        busy = rep_client.get("/report/")
        assert busy.status_code == 503 and busy["Retry-After"]
        assert rep_client.post("/save/").status_code == 200
        assert rep_client.get("/plain/").status_code == 200
        threading.Timer(0.05, seat.release).start()
        assert rep_client.get("/report/").status_code == 200, "a freed seat is taken"
    finally:
        if seat.acquire(blocking=False):
            seat.release()


def test_the_product_report_pages_are_guarded_and_rep_pages_are_not(rf, settings):
    for name in ("dashboard", "theme_page", "overview", "competitors", "competitor_page", "pmf"):
        assert name in settings.REPORT_URL_NAMES
    assert report_guard.is_report(rf.get(reverse("dashboard"), {"format": "csv"}))
    assert report_guard.is_report(rf.get(reverse("competitors")))
    assert not report_guard.is_report(rf.get(reverse("my_notes")))
    assert not report_guard.is_report(rf.post(reverse("log_call")))
    assert not report_guard.is_report(rf.get("/api/v1/notes/"))
    assert not report_guard.is_report(rf.get("/no/such/page/"))


def test_a_real_dashboard_request_sets_the_timeout_and_a_real_save_does_not(
    pm_client, rep_client, rep
):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as report:
        assert pm_client.get(reverse("dashboard")).status_code == 200
    assert any("statement_timeout" in q["sql"] for q in report.captured_queries)
    account = AccountFactory(owner=rep)
    form = {"account": account.name, "call_date": "2026-01-05", "body": "Needs SSO with Okta."}
    form["importance"] = "important"
    with CaptureQueriesContext(connection) as save:
        assert rep_client.post(reverse("log_call"), form).status_code == 302
    assert not any("statement_timeout" in q["sql"] for q in save.captured_queries)
