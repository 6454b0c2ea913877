"""The daily digest goes once per person per day, even when beat's message was lost
(Redis down at DIGEST_HOUR, a worker killed) and the loop's reconciler sends it later,
and however many times the digest task runs."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from insights.loop import emails, notify
from insights.loop import reconcile as loop_reconcile
from insights.loop import tasks as loop_tasks
from insights.loop.models import DailyDigest, Notification
from insights.themes import triage
from insights.themes.models import ThemeAssignment
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def on_daily(rep, settings):
    settings.DIGEST_HOUR = 7
    rep.notification_preference = "daily"
    rep.save()
    return rep


def _change_told_to(rep, pm, *, at: dt.datetime, status="planned") -> Notification:
    theme = ThemeFactory()
    note = CallNoteFactory(author=rep)
    ThemeAssignment.objects.create(note=note, theme=theme, assigned_by="person", locked=True)
    triage.theme_set_status(theme=theme, status=status, actor=pm)
    notify.notify_status_change(theme.events.get(kind="status"))
    notification = Notification.objects.get(recipient=rep, theme=theme)
    Notification.objects.filter(pk=notification.pk).update(created_at=at)
    return notification


@pytest.fixture
def queued_digest(monkeypatch):
    sent = []
    monkeypatch.setattr(loop_tasks.send_daily_digests, "delay", lambda *a: sent.append(a))
    return sent


def test_a_digest_whose_beat_message_was_lost_is_sent_by_the_reconciler_once(
    on_daily, pm, queued_digest, django_capture_on_commit_callbacks
):
    _change_told_to(on_daily, pm, at=_at(YESTERDAY, 15))
    # Before today's digest time it belongs to today's digest, which is not due yet;
    # just after it, beat's own digest may still be on its way.
    assert loop_reconcile.overdue_digests(now=_at(TODAY, 6, 59)) == []
    assert loop_reconcile.overdue_digests(now=_at(TODAY, 7, 0)) == []
    # Beat's message was lost: nobody was mailed.
    with django_capture_on_commit_callbacks(execute=True):
        assert loop_reconcile.reconcile(now=_at(TODAY, 7, 2))["digests"] == 1
    assert queued_digest == [()]

    emails.send_daily_digests(now=_at(TODAY, 7, 2))
    emails.send_daily_digests(now=_at(TODAY, 7, 3))  # re-driven twice, or beat came late
    assert [m.to for m in mail.outbox] == [[on_daily.email]]
    assert loop_reconcile.overdue_digests(now=_at(TODAY, 7, 4)) == []
    assert DailyDigest.objects.get(recipient=on_daily).day == TODAY


def test_the_digest_task_run_twice_in_a_day_mails_once_and_keeps_the_rest_for_tomorrow(
    on_daily, pm, queued_digest
):
    _change_told_to(on_daily, pm, at=_at(YESTERDAY, 15))
    assert emails.send_daily_digests(now=_at(TODAY, 7)) == 1
    later = _change_told_to(on_daily, pm, at=_at(TODAY, 9), status="shipped")
    assert emails.send_daily_digests(now=_at(TODAY, 10)) == 0  # one digest a day
    assert loop_reconcile.overdue_digests(now=_at(TODAY, 11)) == []  # nor is it overdue
    assert len(mail.outbox) == 1
    assert emails.send_daily_digests(now=_at(TODAY + dt.timedelta(days=1), 7)) == 1
    assert len(mail.outbox) == 2 and "to Shipped" in mail.outbox[1].body
    later.refresh_from_db()
    assert later.email == "sent"


def test_a_digest_whose_worker_died_mid_send_is_not_sent_again(on_daily, pm, queued_digest):
    notification = _change_told_to(on_daily, pm, at=_at(YESTERDAY, 15))
    # The worker recorded the digest as being sent, then died before confirming.
    emails._claim([notification.pk], digest=(on_daily.pk, TODAY))
    assert loop_reconcile.reconcile(now=_at(TODAY, 7, 5))["digests"] == 0
    assert emails.send_daily_digests(now=_at(TODAY, 7, 6)) == 0
    assert mail.outbox == [] and queued_digest == []


def test_a_refused_digest_is_sent_once_the_mail_server_takes_it(
    on_daily, pm, monkeypatch, queued_digest, django_capture_on_commit_callbacks
):
    _change_told_to(on_daily, pm, at=_at(YESTERDAY, 15))

    real_send = emails._send

    def refuse(*args, **kwargs):
        raise OSError("SMTP server refused")

    monkeypatch.setattr(emails, "_send", refuse)
    with pytest.raises(OSError):
        emails.send_daily_digests(now=_at(TODAY, 7))
    monkeypatch.setattr(emails, "_send", real_send)  # the server is back
    with django_capture_on_commit_callbacks(execute=True):
        assert loop_reconcile.reconcile(now=_at(TODAY, 7, 2))["digests"] == 1
    assert emails.send_daily_digests(now=_at(TODAY, 7, 2)) == 1
    assert [m.to for m in mail.outbox] == [[on_daily.email]]
