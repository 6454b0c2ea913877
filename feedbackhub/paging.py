"""Pages of a list without counting it: one query per page, however long the list.

Counting 50,000 notes to print "page 1 of 2,000" costs more than the page
itself; reps need newer/older, not the total. Every page of the product reads
its `?page=` through page_number(), so they all treat a bad one alike.
"""

from collections.abc import Callable
from dataclasses import dataclass

# The deepest page served: beyond it the offset grows past what a page scan
# should read (and past PostgreSQL's bigint for absurd numbers); a URL asking
# for more gets this page, like "?page=0" gets the first.
MAX_PAGE = 10_000


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(raw) -> int:
    """The page a URL asked for, clamped to 1…MAX_PAGE; page 1 when it is no number."""
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):  # "abc", or more digits than int() reads
        return 1
    return min(max(1, number), MAX_PAGE)


def fetch_page(fetch: Callable[[int, int], list], raw_number, per_page: int) -> Page:
    """The page `raw_number` of what `fetch(offset, limit)` returns, one extra row read
    to know whether there is a next page."""
    number = page_number(raw_number)
    rows = list(fetch((number - 1) * per_page, per_page + 1))
    return Page(rows[:per_page], number, len(rows) > per_page)


def page_of(queryset, raw_number, per_page: int) -> Page:
    return fetch_page(lambda offset, limit: queryset[offset : offset + limit], raw_number, per_page)
