"""Celery tasks of the theme engine.

Each takes ids, re-reads the world, and returns quietly when there is nothing
left to do, so a task delivered twice (late acknowledgement after a worker
died) does no harm.
"""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="insights.tasks.place_note", ignore_result=True)
def place_note(note_id: int) -> None:
    """Place a freshly saved note into the best existing theme, or leave it unthemed."""
    from .theming import placement

    placement.place_note(note_id=note_id)


@shared_task(name="insights.tasks.embed_notes", ignore_result=True)
def embed_notes(note_ids: list[int]) -> int:
    """Compute and store the embeddings of these notes that are missing or stale."""
    from .theming import vectors

    return vectors.ensure_embeddings(note_ids=note_ids)


@shared_task(
    bind=True, name="insights.tasks.run_full_regroup", ignore_result=True, max_retries=None
)
def run_full_regroup(self, run_id: int) -> None:
    """Execute a recorded full run (see insights.theming.runs).

    When the run is still marked running by a worker that may have died (this
    task came back from Redis after a kill), look again once its heartbeat
    would have gone stale, and take it over then.
    """
    from django.conf import settings

    from .theming import regroup, runs

    if regroup.execute_full_run(run_id=run_id) == runs.Claim.BUSY:
        raise self.retry(countdown=settings.THEME_RUN_STALE_SECONDS + 1)


@shared_task(name="insights.tasks.scheduled_full_run", ignore_result=True)
def scheduled_full_run() -> None:
    """Beat's nightly run; skipped quietly when a run is already on."""
    from .models import ClusteringRun
    from .theming.runs import RunAlreadyActive, request_full_run

    try:
        request_full_run(trigger=ClusteringRun.Trigger.SCHEDULE)
    except RunAlreadyActive as exc:
        log.info("Nightly theme run skipped: %s", exc)


@shared_task(name="insights.tasks.refresh_theme_stats", ignore_result=True)
def refresh_theme_stats(theme_ids: list[int]) -> int:
    from .theming.stats import refresh_theme_stats as refresh

    return refresh(theme_ids=theme_ids)


@shared_task(name="insights.tasks.refresh_all_theme_stats", ignore_result=True)
def refresh_all_theme_stats() -> int:
    from .theming.stats import refresh_theme_stats as refresh

    return refresh()


@shared_task(name="insights.tasks.similar_to_text")
def similar_to_text(text: str, tags: list[str] | None = None, limit: int = 5) -> dict:
    """Notes and themes most like a draft text (the model lives in the worker only)."""
    from .theming import similar

    return similar.similar_to_text(text=text, tags=tags or [], limit=limit)


# --- Closing the loop (see insights.loop) ------------------------------------


@shared_task(name="insights.tasks.theme_status_fan_out", ignore_result=True)
def theme_status_fan_out(event_id: int) -> None:
    """Turn one status change into notifications, win-back tasks and webhook deliveries.

    Every row it writes is unique per change, so running it again (a retry,
    a redelivery after a worker died) adds nothing and sends nothing twice.
    """
    from .loop import notify, webhooks, winback

    event = notify.status_event(event_id)
    if event is None:
        return
    notify.notify_status_change(event)
    winback.create_tasks(event)
    for delivery_id in webhooks.create_deliveries(event):
        deliver_webhook.delay(delivery_id)
    send_status_emails.delay(event_id)


@shared_task(
    name="insights.tasks.send_status_emails",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=10,
)
def send_status_emails(event_id: int) -> int:
    """Email a status change to those who want it immediately (SMTP errors retry)."""
    from .loop import emails

    return emails.send_immediate(event_id)


@shared_task(name="insights.tasks.send_daily_digests", ignore_result=True)
def send_daily_digests() -> int:
    from .loop import emails

    return emails.send_daily_digests()


@shared_task(bind=True, name="insights.tasks.deliver_webhook", ignore_result=True)
def deliver_webhook(self, delivery_id: int) -> None:
    """POST one webhook delivery; retried with exponential backoff, then given up."""
    from .loop import webhooks

    last = self.request.retries >= webhooks.MAX_ATTEMPTS - 1
    try:
        webhooks.deliver(delivery_id, final_attempt=last)
    except webhooks.DeliveryFailed as exc:
        raise self.retry(
            exc=exc,
            countdown=webhooks.backoff_seconds(self.request.retries),
            max_retries=webhooks.MAX_ATTEMPTS - 1,
        ) from exc


@shared_task(name="insights.tasks.refresh_overview", ignore_result=True)
def refresh_overview() -> None:
    """Recompute the overview's snapshots (beat, every few minutes)."""
    from . import overview

    overview.refresh()
