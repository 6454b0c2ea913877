"""The rules of a valid call note: each limit, and the one sentence that explains it.

The note services decide: they run `note_problems` before every write. The
model's constraints, the log-a-call form, the admin form, the API serializer,
the CSV import and the templates take their limits and messages from here, so
a rule reads the same wherever it is broken and a limit changes in one place.
No model imports: the models module reads its limits from here.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.utils import timezone


class Importance(models.TextChoices):
    NICE_TO_HAVE = "nice_to_have", "Nice to have"
    IMPORTANT = "important", "Important"
    DEAL_BLOCKER = "deal_blocker", "Deal blocker"


BODY_MAX = 10_000
# Three words is the least that can say who needs what ("needs SAML SSO"); one
# or two words are a label, and tags exist for labels. The theme engine groups
# notes by what they mean, and a note of one word gives it nothing to place.
BODY_MIN_WORDS = 3
# A rep who saves the same words about the same account again within this
# window has most likely pressed Save twice, come back with the browser or
# pasted the note again after a meeting; later, the same words are likely a
# new call. Within it, a save asks "save anyway?" instead of duplicating.
DUPLICATE_WINDOW = dt.timedelta(minutes=30)
# Past this share of the limit the counter under the note turns to a warning.
BODY_WARN_RATIO = 0.9
QUOTE_MAX = 1_000
TAG_MAX = 40
TAGS_PER_NOTE_MAX = 20
# A date input takes a two-digit year as written: "20/11/26" is the year 26,
# and a note dated then falls out of every period, trend and list order for
# good. No call this product records is older than this, imports included.
CALL_DATE_MAX_AGE_YEARS = 10

BODY_EMPTY = "Write what the customer said; the note cannot be empty."
BODY_TOO_SHORT = (
    f"Write at least {BODY_MIN_WORDS} words: who needs what, and why it matters to them."
)
BODY_TOO_LONG = f"A note can have at most {BODY_MAX:,} characters."
QUOTE_TOO_LONG = f"A quote can have at most {QUOTE_MAX:,} characters."
TAG_EMPTY = "A tag cannot be empty."
TAG_TOO_LONG = f"A tag can have at most {TAG_MAX} characters."
TOO_MANY_TAGS = f"At most {TAGS_PER_NOTE_MAX} tags per note."
DEAL_OF_ANOTHER_ACCOUNT = "This deal belongs to another account. Pick one of this account's deals."
CALL_DATE_EMPTY = "Give the date of the call."
# Only a date that is not on the calendar gets here from a date input (30 February).
CALL_DATE_INVALID = "That call date is not on the calendar: check the day and the month."
CALL_DATE_IN_FUTURE = "The call date cannot be in the future."
CALL_DATE_TOO_OLD = (
    f"The call date is more than {CALL_DATE_MAX_AGE_YEARS} years ago: check the year."
)
UNKNOWN_IMPORTANCE = f"Importance must be one of: {', '.join(Importance.values)}."


def body_problem(body: str | None) -> str | None:
    if not body or not body.strip():
        return BODY_EMPTY
    if len(body) > BODY_MAX:
        return BODY_TOO_LONG
    if word_count(body) < BODY_MIN_WORDS:
        return BODY_TOO_SHORT
    return None


def word_count(text: str) -> int:
    """Words as a reader counts them: runs between spaces holding a letter or digit.

    Dashes, bullets and other punctuation standing alone ("- - - -") say nothing.
    """
    return sum(1 for run in text.split() if any(ch.isalnum() for ch in run))


def same_text(body: str) -> str:
    """A note's text as the duplicate guard compares it: case and spacing do not count."""
    return " ".join(body.casefold().split())


def saved_ago(then: dt.datetime, now: dt.datetime | None = None) -> str:
    minutes = int(((now or timezone.now()) - then).total_seconds() // 60)
    if minutes < 1:
        return "less than a minute ago"
    return f"{minutes} minute{'s' if minutes != 1 else ''} ago"


def duplicate_message(then: dt.datetime) -> str:
    """What every path says of a note saved twice; each adds how to go on."""
    return f"You saved this same note {saved_ago(then)}."


def same_row_message(line: int) -> str:
    return f"The same note for the same account as line {line}; remove one of them."


def quote_problem(quote: str | None) -> str | None:
    return QUOTE_TOO_LONG if quote and len(quote) > QUOTE_MAX else None


def tags_problem(names: Iterable[str]) -> str | None:
    """For tag names already normalised (see `Tag.normalise`)."""
    names = list(names)
    if len(names) > TAGS_PER_NOTE_MAX:
        return TOO_MANY_TAGS
    for name in names:
        if len(name) > TAG_MAX:
            return tag_too_long(name)
    return None


def tag_too_long(name: str) -> str:
    """Names the tag: among several typed in one box, the rep must see which one is long."""
    shown = name if len(name) <= 60 else f"{name[:57]}…"
    return f"The tag “{shown}” has {len(name)} characters; a tag can have at most {TAG_MAX}."


def call_date_problem(call_date: dt.date) -> str | None:
    today = timezone.localdate()
    if call_date > today:
        return CALL_DATE_IN_FUTURE
    if call_date.year < today.year - CALL_DATE_MAX_AGE_YEARS:
        return CALL_DATE_TOO_OLD
    return None


def deal_problem(*, deal, account_id: int | None) -> str | None:
    """A note's deal must be one of the note's account's deals."""
    if deal is not None and account_id is not None and deal.account_id != account_id:
        return DEAL_OF_ANOTHER_ACCOUNT
    return None


def importance_from_text(text: str) -> str:
    """The importance a person wrote in a file, as its stored value: the label the pages
    show ("Deal blocker") is read like the value ("deal_blocker"), whatever the case.
    Anything else comes back as written, for `importance_problem` to refuse."""
    wanted = " ".join(text.replace("_", " ").replace("-", " ").casefold().split())
    for value, label in Importance.choices:
        if wanted in (label.casefold(), value.replace("_", " ")):
            return value
    return text


def importance_problem(importance: str) -> str | None:
    return None if importance in Importance.values else UNKNOWN_IMPORTANCE


def note_problems(
    *,
    account,
    deal,
    call_date: dt.date,
    body: str,
    quote: str,
    importance: str,
    tags: Iterable[str] | None = None,
) -> dict[str, str]:
    """Every broken rule of a note, by field; empty when the note may be saved.

    `tags` are normalised names, or None when the tags are not being changed.
    """
    problems = {
        "body": body_problem(body),
        "quote": quote_problem(quote),
        "deal": deal_problem(deal=deal, account_id=account.pk if account else None),
        "call_date": call_date_problem(call_date),
        "importance": importance_problem(importance),
        "tags": tags_problem(tags) if tags is not None else None,
    }
    return {field: message for field, message in problems.items() if message}
