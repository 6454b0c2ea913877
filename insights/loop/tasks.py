"""Celery tasks that close the loop: fan a status change out, email it, post webhooks.

Every row they write is unique per change, so a retry or a redelivery after a
worker died adds nothing; emails are recorded before they are sent and
webhook attempts are counted before each POST (see emails and webhooks). A
database error is retried with backoff; anything still undone after that is
found by the loop's reconciler (insights.loop.reconcile).
"""

from celery import shared_task

from feedbackhub.queue import RETRY_ON_DATABASE_ERRORS
from insights.loop import emails, reconcile, status_changes, webhooks


@shared_task(name=status_changes.FAN_OUT_TASK, ignore_result=True, **RETRY_ON_DATABASE_ERRORS)
def theme_status_fan_out(event_id: int) -> None:
    """Turn one status change into notifications, win-back tasks and webhook deliveries."""
    status_changes.fan_out_status_change(event_id)


@shared_task(
    name=emails.SEND_TASK,
    ignore_result=True,
    autoretry_for=(OSError, *RETRY_ON_DATABASE_ERRORS["autoretry_for"]),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=10,
)
def send_status_emails(event_id: int) -> int:
    """Email a status change to those who want it immediately (SMTP errors retry)."""
    return emails.send_immediate(event_id)


@shared_task(name=emails.DIGEST_TASK, ignore_result=True)
def send_daily_digests() -> int:
    return emails.send_daily_digests()


@shared_task(bind=True, name=webhooks.DELIVER_TASK, ignore_result=True, **RETRY_ON_DATABASE_ERRORS)
def deliver_webhook(self, delivery_id: int) -> None:
    """POST one webhook delivery; retried with exponential backoff, then given up.

    How many attempts are left is counted on the delivery row, not by Celery,
    so a delivery re-driven by the reconciler keeps its count.
    """
    retry_in = webhooks.deliver(delivery_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name=reconcile.RECONCILE_TASK, ignore_result=True)
def reconcile_closing_the_loop() -> dict:
    """Beat, every minute: re-drive status changes, emails and webhooks left undone."""
    return reconcile.reconcile()
