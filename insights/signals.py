"""Keep the theme engine in step with notes and deals, whatever path changed them.

A note saved anywhere (form, API, import, admin) is handed to incremental
placement after its transaction commits; a deleted note, or a deal whose
amount or stage changed, refreshes the statistics of the themes it touches.
Bulk inserts (the demo seeder) send no signals: a full run picks those up.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from deals.models import Deal
from insights.models import CallNote, ThemeAssignment
from insights.triage import theme_status_changed


@receiver(post_save, sender=CallNote, dispatch_uid="place-saved-note")
def place_saved_note(sender, instance: CallNote, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "body" not in update_fields):
        return
    from insights.tasks import place_note

    note_id = instance.pk
    transaction.on_commit(lambda: place_note.delay(note_id))


@receiver(post_delete, sender=ThemeAssignment, dispatch_uid="refresh-after-unassign")
def refresh_after_unassign(sender, instance: ThemeAssignment, **kwargs):
    if instance.theme_id is None:
        return
    from insights.tasks import refresh_theme_stats

    theme_id = instance.theme_id
    transaction.on_commit(lambda: refresh_theme_stats.delay([theme_id]))


@receiver(post_save, sender=Deal, dispatch_uid="refresh-after-deal-change")
def refresh_after_deal_change(sender, instance: Deal, created=False, raw=False, **kwargs):
    if created or raw:
        return  # a new deal has no notes yet
    theme_ids = list(
        ThemeAssignment.objects.filter(note__deal=instance, theme__isnull=False)
        .values_list("theme_id", flat=True)
        .distinct()
    )
    if theme_ids:
        from insights.tasks import refresh_theme_stats

        transaction.on_commit(lambda: refresh_theme_stats.delay(theme_ids))


@receiver(theme_status_changed, dispatch_uid="close-the-loop-on-status-change")
def close_the_loop(sender, event_id: int, **kwargs):
    # Sent after the change committed (see insights.triage).
    from insights.tasks import theme_status_fan_out

    theme_status_fan_out.delay(event_id)
