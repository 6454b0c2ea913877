"""Reads about customer accounts and deals."""

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower

from deals.models import Account


# Accounts are the same whatever the case of their domain or name. These
# compare lower(…) with lower(…), as the unique domain constraint and the name
# index are built (`__iexact` compares upper(…) and so reads every account).
def accounts_with_domain(domain: str) -> QuerySet[Account]:
    """The account using `domain`, any case (at most one: the domain is unique)."""
    # Not blank: the unique index holds only accounts that have a domain.
    return (
        Account.objects.exclude(domain="")
        .alias(domain_ci=Lower("domain"))
        .filter(domain_ci=Lower(Value(domain)))
    )


def accounts_named(name: str) -> QuerySet[Account]:
    """Accounts called `name`, any case (names may repeat; the domain tells them apart)."""
    return Account.objects.alias(name_ci=Lower("name")).filter(name_ci=Lower(Value(name)))


def account_by_domain_or_name(text: str) -> Account | None:
    """The account whose domain, or else whose name, is `text` (any case); None if none."""
    if not text:
        return None
    return accounts_with_domain(text).first() or accounts_named(text).first()


# How alike two account names must be (pg_trgm similarity: shared three-letter
# pieces over all pieces, 0–1) before a rep creating a new prospect is asked
# "did you mean …?". At 0.5, "Granite Food" meets Granite Foods (0.8) and
# "Northwind" meets Northwind Analytics (0.5), while Initech and Initrode
# (0.31) are different companies. See docs/definitions.md.
SAME_NAME_SIMILARITY = 0.5


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def account_search(*, query: str, limit: int = 10) -> list[Account]:
    """Accounts a rep may mean by what they typed, closest first.

    Fuzzy: every typed word found anywhere in the name ("gran foo" finds
    Granite Foods), a name alike by trigrams (a typo), or a domain starting
    with it. Both name tests use the trigram index on PostgreSQL; elsewhere
    (the SQLite fallback) only the words are matched.
    """
    query = " ".join(query.split())
    if not query:
        return []
    words = Q()
    for word in query.split():
        words &= Q(name__icontains=word)
    matches = words | Q(domain__istartswith=query)
    accounts = Account.objects.all()
    if _on_postgres():
        matches |= Q(name__trigram_similar=query)
        accounts = accounts.annotate(alike=TrigramSimilarity("name", query))
        return list(accounts.filter(matches).order_by("-alike", "name")[:limit])
    return list(accounts.filter(matches).order_by("name")[:limit])


def accounts_named_alike(*, name: str, limit: int = 3) -> list[Account]:
    """Existing accounts whose name is close to `name` (see SAME_NAME_SIMILARITY),
    closest first: what a new prospect of that name may duplicate."""
    name = " ".join(name.split())
    if not name:
        return []
    if not _on_postgres():
        return list(Account.objects.filter(name__icontains=name).order_by("name")[:limit])
    return list(
        # `trigram_similar` (at pg_trgm's own threshold, 0.3) walks the index.
        Account.objects.filter(name__trigram_similar=name)
        .annotate(alike=TrigramSimilarity("name", name))
        .filter(alike__gte=SAME_NAME_SIMILARITY)
        .order_by("-alike", "name")[:limit]
    )
