"""Emails about theme status changes: one per change for "immediately", one a day
for "daily digest", none for "off".

Each notification is locked, mailed and marked sent in one transaction, one
at a time, with SKIP LOCKED: a retried task or two workers never mail the
same notification twice. (If a worker dies between the SMTP server accepting
the mail and the commit, that one mail goes again: email offers no
exactly-once hand-over, and losing the mail would be worse.)
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


def _locked_pending(**filters):
    return (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient", "theme")
        .filter(email=Notification.Email.PENDING, **filters)
    )


def _mark_sent(ids: list[int]) -> None:
    Notification.objects.filter(pk__in=ids).update(
        email=Notification.Email.SENT, emailed_at=timezone.now()
    )


def send_immediate(event_id: int) -> int:
    """Mail the change `event_id` to those who want it at once; returns how many went."""
    sent = 0
    ids = list(
        Notification.objects.filter(
            event_id=event_id,
            email=Notification.Email.PENDING,
            recipient__notification_preference=Preference.IMMEDIATE,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            notification = _locked_pending(pk=pk).first()
            if notification is None:
                continue  # mailed meanwhile by another attempt
            theme = notification.theme
            _send(
                notification.recipient,
                f"“{theme.title}” is now {notification.get_new_status_display().lower()}",
                "status_change",
                {"line": _lines([notification])[0], "theme": theme},
            )
            _mark_sent([pk])
            sent += 1
    return sent


def send_daily_digests() -> int:
    """One email per person on the daily digest with everything not yet mailed."""
    sent = 0
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
    for user_id in list(user_ids):
        with transaction.atomic():
            notifications = list(_locked_pending(recipient_id=user_id).order_by("created_at"))
            if not notifications:
                continue
            count = len(notifications)
            _send(
                notifications[0].recipient,
                f"FeedbackHub: {count} theme{'s' if count != 1 else ''} your customers asked for "
                "changed",
                "digest",
                {"lines": _lines(notifications)},
            )
            _mark_sent([n.pk for n in notifications])
            sent += 1
    return sent
