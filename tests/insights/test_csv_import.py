import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deals.models import Account, Deal
from insights.notes.models import CallNote
from tests.factories import AccountFactory, CompetitorFactory, DealFactory

pytestmark = pytest.mark.django_db

HEADER = "account,deal,call_date,body,tags,importance,competitors,quote,external_id\n"


def _check(client, text: str, kind="notes"):
    upload = SimpleUploadedFile("notes.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("import_csv"), {"kind": kind, "file": upload, "action": "check"})


@pytest.fixture
def setup(rep):
    account = AccountFactory(name="Initech", domain="initech.example", owner=rep)
    DealFactory(account=account, name="Initech renewal")
    CompetitorFactory(name="Productboard")
    return account


def test_a_file_with_errors_lists_each_by_line_and_column_and_writes_nothing(rep_client, setup):
    text = HEADER + (
        "Initech,Initech renewal,2026-01-05,Wants SSO,sso;security,important,Productboard,,\n"
        "Nobody Inc,,2026-01-05,Wants exports,,important,,,\n"
        "initech.example,Missing deal,2026-01-05,Wants mobile,,urgent,Nope,,\n"
        "Initech,,not-a-date,,,,,,\n"
    )
    page = _check(rep_client, text).content.decode()
    for line, column in [
        (3, "account"),
        (4, "deal"),
        (4, "importance"),
        (4, "competitors"),
        (5, "call_date"),
        (5, "body"),
    ]:
        assert f"<td>{line}</td><td>{column}</td>" in page, (line, column)
    assert "nothing was imported" in page
    assert not CallNote.objects.exists()
    # And the import step refuses too: nothing was stashed to import.
    rep_client.post(reverse("import_csv"), {"action": "import"})
    assert not CallNote.objects.exists()


def test_a_valid_file_is_previewed_then_imported_in_one_go(rep_client, rep, setup):
    text = HEADER + (
        "Initech,Initech renewal,2026-01-05,Wants SSO with Okta,SSO;security,deal_blocker,"
        "Productboard,"
        "No SSO no deal,crm-1\n"
        "initech.example,,2026-01-06,Wants CSV exports weekly,reporting,,,,\n"
    )
    preview = _check(rep_client, text).content.decode()
    assert "2 rows ready to import" in preview and not CallNote.objects.exists()
    rep_client.post(reverse("import_csv"), {"action": "import"})
    notes = CallNote.objects.order_by("call_date")
    assert notes.count() == 2
    assert all(n.author == rep and n.source == "csv" for n in notes)
    assert set(notes[0].tags.values_list("name", flat=True)) == {"sso", "security"}
    assert notes[0].deal.name == "Initech renewal"


def test_missing_columns_are_reported_before_any_row(rep_client, setup):
    page = _check(rep_client, "account,tags\nInitech,sso\n").content.decode()
    assert "Missing required column(s)." in page and "<td>body</td>" in page


def test_the_template_can_be_downloaded(rep_client):
    response = rep_client.get(reverse("import_template", args=["notes"]))
    assert response["Content-Type"] == "text/csv"
    assert response.content.decode().startswith("account,body,deal,")


def test_reps_cannot_import_accounts_or_deals(rep_client):
    text = "name,domain\nGlobex,globex.example\n"
    response = _check(rep_client, text, kind="accounts")
    assert response.status_code == 200  # the form refuses the choice
    assert "Select a valid choice" in response.content.decode()
    assert not Account.objects.filter(name="Globex").exists()


def test_an_admin_imports_accounts_then_deals(admin_client_):
    _check(
        admin_client_,
        "name,domain,segment,region\nGlobex,globex.example,enterprise,emea\n",
        kind="accounts",
    )
    admin_client_.post(reverse("import_csv"), {"action": "import"})
    assert Account.objects.filter(domain="globex.example").exists()
    bad = _check(admin_client_, "account,name,amount\nglobex.example,Big,-10\n", kind="deals")
    assert "A deal amount cannot be negative." in bad.content.decode()
    _check(
        admin_client_, "account,name,amount,stage\nglobex.example,Big,5000,proposal\n", kind="deals"
    )
    admin_client_.post(reverse("import_csv"), {"action": "import"})
    assert Deal.objects.get(name="Big").amount == 5000


def test_a_product_manager_cannot_import(pm_client):
    assert pm_client.get(reverse("import_csv")).status_code == 403


def test_importance_may_be_written_as_the_pages_show_it(rep_client, setup):
    text = HEADER + (
        "Initech,,2026-01-05,Wants SSO with Okta,,Deal blocker,,,\n"
        "Initech,,2026-01-06,Wants CSV exports weekly,,nice to have,,,\n"
        "Initech,,2026-01-07,Wants a mobile app soon,,IMPORTANT,,,\n"
    )
    assert "3 rows ready to import" in _check(rep_client, text).content.decode()
    rep_client.post(reverse("import_csv"), {"action": "import"})
    assert list(CallNote.objects.order_by("call_date").values_list("importance", flat=True)) == [
        "deal_blocker",
        "nice_to_have",
        "important",
    ]
