import pytest
import yaml
from django.core.management import call_command

from tests.api.conftest import token_client
from tests.factories import AccountFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_nobody_but_an_admin_edits_an_account_they_do_not_own(rep_api, other_rep, admin_api):
    theirs = AccountFactory(owner=other_rep, name="Theirs")
    response = rep_api.patch(f"/api/v1/accounts/{theirs.pk}/", {"name": "Mine"}, format="json")
    assert response.status_code == 403
    assert (
        admin_api.patch(
            f"/api/v1/accounts/{theirs.pk}/", {"name": "Renamed"}, format="json"
        ).status_code
        == 200
    )


def test_a_rep_edits_their_own_deal_but_not_another_reps(rep, other_rep):
    from tests.factories import DealFactory

    mine = DealFactory(account=AccountFactory(owner=rep), owner=rep, stage="proposal")
    theirs = DealFactory(account=AccountFactory(owner=other_rep), owner=other_rep)
    client = token_client(rep)
    response = client.patch(f"/api/v1/deals/{mine.pk}/", {"stage": "negotiation"}, format="json")
    assert response.status_code == 200
    response = client.patch(f"/api/v1/deals/{theirs.pk}/", {"stage": "closed_lost"}, format="json")
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.stage == "proposal"


def test_a_negative_deal_amount_is_refused_with_a_message(admin_api):
    account = AccountFactory()
    response = admin_api.post(
        "/api/v1/deals/",
        {"account": account.pk, "name": "D", "amount": "-5", "stage": "proposal"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["amount"] == ["A deal amount cannot be negative."]


def test_themes_can_be_read_but_not_written(rep, pm):
    theme = ThemeFactory(title="SSO")
    client = token_client(rep)
    assert client.get(f"/api/v1/themes/{theme.pk}/").json()["title"] == "SSO"
    assert client.post("/api/v1/themes/", {"title": "x"}, format="json").status_code in (403, 405)


def test_the_openapi_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    schema = yaml.safe_load((tmp_path / "s.yml").read_text())
    assert "/api/v1/notes/external/{source}/{external_id}/" in schema["paths"]
    notes_list = schema["paths"]["/api/v1/notes/"]["get"]
    assert "cursor" in {p["name"] for p in notes_list["parameters"]}
    page = notes_list["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page_schema = schema["components"]["schemas"][page.rsplit("/", 1)[1]]
    assert set(page_schema["properties"]) == {"next", "previous", "results"}


def test_the_interactive_docs_need_a_login(client, rep_client):
    assert client.get("/api/docs/").status_code in (302, 401, 403)
    assert rep_client.get("/api/docs/").status_code == 200
