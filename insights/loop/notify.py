"""Who hears about a theme's status change, and what they are told."""

from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from deals.models import Deal, Stage
from insights.loop.models import NOTIFYING_STATUSES, Notification
from insights.notes.models import CallNote
from insights.themes.models import ThemeEvent

User = get_user_model()


def status_event(event_id: int) -> ThemeEvent | None:
    """The status change behind `event_id`, or None if it is not one (or is gone)."""
    return (
        ThemeEvent.objects.select_related("theme")
        .filter(pk=event_id, kind=ThemeEvent.Kind.STATUS)
        .first()
    )


def customers_in_theme(theme_id: int) -> dict[int, dict]:
    """For each author of a note in the theme: their accounts and the open deals touched.

    A rep's open deals are those with a note in the theme that are on one of
    the rep's accounts there, or that the rep owns. Two queries, whatever the
    theme's size.
    """
    rows = CallNote.objects.filter(assignment__theme_id=theme_id).values_list(
        "author_id", "account_id", "account__name"
    )
    accounts: dict[int, dict[int, str]] = defaultdict(dict)
    for author_id, account_id, account_name in rows:
        accounts[author_id][account_id] = account_name
    open_deals = list(
        Deal.objects.open()
        .filter(call_notes__assignment__theme_id=theme_id)
        .distinct()
        .order_by("-amount", "pk")
        .values("id", "name", "account_id", "account__name", "amount", "stage", "owner_id")
    )
    found = {}
    for author_id, theirs in accounts.items():
        deals = [
            {
                "id": d["id"],
                "name": d["name"],
                "account": d["account__name"],
                "amount": str(d["amount"]),
                "stage": Stage(d["stage"]).label,
            }
            for d in open_deals
            if d["account_id"] in theirs or d["owner_id"] == author_id
        ]
        found[author_id] = {
            "accounts": [
                {"id": pk, "name": name}
                for pk, name in sorted(theirs.items(), key=lambda item: item[1].lower())
            ],
            "deals": deals,
            "open_pipeline": str(sum((Decimal(d["amount"]) for d in deals), Decimal(0))),
        }
    return found


def _email_state(user) -> str:
    if not user.email or user.notification_preference == User.NotificationPreference.OFF:
        return Notification.Email.SKIPPED
    return Notification.Email.PENDING


@transaction.atomic
def notify_status_change(event: ThemeEvent) -> None:
    """Create the notifications of one status change.

    Safe to call any number of times for the same change: the unique
    (recipient, event) constraint makes a second call create nothing.
    """
    new = event.data.get("new")
    if new not in NOTIFYING_STATUSES:
        return
    customers = customers_in_theme(event.theme_id)
    _notify(event, customers, old=event.data.get("old", ""), new=new, email=_email_state)


@transaction.atomic
def notify_merge_outcome(event_id: int) -> None:
    """Tell the reps whose notes a merge moved under another status what became of them.

    `event_id` is the target's merge line; a rep told "Planned" about the merged
    theme now reads that their notes are in a Shipped (say) one. Safe to repeat.
    """
    event = ThemeEvent.objects.filter(pk=event_id, kind=ThemeEvent.Kind.MERGED).first()
    if event is None or "source" not in event.data:
        return
    old, new = event.data.get("source_status"), event.data.get("target_status")
    if old == new or new not in NOTIFYING_STATUSES:
        return
    merge = (
        ThemeEvent.objects.filter(theme_id=event.data["source"], kind=ThemeEvent.Kind.MERGED)
        .filter(data__into=event.theme_id)
        .order_by("-created_at", "-id")
        .first()
    )
    moved = merge.data.get("note_ids", []) if merge else []
    authors = set(CallNote.objects.filter(pk__in=moved).values_list("author_id", flat=True))
    customers = {
        pk: found for pk, found in customers_in_theme(event.theme_id).items() if pk in authors
    }
    # The bell only: no status email for a merge.
    _notify(event, customers, old=old, new=new, email=lambda user: Notification.Email.SKIPPED)


def withdraw_merge_outcome(event_id: int) -> int:
    """Take back the bell notifications of a merge that was undone; how many.

    They said the reps' notes are now under another status; after the undo the
    notes are back in their own theme, so they would mislead. Merge outcomes are
    never emailed (see notify_merge_outcome), so nothing else went out.
    """
    deleted, _ = Notification.objects.filter(event_id=event_id).delete()
    return deleted


def _notify(event: ThemeEvent, customers: dict, *, old: str, new: str, email) -> None:
    """One notification per customer-rep of the change (not its author); repeats create none."""
    recipients = User.objects.filter(pk__in=customers, is_active=True)
    if event.actor_id:
        recipients = recipients.exclude(pk=event.actor_id)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                theme_id=event.theme_id,
                event=event,
                old_status=old,
                new_status=new,
                details=customers[user.pk],
                email=email(user),
            )
            for user in recipients
        ],
        ignore_conflicts=True,
    )


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("theme", "event")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them without ids); only ever theirs."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
