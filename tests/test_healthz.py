import re

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_login_when_all_is_up():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@override_settings(REDIS_URL="redis://127.0.0.1:6399/0")  # nothing listens there
def test_healthz_says_redis_is_down_when_it_does_not_answer():
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("down: ")


def test_healthz_says_the_database_is_down(monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise Exception('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("down: connection to server")


def test_every_other_page_requires_login():
    for url in ["/", "/admin/", "/api/schema/"]:
        response = Client().get(url)
        assert response.status_code in (302, 401, 403), url
        if response.status_code == 302:
            assert "login" in response["Location"]


def test_the_login_page_is_in_the_apps_own_look():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert b"Log in to FeedbackHub" in response.content


def test_a_user_logs_in_and_sees_the_home_page(rep):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": rep.username, "password": "secret-pass-123"}, follow=True
    )
    assert response.status_code == 200
    assert rep.first_name.encode() in response.content


def test_password_reset_sends_a_link_that_sets_a_new_password(rep, mailoutbox):
    response = Client().post("/accounts/password_reset/", {"email": rep.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [rep.email]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mailoutbox[0].body).group(1)

    client = Client()
    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    new = "a-brand-new-passphrase-42"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    rep.refresh_from_db()
    assert rep.check_password(new)
