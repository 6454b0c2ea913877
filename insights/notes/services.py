"""Writes about call notes: create, update, delete, and upsert from other systems.

Every path that saves a note — the form, the API, the CSV import, the Django
admin — goes through these functions, and they are the ones that decide: each
write runs the rules of insights.notes.rules (limits, a deal of the chosen
account, no call date in the future) and normalises tags, reusing existing
ones whatever their case. The theme engine hears about saved notes through
its receivers (insights.themes.receivers), after commit.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.rules import can_change_note, can_delete_note
from deals.models import Account, Competitor, Deal
from feedbackhub.errors import Conflict
from feedbackhub.locks import transaction_lock_pair
from insights.notes import rules, selectors
from insights.notes.models import CallNote, Importance, Tag

# Sent inside note_create's transaction when the author said which known need
# the note expresses (a theme id, picked from log a call's hint): note,
# theme_id, actor. Notes know nothing of themes; the themes area listens and
# records it as the author's decision, in the same transaction as the note.
need_named = Signal()
# Sent inside note_update's transaction when an edit changed what a theme's
# figures read from the note (its account, deal, call date, tags or
# competitors): note. The themes area listens and refreshes its theme's
# figures soon, instead of at the next full refresh.
note_figures_changed = Signal()
# The note's fields a theme's figures read; a new body is placement's business.
_IN_FIGURES = ("account_id", "deal_id", "call_date")


class DuplicateNote(Conflict):
    """The author saved the same text about the same account a moment ago (see
    `rules.DUPLICATE_WINDOW`); saving again needs their explicit confirmation."""

    def __init__(self, earlier: CallNote):
        self.earlier = earlier
        super().__init__(rules.duplicate_message(earlier.created_at))


def parse_tags(raw: str | Iterable[str]) -> list[str]:
    """Tags from "SSO, pricing" or a list; normalised, de-duplicated, order kept."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: dict[str, None] = {}
    for item in items:
        name = Tag.normalise(str(item))
        if name:
            seen.setdefault(name, None)
    return list(seen)


def resolve_tags(names: list[str]) -> list[Tag]:
    """The tags of these normalised names (see `parse_tags`), in their order: existing
    ones reused, new ones created. One query when they all exist, three at most
    however many are new; a tag someone else creates at the same moment is found,
    not duplicated (the insert skips names the unique index already holds)."""
    if not names:
        return []
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [name for name in names if name not in found]
    if missing:
        Tag.objects.bulk_create([Tag(name=name) for name in missing], ignore_conflicts=True)
        found.update((tag.name, tag) for tag in Tag.objects.filter(name__in=missing))
    return [found[name] for name in names]


def _validate(**note) -> None:
    """Refuse the note, naming every broken rule by field, unless it may be saved."""
    problems = rules.note_problems(**note)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def note_create(
    *,
    author,
    account: Account,
    body: str,
    call_date: dt.date | None = None,
    deal: Deal | None = None,
    tags: Iterable[str] = (),
    importance: str = Importance.IMPORTANT,
    competitors: Iterable[Competitor] = (),
    quote: str = "",
    source: str = CallNote.Source.WEB,
    external_id: str = "",
    need_theme_id: int | None = None,
    confirm_duplicate: bool = False,
) -> CallNote:
    """Log a note; `need_theme_id` is the known need the author says it expresses.

    Raises `DuplicateNote` when the author saved the same text about the same
    account within the duplicate window, unless `confirm_duplicate`.
    """
    if not author.has_perm("insights.add_callnote"):
        raise PermissionDenied("Only sales reps and admins can log call notes.")
    call_date = call_date or timezone.localdate()
    names = parse_tags(tags)
    _validate(
        account=account,
        deal=deal,
        call_date=call_date,
        body=body,
        quote=quote,
        importance=importance,
        tags=names,
    )
    if not confirm_duplicate:
        # Two saves of one note arriving together (a double click) take turns
        # here, so the second one sees the first.
        transaction_lock_pair(author.pk, account.pk)
        earlier = selectors.recent_same_note(author=author, account=account, body=body)
        if earlier is not None:
            raise DuplicateNote(earlier)
    note = CallNote.objects.create(
        author=author,
        account=account,
        deal=deal,
        call_date=call_date,
        body=body,
        importance=importance,
        quote=quote or "",
        source=source,
        external_id=external_id or "",
    )
    # A new note has no tags or competitors yet: added, not compared with what it had.
    note.tags.add(*resolve_tags(names))
    note.competitors.add(*competitors)
    if need_theme_id:
        need_named.send(sender=CallNote, note=note, theme_id=need_theme_id, actor=author)
    return note


_EDITABLE = {"account", "deal", "call_date", "body", "importance", "quote"}


@transaction.atomic
def note_update(*, note: CallNote, user, **changes) -> CallNote:
    """Change a note the user may change; fields not given stay as they are."""
    if not can_change_note(user, note):
        raise PermissionDenied("You can only edit your own notes.")
    note = CallNote.objects.select_for_update().get(pk=note.pk)
    unknown = set(changes) - _EDITABLE - {"tags", "competitors"}
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    before = _figure_inputs(note, changes)
    for field in _EDITABLE & set(changes):
        setattr(note, field, changes[field])
    names = parse_tags(changes["tags"]) if "tags" in changes else None
    _validate(
        account=note.account,
        deal=note.deal,
        call_date=note.call_date,
        body=note.body,
        quote=note.quote,
        importance=note.importance,
        tags=names,
    )
    note.save()
    if names is not None:
        note.tags.set(resolve_tags(names))
    if "competitors" in changes:
        note.competitors.set(list(changes["competitors"]))
    if _figure_inputs(note, changes) != before:
        note_figures_changed.send(sender=CallNote, note=note)
    return note


def _figure_inputs(note: CallNote, changes: dict) -> tuple:
    """What a theme's figures read from the note, as far as this edit may change it."""
    related = [
        frozenset(getattr(note, name).values_list("pk", flat=True)) if name in changes else None
        for name in ("tags", "competitors")
    ]
    return (*(getattr(note, name) for name in _IN_FIGURES), *related)


@transaction.atomic
def note_delete(*, note: CallNote, user) -> None:
    if not can_delete_note(user, note):
        raise PermissionDenied("You can only delete your own notes.")
    note.delete()


def note_upsert_external(
    *, author, source: str, external_id: str, **fields
) -> tuple[CallNote, bool]:
    """Create the note from another system, or update it if that system sent it before.

    Safe to retry, also concurrently: the unique (source, external_id)
    constraint decides, and the loser of a race updates what the winner made.
    The other system's id says which note it is, so the duplicate guard (made
    for people pressing Save twice) does not apply. Returns (note, created).
    """
    if not external_id:
        raise ValidationError({"external_id": "Notes from other systems need an external_id."})
    existing = CallNote.objects.filter(source=source, external_id=external_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                note = note_create(
                    author=author,
                    source=source,
                    external_id=external_id,
                    confirm_duplicate=True,
                    **fields,
                )
            return note, True
        except IntegrityError:
            existing = CallNote.objects.get(source=source, external_id=external_id)
    if existing.author_id != author.pk and not author.has_perm("insights.change_any_callnote"):
        raise PermissionDenied("This external note was pushed by another user.")
    return note_update(note=existing, user=author, **fields), False
