"""The three role groups cannot be deleted, renamed or given other permissions in Django
admin: deleting "Sales rep" took the role away from every rep at once (each then saw
"no role yet" and a 403 everywhere) until the next migrate wrote the group again."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from tests.factories import RepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    root = get_user_model().objects.create_superuser(
        username="root", email="root@example.com", password="Original-pass-2026"
    )
    client.force_login(root)
    return client


@pytest.mark.parametrize("who", ["admin_client_", "superuser_client"])
def test_a_role_group_cannot_be_deleted(request, who):
    client = request.getfixturevalue(who)
    rep = RepFactory()
    reps = Group.objects.get(name=Role.SALES_REP)
    url = reverse("admin:auth_group_delete", args=[reps.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [reps.pk], "post": "yes"},
    )
    assert Group.objects.filter(name=Role.SALES_REP).exists()
    rep.refresh_from_db()
    assert rep.role == Role.SALES_REP


def test_a_role_group_cannot_be_renamed_but_can_be_read(admin_client_):
    admins = Group.objects.get(name=Role.ADMIN)
    url = reverse("admin:auth_group_change", args=[admins.pk])
    assert admin_client_.get(url).status_code == 200
    admin_client_.post(url, {"name": "Everyone", "permissions": []})
    assert Group.objects.filter(name=Role.ADMIN).exists()
    assert admins.permissions.exists()


def test_another_group_is_managed_as_usual(admin_client_):
    other = Group.objects.create(name="Beta testers")
    url = reverse("admin:auth_group_delete", args=[other.pk])
    assert admin_client_.post(url, {"post": "yes"}).status_code == 302
    assert not Group.objects.filter(name="Beta testers").exists()
