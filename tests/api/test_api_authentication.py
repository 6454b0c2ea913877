"""An integrator's client without a valid token is told to authenticate (401), not that
it is forbidden (403), so it can tell "log in" from "not allowed"."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_client_without_credentials_is_asked_for_a_token(client):
    response = client.get("/api/v1/notes/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_asked_for_a_valid_one(client):
    response = client.get("/api/v1/notes/", HTTP_AUTHORIZATION="Token not-a-real-key")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_a_signed_in_browser_still_reads_the_api(rep_client):
    assert rep_client.get("/api/v1/notes/").status_code == 200
