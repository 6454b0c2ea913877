"""Celery tasks that close the loop: fan a status change out, email it, post webhooks.

Every row they write is unique per change, so a retry or a redelivery after a
worker died adds nothing and sends nothing twice.
"""

from celery import shared_task

from insights.loop import emails, status_changes, webhooks


@shared_task(name=status_changes.FAN_OUT_TASK, ignore_result=True)
def theme_status_fan_out(event_id: int) -> None:
    """Turn one status change into notifications, win-back tasks and webhook deliveries."""
    status_changes.fan_out_status_change(event_id)


@shared_task(
    name=emails.SEND_TASK,
    ignore_result=True,
    autoretry_for=(OSError,),
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


@shared_task(bind=True, name=webhooks.DELIVER_TASK, ignore_result=True)
def deliver_webhook(self, delivery_id: int) -> None:
    """POST one webhook delivery; retried with exponential backoff, then given up."""
    last = self.request.retries >= webhooks.MAX_ATTEMPTS - 1
    try:
        webhooks.deliver(delivery_id, final_attempt=last)
    except webhooks.DeliveryFailed as exc:
        raise self.retry(
            exc=exc,
            countdown=webhooks.backoff_seconds(self.request.retries),
            max_retries=webhooks.MAX_ATTEMPTS - 1,
        ) from exc
