"""An Admin who is not a superuser cannot change, reset the password of, or delete a
superuser in Django admin: with the superuser's password (or email, to send the reset
to themselves) they would log in as one, and be more than an Admin after all."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from accounts import rules
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser(
        username="root", email="root@example.com", password="Original-pass-2026"
    )


def test_an_admin_cannot_reset_a_superusers_password(admin_client_, superuser):
    data = {"password1": "Taken-over-2026!", "password2": "Taken-over-2026!"}
    page = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert admin_client_.get(page).status_code == 403
    assert admin_client_.post(page, data).status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password("Original-pass-2026")


def test_an_admin_reads_a_superusers_page_but_cannot_change_their_email(admin_client_, superuser):
    url = reverse("admin:accounts_user_change", args=[superuser.pk])
    assert admin_client_.get(url).status_code == 200  # read-only: Admins view people
    data = {
        "username": "root",
        "first_name": "",
        "last_name": "",
        "email": "mine@example.com",
        "role": "",
        "is_active": "on",
        "notification_preference": "immediate",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    admin_client_.post(url, data)
    superuser.refresh_from_db()
    assert superuser.email == "root@example.com"


def test_an_admin_cannot_delete_a_superuser_alone_or_in_a_bulk_delete(admin_client_, superuser):
    other = AdminFactory()
    assert (
        admin_client_.post(
            reverse("admin:accounts_user_delete", args=[superuser.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    admin_client_.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [superuser.pk, other.pk], "post": "yes"},
    )
    assert get_user_model().objects.filter(pk__in=[superuser.pk, other.pk]).count() == 2


def test_an_admin_cannot_change_a_superusers_role_in_bulk(admin_client_, superuser):
    response = admin_client_.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "make_sales_rep", "_selected_action": [superuser.pk]},
        follow=True,
    )
    assert escape(rules.SUPERUSER_ONLY) in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.role != "Sales rep"


def test_a_superuser_still_manages_another_superuser(client, superuser):
    other = get_user_model().objects.create_superuser(
        username="root2", email="root2@example.com", password="Another-pass-2026"
    )
    client.force_login(other)
    page = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.get(page).status_code == 200


def test_an_admin_still_manages_other_admins(admin_client_):
    other = AdminFactory()
    page = reverse("admin:auth_user_password_change", args=[other.pk])
    assert admin_client_.get(page).status_code == 200
