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
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from insights.loop.models import Notification

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


def _claim(ids: list[int]) -> list[Notification]:
    """Record these notifications as being sent (those still to send); returns them."""
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, email=Notification.Email.PENDING)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=claimed).update(
            email=Notification.Email.SENDING, emailed_at=now
        )
    return list(
        Notification.objects.filter(pk__in=claimed)
        .select_related("recipient", "theme")
        .order_by("created_at", "pk")
    )


def _confirm(ids: list[int], *, sent: bool) -> None:
    Notification.objects.filter(pk__in=ids, email=Notification.Email.SENDING).update(
        email=Notification.Email.SENT if sent else Notification.Email.PENDING,
        emailed_at=timezone.now() if sent else None,
    )


def _send_claimed(ids: list[int], send) -> bool:
    """Claim, send, confirm; False when there was nothing left to send."""
    notifications = _claim(ids)
    if not notifications:
        return False  # mailed meanwhile by another attempt, or being mailed now
    claimed = [n.pk for n in notifications]
    try:
        send(notifications)
    except Exception:
        _confirm(claimed, sent=False)  # the server refused: to send again on retry
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


def send_daily_digests() -> int:
    """One email per person on the daily digest with everything not yet mailed."""

    def send_digest(notifications: list[Notification]) -> None:
        count = len(notifications)
        _send(
            notifications[0].recipient,
            f"FeedbackHub: {count} theme{'s' if count != 1 else ''} your customers asked for "
            "changed",
            "digest",
            {"lines": _lines(notifications)},
        )

    # Whoever turned emails off since the change is not mailed later either.
    Notification.objects.filter(
        email=Notification.Email.PENDING, recipient__notification_preference=Preference.OFF
    ).update(email=Notification.Email.SKIPPED)
    user_ids = (
        Notification.objects.filter(
            email=Notification.Email.PENDING,
            recipient__notification_preference=Preference.DAILY,
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(user_ids):
        ids = list(
            Notification.objects.filter(
                recipient_id=user_id, email=Notification.Email.PENDING
            ).values_list("pk", flat=True)
        )
        sent += _send_claimed(ids, send_digest)
    return sent
