"""The reverse proxy (deploy/nginx.conf.template) in front of the two pools, for real.

nginx with the repository's configuration, a main gunicorn and a report
gunicorn of one thread: report pages are answered by the report pool,
everything else by the main pool, and a rep's save is answered while the
report pool's only thread is held by a report stuck in the database.
"""

import datetime as dt
import re
import threading
import time

import psycopg2
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from deploy.proxy import Proxy, nginx_binary
from insights.notes.forms import account_label
from insights.notes.models import CallNote
from insights.themes.models import Theme
from tests.factories import AccountFactory, ProductManagerFactory, RepFactory, ThemeFactory
from tests.faults import WebServer, free_port, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        nginx_binary() is None, reason="nginx is not installed (bin/test installs Debian's nginx)"
    ),
    pytest.mark.django_db(transaction=True),
]

# A line of nginx's access log (log_format feedbackhub): the request and the pool's address.
LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" .* upstream=(?P<upstream>\S+)')


@pytest.fixture(scope="module")
def pools(django_db_setup, django_db_blocker):
    """The main pool (1 process × 4 threads), the report pool (1 × 1), nginx in front."""
    with django_db_blocker.unblock():
        main = WebServer(settings.REDIS_URL, workers=1, threads=4).start()
        reports = WebServer(settings.REDIS_URL, workers=1, threads=1).start()
    proxy = Proxy(listen=f"127.0.0.1:{free_port()}", main=main.address, reports=reports.address)
    proxy.start()
    yield proxy, main, reports
    proxy.stop()
    main.stop()
    reports.stop()


def _browser(proxy, user) -> requests.Session:
    """A logged-in browser talking to the proxy (session cookie and CSRF token)."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", "f" * 32)
    session.headers.update({"X-CSRFToken": "f" * 32, "Referer": proxy.base + "/"})
    return session


def _answered_by(proxy, method: str, path: str) -> str:
    """The pool address nginx passed the request to (its access log).

    nginx writes the line after the response has gone out, so the client can be
    here first: the line is waited for, a few seconds at most."""

    def logged():
        for line in reversed(proxy.access_log.read_text().splitlines()):
            match = LOG_LINE.search(line)
            if match and (match["method"], match["path"]) == (method, path):
                return match["upstream"]
        return None

    return wait_for(logged, 10, f"{method} {path} is not in nginx's access log")


def _save_a_note(browser, proxy, account) -> requests.Response:
    return browser.post(
        proxy.base + "/notes/new/",
        {
            "account": account_label(account),
            "call_date": dt.date.today().isoformat(),
            "body": "They need SAML single sign-on before the rollout.",
            "importance": "important",
        },
        allow_redirects=False,
        timeout=30,
    )


@pytest.mark.parametrize(
    "path",
    ["/themes/", "/themes/?period=90", "/themes/?format=csv", "/themes/{theme}/"]
    + ["/overview/", "/competitors/", "/competitors/1/", "/pmf/"],
)
def test_report_pages_are_answered_by_the_report_pool(pools, path):
    proxy, main, reports = pools
    path = path.format(theme=ThemeFactory().pk)
    response = _browser(proxy, ProductManagerFactory()).get(proxy.base + path, timeout=30)
    assert response.status_code in (200, 404)  # 404: competitor 1 does not exist
    assert _answered_by(proxy, "GET", path) == reports.address


@pytest.mark.parametrize(
    "path", ["/notes/new/", "/notes/mine/", "/my-requests/", "/api/v1/notes/", "/healthz"]
)
def test_reps_pages_and_the_api_are_answered_by_the_main_pool(pools, path):
    proxy, main, reports = pools
    response = _browser(proxy, RepFactory()).get(proxy.base + path, timeout=30)
    assert response.status_code == 200
    assert _answered_by(proxy, "GET", path) == main.address


def test_a_product_managers_write_under_themes_goes_to_the_main_pool(pools):
    proxy, main, reports = pools
    theme = ThemeFactory()
    path = f"/themes/{theme.pk}/action/"
    _browser(proxy, ProductManagerFactory()).post(
        proxy.base + path, {"action": "status"}, allow_redirects=False, timeout=30
    )
    assert _answered_by(proxy, "POST", path) == main.address


def test_a_save_is_answered_while_the_report_pools_only_thread_is_held(pools):
    proxy, main, reports = pools
    rep, pm = RepFactory(), ProductManagerFactory()
    account = AccountFactory(owner=rep)
    # A report stuck in the database: the dashboard waits for a lock on the
    # themes table that this test holds, and with it the report pool's one thread.
    db = connection.settings_dict
    holder = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    )
    report: dict = {}
    try:
        with holder.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Theme._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        reading = threading.Thread(
            target=lambda: report.update(
                response=_browser(proxy, pm).get(proxy.base + "/themes/", timeout=60)
            )
        )
        reading.start()
        _wait_until_a_session_waits_for_a_lock()

        saved = _save_a_note(_browser(proxy, rep), proxy, account)

        assert saved.status_code == 302
        assert CallNote.objects.filter(author=rep, account=account).count() == 1
        assert reading.is_alive(), "the save was answered only once the report was over"
    finally:
        holder.rollback()  # lets the report go on
        holder.close()
    reading.join(timeout=60)
    assert report["response"].status_code == 200
    assert _answered_by(proxy, "GET", "/themes/") == reports.address
    assert _answered_by(proxy, "POST", "/notes/new/") == main.address


def _wait_until_a_session_waits_for_a_lock(timeout: float = 30) -> None:
    """Until another session waits for a lock (the report, inside the report pool)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:  # autocommit: a fresh view of the sessions each time
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.1)
    raise AssertionError("the report never reached the locked table")
