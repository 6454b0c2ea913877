"""The loop's reconciler: re-drive, from the database, what closing the loop left undone.

Work is queued in the moment it is created; when Redis was down then, or a
worker died holding it, the message is gone but the database still shows
what must happen. Beat runs `reconcile` every RECONCILE_EVERY_SECONDS:

- a status change with no fan-out marker (StatusFanOut) after
  RECONCILE_OVERDUE_SECONDS is fanned out again (the fan-out is idempotent);
- a notification still "to send" immediately after that long is mailed;
- a webhook delivery pending past its retry time (or never tried) is posted;
- a person on the daily digest with notifications from before today's digest
  time, and no digest today, RECONCILE_OVERDUE_SECONDS after that time (beat's
  message was lost, or its worker killed before it claimed them), gets the
  day's digest (sent once per person per day, see insights.loop.emails);
- a notification left "sending" by a worker that died mid-send is marked
  "perhaps sent" and not mailed again (see insights.loop.emails).

One pass at a time (a transaction-scoped try-lock); everything it queues is
safe to run twice. Work older than LOOKBACK is left alone: it belongs to
before this reconciler existed or to an outage long enough that a person
should look (it stays visible in Django admin).
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from feedbackhub.locks import try_transaction_lock
from feedbackhub.queue import enqueue_on_commit
from insights.loop import emails, status_changes, webhooks
from insights.loop.models import DailyDigest, Notification, StatusFanOut, WebhookDelivery
from insights.themes.models import ThemeEvent

log = logging.getLogger(__name__)

RECONCILE_TASK = "insights.tasks.reconcile_closing_the_loop"
LOOP_RECONCILER = 0x4648_0003  # advisory lock key ("FH" + 3)
LOOKBACK = dt.timedelta(days=7)
BATCH = 500  # per kind and pass; the rest waits for the next pass
# A mail claimed this long ago and not confirmed was being sent by a worker that stopped.
EMAIL_SENDING_LEASE = dt.timedelta(minutes=10)


def _overdue() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.RECONCILE_OVERDUE_SECONDS)


def unfanned_events() -> list[int]:
    """Status changes old enough to have been fanned out, that were not."""
    now = timezone.now()
    return list(
        ThemeEvent.objects.filter(
            kind=ThemeEvent.Kind.STATUS,
            created_at__gte=now - LOOKBACK,
            created_at__lt=_overdue(),
        )
        .filter(~Exists(StatusFanOut.objects.filter(event_id=OuterRef("pk"))))
        .order_by("created_at")
        .values_list("pk", flat=True)[:BATCH]
    )


def unsent_immediate_emails() -> list[int]:
    """Changes with an immediate email still to send, overdue (their event ids)."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            email=Notification.Email.PENDING,
            recipient__notification_preference=emails.Preference.IMMEDIATE,
            created_at__gte=now - LOOKBACK,
            created_at__lt=_overdue(),
        )
        .values_list("event_id", flat=True)
        .distinct()
        .order_by("event_id")[:BATCH]
    )


def overdue_deliveries() -> list[int]:
    """Pending webhook deliveries nobody is posting whose time has come and gone."""
    now, overdue = timezone.now(), _overdue()
    return list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING, created_at__gte=now - LOOKBACK
        )
        .filter(Q(sending_until__isnull=True) | Q(sending_until__lt=now))
        .filter(
            Q(next_attempt_at__isnull=True, created_at__lt=overdue) | Q(next_attempt_at__lt=overdue)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )


def overdue_digests(*, now: dt.datetime) -> list[int]:
    """People whose digest of today is overdue: due a while ago, not sent (their ids)."""
    start = emails.digest_start(now)
    if now < start + dt.timedelta(seconds=settings.RECONCILE_OVERDUE_SECONDS):
        return []  # beat's own digest is (or should be) on its way
    return list(
        emails.daily_recipients_with_pending(before=start)
        .filter(created_at__gte=now - LOOKBACK)
        .filter(
            ~Exists(
                DailyDigest.objects.filter(
                    recipient_id=OuterRef("recipient_id"), day=emails.digest_day(now)
                )
            )
        )
        .order_by("recipient_id")[:BATCH]
    )


def give_up_on_interrupted_emails() -> int:
    """Mails whose worker stopped mid-send: perhaps sent, so never sent again."""
    return Notification.objects.filter(
        email=Notification.Email.SENDING, emailed_at__lt=timezone.now() - EMAIL_SENDING_LEASE
    ).update(email=Notification.Email.UNCERTAIN)


def reconcile(*, now: dt.datetime | None = None) -> dict:
    """One pass; returns what it re-drove (empty when another pass is running)."""
    with transaction.atomic():
        if not try_transaction_lock(LOOP_RECONCILER):
            return {}
        done = {
            "fan_outs": unfanned_events(),
            "emails": unsent_immediate_emails(),
            "webhooks": overdue_deliveries(),
            "digests": overdue_digests(now=now or timezone.now()),
            "emails_uncertain": give_up_on_interrupted_emails(),
        }
        for event_id in done["fan_outs"]:
            enqueue_on_commit(status_changes.FAN_OUT_TASK, event_id)
        for event_id in done["emails"]:
            enqueue_on_commit(emails.SEND_TASK, event_id)
        for delivery_id in done["webhooks"]:
            enqueue_on_commit(webhooks.DELIVER_TASK, delivery_id)
        if done["digests"]:
            enqueue_on_commit(emails.DIGEST_TASK)  # mails each of them, once today
    counts = {kind: len(v) if isinstance(v, list) else v for kind, v in done.items()}
    if any(counts.values()):
        log.warning("Closing the loop: re-drove overdue work %s", counts)
    return counts
