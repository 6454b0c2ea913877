"""Redis, a worker or the database fails: nothing is lost, and nobody sees a 500.

These run the app under gunicorn, a real Celery worker with beat (so the
reconcilers run) and a private redis-server that the test stops, freezes and
restarts. The reconcile interval and the run's stale-after are shortened
here; docs/reliability.md gives the same measurements with the defaults.
"""

import datetime as dt
import time

import pytest
from celery import Celery

from insights.loop.models import Notification
from insights.notes.models import CallNote
from insights.themes.models import ClusteringRun, NoteEmbedding, ThemeAssignment, ThemeEvent
from insights.themes.pipeline.runs import RUN_TASK
from tests.corpus import rows
from tests.factories import AccountFactory, CallNoteFactory, ProductManagerFactory, ThemeFactory
from tests.faults import FAST_RECONCILE, Pause, WebServer, fault_worker, wait_for
from tests.theming.conftest import make_notes
from tests.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WAIT = 150 if not FAST_RECONCILE else 90


@pytest.fixture
def web(redis_server):
    server = WebServer(redis_server.url).start()
    yield server
    server.stop()


def _worker(redis_server) -> WorkerProcess:
    return fault_worker(redis_server.url)


def _log_call(session, web, account, body):
    return session.post(
        f"{web.base}/notes/new/",
        data={
            "account": account.name,
            "call_date": dt.date.today().isoformat(),
            "body": body,
            "tags": "",
            "importance": "important",
            "quote": "",
        },
        allow_redirects=False,
        timeout=35,
    )


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_work_done_while_redis_is_down_is_completed_once_it_is_back(rep, redis_server, web):
    pm = ProductManagerFactory()
    account = AccountFactory(name="Northwind Analytics", owner=rep)
    theme = ThemeFactory(title="Single sign-on")
    asked = CallNoteFactory(author=rep, account=account)
    ThemeAssignment.objects.create(note=asked, theme=theme, assigned_by="person", locked=True)
    NoteEmbedding.objects.all().delete()  # only the note saved below is to be placed
    rep_session, pm_session = web.session_for(rep), web.session_for(pm)
    worker = _worker(redis_server).start()
    try:
        redis_server.stop()

        saved, save_seconds = _timed(
            lambda: _log_call(rep_session, web, account, "Wants audit logs exported to Splunk.")
        )
        status, status_seconds = _timed(
            lambda: pm_session.post(
                f"{web.base}/themes/{theme.pk}/action/",
                data={"action": "status", "status": "planned", "version": theme.version},
                allow_redirects=False,
                timeout=35,
            )
        )
        run_now, run_seconds = _timed(
            lambda: pm_session.post(f"{web.base}/engine/run/", allow_redirects=False, timeout=35)
        )
        # Each committed, each answered as a success, each within a couple of seconds.
        assert (saved.status_code, status.status_code, run_now.status_code) == (302, 302, 302)
        assert max(save_seconds, status_seconds, run_seconds) < 3
        note = CallNote.objects.get(body="Wants audit logs exported to Splunk.")
        assert ThemeEvent.objects.filter(theme=theme, kind="status").count() == 1
        run = ClusteringRun.objects.get()
        assert run.state == ClusteringRun.State.QUEUED

        redis_server.start()  # empty: every message sent before is gone
        back = time.monotonic()
        wait_for(
            lambda: NoteEmbedding.objects.filter(note=note).exists(),
            WAIT,
            "the note saved while Redis was down was never placed",
        )
        placed_after = time.monotonic() - back
        wait_for(
            lambda: Notification.objects.filter(recipient=rep).exists(),
            WAIT,
            "the rep was never told about the status change",
        )
        notified_after = time.monotonic() - back
        wait_for(
            lambda: ClusteringRun.objects.filter(pk=run.pk, state="succeeded").exists(),
            WAIT,
            "the run asked for while Redis was down never ran",
        )
        run_done_after = time.monotonic() - back
        time.sleep(5)  # more reconcile passes: nothing happens twice
        assert Notification.objects.filter(recipient=rep).count() == 1
        assert ClusteringRun.objects.count() == 1
        print(
            f"\nRedis down: save {save_seconds:.2f}s, status {status_seconds:.2f}s, "
            f"run now {run_seconds:.2f}s; after restart: placed {placed_after:.1f}s, "
            f"notified {notified_after:.1f}s, run done {run_done_after:.1f}s"
        )
    finally:
        worker.stop()


def test_a_frozen_redis_fails_a_save_fast_and_the_save_still_succeeds(rep, redis_server, web):
    from rest_framework.authtoken.models import Token

    account = AccountFactory(name="Globex", owner=rep)
    token = Token.objects.create(user=rep)
    session = web.session_for(rep)
    redis_server.freeze()
    try:
        form, form_seconds = _timed(
            lambda: _log_call(session, web, account, "Needs SCIM provisioning for Azure AD.")
        )
        api, api_seconds = _timed(
            lambda: web.session_for(rep).post(
                f"{web.base}/api/v1/notes/",
                json={"account": account.pk, "body": "Needs SCIM provisioning via the API."},
                headers={"Authorization": f"Token {token.key}"},
                timeout=35,
            )
        )
    finally:
        redis_server.thaw()
    assert form.status_code == 302 and api.status_code == 201, api.text[:500]
    assert CallNote.objects.filter(author=rep).count() == 2
    # One second per Redis call that times out (the queue, the API throttle's cache).
    assert form_seconds < 4 and api_seconds < 4
    print(f"\nRedis frozen: form save {form_seconds:.2f}s, API save {api_seconds:.2f}s")


def test_a_run_whose_worker_is_killed_mid_grouping_is_done_within_two_minutes(
    rep, redis_server, tmp_path
):
    framings = ["", "Call recap: ", "Follow-up: ", "From the demo: ", "QBR note: "]
    make_notes(
        rep,
        [
            (f"{framings[i % len(framings)]}{text} (#{i})", tags, need)
            for i in range(20)
            for text, tags, need in rows()
        ],
    )
    notes = CallNote.objects.count()
    # The run stops exactly where it groups: a poll for the phase could miss a
    # grouping that takes less than one poll.
    pause = Pause(tmp_path, "grouping")
    first = fault_worker(redis_server.url, hooks=True, **pause.env).start()
    run = ClusteringRun.objects.create(state=ClusteringRun.State.QUEUED)
    Celery(broker=redis_server.url, set_as_current=False).send_task(RUN_TASK, args=[run.pk])
    # Nothing in Redis would bring the task back for an hour (the visibility
    # timeout); the database and the reconciler must.
    try:
        # A cold worker loads the model, then embeds every note first.
        wait_for(pause.reached, 240, "the run never reached grouping")
        assert ClusteringRun.objects.get(pk=run.pk).phase == "grouping"
    finally:
        first.kill()
    killed = time.monotonic()
    second = _worker(redis_server).start()
    try:
        wait_for(
            lambda: ClusteringRun.objects.filter(pk=run.pk, state="succeeded").exists(),
            120,
            "the run of a killed worker was not done within two minutes",
        )
        done_after = time.monotonic() - killed
    finally:
        second.stop()
    run.refresh_from_db()
    assert run.notes_count == notes and run.redrives == 1
    assert ThemeAssignment.objects.count() > notes * 0.9
    print(f"\nWorker killed mid-grouping: run done {done_after:.1f}s after the kill")
