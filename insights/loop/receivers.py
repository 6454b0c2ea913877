"""How closing the loop hears of a theme's status change (sent by themes' triage)."""

from django.dispatch import receiver

from feedbackhub.queue import enqueue_now
from insights.loop import notify, status_changes
from insights.themes.triage import (
    theme_merge_undone,
    theme_merged_across_statuses,
    theme_status_changed,
)


@receiver(theme_status_changed, dispatch_uid="close-the-loop-on-status-change")
def close_the_loop(sender, event_id: int, **kwargs):
    # Sent after the change committed (see insights.themes.triage). If Redis
    # cannot take it, the loop's reconciler fans the change out later.
    enqueue_now(status_changes.FAN_OUT_TASK, event_id)


@receiver(theme_merged_across_statuses, dispatch_uid="close-the-loop-on-merge")
def tell_the_merged_themes_reps(sender, event_id: int, **kwargs):
    # A few rows for the reps of one theme; written here, after the merge committed.
    notify.notify_merge_outcome(event_id)


@receiver(theme_merge_undone, dispatch_uid="close-the-loop-on-merge-undone")
def take_back_the_merge_news(sender, event_id: int, **kwargs):
    # In the undo's transaction: the undo and the withdrawal commit together.
    notify.withdraw_merge_outcome(event_id)
