"""Writes about customer accounts, deals and competitors.

Every path that creates or changes them (the API, log a call, the CSV import)
goes through here, so the same rules hold everywhere: who may touch which row
(`accounts.rules`), the model's own validation (money bounds, a domain or a
competitor name used once in any case), and deletions refused while call
notes or deals still refer to the row. `account_build` and `deal_build` hold
the rules of a valid account or deal and write nothing, so an import can show
every problem before it writes; the `*_create` functions run the same rules,
then save.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.rules import can_add_deal_to, can_change_account, can_change_deal, can_move_deal
from deals.models import Account, Competitor, Deal, Segment, Stage
from feedbackhub.errors import Conflict

# Constraint messages that belong to one field: full_clean reports functional
# unique constraints under "__all__", but the person must see them by the field.
_CONSTRAINT_FIELD = {
    "account_domain_unique_ci": "domain",
    "competitor_name_unique_ci": "name",
}


def _full_clean(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """`full_clean`, with errors of single-field constraints moved to that field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = exc.update_error_dict({})
        general = errors.pop("__all__", [])
        for error in general:
            messages = error.messages if isinstance(error, ValidationError) else [error]
            field = next(
                (
                    f
                    for c in instance._meta.constraints
                    if (f := _CONSTRAINT_FIELD.get(c.name))
                    and c.violation_error_message in messages
                ),
                "__all__",
            )
            errors.setdefault(field, []).append(error)
        raise ValidationError(errors) from None


def _set(instance: models.Model, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


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
    _full_clean(account)
    return account


@transaction.atomic
def account_create(*, user, **fields) -> Account:
    """A new customer account (API, imports); owned by its creator unless `owner` is given."""
    if not user.has_perm("deals.add_account"):
        raise PermissionDenied("You cannot create accounts.")
    fields["owner"] = fields.get("owner") or user
    account = account_build(**fields)
    account.save()
    return account


@transaction.atomic
def account_update(*, account: Account, user, **fields) -> Account:
    if not can_change_account(user, account):
        raise PermissionDenied("Only admins change accounts they do not own.")
    _set(account, fields)
    _full_clean(account)
    account.save()
    return account


@transaction.atomic
def account_delete(*, account: Account, user) -> None:
    if not user.has_perm("deals.delete_account"):
        raise PermissionDenied("You cannot delete accounts.")
    notes = account.call_notes.count()
    deals = account.deals.count()
    if notes or deals:
        raise Conflict(
            f"{account.name} still has {notes} call note(s) and {deals} deal(s); "
            "an account with history cannot be deleted (mark it churned instead)."
        )
    account.delete()


def deal_check(*, deal: Deal, user, moved: bool = False) -> None:
    """Everything `user` must satisfy to save `deal` as it now is.

    Raises PermissionDenied for a rule about who may do it and ValidationError
    (by field) for a value; the CSV import collects the same errors per line.
    """
    opening_on = deal.account_id is not None and (deal.pk is None or moved)
    if opening_on and not can_add_deal_to(user, deal.account):
        raise PermissionDenied("Reps open deals only on accounts they own.")
    if moved:
        if not can_move_deal(user, deal):
            raise PermissionDenied("Only admins move a deal to another account.")
        if deal.call_notes.exists():
            raise ValidationError(
                {"account": ["This deal has call notes on its account; it cannot move."]}
            )
    _full_clean(deal, exclude=[] if deal.account_id else ["account"])


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
        _full_clean(deal)
    except ValidationError as exc:
        errors = exc.message_dict
    if deal.opened_on > timezone.localdate():
        errors.setdefault("opened_on", []).append("A deal cannot be opened in the future.")
    if errors:
        raise ValidationError(errors)
    return deal


@transaction.atomic
def deal_create(*, user, **fields) -> Deal:
    """A new deal (API, imports); owned by whoever opens it unless `owner` is given."""
    if not user.has_perm("deals.add_deal"):
        raise PermissionDenied("You cannot create deals.")
    fields["owner"] = fields.get("owner") or user
    deal = deal_build(**fields)
    deal_check(deal=deal, user=user)
    deal.save()
    return deal


@transaction.atomic
def deal_update(*, deal: Deal, user, **fields) -> Deal:
    if not can_change_deal(user, deal):
        raise PermissionDenied("Only admins change deals they do not own.")
    account = fields.get("account")
    moved = account is not None and account.pk != deal.account_id
    _set(deal, fields)
    deal_check(deal=deal, user=user, moved=moved)
    deal.save()
    return deal


@transaction.atomic
def deal_delete(*, deal: Deal, user) -> None:
    if not user.has_perm("deals.delete_deal"):
        raise PermissionDenied("You cannot delete deals.")
    notes = deal.call_notes.count()
    if notes:
        raise Conflict(
            f"{deal.name} still has {notes} call note(s); a deal with feedback "
            "cannot be deleted (close it as lost instead)."
        )
    deal.delete()


@transaction.atomic
def competitor_save(*, user, competitor: Competitor | None = None, **fields) -> Competitor:
    """Create (`competitor=None`) or change a competitor."""
    perm = "deals.change_competitor" if competitor else "deals.add_competitor"
    if not user.has_perm(perm):
        raise PermissionDenied("Only admins manage competitors.")
    competitor = competitor or Competitor()
    _set(competitor, fields)
    _full_clean(competitor)
    competitor.save()
    return competitor


@transaction.atomic
def competitor_delete(*, competitor: Competitor, user) -> None:
    if not user.has_perm("deals.delete_competitor"):
        raise PermissionDenied("Only admins manage competitors.")
    competitor.delete()
