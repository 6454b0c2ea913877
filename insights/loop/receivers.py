"""How closing the loop hears of a theme's status change (sent by themes' triage)."""

from django.dispatch import receiver

from insights.loop.tasks import theme_status_fan_out
from insights.themes.triage import theme_status_changed


@receiver(theme_status_changed, dispatch_uid="close-the-loop-on-status-change")
def close_the_loop(sender, event_id: int, **kwargs):
    # Sent after the change committed (see insights.themes.triage).
    theme_status_fan_out.delay(event_id)
