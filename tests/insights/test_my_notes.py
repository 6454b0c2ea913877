import datetime as dt

import pytest
from django.urls import reverse

from insights.notes.models import CallNote
from insights.themes.models import ThemeAssignment
from tests.factories import AccountFactory, CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_my_notes_lists_only_mine_newest_first_with_their_theme(rep_client, rep, other_rep):
    old = CallNoteFactory(author=rep, body="older note about exports")
    new = CallNoteFactory(author=rep, body="newer note about sso")
    CallNoteFactory(author=other_rep, body="someone else's note")
    theme = ThemeFactory(title="Single sign-on", status="planned")
    ThemeAssignment.objects.create(note=new, theme=theme)
    page = rep_client.get(reverse("my_notes")).content.decode()
    assert page.index("newer note") < page.index("older note")
    assert "someone else" not in page
    assert "Single sign-on" in page and "Planned" in page
    assert f"/notes/{old.pk}/edit/" in page


def test_my_notes_are_searchable_and_filterable(rep_client, rep):
    acme = AccountFactory(owner=rep)
    CallNoteFactory(author=rep, account=acme, body="Okta login", importance="deal_blocker")
    CallNoteFactory(
        author=rep, body="Excel export", call_date=dt.date.today() - dt.timedelta(days=40)
    ).tags.add(*[])
    tagged = CallNoteFactory(author=rep, body="Mobile app", tags=["mobile"])

    def shown(**params):
        html = rep_client.get(reverse("my_notes"), params).content.decode()
        return {b for b in ("Okta login", "Excel export", "Mobile app") if b in html}

    assert shown(q="okta") == {"Okta login"}
    assert shown(account=acme.name) == {"Okta login"}
    assert shown(tag="MOBILE") == {"Mobile app"}
    assert shown(importance="deal_blocker") == {"Okta login"}
    since = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    assert shown(date_from=since) == {"Okta login", "Mobile app"}
    assert shown(tag="mobile", q="okta") == set()  # filters combine
    by_tag = rep_client.get(reverse("my_notes"), {"tag": "mobile"}).content.decode()
    assert by_tag.count("/edit/") == 1 and f"/notes/{tagged.pk}/edit/" in by_tag


@pytest.mark.parametrize("count", [1, 30])
def test_my_notes_uses_a_fixed_number_of_queries(rep_client, rep, count, django_assert_num_queries):
    for _ in range(count):
        note = CallNoteFactory(author=rep, tags=["sso", "security"])
        ThemeAssignment.objects.create(note=note, theme=ThemeFactory())
    with django_assert_num_queries(8):
        assert rep_client.get(reverse("my_notes")).status_code == 200


def test_a_rep_edits_their_own_note(rep_client, rep):
    note = CallNoteFactory(author=rep)
    data = {
        "account": note.account.name,
        "call_date": note.call_date.isoformat(),
        "body": "Edited: they need SCIM too.",
        "tags": "sso, scim",
        "importance": "important",
    }
    response = rep_client.post(reverse("note_edit", args=[note.pk]), data)
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == "Edited: they need SCIM too."
    assert set(note.tags.values_list("name", flat=True)) == {"sso", "scim"}


def test_a_rep_cannot_edit_or_delete_another_reps_note(rep_client, other_rep):
    theirs = CallNoteFactory(author=other_rep, body="not yours")
    assert rep_client.get(reverse("note_edit", args=[theirs.pk])).status_code == 403
    data = {
        "account": theirs.account.name,
        "call_date": "2026-01-01",
        "body": "hijack",
        "importance": "important",
    }
    assert rep_client.post(reverse("note_edit", args=[theirs.pk]), data).status_code == 403
    assert rep_client.post(reverse("note_delete", args=[theirs.pk])).status_code == 403
    theirs.refresh_from_db()
    assert theirs.body == "not yours"


def test_deleting_asks_for_confirmation_first(rep_client, rep):
    note = CallNoteFactory(author=rep)
    page = rep_client.get(reverse("note_delete", args=[note.pk]))
    assert b"Delete this note?" in page.content
    assert CallNote.objects.filter(pk=note.pk).exists()
    rep_client.post(reverse("note_delete", args=[note.pk]))
    assert not CallNote.objects.filter(pk=note.pk).exists()
