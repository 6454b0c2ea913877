"""What a rep may do with accounts and deals: the same rules over the API, log a call
and the CSV import (deals.services, accounts.rules)."""

import pytest

from deals.models import Account, Deal
from tests.factories import AccountFactory, CallNoteFactory, DealFactory

pytestmark = pytest.mark.django_db


def test_a_rep_cannot_open_a_deal_on_another_reps_account(rep_api, other_rep):
    theirs = AccountFactory(owner=other_rep)
    response = rep_api.post(
        "/api/v1/deals/", {"account": theirs.pk, "name": "Mine now", "amount": "100"}, format="json"
    )
    assert response.status_code == 403
    assert not Deal.objects.filter(name="Mine now").exists()


def test_a_rep_opens_a_deal_on_their_own_account_and_owns_it(rep, rep_api):
    mine = AccountFactory(owner=rep)
    response = rep_api.post(
        "/api/v1/deals/", {"account": mine.pk, "name": "Platform", "amount": "100"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["owner"] == rep.username


def test_a_rep_cannot_move_their_deal_to_another_account(rep, rep_api):
    deal = DealFactory(account=AccountFactory(owner=rep), owner=rep)
    other_of_mine = AccountFactory(owner=rep)
    response = rep_api.patch(
        f"/api/v1/deals/{deal.pk}/", {"account": other_of_mine.pk}, format="json"
    )
    assert response.status_code == 403
    deal.refresh_from_db()
    assert deal.account_id != other_of_mine.pk


def test_an_admin_moves_a_deal_without_notes_but_not_one_with_notes(admin_api):
    deal = DealFactory()
    target = AccountFactory()
    response = admin_api.patch(f"/api/v1/deals/{deal.pk}/", {"account": target.pk}, format="json")
    assert response.status_code == 200
    with_notes = DealFactory()
    CallNoteFactory(account=with_notes.account, deal=with_notes)
    response = admin_api.patch(
        f"/api/v1/deals/{with_notes.pk}/", {"account": target.pk}, format="json"
    )
    assert response.status_code == 400
    assert "account" in response.json()["errors"]


@pytest.mark.parametrize("arr", ["999999999999.99", "1000000000.01"])
def test_an_absurd_arr_is_refused_over_the_api(rep_api, arr):
    response = rep_api.post("/api/v1/accounts/", {"name": "Big", "arr": arr}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["arr"] == ["ARR cannot be more than 1,000,000,000."]
    assert not Account.objects.filter(name="Big").exists()


def test_a_deal_amount_above_the_bound_is_refused(rep, rep_api):
    mine = AccountFactory(owner=rep)
    response = rep_api.post(
        "/api/v1/deals/",
        {"account": mine.pk, "name": "Huge", "amount": "5000000000"},
        format="json",
    )
    assert response.status_code == 400
    assert "amount" in response.json()["errors"]


def test_a_rep_may_not_set_who_owns_an_account(rep, rep_api, other_rep):
    response = rep_api.post(
        "/api/v1/accounts/", {"name": "Gift", "owner": other_rep.username}, format="json"
    )
    assert response.status_code == 400
    assert not Account.objects.filter(name="Gift").exists()
