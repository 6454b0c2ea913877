"""Win-back: when a theme ships, the deals lost over it become a task list for their reps.

A deal lost in the twelve months before the theme shipped, with a note in
the theme, is a task for the deal's owner, with the customer's words. When
the rep reopens the deal from that list and it is then won, its amount
counts as revenue the theme recovered.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from accounts.rules import can_change_deal
from deals.models import Deal, Stage
from insights.loop.models import WinBackTask
from insights.notes.models import CallNote
from insights.themes.models import ThemeEvent, ThemeStatus

LOOKBACK = dt.timedelta(days=365)


def create_tasks(event: ThemeEvent) -> int:
    """Make the win-back list of a theme that just shipped; safe to repeat."""
    if event.data.get("new") != ThemeStatus.SHIPPED:
        return 0
    shipped_at = event.created_at
    lost = Deal.objects.lost().filter(
        closed_at__gte=shipped_at - LOOKBACK,
        closed_at__lte=shipped_at,
        call_notes__assignment__theme_id=event.theme_id,
    )
    deals = {d.pk: d for d in lost.distinct()}
    # The note that cited the theme: one with the customer's own words if any,
    # else the latest.
    citing: dict[int, CallNote] = {}
    notes = CallNote.objects.filter(
        assignment__theme_id=event.theme_id, deal_id__in=deals
    ).order_by("deal_id", F("quote").desc(nulls_last=True), "-call_date", "-pk")
    for note in notes:
        if note.deal_id not in citing or (note.quote and not citing[note.deal_id].quote):
            citing[note.deal_id] = note
    WinBackTask.objects.bulk_create(
        [
            WinBackTask(
                theme_id=event.theme_id,
                deal=deal,
                event=event,
                owner_id=deal.owner_id,
                note=citing.get(deal.pk),
                quote=_words(citing.get(deal.pk)),
                lost_amount=deal.amount,
                lost_at=deal.closed_at,
                loss_reason=deal.loss_reason,
            )
            for deal in deals.values()
        ],
        ignore_conflicts=True,
    )
    return len(deals)


def _words(note: CallNote | None) -> str:
    if note is None:
        return ""
    return note.quote or note.body[:500]


def tasks_for(user):
    """The user's win-back list: to do first, then reopened, newest loss first."""
    return (
        WinBackTask.objects.filter(owner=user)
        .exclude(state=WinBackTask.State.DISMISSED)
        .select_related("theme", "deal", "deal__account")
        .order_by(F("reopened_at").desc(nulls_first=True), "-lost_at", "-pk")
    )


def tasks_of_theme(theme_id: int) -> list[WinBackTask]:
    """The theme's whole win-back list (bounded: a year of lost deals), biggest first."""
    return list(
        WinBackTask.objects.filter(theme_id=theme_id)
        .select_related("deal", "deal__account", "owner")
        .order_by("-lost_amount", "-pk")
    )


def _locked(task: WinBackTask, actor) -> tuple[WinBackTask, Deal]:
    task = WinBackTask.objects.select_for_update().get(pk=task.pk)
    deal = Deal.objects.select_for_update().get(pk=task.deal_id)
    if not can_change_deal(actor, deal):
        raise PermissionDenied("Only the deal's owner (or an admin) works its win-back.")
    return task, deal


@transaction.atomic
def reopen(task: WinBackTask, *, actor, stage: str = Stage.QUALIFICATION) -> WinBackTask:
    """Reopen the lost deal to go back and sell; its loss reason stays on the task."""
    task, deal = _locked(task, actor)
    if task.state != WinBackTask.State.OPEN:
        raise ValidationError("This deal was already reopened or dismissed.")
    if deal.stage != Stage.CLOSED_LOST:
        raise ValidationError("This deal is not lost any more; nothing to reopen.")
    if stage not in (Stage.PROSPECTING, Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION):
        raise ValidationError({"stage": "Reopen into an open stage."})
    deal.stage, deal.loss_reason = stage, ""
    deal.save(update_fields=["stage", "loss_reason", "closed_at", "updated_at"])
    task.state = WinBackTask.State.REOPENED
    task.reopened_at, task.reopened_by = timezone.now(), actor
    task.save(update_fields=["state", "reopened_at", "reopened_by"])
    return task


@transaction.atomic
def close(task: WinBackTask, *, actor, won: bool, loss_reason: str = "") -> WinBackTask:
    """Record how a reopened deal ended."""
    task, deal = _locked(task, actor)
    if task.state != WinBackTask.State.REOPENED or not deal.is_open:
        raise ValidationError("Only a reopened deal that is still open can be closed here.")
    deal.stage = Stage.CLOSED_WON if won else Stage.CLOSED_LOST
    deal.loss_reason = "" if won else loss_reason.strip()
    deal.save(update_fields=["stage", "loss_reason", "closed_at", "updated_at"])
    return task


@transaction.atomic
def dismiss(task: WinBackTask, *, actor) -> WinBackTask:
    task, _deal = _locked(task, actor)
    if task.state != WinBackTask.State.OPEN:
        raise ValidationError("Only a task still to do can be dismissed.")
    task.state = WinBackTask.State.DISMISSED
    task.save(update_fields=["state"])
    return task


# Recovered revenue: a deal reopened from a win-back list and won after that
# (docs/definitions.md). Every figure of recovered revenue sums over this.
RECOVERED = Q(
    reopened_at__isnull=False,
    deal__stage=Stage.CLOSED_WON,
    deal__closed_at__gte=F("reopened_at"),
)


def recovered_revenue(theme_ids) -> dict[int, Decimal]:
    """Per theme: amounts of deals reopened from its win-back list and then won."""
    found: dict[int, Decimal] = defaultdict(Decimal)
    rows = (
        WinBackTask.objects.filter(RECOVERED, theme_id__in=list(theme_ids))
        .values("theme_id")
        .annotate(total=Sum("deal__amount"))
    )
    for row in rows:
        found[row["theme_id"]] = row["total"] or Decimal(0)
    return found
