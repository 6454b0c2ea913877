import datetime as dt
import re
from html import unescape

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
    with django_assert_num_queries(9):  # the page's notes and their count
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


def _edit_links(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/notes/(\d+)/edit/[?"]', html)]


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="(\?[^"]*)" rel="{rel}"', html)
    return reverse("my_notes") + unescape(found.group(1)) if found else None


def test_my_notes_page_older_by_position_each_note_once_while_new_notes_arrive(rep_client, rep):
    mine = [CallNoteFactory(author=rep, body=f"note {i}").pk for i in range(60)]
    seen, url = [], reverse("my_notes")
    while url:
        html = rep_client.get(url).content.decode()
        seen += _edit_links(html)
        url = _link(html, "next")
        CallNoteFactory(author=rep, body="saved while paging")
    assert seen == mine[::-1]


def test_newer_leads_back_to_the_notes_of_the_page_before(rep_client, rep):
    for i in range(30):
        CallNoteFactory(author=rep, body=f"note {i}")
    first = rep_client.get(reverse("my_notes")).content.decode()
    assert _link(first, "prev") is None, "the newest page has nothing newer"
    second = rep_client.get(_link(first, "next")).content.decode()
    assert len(_edit_links(second)) == 5 and _link(second, "next") is None
    back = rep_client.get(_link(second, "prev")).content.decode()
    assert _edit_links(back) == _edit_links(first)
    assert _link(back, "prev") is None


def test_notes_saved_at_the_same_instant_are_each_listed_once(rep_client, rep):
    notes = [CallNoteFactory(author=rep).pk for _ in range(40)]
    CallNote.objects.update(created_at=dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC))
    first = rep_client.get(reverse("my_notes")).content.decode()
    second = rep_client.get(_link(first, "next")).content.decode()
    assert _edit_links(first) + _edit_links(second) == sorted(notes, reverse=True)


def test_paging_keeps_the_filters(rep_client, rep):
    blockers = [CallNoteFactory(author=rep, importance="deal_blocker").pk for _ in range(30)]
    for _ in range(5):
        CallNoteFactory(author=rep, importance="nice_to_have")
    first = rep_client.get(reverse("my_notes"), {"importance": "deal_blocker"}).content.decode()
    assert "importance=deal_blocker" in _link(first, "next")
    second = rep_client.get(_link(first, "next")).content.decode()
    assert _edit_links(first) + _edit_links(second) == blockers[::-1]


def test_a_malformed_position_shows_the_newest_notes(rep_client, rep):
    newest = CallNoteFactory(author=rep)
    for token in ("abc", "1.x", "99999999999999999999999.1", ""):
        html = rep_client.get(reverse("my_notes"), {"older": token}).content.decode()
        assert _edit_links(html) == [newest.pk]


@pytest.mark.parametrize("count", [30, 80])
def test_an_older_page_uses_a_fixed_number_of_queries(
    rep_client, rep, count, django_assert_num_queries
):
    for _ in range(count):
        CallNoteFactory(author=rep, tags=["sso"])
    older = _link(rep_client.get(reverse("my_notes")).content.decode(), "next")
    with django_assert_num_queries(9):
        assert rep_client.get(older).status_code == 200


def test_my_notes_say_when_the_dates_are_the_wrong_way_round(rep_client, rep):
    CallNoteFactory(author=rep, body="Okta login")
    page = rep_client.get(
        reverse("my_notes"), {"date_from": "2026-03-01", "date_to": "2026-02-01"}
    ).content.decode()
    # The message is tied to the "To" field, so a screen reader reads them together.
    assert 'id="id_date_to_error"' in page and "The end date is before the start date." in page
    field = re.search(r"<input[^>]*id=\"id_date_to\"[^>]*>", page)[0]
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_date_to_error"' in field


def test_every_my_notes_filter_has_a_label(rep_client):
    page = rep_client.get(reverse("my_notes")).content.decode()
    for field in ("q", "account", "tag", "importance", "date_from", "date_to"):
        assert f'<label for="id_{field}">' in page, field


def test_a_theme_in_my_notes_links_to_its_page(rep_client, rep):
    note = CallNoteFactory(author=rep)
    theme = ThemeFactory(title="Single sign-on")
    ThemeAssignment.objects.create(note=note, theme=theme)
    page = rep_client.get(reverse("my_notes")).content.decode()
    assert f'href="{reverse("theme_page", args=[theme.pk])}"><strong>Single sign-on' in page


def test_an_unknown_account_filter_lists_nothing_and_says_so_in_this_pages_words(rep_client, rep):
    CallNoteFactory(author=rep, body="Okta login")
    page = rep_client.get(reverse("my_notes"), {"account": "zzqx nowhere"}).content.decode()
    assert "No account matches “zzqx nowhere”" in page
    assert "new prospect" not in page
    assert "Okta login" not in page and "Nothing is listed until the filter" in page


def test_reversed_dates_list_nothing_rather_than_every_note(rep_client, rep):
    CallNoteFactory(author=rep, body="Okta login")
    page = rep_client.get(
        reverse("my_notes"), {"date_from": "2026-03-01", "date_to": "2026-02-01"}
    ).content.decode()
    assert "The end date is before the start date." in page and "Okta login" not in page


def test_the_account_filter_forgives_a_typo_and_part_of_a_name(rep_client, rep):
    pioneer = AccountFactory(name="Pioneer Logistics")
    granite = AccountFactory(name="Granite Foods")
    CallNoteFactory(author=rep, account=pioneer, body="Pioneer wants SSO")
    CallNoteFactory(author=rep, account=granite, body="Granite wants exports")
    for typed in ("pioneer", "Pioner Logistics"):
        page = rep_client.get(reverse("my_notes"), {"account": typed}).content.decode()
        assert "Pioneer wants SSO" in page and "Granite wants exports" not in page, typed
        assert "showing Pioneer Logistics" in page


def test_my_notes_list_the_most_recent_call_first_then_the_last_saved(rep_client, rep):
    today = dt.date.today()
    january = CallNoteFactory(author=rep, body="call in January", call_date=dt.date(2026, 1, 17))
    logged_late = CallNoteFactory(author=rep, body="call of today", call_date=today)
    august = CallNoteFactory(author=rep, body="call in August", call_date=dt.date(2025, 8, 28))
    same_day = CallNoteFactory(author=rep, body="second note today", call_date=today)
    CallNote.objects.filter(pk=logged_late.pk).update(
        created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    page = rep_client.get(reverse("my_notes")).content.decode()
    assert _edit_links(page) == [same_day.pk, logged_late.pk, january.pk, august.pk]
    assert "4 notes · most recent call first" in page


def test_paging_by_call_date_lists_each_note_once(rep_client, rep):
    start = dt.date(2026, 1, 1)
    notes = [
        CallNoteFactory(author=rep, call_date=start + dt.timedelta(days=i % 7)) for i in range(60)
    ]
    expected = [n.pk for n in sorted(notes, key=lambda n: (n.call_date, n.created_at, n.pk))][::-1]
    seen, url = [], reverse("my_notes")
    while url:
        html = rep_client.get(url).content.decode()
        seen += _edit_links(html)
        url = _link(html, "next")
    assert seen == expected
    second = rep_client.get(_link(rep_client.get(reverse("my_notes")).content.decode(), "next"))
    back = rep_client.get(_link(second.content.decode(), "prev")).content.decode()
    assert _edit_links(back) == expected[:25]


def test_my_notes_search_finds_every_word_in_any_order(rep_client, rep):
    CallNoteFactory(author=rep, body="They need single sign-on with Okta before rollout")
    CallNoteFactory(author=rep, body="Okta only", quote="Rollout is blocked")
    CallNoteFactory(author=rep, body="Rollout of the mobile app")

    def shown(q):
        html = rep_client.get(reverse("my_notes"), {"q": q}).content.decode()
        return {b for b in ("before rollout", "Okta only", "mobile app") if b in html}

    assert shown("okta rollout") == {"before rollout", "Okta only"}
    assert shown("ROLLOUT   okta") == {"before rollout", "Okta only"}
    assert shown("okta mobile") == set()


def test_editing_or_deleting_says_which_note_it_was(rep_client, rep):
    """A bare "Note updated." left the rep to find which of a day's notes had changed."""
    initech = AccountFactory(name="Initech", owner=rep)
    note = CallNoteFactory(author=rep, account=initech, call_date=dt.date(2026, 11, 20))
    data = {
        "account": "Initech",
        "call_date": "2026-11-19",
        "body": "Edited: they need SCIM too.",
        "importance": "important",
    }
    edited = rep_client.post(reverse("note_edit", args=[note.pk]), data, follow=True)
    assert "Your note on Initech of 19 Nov 2026 is updated." in edited.content.decode()
    deleted = rep_client.post(reverse("note_delete", args=[note.pk]), follow=True)
    assert "Your note on Initech of 19 Nov 2026 is deleted." in deleted.content.decode()


def test_editing_from_a_customers_page_returns_to_it(rep_client, rep):
    initech = AccountFactory(name="Initech", owner=rep)
    note = CallNoteFactory(author=rep, account=initech)
    account_page = reverse("account_detail", args=[initech.pk])
    edit_link = unescape(
        re.search(r'href="([^"]*/edit/[^"]*)"', rep_client.get(account_page).content.decode())[1]
    )
    form = rep_client.get(edit_link).content.decode()
    assert f'name="next" value="{account_page}"' in form
    assert f'<a href="{account_page}">Cancel</a>' in form
    data = {
        "account": "Initech",
        "call_date": note.call_date.isoformat(),
        "body": "Edited: they need SCIM too.",
        "importance": "important",
        "next": account_page,
    }
    response = rep_client.post(reverse("note_edit", args=[note.pk]), data)
    assert response.url == account_page
    deleted = rep_client.post(reverse("note_delete", args=[note.pk]), {"next": account_page})
    assert deleted.url == account_page
    assert not CallNote.objects.filter(pk=note.pk).exists()


def test_a_next_page_on_another_site_is_not_followed(rep_client, rep):
    note = CallNoteFactory(author=rep)
    data = {
        "account": note.account.name,
        "call_date": note.call_date.isoformat(),
        "body": "Edited: they need SCIM too.",
        "importance": "important",
        "next": "https://evil.example/phish",
    }
    response = rep_client.post(reverse("note_edit", args=[note.pk]), data)
    assert response.url == reverse("my_notes")


def test_a_note_card_names_its_author_only_where_others_write_too(rep_client, rep, other_rep):
    initech = AccountFactory(name="Initech", owner=rep)
    CallNoteFactory(author=rep, account=initech)
    CallNoteFactory(author=other_rep, account=initech)
    mine = rep_client.get(reverse("my_notes")).content.decode()
    assert rep.display_name not in mine.split("<main", 1)[1].split("</main>", 1)[0]
    account_page = rep_client.get(reverse("account_detail", args=[initech.pk])).content.decode()
    assert other_rep.display_name in account_page
    assert " · you" in account_page
