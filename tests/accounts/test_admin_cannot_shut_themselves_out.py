"""An admin cannot take away their own Admin role nor deactivate themselves in Django admin:
they would be shut out at once, and the last admin would leave nobody to let anyone in."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts import rules
from accounts.roles import Role
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def _person(user, **change):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": Role.ADMIN,
        "is_active": "on",
        "notification_preference": "immediate",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        **change,
    }


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.PRODUCT_MANAGER, ""])
def test_an_admin_cannot_take_away_their_own_admin_role(admin_client_, admin_user, role):
    url = reverse("admin:accounts_user_change", args=[admin_user.pk])
    response = admin_client_.post(url, _person(admin_user, role=role))
    assert response.status_code == 200
    assert escape(rules.OWN_ADMIN_ROLE) in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN and admin_user.is_staff
    assert admin_client_.get(reverse("admin:index")).status_code == 200


def test_an_admin_cannot_deactivate_themselves(admin_client_, admin_user):
    url = reverse("admin:accounts_user_change", args=[admin_user.pk])
    data = _person(admin_user)
    del data["is_active"]  # an unticked box is not sent
    response = admin_client_.post(url, data)
    assert escape(rules.OWN_DEACTIVATION) in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_bulk_role_change_leaves_everyone_as_they_were_when_it_includes_oneself(
    admin_client_, admin_user
):
    other = AdminFactory()
    response = admin_client_.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "make_sales_rep", "_selected_action": [admin_user.pk, other.pk]},
        follow=True,
    )
    assert escape(rules.OWN_ADMIN_ROLE) in response.content.decode()
    other.refresh_from_db()
    admin_user.refresh_from_db()
    assert other.role == Role.ADMIN and admin_user.role == Role.ADMIN


def test_an_admin_still_changes_another_admins_role(admin_client_):
    other = AdminFactory()
    url = reverse("admin:accounts_user_change", args=[other.pk])
    response = admin_client_.post(url, _person(other, role=Role.PRODUCT_MANAGER))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.role == Role.PRODUCT_MANAGER and not other.is_staff


def test_an_admin_who_is_not_a_superuser_cannot_make_anyone_a_superuser(admin_client_, admin_user):
    other = AdminFactory()
    for person in (admin_user, other):
        url = reverse("admin:accounts_user_change", args=[person.pk])
        response = admin_client_.post(url, _person(person, is_superuser="on"))
        assert response.status_code == 302
        person.refresh_from_db()
        assert not person.is_superuser


def test_an_admin_who_is_not_a_superuser_cannot_hand_out_single_permissions(admin_client_):
    from django.contrib.auth.models import Permission

    other = AdminFactory()
    permission = Permission.objects.get(codename="delete_user")
    url = reverse("admin:accounts_user_change", args=[other.pk])
    response = admin_client_.post(url, _person(other, user_permissions=[permission.pk]))
    assert response.status_code == 302
    assert not other.user_permissions.exists()


def test_a_superuser_can_still_make_someone_a_superuser(client):
    boss = AdminFactory(is_superuser=True)
    other = AdminFactory()
    client.force_login(boss)
    url = reverse("admin:accounts_user_change", args=[other.pk])
    response = client.post(url, _person(other, is_superuser="on"))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.is_superuser


def test_an_admin_cannot_delete_themselves(admin_client_, admin_user):
    url = reverse("admin:accounts_user_delete", args=[admin_user.pk])
    assert admin_client_.post(url, {"post": "yes"}).status_code == 403
    other = AdminFactory()
    admin_client_.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [admin_user.pk, other.pk], "post": "yes"},
    )
    assert type(admin_user).objects.filter(pk__in=[admin_user.pk, other.pk]).count() == 2


def test_an_admin_can_still_delete_someone_else(admin_client_):
    other = AdminFactory()
    url = reverse("admin:accounts_user_delete", args=[other.pk])
    assert admin_client_.post(url, {"post": "yes"}).status_code == 302
    assert not type(other).objects.filter(pk=other.pk).exists()
