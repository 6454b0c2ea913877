"""No input makes a 500, and a data store that is down gives 503, not a bare 500
(feedbackhub.errors). Pages get the app's look; /api/ clients get the API's shape."""

import pytest
import redis
from django.db import OperationalError
from django.test import Client

from insights.notes.models import CallNote
from tests.factories import AccountFactory, CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/notes/suggest/accounts/?account=Ac%00me",
        "/notes/suggest/tags/?tags=ss%00o",
        "/notes/suggest/deals/?account=Ac%00me",
        "/themes/options/?target_text=s%00so",
        "/notes/mine/?q=a%00b",
    ],
)
def test_a_nul_character_in_a_suggestion_or_picker_is_a_clear_400(url, admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


def test_a_nul_character_in_the_note_form_is_a_field_error_with_the_text_kept(rep, rep_client):
    account = AccountFactory(owner=rep, name="Initech")
    note = CallNoteFactory(author=rep, account=account)
    form = {
        "account": "Initech",
        "call_date": "2026-01-05",
        "body": "They need SSO with Okta\x00 before the rollout.",
        "importance": "important",
    }
    for url in ("/notes/new/", f"/notes/{note.pk}/edit/"):
        response = rep_client.post(url, form)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert 'id="id_body_error"' in page and "NUL character" in page
        assert "They need SSO with Okta\x00 before the rollout." in page  # the typing is kept
    assert CallNote.objects.get() == note and "Okta\x00" not in note.body


def test_a_nul_character_in_the_account_field_is_an_error_on_that_field(rep, rep_client):
    AccountFactory(owner=rep, name="Initech")
    response = rep_client.post(
        "/notes/new/",
        {
            "account": "Init\x00ech",
            "call_date": "2026-01-05",
            "body": "They need SSO with Okta before the rollout.",
            "importance": "important",
        },
    )
    assert response.status_code == 200
    assert 'id="id_account_error"' in response.content.decode()


@pytest.fixture
def quiet_client(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


def _database_down(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


def test_a_page_says_temporarily_unavailable_when_the_database_is_down(quiet_client, monkeypatch):
    monkeypatch.setattr("insights.themes.dashboard.theme_rows", _database_down)
    response = quiet_client.get("/themes/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Temporarily unavailable" in response.content
    assert b"<html" in response.content


def test_the_api_answers_503_in_its_error_shape_when_redis_is_down(quiet_client, monkeypatch):
    def redis_down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr("insights.themes.api.views.ThemeViewSet.list", redis_down)
    response = quiet_client.get("/api/v1/themes/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "try again" in body["detail"]


def test_losing_the_database_while_loading_the_user_is_503_too(quiet_client, monkeypatch):
    # The session and the user are loaded by middleware, before any view.
    monkeypatch.setattr("django.contrib.auth.get_user", _database_down)
    response = quiet_client.get("/notes/mine/")
    assert response.status_code == 503
    assert b"Temporarily unavailable" in response.content


def test_an_unexpected_error_gets_the_styled_500_page_and_json_for_the_api(
    quiet_client, monkeypatch
):
    def bug(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr("insights.themes.api.views.ThemeViewSet.list", bug)
    ThemeFactory()
    api = quiet_client.get("/api/v1/themes/")
    assert api.status_code == 500
    assert set(api.json()) == {"detail", "errors"}
    monkeypatch.setattr("insights.themes.dashboard.theme_rows", bug)
    page = quiet_client.get("/themes/")
    assert page.status_code == 500
    assert b"Something went wrong" in page.content
    assert b"FeedbackHub" in page.content
