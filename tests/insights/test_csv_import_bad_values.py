"""CSV cells that used to pass the check and fail at import (or fail the check with a
500): each is now a problem on its line and column, and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deals.models import Deal
from insights.notes.models import CallNote
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

DEALS = "account,name,amount\n"
NOTES = "account,deal,call_date,body,tags,importance,competitors,quote,external_id\n"


def _check(client, text: str, kind: str):
    upload = SimpleUploadedFile("f.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("import_csv"), {"kind": kind, "file": upload, "action": "check"})


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "-NaN", "Infinity", "1e20", "12345678901234.99"])
def test_a_deal_amount_that_is_no_sane_number_is_a_problem_at_check(admin_client_, amount):
    AccountFactory(domain="globex.example")
    response = _check(admin_client_, DEALS + f"globex.example,Globex,{amount}\n", "deals")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<td>2</td><td>amount</td>" in page
    admin_client_.post(reverse("import_csv"), {"action": "import"})
    assert not Deal.objects.exists()


def test_a_deal_on_an_unknown_account_still_reports_its_amount(admin_client_):
    page = _check(admin_client_, DEALS + "nobody.example,X,NaN\n", "deals").content.decode()
    assert "<td>2</td><td>account</td>" in page
    assert "<td>2</td><td>amount</td>" in page


@pytest.mark.parametrize("column", ["account", "deal", "body", "quote", "tags", "external_id"])
def test_a_nul_character_in_any_notes_cell_is_a_problem_at_check(rep_client, rep, column):
    AccountFactory(name="Initech", owner=rep)
    row = {
        "account": "Initech",
        "deal": "",
        "call_date": "2026-01-05",
        "body": "They need SSO with Okta before the rollout.",
        "tags": "sso",
        "importance": "important",
        "competitors": "",
        "quote": "No SSO no deal",
        "external_id": "crm-1",
    }
    row[column] = (row[column] or "x") + "\x00y"
    text = NOTES + ",".join(row[c] for c in NOTES.strip().split(",")) + "\n"
    response = _check(rep_client, text, "notes")
    assert response.status_code == 200
    assert f"<td>2</td><td>{column}</td>" in response.content.decode()
    rep_client.post(reverse("import_csv"), {"action": "import"})
    assert not CallNote.objects.exists()


@pytest.mark.parametrize("arr", ["NaN", "sNaN", "1e20", "2000000000"])
def test_an_account_arr_that_is_no_sane_number_is_a_problem_at_check(admin_client_, arr):
    page = _check(admin_client_, f"name,arr\nGlobex,{arr}\n", "accounts").content.decode()
    assert "<td>2</td><td>arr</td>" in page
