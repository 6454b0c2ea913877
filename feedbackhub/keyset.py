"""Newer / older pages of a newest-first list, by position instead of OFFSET.

A page number makes PostgreSQL read and throw away every row before the page:
page 2,000 of a rep's 50,000 notes reads 50,000 rows. A position — the
creation time and id of the last row shown — makes every page one index range
read, as cheap deep in the list as at its top, and a note saved meanwhile
does not push a row onto the next page twice.

The token in the URL is `<microseconds since the epoch>.<id>`.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Position:
    created_at: dt.datetime
    id: int

    @classmethod
    def of(cls, row) -> "Position":
        return cls(row.created_at, row.pk)

    @classmethod
    def parse(cls, token: str | None) -> "Position | None":
        """The position a token names, or None for a missing or malformed token."""
        micros, _, pk = (token or "").partition(".")
        if not (micros.isdigit() and pk.isdigit()):
            return None
        try:
            created_at = _EPOCH + dt.timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        return cls(created_at, int(pk))

    @property
    def token(self) -> str:
        delta = self.created_at - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}.{self.id}"


@dataclass
class KeysetPage:
    object_list: list
    newer: str | None  # token for the page of newer rows, None on the newest page
    older: str | None  # token for the page of older rows, None on the oldest page

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def keyset_page(
    queryset: QuerySet, *, older: str | None = None, newer: str | None = None, per_page: int
) -> KeysetPage:
    """One page of `queryset` (any filters, any order: it is re-ordered newest first).

    `older` gives the rows just older than that position, `newer` the rows
    just newer; neither gives the newest page. One query per page, except a
    "newer" page that reaches the top, which is the newest page again (two).
    """
    after, before = Position.parse(newer), Position.parse(older)
    if after is not None and before is None:
        rows = list(
            queryset.filter(created_at__gte=after.created_at)
            .exclude(created_at=after.created_at, pk__lte=after.id)
            .order_by("created_at", "id")[: per_page + 1]
        )
        if len(rows) > per_page:
            rows = rows[:per_page][::-1]
            return KeysetPage(rows, newer=Position.of(rows[0]).token, older=_token(rows))
        before = None  # the newest page: start from the top
    newest_first = queryset.order_by("-created_at", "-id")
    if before is not None:
        newest_first = newest_first.filter(created_at__lte=before.created_at).exclude(
            created_at=before.created_at, pk__gte=before.id
        )
    rows = list(newest_first[: per_page + 1])
    has_older = len(rows) > per_page
    rows = rows[:per_page]
    newer_token = None
    if before is not None:  # past the end (rows deleted meanwhile): newer than the position
        newer_token = Position.of(rows[0]).token if rows else before.token
    return KeysetPage(rows, newer=newer_token, older=_token(rows) if has_older else None)


def _token(rows: list) -> str | None:
    return Position.of(rows[-1]).token if rows else None
