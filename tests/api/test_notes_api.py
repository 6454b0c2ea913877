import datetime as dt

import pytest
from rest_framework.test import APIClient

from insights.notes.models import CallNote
from tests.api.conftest import token_client
from tests.factories import AccountFactory, CallNoteFactory, DealFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/notes/"


@pytest.fixture
def account(rep):
    return AccountFactory(owner=rep)


def payload(account, **extra):
    return {
        "account": account.pk,
        "body": "They need SAML SSO.",
        "tags": ["SSO", "security"],
        **extra,
    }


def test_a_rep_creates_a_note_and_is_its_author(rep_api, rep, account):
    response = rep_api.post(URL, payload(account), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["author"] == rep.username and body["source"] == "api"
    assert body["tags"] == ["security", "sso"]
    assert body["call_date"] == dt.date.today().isoformat()
    assert CallNote.objects.get().author == rep


def test_the_author_cannot_be_spoofed(rep_api, other_rep, account):
    response = rep_api.post(URL, payload(account, author=other_rep.username), format="json")
    assert response.status_code == 403
    assert "always yours" in response.json()["detail"]
    assert not CallNote.objects.exists()


def test_an_integration_user_pushes_notes_for_a_rep(admin_api, rep, account):
    response = admin_api.post(URL, payload(account, author=rep.username), format="json")
    assert response.status_code == 201
    assert CallNote.objects.get().author == rep


def test_unknown_fields_are_rejected_not_ignored(rep_api, account):
    response = rep_api.post(URL, payload(account, colour="blue"), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request has invalid fields.",
        "errors": {"colour": ["Unknown or read-only field."]},
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"quote": "q" * 1001}, "quote"),
        ({"importance": "urgent!!"}, "importance"),
        ({"call_date": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "call_date"),
    ],
)
def test_invalid_notes_get_field_level_errors_and_nothing_is_written(
    rep_api, account, change, field
):
    response = rep_api.post(URL, payload(account, **change), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not CallNote.objects.exists()


def test_a_deal_of_another_account_is_refused(rep_api, account):
    response = rep_api.post(URL, payload(account, deal=DealFactory().pk), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["deal"] == [
        "This deal belongs to another account. Pick one of this account's deals."
    ]


def test_sending_the_same_external_note_again_updates_it(rep_api, account):
    url = f"{URL}external/salesforce/00T123/"
    first = rep_api.put(url, payload(account), format="json")
    assert first.status_code == 201
    again = rep_api.put(url, payload(account, body="Updated in the CRM."), format="json")
    assert again.status_code == 200
    note = CallNote.objects.get()
    assert (note.source, note.external_id, note.body) == (
        "salesforce",
        "00T123",
        "Updated in the CRM.",
    )


def test_another_user_cannot_overwrite_an_external_note(rep_api, other_rep, account):
    url = f"{URL}external/hubspot/42/"
    rep_api.put(url, payload(account), format="json")
    response = token_client(other_rep).put(url, payload(account, body="mine now"), format="json")
    assert response.status_code == 403
    assert CallNote.objects.get().body == "They need SAML SSO."


def test_a_rep_updates_their_note_but_not_another_reps(rep_api, rep, other_rep):
    mine = CallNoteFactory(author=rep)
    theirs = CallNoteFactory(author=other_rep, body="theirs")
    edited = {"body": "edited: wants SSO now"}
    assert rep_api.patch(f"{URL}{mine.pk}/", edited, format="json").status_code == 200
    assert rep_api.patch(f"{URL}{theirs.pk}/", {"body": "x"}, format="json").status_code == 403
    assert rep_api.delete(f"{URL}{theirs.pk}/").status_code == 403
    theirs.refresh_from_db()
    assert theirs.body == "theirs"


def test_a_product_manager_reads_notes_but_cannot_write_them(pm_api, rep, account):
    CallNoteFactory(author=rep)
    assert len(pm_api.get(URL).json()["results"]) == 1
    assert pm_api.post(URL, payload(account), format="json").status_code == 403


def test_anonymous_requests_are_refused():
    assert APIClient().get(URL).status_code in (401, 403)


def walk(client, params: dict, *, between_pages=None) -> list[int]:
    """Every id the list gives when a client follows `next` to the end."""
    ids, response = [], client.get(URL, params)
    while True:
        body = response.json()
        ids += [note["id"] for note in body["results"]]
        if body["next"] is None:
            return ids
        if between_pages:
            between_pages()
        response = client.get(body["next"])


def test_notes_are_paginated_and_filterable(rep_api, rep):
    a, b = AccountFactory(owner=rep), AccountFactory(owner=rep)
    in_a = [CallNoteFactory(author=rep, account=a).pk for _ in range(3)]
    priced = CallNoteFactory(author=rep, account=b, tags=["pricing"])
    assert walk(rep_api, {"account": a.pk, "page_size": 2}) == in_a[::-1]
    assert walk(rep_api, {"tags__name": "pricing"}) == [priced.pk]


def test_a_page_of_notes_neither_counts_nor_numbers_the_list(rep_api, rep):
    CallNoteFactory(author=rep)
    body = rep_api.get(URL).json()
    assert set(body) == {"next", "previous", "results"}


def test_paging_by_cursor_gives_every_note_once_while_new_notes_arrive(rep_api, rep):
    account = AccountFactory(owner=rep)
    existing = [CallNoteFactory(author=rep, account=account).pk for _ in range(12)]
    arrived = []

    def a_rep_saves_a_note():
        arrived.append(CallNoteFactory(author=rep, account=account).pk)

    seen = walk(rep_api, {"page_size": 5}, between_pages=a_rep_saves_a_note)
    assert seen == existing[::-1], "newest first, each note exactly once"
    assert len(arrived) == 2
    assert walk(rep_api, {"page_size": 5})[:2] == arrived[::-1]


def test_notes_saved_at_the_same_instant_are_each_paged_once(rep_api, rep):
    notes = [CallNoteFactory(author=rep).pk for _ in range(7)]
    CallNote.objects.update(created_at=dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC))
    seen = walk(rep_api, {"page_size": 3})
    assert seen == sorted(notes, reverse=True)


def test_the_previous_link_leads_back_to_the_same_notes(rep_api, rep):
    for _ in range(6):
        CallNoteFactory(author=rep)
    first = rep_api.get(URL, {"page_size": 3}).json()
    second = rep_api.get(first["next"]).json()
    back = rep_api.get(second["previous"]).json()
    assert [n["id"] for n in back["results"]] == [n["id"] for n in first["results"]]


def test_each_user_is_throttled_with_a_clear_error(rep, other_rep, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "get_rate", lambda self: "2/minute")
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    client = token_client(rep)
    statuses = [client.get(URL).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    body = client.get(URL).json()
    assert body["detail"].startswith("Request was throttled") and body["errors"] == {}
    assert token_client(other_rep).get(URL).status_code == 200  # per user, not global


def test_the_list_shows_each_note_as_the_note_itself_is_shown(rep_api, rep, account):
    from insights.themes.models import ThemeAssignment
    from tests.factories import CompetitorFactory, ThemeFactory

    deal = DealFactory(account=account)
    themed = CallNoteFactory(author=rep, account=account, deal=deal, tags=["sso", "audit"])
    themed.competitors.add(CompetitorFactory(name="Zeta"), CompetitorFactory(name="Acme"))
    ThemeAssignment.objects.create(note=themed, theme=ThemeFactory(title="Single sign-on"))
    CallNoteFactory(author=rep, account=account, quote="We love it.")
    listed = rep_api.get(URL).json()["results"]
    assert len(listed) == 2
    for row in listed:
        assert row == rep_api.get(f"{URL}{row['id']}/").json()
    assert listed[1]["theme"]["title"] == "Single sign-on" and listed[0]["theme"] is None
