"""Closing the loop: notifications, webhook deliveries and win-back tasks.

A theme's status change (a ThemeEvent of kind "status") is the "change" that
notifications, webhook deliveries and win-back tasks hang off: each is unique
per (recipient or endpoint or deal, event), so a retried or duplicated task can
never deliver twice.
"""

import secrets

from django.conf import settings
from django.db import models

from deals.models import Deal
from insights.loop.webhook_urls import validate_webhook_url
from insights.notes.models import CallNote
from insights.themes.models import NOTIFYING_STATUSES, Theme, ThemeEvent, ThemeStatus

__all__ = ["NOTIFYING_STATUSES", "Notification"]


class Notification(models.Model):
    """Tells one person that a theme their customers asked for changed status."""

    class Email(models.TextChoices):
        PENDING = "pending", "To send"
        # Recorded before the mail goes to the SMTP server (see insights.loop.emails).
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent (emails off)"
        # The worker stopped between recording and confirming: perhaps sent, never sent twice.
        UNCERTAIN = "uncertain", "Perhaps sent (the worker stopped while sending)"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(ThemeEvent, on_delete=models.CASCADE, related_name="+")
    old_status = models.CharField(max_length=20, choices=ThemeStatus.choices)
    new_status = models.CharField(max_length=20, choices=ThemeStatus.choices)
    # What the recipient's customers have in the theme, as it was at the change:
    # {"accounts": [{"id", "name"}], "deals": [{"id", "name", "account", "amount", "stage"}]}
    details = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"], name="notification_once_per_change"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(email="pending"),
                name="notification_email_pending_idx",
            ),
        ]

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def __str__(self) -> str:
        return f"{self.theme_id}: {self.old_status} → {self.new_status} for {self.recipient_id}"


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL (Slack, a tracker) told about theme status changes, signed with its secret."""

    name = models.CharField(max_length=100)
    url = models.URLField(
        max_length=500,
        validators=[validate_webhook_url],
        help_text="Receives a signed JSON POST per change; https, on a public address.",
    )
    secret = models.CharField(
        max_length=100,
        default=new_webhook_secret,
        help_text="Shared secret for the X-FeedbackHub-Signature header (HMAC-SHA256).",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One change sent (or being retried) to one endpoint."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(ThemeEvent, on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(
        default=0, help_text="POSTs started, counted before each is sent."
    )
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next retry is due (pending deliveries)."
    )
    sending_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while a worker posts it; a lapsed value means that worker stopped.",
    )
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"], name="webhook_delivery_once_per_change"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} · event {self.event_id} · {self.state}"


class StatusFanOut(models.Model):
    """Marks a status change whose notifications, win-back tasks and webhook
    deliveries have been written; the loop's reconciler fans out the others."""

    event = models.OneToOneField(
        ThemeEvent, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Fan-out of event {self.event_id}"


class DailyDigest(models.Model):
    """One digest email per person per digest day (see insights.loop.emails.digest_day).

    Written in the same transaction that records the digest's notifications as
    being sent, so a digest task run twice, or re-driven by the reconciler
    after beat's own run went missing, mails each person once that day.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_day"),
        ]

    def __str__(self) -> str:
        return f"Digest of {self.day} for {self.recipient_id}"


class WinBackTask(models.Model):
    """A deal lost while citing a theme that has now shipped: go back and sell."""

    class State(models.TextChoices):
        OPEN = "open", "To do"
        REOPENED = "reopened", "Deal reopened"
        DISMISSED = "dismissed", "Dismissed"

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="winback_tasks")
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="winback_tasks")
    event = models.ForeignKey(ThemeEvent, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="winback_tasks",
    )
    note = models.ForeignKey(CallNote, on_delete=models.SET_NULL, null=True, related_name="+")
    quote = models.TextField(blank=True, help_text="The customer's words that cited the theme.")
    lost_amount = models.DecimalField(max_digits=14, decimal_places=2)
    lost_at = models.DateTimeField()
    loss_reason = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-lost_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "deal"], name="winback_once_per_theme_deal"),
        ]
        indexes = [models.Index(fields=["owner", "state"], name="winback_owner_state_idx")]

    def __str__(self) -> str:
        return f"Win back {self.deal_id} for theme {self.theme_id}"
