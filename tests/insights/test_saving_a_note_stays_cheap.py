"""A rep's save costs a fixed, small number of queries, however many tags and competitors.

Saves share the web processes with product managers' reports (docs/performance.md,
"Saves under load"): every query is a round trip during which a rep's request
can lose its turn to a report thread, so the count is pinned here. Counted
inside the test's transaction: the service's own transaction shows as a
savepoint and its release (2 of the counts; in production a COMMIT instead).
"""

import pytest
from django.urls import reverse

from insights.notes.forms import draft_fingerprint
from insights.notes.models import CallNote, Tag
from insights.themes.pipeline import placement
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    CompetitorFactory,
    TagFactory,
    ThemeFactory,
)
from tests.insights.log_call_form import BODY, post_log_call

pytestmark = pytest.mark.django_db

# session, user, permissions (the user's, their groups'), the account, the
# transaction (2), duplicate guard (lock, earlier notes), the note. Tags add
# their look-up and link, new tags their insert and read-back, competitors
# their check and link: each whatever the number.
FORM_SAVE_QUERIES = 10
TAGS_QUERIES = 2
NEW_TAGS_QUERIES = 2
COMPETITORS_QUERIES = 2
# session, user, permissions (2), the saved note with its account and theme,
# the bell's count, the role, the competitors to tick.
CONFIRMATION_QUERIES = 8
# session, user, permissions (2), the account, the transaction (2), duplicate
# guard (2), the note, its tags (read, link), then the answer: tags, competitors, theme.
API_SAVE_QUERIES = 15


@pytest.fixture
def account(rep):
    return AccountFactory(name="Northwind Analytics", domain="northwind.example", owner=rep)


def _save(client, **fields):
    return post_log_call(client, account="Northwind Analytics (northwind.example)", **fields)


def test_logging_a_call_costs_a_fixed_number_of_queries(
    rep_client, account, django_assert_num_queries
):
    TagFactory(name="sso")
    TagFactory(name="security")
    with django_assert_num_queries(FORM_SAVE_QUERIES):
        assert _save(rep_client, tags="").status_code == 302
    with django_assert_num_queries(FORM_SAVE_QUERIES + TAGS_QUERIES):
        assert _save(rep_client, body=f"Again: {BODY}", tags="sso, Security").status_code == 302


@pytest.mark.parametrize("new_tags", ["okta", "okta, scim, audit log, sandbox, eu hosting"])
def test_new_tags_cost_the_same_however_many(
    rep_client, account, new_tags, django_assert_num_queries
):
    TagFactory(name="sso")
    with django_assert_num_queries(FORM_SAVE_QUERIES + TAGS_QUERIES + NEW_TAGS_QUERIES):
        assert _save(rep_client, tags=f"sso, {new_tags}").status_code == 302
    assert CallNote.objects.get().tags.count() == 1 + len(new_tags.split(","))


@pytest.mark.parametrize("count", [1, 4])
def test_competitors_cost_the_same_however_many(
    rep_client, account, count, django_assert_num_queries
):
    rivals = [CompetitorFactory().pk for _ in range(count)]
    with django_assert_num_queries(FORM_SAVE_QUERIES + COMPETITORS_QUERIES):
        assert _save(rep_client, tags="", competitors=rivals).status_code == 302
    assert sorted(CallNote.objects.get().competitors.values_list("pk", flat=True)) == rivals


def test_the_saved_note_is_whole_and_waits_for_its_theme(
    rep_client, rep, account, queued, django_capture_on_commit_callbacks
):
    TagFactory(name="sso")
    rival = CompetitorFactory(name="Productboard")
    with django_capture_on_commit_callbacks(execute=True):
        response = _save(rep_client, tags="SSO, audit log", competitors=[rival.pk])
    note = CallNote.objects.get()
    assert response["Location"] == f"{reverse('log_call')}?saved={note.pk}"
    assert (note.author, note.account, note.body) == (rep, account, BODY)
    assert sorted(note.tags.values_list("name", flat=True)) == ["audit log", "sso"]
    assert Tag.objects.count() == 2  # "SSO" is the existing tag, not a second one
    assert list(note.competitors.all()) == [rival]
    assert queued == [(placement.PLACE_TASK, (note.pk,))]  # placed by the worker, after commit


def test_a_note_whose_tags_are_new_to_everyone_gets_them_once(rep_client, rep, account):
    assert _save(rep_client, tags="Okta, okta , SCIM").status_code == 302
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["okta", "scim"]
    assert CallNote.objects.get().tags.count() == 2


def test_the_confirmation_costs_a_fixed_number_of_queries_and_names_the_account(
    rep_client, account, django_assert_num_queries
):
    saved = _save(rep_client)["Location"]
    with django_assert_num_queries(CONFIRMATION_QUERIES):
        page = rep_client.get(saved).content.decode()
    assert "Your note on Northwind Analytics is in." in page


def test_the_confirmation_names_the_need_the_rep_picked(
    rep_client, account, django_assert_num_queries
):
    theme = ThemeFactory(title="Okta single sign-on", status="planned")
    saved = _save(rep_client, theme=theme.pk, theme_for=draft_fingerprint(BODY))["Location"]
    with django_assert_num_queries(CONFIRMATION_QUERIES):
        page = rep_client.get(saved).content.decode()
    assert "Joined <em>Okta single sign-on</em> — Planned." in page


def test_a_confirmation_of_someone_elses_note_shows_nothing_of_it(rep_client, other_rep, account):
    other = AccountFactory(name="Globex", owner=other_rep)
    theirs = CallNoteFactory(author=other_rep, account=other)
    page = rep_client.get(f"{reverse('log_call')}?saved={theirs.pk}").content.decode()
    assert "Saved." not in page and "Globex" not in page


@pytest.mark.parametrize("tags", [["sso"], ["sso", "okta", "scim", "audit log", "sandbox"]])
def test_the_api_save_costs_a_fixed_number_of_queries(
    rep_client, account, tags, django_assert_num_queries
):
    for name in tags:
        TagFactory(name=name)
    with django_assert_num_queries(API_SAVE_QUERIES):
        response = rep_client.post(
            "/api/v1/notes/",
            {"account": account.pk, "body": BODY, "tags": tags},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert response.json()["tags"] == sorted(tags)
