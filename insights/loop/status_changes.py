"""Closing the loop on one theme status change: who is told, what is queued.

Runs in the worker, once per status change (themes' triage announces it after
commit). Every row written here is unique per change, so running it twice
adds nothing; the emails and webhook posts it queues go out after its own
writes commit.
"""

from feedbackhub.queue import enqueue_on_commit
from insights.loop import emails, notify, webhooks, winback
from insights.loop.models import StatusFanOut

FAN_OUT_TASK = "insights.tasks.theme_status_fan_out"


def fan_out_status_change(event_id: int) -> None:
    """Notify the reps, list the win-back deals, and queue webhook posts and emails."""
    event = notify.status_event(event_id)
    if event is None:
        return
    notify.notify_status_change(event)
    winback.create_tasks(event)
    delivery_ids = webhooks.create_deliveries(event)
    mark_fanned_out(event_id)
    # A send lost on the way is found by the reconciler (pending past its time).
    for delivery_id in delivery_ids:
        enqueue_on_commit(webhooks.DELIVER_TASK, delivery_id)
    enqueue_on_commit(emails.SEND_TASK, event_id)


def mark_fanned_out(event_id: int) -> None:
    """Record that the change's notifications, win-back tasks and deliveries are written."""
    StatusFanOut.objects.bulk_create([StatusFanOut(event_id=event_id)], ignore_conflicts=True)
