import pytest
from django.urls import reverse

from tests.factories import AccountFactory, CallNoteFactory, DealFactory

pytestmark = pytest.mark.django_db


def test_the_account_page_shows_facts_deals_and_every_note(rep_client, rep, other_rep):
    account = AccountFactory(name="Initech", owner=rep)
    deal = DealFactory(account=account, name="Initech renewal")
    CallNoteFactory(author=rep, account=account, deal=deal, body="Wants audit logs")
    CallNoteFactory(author=other_rep, account=account, body="Asked about SSO")
    page = rep_client.get(reverse("account_detail", args=[account.pk])).content.decode()
    for text in ("Initech", "Initech renewal", "Wants audit logs", "Asked about SSO"):
        assert text in page
    assert other_rep.display_name in page


def test_the_deal_page_shows_the_notes_on_that_deal(pm_client, rep):
    deal = DealFactory(name="Big one")
    CallNoteFactory(author=rep, account=deal.account, deal=deal, body="Pricing objection")
    CallNoteFactory(author=rep, account=deal.account, body="Unrelated note")
    page = pm_client.get(reverse("deal_detail", args=[deal.pk])).content.decode()
    assert "Pricing objection" in page and "Unrelated note" not in page


@pytest.mark.parametrize("count", [1, 30])
def test_the_account_page_uses_a_fixed_number_of_queries(
    rep_client, rep, count, django_assert_num_queries
):
    account = AccountFactory(owner=rep)
    for _ in range(count):
        deal = DealFactory(account=account)
        CallNoteFactory(author=rep, account=account, deal=deal, tags=["sso"])
    with django_assert_num_queries(10):
        assert rep_client.get(reverse("account_detail", args=[account.pk])).status_code == 200
