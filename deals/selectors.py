"""Reads about customer accounts and deals."""

from deals.models import Account


def account_by_domain_or_name(text: str) -> Account | None:
    """The account whose domain, or else whose name, is `text` (any case); None if none."""
    if not text:
        return None
    return (
        Account.objects.filter(domain__iexact=text).first()
        or Account.objects.filter(name__iexact=text).first()
    )
