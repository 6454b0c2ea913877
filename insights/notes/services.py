"""Writes about call notes: create, update, delete, and upsert from other systems.

Every path that saves a note — the form, the API, the CSV import — goes
through these functions, so the rules live in one place: the limits, a deal
of the chosen account, no call date in the future, tags normalised and reused
case-insensitively. The theme engine hears about saved notes through Django's
signals (insights.themes.receivers), after commit.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.rules import can_change_note, can_delete_note
from deals.models import Account, Competitor, Deal
from insights.notes.models import QUOTE_MAX, TAG_MAX, TAGS_PER_NOTE_MAX, CallNote, Importance, Tag

# Sent inside note_create's transaction when the author said which known need
# the note expresses (a theme id, picked from log a call's hint): note,
# theme_id, actor. Notes know nothing of themes; the themes area listens and
# records it as the author's decision, in the same transaction as the note.
need_named = Signal()


def parse_tags(raw: str | Iterable[str]) -> list[str]:
    """Tags from "SSO, pricing" or a list; normalised, de-duplicated, order kept."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: dict[str, None] = {}
    for item in items:
        name = Tag.normalise(str(item))
        if name:
            seen.setdefault(name, None)
    return list(seen)


def validate_tags(names: list[str]) -> None:
    if len(names) > TAGS_PER_NOTE_MAX:
        raise ValidationError(
            {"tags": f"At most {TAGS_PER_NOTE_MAX} tags per note; this one has {len(names)}."}
        )
    too_long = [n for n in names if len(n) > TAG_MAX]
    if too_long:
        raise ValidationError(
            {"tags": f"A tag can have at most {TAG_MAX} characters: {too_long[0][:60]!r}."}
        )


def resolve_tags(names: list[str]) -> list[Tag]:
    """Existing tags reused whatever their case; new ones created (race-safe)."""
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(name=name)
            except IntegrityError:  # created by someone else a moment ago
                tag = Tag.objects.get(name=name)
        tags.append(tag)
    return tags


def _validate(
    *, account: Account, deal: Deal | None, call_date: dt.date, body: str, quote: str, importance
) -> None:
    errors = {}
    if not body or not body.strip():
        errors["body"] = "Write what the customer said; the note cannot be empty."
    elif len(body) > 10_000:
        errors["body"] = f"A note can have at most 10,000 characters; this one has {len(body):,}."
    if quote and len(quote) > QUOTE_MAX:
        errors["quote"] = f"A quote can have at most {QUOTE_MAX:,} characters."
    if deal is not None and deal.account_id != account.pk:
        errors["deal"] = "This deal belongs to another account. Pick one of this account's deals."
    if call_date > timezone.localdate():
        errors["call_date"] = "The call date cannot be in the future."
    if importance not in Importance.values:
        errors["importance"] = f"Importance must be one of: {', '.join(Importance.values)}."
    if errors:
        raise ValidationError(errors)


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
) -> CallNote:
    """Log a note; `need_theme_id` is the known need the author says it expresses."""
    if not author.has_perm("insights.add_callnote"):
        raise PermissionDenied("Only sales reps and admins can log call notes.")
    call_date = call_date or timezone.localdate()
    names = parse_tags(tags)
    validate_tags(names)
    _validate(
        account=account,
        deal=deal,
        call_date=call_date,
        body=body,
        quote=quote,
        importance=importance,
    )
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
    note.tags.set(resolve_tags(names))
    note.competitors.set(list(competitors))
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
    for field in _EDITABLE & set(changes):
        setattr(note, field, changes[field])
    names = parse_tags(changes["tags"]) if "tags" in changes else None
    if names is not None:
        validate_tags(names)
    _validate(
        account=note.account,
        deal=note.deal,
        call_date=note.call_date,
        body=note.body,
        quote=note.quote,
        importance=note.importance,
    )
    note.save()
    if names is not None:
        note.tags.set(resolve_tags(names))
    if "competitors" in changes:
        note.competitors.set(list(changes["competitors"]))
    return note


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
    Returns (note, created).
    """
    if not external_id:
        raise ValidationError({"external_id": "Notes from other systems need an external_id."})
    existing = CallNote.objects.filter(source=source, external_id=external_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                note = note_create(author=author, source=source, external_id=external_id, **fields)
            return note, True
        except IntegrityError:
            existing = CallNote.objects.get(source=source, external_id=external_id)
    if existing.author_id != author.pk and not author.has_perm("insights.change_any_callnote"):
        raise PermissionDenied("This external note was pushed by another user.")
    return note_update(note=existing, user=author, **fields), False
