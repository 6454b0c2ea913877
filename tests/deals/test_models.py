from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deals.models import Account, Deal, Stage
from tests.factories import AccountFactory, CompetitorFactory, DealFactory

pytestmark = pytest.mark.django_db


def test_a_negative_deal_amount_is_refused_with_a_clear_message():
    deal = DealFactory.build(account=AccountFactory(), amount=Decimal("-1"))
    with pytest.raises(ValidationError) as excinfo:
        deal.full_clean()
    assert excinfo.value.message_dict["amount"] == ["A deal amount cannot be negative."]


def test_the_database_refuses_a_negative_amount_even_past_validation():
    deal = DealFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deal.objects.filter(pk=deal.pk).update(amount=Decimal("-5"))


def test_an_unknown_stage_is_refused_by_validation_and_by_the_database():
    deal = DealFactory.build(account=AccountFactory(), stage="won-ish")
    with pytest.raises(ValidationError) as excinfo:
        deal.full_clean()
    assert "stage" in excinfo.value.message_dict
    saved = DealFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deal.objects.filter(pk=saved.pk).update(stage="won-ish")


def test_closing_a_deal_stamps_it_and_reopening_clears_the_stamp():
    deal = DealFactory(stage=Stage.NEGOTIATION)
    assert deal.closed_at is None
    deal.stage = Stage.CLOSED_WON
    deal.save()
    assert deal.closed_at is not None
    deal.stage = Stage.PROPOSAL
    deal.save()
    assert deal.closed_at is None


def test_only_a_lost_deal_has_a_loss_reason():
    deal = DealFactory.build(account=AccountFactory(), stage=Stage.CLOSED_WON, loss_reason="x")
    with pytest.raises(ValidationError, match="Only a closed-lost deal"):
        deal.full_clean()


def test_open_won_and_lost_deals_are_told_apart():
    open_deal = DealFactory(stage=Stage.PROSPECTING)
    won = DealFactory(stage=Stage.CLOSED_WON)
    lost = DealFactory(stage=Stage.CLOSED_LOST)
    assert list(Deal.objects.open()) == [open_deal]
    assert list(Deal.objects.won()) == [won]
    assert list(Deal.objects.lost()) == [lost]


def test_an_account_domain_is_unique_whatever_its_case():
    AccountFactory(domain="acme.com")
    duplicate = AccountFactory.build(domain="ACME.com", owner=None)
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "Another account already uses this domain." in str(excinfo.value)


def test_many_accounts_may_have_no_domain():
    AccountFactory(domain="")
    AccountFactory(domain="")
    assert Account.objects.filter(domain="").count() == 2


def test_a_domain_is_stored_without_scheme_www_or_trailing_slash():
    account = AccountFactory.build(domain=" https://www.Example.org/ ", owner=None)
    account.full_clean()
    assert account.domain == "example.org"


def test_competitor_names_are_unique_whatever_their_case():
    CompetitorFactory(name="Productboard")
    with pytest.raises(IntegrityError), transaction.atomic():
        CompetitorFactory(name="PRODUCTBOARD")
