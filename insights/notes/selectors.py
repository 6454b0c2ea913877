"""Reads about call notes for the rep pages and the API."""

import datetime as dt
import difflib
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from deals.models import Account, Deal
from insights.notes import rules
from insights.notes.models import CallNote, Tag


@dataclass
class NoteFilters:
    q: str = ""
    accounts: tuple[int, ...] = ()  # any of these accounts
    tag: str = ""
    importance: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def note_list(*, author=None, filters: NoteFilters | None = None) -> QuerySet[CallNote]:
    """Notes, most recent call first (then the last saved), with everything a list
    shows, in a fixed number of queries."""
    filters = filters or NoteFilters()
    qs = CallNote.objects.select_related(
        "account", "deal", "author", "assignment__theme"
    ).prefetch_related("tags")
    if author is not None:
        qs = qs.filter(author=author)
    # Every word typed, in any order, in the note or its quote: "okta rollout"
    # finds "Okta before rollout", as a search box promises.
    for word in filters.q.split():
        qs = qs.filter(Q(body__icontains=word) | Q(quote__icontains=word))
    if filters.accounts:
        qs = qs.filter(account_id__in=filters.accounts)
    if filters.tag:
        qs = qs.filter(tags__name=Tag.normalise(filters.tag))
    if filters.importance:
        qs = qs.filter(importance=filters.importance)
    if filters.date_from:
        qs = qs.filter(call_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(call_date__lte=filters.date_to)
    return qs.order_by("-call_date", "-created_at", "-id")


def saved_note(*, author, note_id: str | int) -> CallNote | None:
    """The author's note that log a call just saved, with what its confirmation
    names (the account, and the theme the note joined if the rep named its need),
    in one query; None when it is not theirs (or gone)."""
    return (
        CallNote.objects.select_related("account", "assignment__theme")
        .filter(pk=note_id, author=author)
        .first()
    )


def tag_search(*, query: str, limit: int = 10) -> list[str]:
    name = Tag.normalise(query)
    if not name:
        return []
    starts = list(Tag.objects.filter(name__startswith=name).values_list("name", flat=True)[:limit])
    if len(starts) < limit:
        starts += [
            n
            for n in Tag.objects.filter(name__contains=name)
            .exclude(name__startswith=name)
            .values_list("name", flat=True)[: limit - len(starts)]
        ]
    return starts


def tag_unknown(name: str) -> tuple[bool, list[str]]:
    """Whether no tag has this name, and up to three known names it may be a slip for.

    Asked only when a page filtered by the tag shows nothing, so a typo ("ssso")
    is told apart from a real tag whose notes fall outside the other filters.
    """
    name = Tag.normalise(name)
    if not name or Tag.objects.filter(name=name).exists():
        return False, []
    known = list(Tag.objects.values_list("name", flat=True))
    return True, difflib.get_close_matches(name, known, n=3)


def deals_for_account(*, account: Account) -> list[Deal]:
    """The account's deals, open ones first, newest first."""
    deals = list(account.deals.order_by("-created_at"))
    return sorted(deals, key=lambda d: not d.is_open)


def recent_same_note(*, author, account: Account, body: str) -> CallNote | None:
    """The author's latest note on this account with the same text (see
    `rules.same_text`), saved within `rules.DUPLICATE_WINDOW`; None if there is none."""
    since = timezone.now() - rules.DUPLICATE_WINDOW
    recent = CallNote.objects.filter(
        author=author, account=account, created_at__gte=since
    ).order_by("-created_at")
    text = rules.same_text(body)
    # A rep saves a handful of notes per account in half an hour: compared here.
    return next((note for note in recent if rules.same_text(note.body) == text), None)
