"""Writes about customer accounts and deals.

`account_build` and `deal_build` hold the rules of a valid account or deal and
write nothing, so an import can show every problem before it writes; the
`*_create` functions run the same rules, then save.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from deals.models import Account, Competitor, Deal, Segment, Stage


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


def account_build(
    *,
    name: str,
    domain: str = "",
    segment: str = Segment.SMB,
    industry: str = "",
    region: str = "",
    lifecycle: str = Account.Lifecycle.PROSPECT,
    arr: Decimal = Decimal("0"),
    owner=None,
) -> Account:
    """The account these fields describe, validated but not saved.

    Raises ValidationError naming every problem by field; a domain another
    account already uses is a non-field error of the unique constraint.
    """
    account = Account(
        name=name,
        domain=domain,
        segment=segment,
        industry=industry,
        region=region,
        lifecycle=lifecycle,
        arr=arr,
        owner=owner,
    )
    account.full_clean()
    return account


@transaction.atomic
def account_create(*, user, **fields) -> Account:
    """A new account of any lifecycle (imports, admins); see `account_build` for fields."""
    if not user.has_perm("deals.add_account"):
        raise PermissionDenied("You cannot create accounts.")
    account = account_build(**fields)
    account.save()
    return account


def deal_build(
    *,
    account: Account,
    name: str,
    amount: Decimal,
    stage: str = Stage.PROSPECTING,
    owner=None,
    competitor: Competitor | None = None,
    opened_on: dt.date | None = None,
    expected_close_date: dt.date | None = None,
    loss_reason: str = "",
) -> Deal:
    """The deal these fields describe, validated but not saved; opened today by default."""
    deal = Deal(
        account=account,
        name=name,
        amount=amount,
        stage=stage,
        owner=owner,
        competitor=competitor,
        opened_on=opened_on or timezone.localdate(),
        expected_close_date=expected_close_date,
        loss_reason=loss_reason,
    )
    errors = {}
    try:
        deal.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
    if deal.opened_on > timezone.localdate():
        errors.setdefault("opened_on", []).append("A deal cannot be opened in the future.")
    if errors:
        raise ValidationError(errors)
    return deal


@transaction.atomic
def deal_create(*, user, **fields) -> Deal:
    """A new deal; see `deal_build` for fields."""
    if not user.has_perm("deals.add_deal"):
        raise PermissionDenied("You cannot create deals.")
    deal = deal_build(**fields)
    deal.save()
    return deal
