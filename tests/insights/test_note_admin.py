"""Notes changed in the Django admin go through the note services: same rules, same messages."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from insights.notes.models import CallNote
from insights.themes import receivers
from insights.themes.pipeline import placement
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    CompetitorFactory,
    DealFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BODY = "They need single sign-on with Okta before rolling out to the whole company."


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """The tasks the theme area queues when notes are saved, as (name, args)."""
    calls = []

    def record(name, *args):
        calls.append((name, args))

    monkeypatch.setattr(receivers, "enqueue_on_commit", record)
    return calls


def _change_url(note):
    return reverse("admin:insights_callnote_change", args=[note.pk])


def _form_data(note, **changes):
    data = {
        "account": note.account_id,
        "deal": note.deal_id or "",
        "call_date": note.call_date.isoformat(),
        "body": note.body,
        "importance": note.importance,
        "quote": note.quote,
        "tags": [t.pk for t in note.tags.all()],
        "competitors": [c.pk for c in note.competitors.all()],
        **changes,
    }
    return {k: v for k, v in data.items() if v is not None}


def test_a_too_long_body_is_refused_with_the_rule_message_and_nothing_changes(admin_client_, rep):
    note = CallNoteFactory(author=rep, body=BODY)
    response = admin_client_.post(_change_url(note), _form_data(note, body="x" * 10_001))
    assert response.status_code == 200
    assert "A note can have at most 10,000 characters." in response.content.decode()
    note.refresh_from_db()
    assert note.body == BODY


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("future_date", "The call date cannot be in the future."),
        ("other_deal", "This deal belongs to another account. Pick one of this account&#x27;s"),
        ("blank_body", "Write what the customer said; the note cannot be empty."),
    ],
)
def test_rules_only_the_service_checks_show_as_form_errors(admin_client_, rep, change, message):
    note = CallNoteFactory(author=rep, body=BODY, tags=["sso"])
    changes = {
        "future_date": {"call_date": (dt.date.today() + dt.timedelta(days=3)).isoformat()},
        "other_deal": {"deal": DealFactory().pk},
        "blank_body": {"body": "   "},
    }[change]
    response = admin_client_.post(_change_url(note), _form_data(note, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    note.refresh_from_db()
    assert (note.body, note.deal_id) == (BODY, None)
    assert note.call_date == dt.date.today() - dt.timedelta(days=1)


def test_a_valid_admin_edit_lands_with_tags_and_competitors_and_the_engine_hears(
    admin_client_, rep, queued
):
    note = CallNoteFactory(author=rep, body=BODY, tags=["sso"])
    deal = DealFactory(account=note.account)
    scim, rival = TagFactory(name="scim"), CompetitorFactory(name="Productboard")
    response = admin_client_.post(
        _change_url(note),
        _form_data(
            note,
            body="Now they also need SCIM provisioning.",
            deal=deal.pk,
            tags=[scim.pk],
            competitors=[rival.pk],
            importance="deal_blocker",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    note.refresh_from_db()
    assert note.body == "Now they also need SCIM provisioning."
    assert (note.deal, note.importance, note.author) == (deal, "deal_blocker", rep)
    assert list(note.tags.values_list("name", flat=True)) == ["scim"]
    assert list(note.competitors.all()) == [rival]
    assert (placement.PLACE_TASK, (note.pk,)) in queued


def test_an_admin_creates_a_note_for_a_rep(admin_client_, rep, queued):
    account = AccountFactory()
    sso = TagFactory(name="sso")
    data = {
        "author": rep.pk,
        "account": account.pk,
        "call_date": dt.date.today().isoformat(),
        "body": "Wants SSO with Okta.",
        "importance": "important",
        "quote": "",
        "tags": [sso.pk],
    }
    response = admin_client_.post(reverse("admin:insights_callnote_add"), data)
    assert response.status_code == 302
    note = CallNote.objects.get()
    assert (note.author, note.account, note.body) == (rep, account, "Wants SSO with Okta.")
    assert note.source == CallNote.Source.WEB
    assert list(note.tags.all()) == [sso]
    assert (placement.PLACE_TASK, (note.pk,)) in queued


def test_a_staff_user_without_note_permissions_is_refused(rep):
    note = CallNoteFactory(author=rep, body=BODY)
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_callnote"))
    client = _logged_in(staff)
    response = client.post(_change_url(note), _form_data(note, body="Hijacked."))
    assert response.status_code == 403
    note.refresh_from_db()
    assert note.body == BODY


def test_staff_who_may_change_only_their_own_notes_cannot_change_anothers(rep, other_rep):
    """The admin's model permission lets them in; the service's row rule refuses the edit."""
    note = CallNoteFactory(author=other_rep, body=BODY)
    rep.is_staff = True
    rep.save(update_fields=["is_staff"])
    response = _logged_in(rep).post(_change_url(note), _form_data(note, body="Hijacked."))
    assert response.status_code == 200
    assert "You can only edit your own notes." in response.content.decode()
    note.refresh_from_db()
    assert note.body == BODY


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client
