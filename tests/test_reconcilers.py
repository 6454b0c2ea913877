"""What the database says must happen is done, even when its message was lost.

Publishing is made to fail the way kombu fails when Redis is down; the
reconcilers (run here in the test's process, as beat's tasks) find the work
from the database and queue it again, once.
"""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from feedbackhub import redis_breaker
from insights.loop import emails
from insights.loop import reconcile as loop_reconcile
from insights.loop import tasks as loop_tasks
from insights.loop.models import Notification, StatusFanOut, WebhookDelivery, WebhookEndpoint
from insights.notes.models import CallNote
from insights.themes import reconcile as themes_reconcile
from insights.themes import tasks as theme_tasks
from insights.themes import triage
from insights.themes.models import ClusteringRun, NoteEmbedding, ThemeAssignment
from tests.factories import AccountFactory, CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(minutes=5)


def _redis_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def broker_down(monkeypatch):
    tasks = (theme_tasks.place_note, theme_tasks.run_full_regroup, loop_tasks.theme_status_fan_out)
    for task in tasks:
        monkeypatch.setattr(task, "delay", _redis_down)
    yield
    redis_breaker._open_until = 0.0


@pytest.fixture
def queued(monkeypatch):
    """Tasks the reconcilers queue, recorded by name instead of sent."""
    sent = []
    for task in (
        theme_tasks.place_note,
        theme_tasks.run_full_regroup,
        loop_tasks.theme_status_fan_out,
        loop_tasks.send_status_emails,
        loop_tasks.deliver_webhook,
    ):
        monkeypatch.setattr(task, "delay", lambda *a, _n=task.name: sent.append((_n, a)))
    return sent


def _age(queryset, **fields):
    queryset.update(**{name: timezone.now() - LONG_AGO for name in fields})


def test_a_note_saved_while_redis_is_down_is_saved_and_the_rep_sees_success(
    rep, rep_client, broker_down, django_capture_on_commit_callbacks
):
    AccountFactory(name="Northwind", owner=rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(
            reverse("log_call"),
            {
                "account": "Northwind",
                "call_date": dt.date.today().isoformat(),
                "body": "They need audit logs in Splunk.",
                "importance": "important",
            },
        )
    assert response.status_code == 302
    assert CallNote.objects.filter(body="They need audit logs in Splunk.").exists()


def test_a_status_change_made_while_redis_is_down_is_fanned_out_later_once(
    rep, pm, broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    theme = ThemeFactory()
    note = CallNoteFactory(author=rep)
    ThemeAssignment.objects.create(note=note, theme=theme, assigned_by="person", locked=True)
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=theme, status="planned", actor=pm)  # no 500
    event = theme.events.get(kind="status")
    monkeypatch.undo()  # Redis is back; what is queued now is recorded
    redis_breaker._open_until = 0.0
    sent = []
    monkeypatch.setattr(loop_tasks.theme_status_fan_out, "delay", lambda *a: sent.append(a))
    monkeypatch.setattr(loop_tasks.send_status_emails, "delay", lambda *a: None)

    assert loop_reconcile.unfanned_events() == []  # not overdue yet: its task may be on its way
    _age(theme.events.all(), created_at=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert loop_reconcile.reconcile()["fan_outs"] == 1
    assert sent == [(event.pk,)]
    loop_tasks.theme_status_fan_out(*sent[0])  # the worker runs it
    with django_capture_on_commit_callbacks(execute=True):
        assert loop_reconcile.reconcile()["fan_outs"] == 0
    assert Notification.objects.filter(recipient=rep, event=event).count() == 1
    assert StatusFanOut.objects.filter(event=event).exists()


def test_a_note_never_placed_is_placed_by_the_reconciler_and_only_then(
    rep, queued, django_capture_on_commit_callbacks
):
    note = CallNoteFactory(author=rep)
    queued.clear()
    assert themes_reconcile.unplaced_notes(limit=10) == []  # just saved: not overdue
    _age(CallNote.objects.filter(pk=note.pk), updated_at=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert themes_reconcile.reconcile()["notes"] == 1
    assert queued == [("insights.tasks.place_note", (note.pk,))]

    # Placed but left unthemed: it has an embedding of its text, nothing to redo.
    NoteEmbedding.objects.create(
        note=note, model_name="m", text_hash=note.text_hash, vector=b"\0" * 4
    )
    from insights.themes.pipeline import core

    NoteEmbedding.objects.filter(note=note).update(model_name=core.model_name())
    assert themes_reconcile.unplaced_notes(limit=10) == []
    # Its text changed since it was embedded: placed again.
    CallNote.objects.filter(pk=note.pk).update(body="Something else entirely, said later.")
    _age(CallNote.objects.filter(pk=note.pk), updated_at=True)
    assert themes_reconcile.unplaced_notes(limit=10) == [note.pk]


def test_a_lost_or_dead_run_is_queued_again_then_failed_with_the_reason(
    queued, settings, django_capture_on_commit_callbacks
):
    settings.THEME_RUN_MAX_REDRIVES = 2
    run = ClusteringRun.objects.create(state=ClusteringRun.State.QUEUED)
    assert themes_reconcile.reconcile()["runs"] == 0  # queued a moment ago: in the queue
    _age(ClusteringRun.objects.all(), created_at=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert themes_reconcile.reconcile()["runs"] == 1
    assert queued == [("insights.tasks.run_full_regroup", (run.pk,))]
    run.refresh_from_db()
    assert (run.state, run.redrives) == ("queued", 1) and "message was lost" in run.error

    # Claimed by a worker that then died: no heartbeat any more.
    ClusteringRun.objects.filter(pk=run.pk).update(
        state="running", started_at=timezone.now(), heartbeat_at=timezone.now() - LONG_AGO
    )
    run.refresh_from_db()
    assert run.seems_dead
    with django_capture_on_commit_callbacks(execute=True):
        assert themes_reconcile.reconcile()["runs"] == 1
    run.refresh_from_db()
    assert (run.state, run.redrives) == ("queued", 2) and "worker stopped" in run.error

    _age(ClusteringRun.objects.all(), heartbeat_at=True)
    assert themes_reconcile.reconcile()["runs_failed"] == 1
    run.refresh_from_db()
    assert run.state == "failed" and "Gave up after 2 retries" in run.error


def test_a_live_run_is_left_alone(queued):
    ClusteringRun.objects.create(
        state="running", started_at=timezone.now() - LONG_AGO, heartbeat_at=timezone.now()
    )
    assert themes_reconcile.reconcile() == {"runs": 0, "runs_failed": 0, "notes": 0}


def test_overdue_webhook_deliveries_are_posted_again_unless_being_sent(
    pm, queued, django_capture_on_commit_callbacks
):
    theme = ThemeFactory()
    triage.theme_set_status(theme=theme, status="planned", actor=pm)
    event = theme.events.get(kind="status")
    endpoint = WebhookEndpoint.objects.create(name="Slack", url="http://127.0.0.1:9/")
    due = WebhookDelivery.objects.create(endpoint=endpoint, event=event, payload={})
    busy = WebhookDelivery.objects.create(
        endpoint=WebhookEndpoint.objects.create(name="Other", url="http://127.0.0.1:9/"),
        event=event,
        payload={},
        sending_until=timezone.now() + dt.timedelta(seconds=30),
    )
    _age(WebhookDelivery.objects.all(), created_at=True)
    assert loop_reconcile.overdue_deliveries() == [due.pk]
    WebhookDelivery.objects.filter(pk=due.pk).update(
        next_attempt_at=timezone.now() + dt.timedelta(minutes=10)
    )
    assert loop_reconcile.overdue_deliveries() == []  # its retry is not due yet
    assert busy.pk not in loop_reconcile.overdue_deliveries()


def test_an_email_interrupted_mid_send_is_never_sent_twice(rep, pm, eager_tasks):
    theme = ThemeFactory()
    note = CallNoteFactory(author=rep)
    ThemeAssignment.objects.create(note=note, theme=theme, assigned_by="person", locked=True)
    triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    event = theme.events.get(kind="status")
    loop_tasks.theme_status_fan_out(event.pk)
    notification = Notification.objects.get(recipient=rep)
    # A worker recorded it as being sent, then died before confirming.
    Notification.objects.filter(pk=notification.pk).update(
        email="sending", emailed_at=timezone.now() - dt.timedelta(minutes=11)
    )
    mail.outbox.clear()
    assert emails.send_immediate(event.pk) == 0
    assert loop_reconcile.reconcile()["emails_uncertain"] == 1
    assert emails.send_immediate(event.pk) == 0 and mail.outbox == []
    notification.refresh_from_db()
    assert notification.email == "uncertain"


def test_a_refused_email_goes_back_to_be_sent_on_retry(rep, pm, monkeypatch, eager_tasks):
    theme = ThemeFactory()
    note = CallNoteFactory(author=rep)
    ThemeAssignment.objects.create(note=note, theme=theme, assigned_by="person", locked=True)
    triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    event = theme.events.get(kind="status")
    from insights.loop import notify

    notify.notify_status_change(event)

    def refuse(*args, **kwargs):
        raise OSError("SMTP server refused")

    monkeypatch.setattr(emails, "_send", refuse)
    with pytest.raises(OSError):
        emails.send_immediate(event.pk)
    assert Notification.objects.get(recipient=rep).email == "pending"
    monkeypatch.undo()
    assert emails.send_immediate(event.pk) == 1
    assert Notification.objects.get(recipient=rep).email == "sent"


def test_only_one_reconcile_pass_runs_at_a_time(transactional_db):
    from django.db import connections

    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [themes_reconcile.THEMES_RECONCILER])
        assert themes_reconcile.reconcile() == {}  # skipped: the other pass holds the lock
        other.rollback()
        assert themes_reconcile.reconcile() != {}
    finally:
        other.close()


def test_a_note_that_has_its_theme_is_not_placed_again_by_the_reconciler(rep):
    note = CallNoteFactory(author=rep)
    _age(CallNote.objects.filter(pk=note.pk), updated_at=True)
    assert themes_reconcile.unplaced_notes(limit=10) == [note.pk]
    assignment = ThemeAssignment.objects.create(note=note, theme=ThemeFactory())
    assert themes_reconcile.unplaced_notes(limit=10) == []
    assignment.delete()  # a run took it out again: it waits, and is placed again
    assert themes_reconcile.unplaced_notes(limit=10) == [note.pk]
