"""A rep logs a call in the browser form: one request, clear errors, nothing half-written."""

import datetime as dt

import pytest
from django.urls import reverse

from deals.models import Account
from insights.notes.models import CallNote, Tag
from tests.factories import AccountFactory, CompetitorFactory, DealFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(rep):
    return AccountFactory(name="Northwind Analytics", domain="northwind.example", owner=rep)


def _post(client, **fields):
    data = {
        "account": "Northwind Analytics",
        "call_date": dt.date.today().isoformat(),
        "body": "They need SAML SSO with Okta before rolling out.",
        "tags": "",
        "importance": "important",
        "quote": "",
        **fields,
    }
    return client.post(reverse("log_call"), data)


def test_a_rep_logs_a_call_with_an_existing_and_a_new_tag(rep_client, rep, account):
    TagFactory(name="sso")
    deal = DealFactory(account=account)
    rival = CompetitorFactory(name="Productboard")
    response = _post(
        rep_client,
        deal=deal.pk,
        tags="SSO, security review",
        competitors=[rival.pk],
        quote="No SSO, no deal.",
        importance="deal_blocker",
    )
    assert response.status_code == 302
    note = CallNote.objects.get()
    assert (note.author, note.account, note.deal) == (rep, account, deal)
    assert sorted(note.tags.values_list("name", flat=True)) == ["security review", "sso"]
    assert Tag.objects.filter(name="sso").count() == 1  # "SSO" reused the existing tag
    assert list(note.competitors.all()) == [rival]
    assert note.importance == "deal_blocker" and note.quote == "No SSO, no deal."

    confirmation = rep_client.get(response["Location"])
    assert b"Saved." in confirmation.content and b"log another" in confirmation.content


def test_the_account_can_be_picked_by_name_and_domain(rep_client, account):
    AccountFactory(name="Northwind Analytics", domain="other.example")
    response = _post(rep_client, account="Northwind Analytics (northwind.example)")
    assert response.status_code == 302
    assert CallNote.objects.get().account == account


def test_a_new_prospect_is_created_inline(rep_client, rep):
    response = _post(rep_client, account="Globex Corp", new_prospect="on")
    assert response.status_code == 302
    globex = Account.objects.get(name="Globex Corp")
    assert globex.lifecycle == "prospect" and globex.owner == rep
    assert CallNote.objects.get().account == globex


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "   "}, "the note cannot be empty"),
        ({"body": "x" * 10_001}, "A note can have at most 10,000 characters."),
        ({"quote": "q" * 1001}, "A quote can have at most 1,000 characters."),
        ({"tags": ",".join(f"t{i}" for i in range(21))}, "At most 20 tags"),
        ({"tags": "x" * 41}, "at most 40 characters"),
        ({"call_date": (dt.date.today() + dt.timedelta(days=1)).isoformat()}, "cannot be in the"),
        ({"account": "Nobody Inc"}, "No account with this name"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(rep_client, account, fields, message):
    response = _post(rep_client, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CallNote.objects.exists()


def test_a_deal_of_another_account_is_refused(rep_client, account):
    other = DealFactory()
    response = _post(rep_client, deal=other.pk)
    assert response.status_code == 200
    assert not CallNote.objects.exists()


def test_a_product_manager_cannot_log_calls(pm_client, account):
    assert pm_client.get(reverse("log_call")).status_code == 403
    assert _post(pm_client).status_code == 403
    assert not CallNote.objects.exists()


def test_type_ahead_offers_existing_tags_whatever_the_case(rep_client):
    TagFactory(name="sso")
    TagFactory(name="pricing")
    response = rep_client.get(reverse("suggest_tags"), {"tags": "pricing, SS"})
    assert '<option value="pricing, sso">' in response.content.decode()


def test_type_ahead_offers_accounts_and_their_deals_open_first(rep_client, account):
    lost = DealFactory(account=account, name="Old one", stage="closed_lost")
    open_deal = DealFactory(account=account, name="Expansion", stage="proposal")
    names = rep_client.get(reverse("suggest_accounts"), {"account": "north"}).content.decode()
    assert "Northwind Analytics (northwind.example)" in names
    deals = rep_client.get(reverse("deal_options"), {"account": "Northwind Analytics"})
    html = deals.content.decode()
    assert html.index(open_deal.name) < html.index(lost.name)


def test_html_in_a_note_is_shown_as_text(rep_client, rep, account):
    _post(rep_client, body="<script>alert('x')</script> wants SSO")
    page = rep_client.get(reverse("my_notes")).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


def test_a_draft_like_a_known_need_shows_that_theme(rep_client, monkeypatch):
    from insights.themes import tasks
    from tests.factories import ThemeFactory

    theme = ThemeFactory(title="Single sign-on", status="planned")

    class Done:
        def get(self, timeout):
            return {"themes": [{"theme_id": theme.pk, "similarity": 0.81}], "notes": []}

    monkeypatch.setattr(tasks.similar_to_text, "delay", lambda *a: Done())
    page = rep_client.get(reverse("similar_to_draft"), {"body": "They want Okta SAML login."})
    html = page.content.decode()
    assert "This need is already known" in html and "Single sign-on" in html and "Planned" in html


def test_no_hint_when_the_worker_does_not_answer_in_time(rep_client, monkeypatch):
    from celery.exceptions import TimeoutError as CeleryTimeout

    from insights.themes import tasks

    class Slow:
        def get(self, timeout):
            raise CeleryTimeout()

    monkeypatch.setattr(tasks.similar_to_text, "delay", lambda *a: Slow())
    page = rep_client.get(reverse("similar_to_draft"), {"body": "They want Okta SAML login."})
    assert page.status_code == 200 and "already known" not in page.content.decode()
