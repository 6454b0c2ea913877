"""Writes about customer accounts and deals."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from deals.models import Account


@transaction.atomic
def account_create_prospect(*, name: str, owner, domain: str = "") -> Account:
    """A new prospect, created by a rep while logging a call; the rep owns it."""
    if not owner.has_perm("deals.add_account"):
        raise PermissionDenied("You cannot create accounts.")
    account = Account(
        name=name.strip(), domain=domain, owner=owner, lifecycle=Account.Lifecycle.PROSPECT
    )
    if not account.name:
        raise ValidationError({"account": "Give the new account a name."})
    account.full_clean()
    account.save()
    return account
