import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from accounts.models import Team
from accounts.roles import Role
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    DealFactory,
    TeamFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "deals", "insights"}


def _admin_urls():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS | {"admin", "auth", "authtoken"}:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info))
        if model_admin.has_add_permission(_FakeRequest()):
            yield reverse("admin:{}_{}_add".format(*info))


class _FakeRequest:
    class user:  # noqa: N801 - stands in for a superuser-like admin
        @staticmethod
        def has_perm(perm, obj=None):
            return True


@pytest.fixture
def organisation(rep):
    deal = DealFactory(account=AccountFactory(owner=rep))
    CallNoteFactory(author=rep, account=deal.account, deal=deal, tags=["sso"])
    ThemeFactory()
    TeamFactory().members.add(rep)


def test_every_admin_page_loads_for_an_admin(admin_client_, organisation):
    urls = list(_admin_urls())
    assert len(urls) > 10
    for url in urls:
        response = admin_client_.get(url)
        assert response.status_code == 200, url


def test_change_pages_with_inlines_load_for_an_admin(admin_client_, organisation):
    for model in (Team, apps.get_model("deals", "Account"), apps.get_model("deals", "Deal")):
        obj = model.objects.first()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        assert admin_client_.get(url).status_code == 200, url


@pytest.mark.parametrize("client_fixture", ["rep_client", "pm_client"])
def test_admin_is_refused_to_reps_and_product_managers(request, client_fixture, organisation):
    client = request.getfixturevalue(client_fixture)
    for url in [reverse("admin:index"), reverse("admin:deals_deal_changelist")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_an_admin_sets_the_role_of_selected_users_in_bulk(admin_client_):
    users = [UserFactory(role=Role.SALES_REP) for _ in range(3)]
    response = admin_client_.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "make_product_manager", "_selected_action": [u.pk for u in users]},
    )
    assert response.status_code == 302
    for user in users:
        user.refresh_from_db()
        assert user.role == Role.PRODUCT_MANAGER


def test_an_admin_adds_selected_users_to_a_team(admin_client_):
    team = TeamFactory()
    users = [UserFactory() for _ in range(2)]
    url = reverse("admin:accounts_user_changelist")
    selected = [u.pk for u in users]
    page = admin_client_.post(url, {"action": "add_to_team", "_selected_action": selected})
    assert page.status_code == 200 and b"Add to team" in page.content

    admin_client_.post(
        url,
        {"action": "add_to_team", "_selected_action": selected, "apply": "1", "team": team.pk},
    )
    assert set(team.members.all()) == set(users)


def test_the_audit_trail_is_read_only(admin_client_):
    assert admin_client_.get(reverse("admin:admin_logentry_add")).status_code == 403
