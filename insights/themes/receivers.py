"""Keep the themes in step with notes and deals, whatever path changed them.

Notes and deals know nothing about themes; these receivers are how the theme
area hears about their changes. A note saved anywhere (form, API, import,
admin) is handed to incremental placement after its transaction commits; a
removed assignment, an edit to a note's account, deal, call date, tags or
competitors, a deal whose amount or stage changed, an account whose segment
or region changed, or a rep joining or leaving a team (the dashboard's
figures per segment, region and team) refreshes the statistics of the themes
it touches. Bulk inserts (the demo seeder) send no
signals: a full run picks those up. (The notes' facts that the dashboard's
filter combinations read, NoteFacts, are kept by database triggers instead,
which every writer fires, bulk ones included: insights/migrations/_note_facts.py.)

When a rep says which known need a new note is (log a call's hint), the notes
service announces it (`need_named`) inside the note's transaction and the
themes area records it here; so the dependency stays one way (themes → notes)
and the note and its place in the theme are saved together or not at all.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import TeamMembership
from deals.models import Account, Deal
from feedbackhub.queue import enqueue_on_commit
from insights.notes.models import CallNote
from insights.notes.services import need_named, note_figures_changed
from insights.themes import note_moves
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline import placement, stats

# What a theme's figures read from a deal (its competitor: the figures per competitor);
# other edits (a name, a loss reason) change none.
_DEAL_FIELDS_IN_FIGURES = ("amount", "stage", "account_id", "competitor_id")
# What they read from an account: the figures per segment and per region.
_ACCOUNT_FIELDS_IN_FIGURES = ("segment", "region")


@receiver(post_save, sender=CallNote, dispatch_uid="place-saved-note")
def place_saved_note(sender, instance: CallNote, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "body" not in update_fields):
        return
    enqueue_on_commit(placement.PLACE_TASK, instance.pk)


@receiver(need_named, sender=CallNote, dispatch_uid="join-the-named-need")
def join_the_named_need(sender, note: CallNote, theme_id: int, actor, **kwargs):
    note_moves.note_join_named_need(note=note, theme_id=theme_id, actor=actor)


@receiver(post_delete, sender=ThemeAssignment, dispatch_uid="refresh-after-unassign")
def refresh_after_unassign(sender, instance: ThemeAssignment, **kwargs):
    if instance.theme_id is not None:
        stats.refresh_soon(theme_ids=[instance.theme_id])


@receiver(note_figures_changed, sender=CallNote, dispatch_uid="refresh-after-note-edit")
def refresh_after_note_edit(sender, note: CallNote, **kwargs):
    """A note's account, deal, call date, tags or competitors changed: its theme recounts."""
    theme_id = ThemeAssignment.objects.filter(note=note).values_list("theme_id", flat=True).first()
    stats.refresh_soon(theme_ids=[theme_id])


def _refresh_themes_of(notes) -> None:
    theme_ids = list(
        ThemeAssignment.objects.filter(note__in=notes, theme__isnull=False)
        .values_list("theme_id", flat=True)
        .distinct()
    )
    if theme_ids:
        stats.refresh_soon(theme_ids=theme_ids)


def _remember_figure_changes(instance, fields: tuple[str, ...]) -> None:
    """Note on the instance, before its save, whether a field the figures read is changing."""
    if instance.pk is None:
        instance._figures_changed = False
        return
    before = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    instance._figures_changed = before is None or any(
        before[name] != getattr(instance, name) for name in fields
    )


@receiver(pre_save, sender=Deal, dispatch_uid="remember-deal-figures")
def remember_deal_figures(sender, instance: Deal, raw=False, **kwargs):
    """Note, before the save, whether the deal's figures are about to change."""
    if not raw:
        _remember_figure_changes(instance, _DEAL_FIELDS_IN_FIGURES)


@receiver(post_save, sender=Deal, dispatch_uid="refresh-after-deal-change")
def refresh_after_deal_change(sender, instance: Deal, created=False, raw=False, **kwargs):
    """A deal's amount, stage, account or competitor changed: the themes citing it recount."""
    if created or raw or not getattr(instance, "_figures_changed", True):
        return  # a new deal has no notes yet; an edit elsewhere changes no figure
    _refresh_themes_of(CallNote.objects.filter(deal=instance).values("pk"))


@receiver(pre_save, sender=Account, dispatch_uid="remember-account-figures")
def remember_account_figures(sender, instance: Account, raw=False, **kwargs):
    """Note, before the save, whether the account's segment or region is about to change."""
    if not raw:
        _remember_figure_changes(instance, _ACCOUNT_FIELDS_IN_FIGURES)


@receiver(post_save, sender=Account, dispatch_uid="refresh-after-account-change")
def refresh_after_account_change(sender, instance: Account, created=False, raw=False, **kwargs):
    """An account's segment or region changed: the themes citing it recount per segment and
    region."""
    if created or raw or not getattr(instance, "_figures_changed", True):
        return
    _refresh_themes_of(CallNote.objects.filter(account=instance).values("pk"))


@receiver(post_save, sender=TeamMembership, dispatch_uid="refresh-after-joining-a-team")
@receiver(post_delete, sender=TeamMembership, dispatch_uid="refresh-after-leaving-a-team")
def refresh_after_team_change(sender, instance: TeamMembership, raw=False, **kwargs):
    """A rep joined or left a team: the themes of their notes recount per team."""
    if raw:
        return
    _refresh_themes_of(CallNote.objects.filter(author_id=instance.user_id).values("pk"))
