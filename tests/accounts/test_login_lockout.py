"""No way in by guessing: repeated wrong passwords lock the login (django-axes)."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.factories import AdminFactory, RepFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory


def _try(client, url, username, password, ip="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_after_a_few_wrong_passwords_even_the_right_one_is_refused(url):
    user = AdminFactory(username="guessed", is_staff=True)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, url, user.username, "wrong")
    response = _try(client, url, user.username, PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session


def test_the_username_is_locked_from_any_address():
    user = RepFactory(username="target")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _try(Client(), "/accounts/login/", user.username, "wrong", ip=f"10.0.1.{n}")
    response = _try(Client(), "/accounts/login/", user.username, PASSWORD, ip="10.0.2.1")
    assert response.status_code == 429


def test_an_address_trying_many_usernames_is_locked():
    victim = RepFactory(username="victim")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _try(Client(), "/accounts/login/", f"nobody{n}", "wrong", ip="10.0.3.3")
    assert (
        _try(Client(), "/accounts/login/", victim.username, PASSWORD, ip="10.0.3.3").status_code
        == 429
    )
    # The same person from another address is not locked.
    assert (
        _try(Client(), "/accounts/login/", victim.username, PASSWORD, ip="10.0.3.4").status_code
        == 302
    )


def test_one_typo_then_the_right_password_logs_in():
    user = RepFactory(username="typo")
    client = Client()
    assert _try(client, "/accounts/login/", user.username, "wrong").status_code == 200
    assert _try(client, "/accounts/login/", user.username, PASSWORD).status_code == 302


def test_an_admin_unlocks_a_locked_out_user_in_django_admin():
    from axes.models import AccessAttempt

    user = RepFactory(username="locked")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(Client(), "/accounts/login/", user.username, "wrong")
    assert _try(Client(), "/accounts/login/", user.username, PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(AdminFactory())  # the Admin role, not a superuser
    changelist = admin.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200
    attempt_ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempt_ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert _try(Client(), "/accounts/login/", user.username, PASSWORD).status_code == 302


def _through_proxy(username, password, *, client_ip, proxy_ip="172.18.0.5", claimed=""):
    """A login as nginx passes it on: from the proxy's address, the client's appended."""
    forwarded = f"{claimed}, {client_ip}" if claimed else client_ip
    return Client().post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=proxy_ip,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_one_persons_wrong_passwords_do_not_lock_out_everyone():
    colleague = RepFactory(username="colleague")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _through_proxy(f"nobody{n}", "wrong", client_ip="203.0.113.7")
    assert _through_proxy("nobody0", "wrong", client_ip="203.0.113.7").status_code == 429
    # Everyone comes through the same proxy; the colleague's own address is not locked.
    assert _through_proxy(colleague.username, PASSWORD, client_ip="198.51.100.9").status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_an_address_made_up_by_the_client_does_not_escape_the_lock():
    for n in range(settings.AXES_FAILURE_LIMIT):
        _through_proxy(f"nobody{n}", "wrong", client_ip="203.0.113.7", claimed=f"10.9.9.{n}")
    response = _through_proxy("nobody9", "wrong", client_ip="203.0.113.7", claimed="10.9.9.99")
    assert response.status_code == 429
