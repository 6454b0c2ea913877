"""Creating accounts and deals through deals.services, as the CSV import does."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deals import services
from deals.models import Account, Deal
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_an_account_is_created_with_its_domain_normalised(admin_user):
    account = services.account_create(
        user=admin_user, name=" Globex ", domain="https://www.Globex.example/", arr=Decimal("5")
    )
    account.refresh_from_db()
    assert (account.name, account.domain, account.arr) == ("Globex", "globex.example", 5)


def test_an_account_whose_domain_is_taken_is_refused_and_not_saved(admin_user):
    AccountFactory(domain="globex.example")
    with pytest.raises(ValidationError) as excinfo:
        services.account_create(user=admin_user, name="Globex 2", domain="GLOBEX.example")
    assert "Another account already uses this domain." in excinfo.value.messages
    assert not Account.objects.filter(name="Globex 2").exists()


def test_someone_who_may_not_add_accounts_or_deals_is_refused(pm):
    with pytest.raises(PermissionDenied):
        services.account_create(user=pm, name="Globex")
    with pytest.raises(PermissionDenied):
        services.deal_create(user=pm, account=AccountFactory(), name="Big", amount=Decimal(1))
    assert not Deal.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": Decimal("-1")}, "amount", "A deal amount cannot be negative."),
        (
            {"opened_on": dt.date.today() + dt.timedelta(days=1)},
            "opened_on",
            "A deal cannot be opened in the future.",
        ),
        ({"loss_reason": "Price"}, "loss_reason", "Only a closed-lost deal has a loss reason."),
        ({"name": "x" * 201}, "name", None),
    ],
)
def test_an_invalid_deal_is_refused_by_field_and_not_saved(admin_user, fields, field, message):
    data = {"account": AccountFactory(), "name": "Big", "amount": Decimal(100), **fields}
    with pytest.raises(ValidationError) as excinfo:
        services.deal_create(user=admin_user, **data)
    assert field in excinfo.value.message_dict
    if message:
        assert excinfo.value.message_dict[field] == [message]
    assert not Deal.objects.exists()


def test_a_deal_opens_today_unless_told_otherwise(admin_user):
    deal = services.deal_create(
        user=admin_user, account=AccountFactory(), name="Big", amount=Decimal(100)
    )
    assert deal.opened_on == dt.date.today() and deal.stage == "prospecting"


def _check(client, text: str, kind: str):
    upload = SimpleUploadedFile(f"{kind}.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("import_csv"), {"kind": kind, "file": upload, "action": "check"})


def test_the_deals_import_reports_what_the_service_refuses_and_writes_nothing(admin_client_):
    AccountFactory(domain="globex.example")
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    text = (
        "account,name,amount,opened_on,stage,loss_reason\n"
        f"globex.example,{'x' * 201},100,,,\n"
        f"globex.example,Later,100,{future},,\n"
        "globex.example,Open,100,,proposal,Too pricey\n"
    )
    page = _check(admin_client_, text, "deals").content.decode()
    assert "<td>2</td><td>name</td>" in page
    assert "<td>3</td><td>opened_on</td><td>A deal cannot be opened in the future.</td>" in page
    assert "<td>4</td><td>loss_reason</td>" in page
    admin_client_.post(reverse("import_csv"), {"action": "import"})
    assert not Deal.objects.exists()


def test_the_accounts_import_reports_a_domain_already_taken(admin_client_):
    AccountFactory(domain="globex.example")
    page = _check(admin_client_, "name,domain\nGlobex,globex.example\n", "accounts")
    assert "<td>2</td><td>domain</td><td>Another account already uses this domain.</td>" in (
        page.content.decode()
    )


def test_the_template_of_each_kind_can_be_downloaded(admin_client_):
    for kind, header in [("accounts", "name,domain,"), ("deals", "account,name,amount,")]:
        response = admin_client_.get(reverse("import_template", args=[kind]))
        assert response.content.decode().startswith(header)
    assert admin_client_.get(reverse("import_template", args=["themes"])).status_code == 404
