"""Emails about theme status changes: one per change for "immediately", one a day
for "daily digest", none for "off".

Each notification is mailed at most once. Before a mail goes to the SMTP
server its notifications are recorded as "sending" (a conditional UPDATE from
"to send", committed), and marked "sent" once the server accepted it; a
retried task, a redelivered task or two workers therefore never mail the same
notification twice. If the server refuses, they go back to "to send" and the
task retries. If the worker dies between the two writes, nobody can know
whether the server got the mail (email offers no exactly-once hand-over): the
loop's reconciler marks those "perhaps sent" and does not send them again.
The notification itself, behind the bell, is never lost.

The daily digest goes once per person per digest day: a DailyDigest row is
written with the claim, so beat firing twice, or the reconciler sending a
digest whose beat message was lost (Redis down at DIGEST_HOUR, a worker
killed), never mails anyone a second digest that day.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from insights.loop.models import DailyDigest, Notification

SEND_TASK = "insights.tasks.send_status_emails"
DIGEST_TASK = "insights.tasks.send_daily_digests"

User = get_user_model()

Preference = User.NotificationPreference


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _lines(notifications: list[Notification]) -> list[dict]:
    return [
        {
            "notification": n,
            "theme_url": _absolute(reverse("theme_page", args=[n.theme_id])),
            "url": _absolute(reverse("notification_open", args=[n.pk])),
        }
        for n in notifications
    ]


def _send(user, subject: str, template: str, context: dict) -> None:
    context = {
        **context,
        "user": user,
        "settings_url": _absolute(reverse("notification_settings")),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"insights/email/{template}.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string(f"insights/email/{template}.html", context), "text/html"
    )
    message.send()


def _claim(ids: list[int], *, digest: tuple[int, dt.date] | None = None) -> list[Notification]:
    """Record these notifications as being sent (those still to send); returns them.

    With `digest` (recipient, day), also record that person's digest of that
    day, in the same transaction; nothing is claimed if it was already sent.
    """
    now = timezone.now()
    with transaction.atomic():
        if digest is not None:
            _, new = DailyDigest.objects.get_or_create(recipient_id=digest[0], day=digest[1])
            if not new:
                return []
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, email=Notification.Email.PENDING)
            .values_list("pk", flat=True)
        )
        if not claimed:
            transaction.set_rollback(True)  # no empty digest recorded either
            return []
        Notification.objects.filter(pk__in=claimed).update(
            email=Notification.Email.SENDING, emailed_at=now
        )
    return list(
        Notification.objects.filter(pk__in=claimed)
        .select_related("recipient", "theme")
        .order_by("created_at", "pk")
    )


def _confirm(ids: list[int], *, sent: bool, digest: tuple[int, dt.date] | None = None) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk__in=ids, email=Notification.Email.SENDING).update(
            email=Notification.Email.SENT if sent else Notification.Email.PENDING,
            emailed_at=timezone.now() if sent else None,
        )
        if digest is not None and not sent:  # refused: the day's digest is still to send
            DailyDigest.objects.filter(recipient_id=digest[0], day=digest[1]).delete()


def _send_claimed(ids: list[int], send, *, digest: tuple[int, dt.date] | None = None) -> bool:
    """Claim, send, confirm; False when there was nothing left to send."""
    notifications = _claim(ids, digest=digest)
    if not notifications:
        return False  # mailed meanwhile by another attempt, or being mailed now
    claimed = [n.pk for n in notifications]
    try:
        send(notifications)
    except Exception:
        _confirm(claimed, sent=False, digest=digest)  # the server refused: send again on retry
        raise
    _confirm(claimed, sent=True)
    return True


def send_immediate(event_id: int) -> int:
    """Mail the change `event_id` to those who want it at once; returns how many went."""

    def send_one(notifications: list[Notification]) -> None:
        notification = notifications[0]
        theme = notification.theme
        _send(
            notification.recipient,
            f"“{theme.title}” is now {notification.get_new_status_display().lower()}",
            "status_change",
            {"line": _lines([notification])[0], "theme": theme},
        )

    ids = list(
        Notification.objects.filter(
            event_id=event_id,
            email=Notification.Email.PENDING,
            recipient__notification_preference=Preference.IMMEDIATE,
        ).values_list("pk", flat=True)
    )
    return sum(_send_claimed([pk], send_one) for pk in ids)


def digest_start(now: dt.datetime) -> dt.datetime:
    """When the current digest day began: the last DIGEST_HOUR:00 (TIME_ZONE) at or before `now`."""
    local = timezone.localtime(now)
    start = local.replace(hour=settings.DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return start if start <= local else start - dt.timedelta(days=1)


def digest_day(now: dt.datetime) -> dt.date:
    """The digest day `now` falls in (named by the date its digest is sent)."""
    return digest_start(now).date()


def daily_recipients_with_pending(*, before: dt.datetime | None = None):
    """Ids of people on the daily digest with notifications still to mail (made before `before`)."""
    pending = Notification.objects.filter(
        email=Notification.Email.PENDING, recipient__notification_preference=Preference.DAILY
    )
    if before is not None:
        pending = pending.filter(created_at__lt=before)
    return pending.values_list("recipient_id", flat=True).distinct()


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """One email per person on the daily digest with everything not yet mailed, once a day."""

    def send_digest(notifications: list[Notification]) -> None:
        count = len(notifications)
        _send(
            notifications[0].recipient,
            f"FeedbackHub: {count} theme{'s' if count != 1 else ''} your customers asked for "
            "changed",
            "digest",
            {"lines": _lines(notifications)},
        )

    day = digest_day(now or timezone.now())
    # Whoever turned emails off since the change is not mailed later either.
    Notification.objects.filter(
        email=Notification.Email.PENDING, recipient__notification_preference=Preference.OFF
    ).update(email=Notification.Email.SKIPPED)
    sent = 0
    for user_id in list(daily_recipients_with_pending()):
        ids = list(
            Notification.objects.filter(
                recipient_id=user_id, email=Notification.Email.PENDING
            ).values_list("pk", flat=True)
        )
        sent += _send_claimed(ids, send_digest, digest=(user_id, day))
    return sent
