"""Newer / older pages of a "most recent first" list, by position instead of OFFSET.

A page number makes PostgreSQL read and throw away every row before the page:
page 2,000 of a rep's 50,000 notes reads 50,000 rows. A position — the day,
creation time and id of the last row shown — makes every page one index range
read, as cheap deep in the list as at its top, and a row saved meanwhile does
not push a row onto the next page twice.

The order is what a person means by "newest first" in a list of calls: the
most recent day first (`day_field`, e.g. the call date), and within one day the
row saved last first. The token in the URL is
`<day as an ordinal>.<microseconds since the epoch>.<id>`.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Position:
    day: dt.date
    created_at: dt.datetime
    id: int

    @classmethod
    def of(cls, row, day_field: str = "call_date") -> "Position":
        return cls(getattr(row, day_field), row.created_at, row.pk)

    @classmethod
    def parse(cls, token: str | None) -> "Position | None":
        """The position a token names, or None for a missing or malformed token."""
        parts = (token or "").split(".")
        if len(parts) != 3 or not all(part.isdigit() for part in parts):
            return None
        try:
            day = dt.date.fromordinal(int(parts[0]))
            created_at = _EPOCH + dt.timedelta(microseconds=int(parts[1]))
        except (OverflowError, ValueError):
            return None
        return cls(day, created_at, int(parts[2]))

    @property
    def token(self) -> str:
        delta = self.created_at - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{self.day.toordinal()}.{micros}.{self.id}"

    def beyond(self, day_field: str, *, older: bool) -> Q:
        """Rows strictly older (or newer) than this position, in the list's order.

        The leading `day` bound on its own lets the index range start at this day.
        """
        op = "lt" if older else "gt"
        return Q(**{f"{day_field}__{op}e": self.day}) & (
            Q(**{f"{day_field}__{op}": self.day})
            | Q(**{day_field: self.day, f"created_at__{op}": self.created_at})
            | Q(**{day_field: self.day, "created_at": self.created_at, f"pk__{op}": self.id})
        )


@dataclass
class KeysetPage:
    object_list: list
    newer: str | None  # token for the page of newer rows, None on the newest page
    older: str | None  # token for the page of older rows, None on the oldest page

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def keyset_page(
    queryset: QuerySet,
    *,
    older: str | None = None,
    newer: str | None = None,
    per_page: int,
    day_field: str = "call_date",
) -> KeysetPage:
    """One page of `queryset` (any filters, any order: it is re-ordered most recent first).

    `older` gives the rows just older than that position, `newer` the rows
    just newer; neither gives the newest page. One query per page, except a
    "newer" page that reaches the top, which is the newest page again (two).
    """
    after, before = Position.parse(newer), Position.parse(older)

    def token(rows: list) -> str | None:
        return Position.of(rows[-1], day_field).token if rows else None

    if after is not None and before is None:
        rows = list(
            queryset.filter(after.beyond(day_field, older=False)).order_by(
                day_field, "created_at", "id"
            )[: per_page + 1]
        )
        if len(rows) > per_page:
            rows = rows[:per_page][::-1]
            return KeysetPage(rows, newer=Position.of(rows[0], day_field).token, older=token(rows))
        before = None  # the newest page: start from the top
    newest_first = queryset.order_by(f"-{day_field}", "-created_at", "-id")
    if before is not None:
        newest_first = newest_first.filter(before.beyond(day_field, older=True))
    rows = list(newest_first[: per_page + 1])
    has_older = len(rows) > per_page
    rows = rows[:per_page]
    newer_token = None
    if before is not None:  # past the end (rows deleted meanwhile): newer than the position
        newer_token = Position.of(rows[0], day_field).token if rows else before.token
    return KeysetPage(rows, newer=newer_token, older=token(rows) if has_older else None)
