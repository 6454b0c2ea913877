"""Inputs that used to answer 500: each now gets a clear 4xx in the API's error shape."""

import pytest

from tests.factories import AccountFactory, CallNoteFactory, DealFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _is_error_shape(response) -> bool:
    body = response.json()
    return set(body) == {"detail", "errors"} and isinstance(body["detail"], str)


@pytest.mark.parametrize("bad_id", ["abc", "null", "true"])
def test_a_theme_id_that_is_not_a_number_is_not_found(rep_api, bad_id):
    ThemeFactory()
    response = rep_api.get(f"/api/v1/themes/{bad_id}/")
    assert response.status_code == 404
    assert _is_error_shape(response)


def test_a_merged_theme_can_still_be_read_by_its_id(rep_api):
    survivor = ThemeFactory(title="Survivor")
    merged = ThemeFactory(title="Merged", merged_into=survivor)
    response = rep_api.get(f"/api/v1/themes/{merged.pk}/")
    assert response.status_code == 200
    assert response.json()["merged_into"] == survivor.pk


def test_options_on_the_external_upsert_route_describes_it(rep_api, admin_api):
    for client in (rep_api, admin_api):
        response = client.options("/api/v1/notes/external/crm/x/")
        assert response.status_code == 200
        assert "PUT" in response["Allow"]


@pytest.mark.parametrize("taken", ["acme.example", "ACME.example", "Acme.Example"])
def test_an_account_domain_already_used_in_any_case_is_refused(rep_api, taken):
    AccountFactory(domain="acme.example")
    response = rep_api.post(
        "/api/v1/accounts/", {"name": "Acme again", "domain": taken}, format="json"
    )
    assert response.status_code == 400
    assert _is_error_shape(response)
    assert response.json()["errors"]["domain"] == ["Another account already uses this domain."]


def test_changing_an_account_to_a_domain_in_use_is_refused(rep, rep_api):
    AccountFactory(domain="acme.example")
    mine = AccountFactory(owner=rep, domain="mine.example")
    response = rep_api.patch(
        f"/api/v1/accounts/{mine.pk}/", {"domain": "ACME.EXAMPLE"}, format="json"
    )
    assert response.status_code == 400
    assert "domain" in response.json()["errors"]


def test_a_duplicate_competitor_name_is_refused_on_create_and_on_rename(admin_api):
    first = admin_api.post("/api/v1/competitors/", {"name": "Aha!"}, format="json")
    other = admin_api.post("/api/v1/competitors/", {"name": "Productboard"}, format="json")
    assert first.status_code == other.status_code == 201
    again = admin_api.post("/api/v1/competitors/", {"name": "aha!"}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"]["name"] == ["A competitor with this name already exists."]
    renamed = admin_api.put(
        f"/api/v1/competitors/{other.json()['id']}/", {"name": "AHA!"}, format="json"
    )
    assert renamed.status_code == 400
    assert _is_error_shape(renamed)


def test_deleting_an_account_with_notes_is_refused_with_a_reason(admin_api):
    note = CallNoteFactory()
    response = admin_api.delete(f"/api/v1/accounts/{note.account_id}/")
    assert response.status_code == 409
    assert _is_error_shape(response)
    assert "call note" in response.json()["detail"]


def test_deleting_a_deal_with_notes_is_refused_with_a_reason(admin_api):
    deal = DealFactory()
    CallNoteFactory(account=deal.account, deal=deal)
    response = admin_api.delete(f"/api/v1/deals/{deal.pk}/")
    assert response.status_code == 409
    assert "call note" in response.json()["detail"]


def test_deleting_a_deal_without_notes_still_works(admin_api):
    deal = DealFactory()
    assert admin_api.delete(f"/api/v1/deals/{deal.pk}/").status_code == 204


def test_a_nul_byte_in_the_external_id_is_refused(rep_api):
    account = AccountFactory()
    response = rep_api.put(
        "/api/v1/notes/external/crm/a%00b/",
        {"account": account.pk, "body": "They need SSO with Okta before the rollout."},
        format="json",
    )
    assert response.status_code == 400
    assert _is_error_shape(response)


def test_a_nul_byte_in_a_json_field_is_refused(rep_api):
    account = AccountFactory()
    response = rep_api.post(
        "/api/v1/notes/",
        {"account": account.pk, "body": "They need SSO\x00 with Okta before the rollout."},
        format="json",
    )
    assert response.status_code == 400
    assert _is_error_shape(response)
    assert "body" in response.json()["errors"]  # names the field


def test_a_nul_character_posted_to_the_api_is_a_400_naming_the_field(rep_api):
    account = AccountFactory()
    response = rep_api.post(
        "/api/v1/notes/", {"account": account.pk, "body": "They need SSO\x00 with Okta, now."}
    )
    assert response.status_code == 400
    assert "“body”" in response.json()["detail"]
    assert "NUL character" in response.json()["errors"]["body"][0]
