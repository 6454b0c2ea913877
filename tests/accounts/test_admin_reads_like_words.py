"""Django admin for an admin: a person added on one screen with exactly one role, a team
that saves first time, and pages that read as words (names, money, JSON), not code."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import Team, User
from accounts.roles import Role
from insights.loop.models import WebhookEndpoint
from insights.themes import triage
from insights.themes.models import ClusteringRun, Theme
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    DealFactory,
    TeamFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "deals", "insights", "admin", "auth", "authtoken"}


def _new_person(**changes) -> dict:
    return {
        "username": "sam.lee",
        "first_name": "Sam",
        "last_name": "Lee",
        "email": "sam.lee@example.com",
        "role": Role.SALES_REP,
        "password1": "a-long-Passphrase-2026",
        "password2": "a-long-Passphrase-2026",
        **changes,
    }


def _role_groups(user) -> list[str]:
    return sorted(user.groups.filter(name__in=Role.ALL).values_list("name", flat=True))


def test_an_admin_adds_a_person_with_name_email_team_and_one_role_on_one_screen(admin_client_):
    team = TeamFactory(name="EMEA Sales")
    url = reverse("admin:accounts_user_add")
    page = admin_client_.get(url).content.decode()
    for field in ("first_name", "last_name", "email", "team", "role", "password1"):
        assert f'name="{field}"' in page, field
    assert 'type="radio" name="role"' in page  # one choice, not a multi-select of groups
    assert "be able to edit more user options" not in page

    response = admin_client_.post(url, _new_person(team=team.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_changelist")  # no second screen
    sam = User.objects.get(username="sam.lee")
    assert (sam.get_full_name(), sam.email) == ("Sam Lee", "sam.lee@example.com")
    assert _role_groups(sam) == [Role.SALES_REP] and not sam.is_staff
    assert list(sam.teams.all()) == [team]
    assert sam.check_password("a-long-Passphrase-2026")


def test_a_new_admin_gets_into_admin(admin_client_):
    admin_client_.post(reverse("admin:accounts_user_add"), _new_person(role=Role.ADMIN))
    assert User.objects.get(username="sam.lee").is_staff


@pytest.mark.parametrize("missing", ["role", "email", "first_name"])
def test_a_person_without_a_role_email_or_name_is_not_added(admin_client_, missing):
    data = _new_person()
    data.pop(missing)
    response = admin_client_.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not User.objects.filter(username="sam.lee").exists()


def test_changing_the_role_replaces_the_old_one(admin_client_):
    # Someone who came to hold two roles before this screen existed.
    user = UserFactory(role=Role.SALES_REP)
    user.groups.add(Group.objects.get(name=Role.ADMIN))
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = admin_client_.get(url).content.decode()
    assert 'name="groups"' not in page and 'type="radio" name="role"' in page

    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": Role.PRODUCT_MANAGER,
        "is_active": "on",
        "notification_preference": "immediate",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _role_groups(user) == [Role.PRODUCT_MANAGER]


def test_the_bulk_role_change_reads_as_a_sentence(admin_client_):
    sam = UserFactory(role=Role.PRODUCT_MANAGER, first_name="Sam", last_name="Lee")
    url = reverse("admin:accounts_user_changelist")
    response = admin_client_.post(
        url, {"action": "make_sales_rep", "_selected_action": [sam.pk]}, follow=True
    )
    assert "Sam Lee is now a sales rep." in response.content.decode()
    assert _role_groups(sam) == [Role.SALES_REP]

    others = [UserFactory(role=Role.SALES_REP) for _ in range(2)]
    response = admin_client_.post(
        url, {"action": "make_admin", "_selected_action": [u.pk for u in others]}, follow=True
    )
    assert "2 people are now admins." in response.content.decode()
    assert all(_role_groups(u) == [Role.ADMIN] for u in others)


def test_a_team_is_added_first_time_with_the_kind_it_suggests(admin_client_):
    url = reverse("admin:accounts_team_add")
    page = admin_client_.get(url).content.decode()
    assert '<option value="sales" selected>Sales</option>' in page
    assert "Sales teams hold reps" in page
    data = {
        "name": "APAC Sales",
        "kind": "sales",  # what the form comes with
        "region": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    assert admin_client_.post(url, data).status_code == 302
    assert Team.objects.get(name="APAC Sales").kind == "sales"


@pytest.fixture
def organisation(rep, pm):
    account = AccountFactory(owner=rep, arr=Decimal("2500000"))
    deal = DealFactory(account=account, amount=Decimal("11316571.00"), stage="proposal")
    note = CallNoteFactory(author=rep, account=account, deal=deal, tags=["sso"])
    theme = ThemeFactory(title="Single sign-on", keywords=["sso", "okta", "saml"])
    target = ThemeFactory(title="Identity")
    from insights.themes.models import ThemeAssignment

    ThemeAssignment.objects.create(note=note, theme=theme)
    Theme.objects.filter(pk=theme.pk).update(open_revenue=Decimal("11316571.00"))
    triage.theme_rename(theme=theme, title="Single sign-on (SAML)", actor=pm)
    ClusteringRun.objects.create(state="succeeded", changes={"created": 2, "moved": 5})
    triage.theme_merge(source=target, target=theme, actor=pm)
    TeamFactory().members.add(rep)
    WebhookEndpoint.objects.create(name="CRM", url="https://crm.example.com/hooks/feedbackhub")
    return {"deal": deal, "theme": theme, "merged": target}


def _column_titles(html: str) -> list[str]:
    head = html.split("<thead>", 1)[-1].split("</thead>", 1)[0] if "<thead>" in html else ""
    return re.findall(r'<div class="text">(?:<a [^>]*>|<span>)([^<]+)<', head)


def test_every_admin_page_loads_and_its_columns_have_proper_titles(admin_client_, organisation):
    opened, titles = 0, {}
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        if info[0] not in OUR_APPS:
            continue
        changelist = admin_client_.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        titles[info] = [t.strip() for t in _column_titles(changelist.content.decode())]
        for title in titles[info]:
            # Code leaking as a title: "Get full name", "Is active", "Note count", "Url".
            code_like = "_" in title or title.startswith(("Get ", "Is ")) or title == "Url"
            assert not code_like and not title.endswith(" count"), (info, title)
        row = model._default_manager.first()
        if row is not None:
            change = reverse("admin:{}_{}_change".format(*info), args=[row.pk])
            assert admin_client_.get(change).status_code == 200, change
            opened += 1
    assert opened >= 10
    assert titles[("accounts", "user")][:4] == ["Username", "Name", "Email address", "Role"]
    assert "Amount" in titles[("deals", "deal")]


def test_money_reads_as_money_in_admin(admin_client_, organisation):
    deals = admin_client_.get(reverse("admin:deals_deal_changelist")).content.decode()
    assert "$11,316,571" in deals and "11316571.00" not in deals
    accounts = admin_client_.get(reverse("admin:deals_account_changelist")).content.decode()
    assert "$2,500,000" in accounts
    theme = organisation["theme"]
    page = admin_client_.get(reverse("admin:insights_theme_change", args=[theme.pk]))
    assert "$11,316,571" in page.content.decode()


def test_keywords_and_the_timeline_are_shown_readably_not_as_json_to_edit(
    admin_client_, organisation
):
    theme = organisation["theme"]
    page = admin_client_.get(reverse("admin:insights_theme_change", args=[theme.pk]))
    html = page.content.decode()
    assert "sso, okta, saml" in html and 'name="keywords"' not in html
    assert "“Identity” merged in" in html and "<textarea" not in html.split("events")[-1]
    assert "&quot;source_title&quot;" not in html
    run = ClusteringRun.objects.get()
    html = admin_client_.get(reverse("admin:insights_clusteringrun_change", args=[run.pk]))
    assert "5 notes moved" in html.content.decode()


def test_engine_runs_are_called_theme_runs(admin_client_, organisation):
    index = admin_client_.get(reverse("admin:index")).content.decode()
    assert "Theme runs" in index and "Clustering runs" not in index
    assert ClusteringRun._meta.verbose_name_plural == "theme runs"
    assert Permission.objects.get(codename="view_clusteringrun").name == "Can view theme run"


def test_merged_into_is_shown_but_cannot_be_changed_in_admin(admin_client_, organisation, rep):
    merged, theme = organisation["merged"], organisation["theme"]
    url = reverse("admin:insights_theme_change", args=[merged.pk])
    html = admin_client_.get(url).content.decode()
    assert 'name="merged_into"' not in html
    assert f'href="{reverse("theme_page", args=[theme.pk])}"' in html

    other = ThemeFactory(title="Reporting")
    data = {
        "title": merged.title,
        "description": "",
        "status": merged.status,
        "external_url": "",
        "decision": "",
        "merged_into": other.pk,  # ignored: not a field of this form
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    assert admin_client_.post(url, data).status_code == 302
    merged.refresh_from_db()
    assert merged.merged_into == theme


@pytest.mark.parametrize("client_fixture", ["rep_client", "pm_client"])
def test_reps_and_product_managers_cannot_add_people_or_open_any_admin_page(
    request, client_fixture, organisation
):
    client = request.getfixturevalue(client_fixture)
    for url in [
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_team_add"),
        reverse("admin:insights_theme_change", args=[organisation["theme"].pk]),
        reverse("admin:insights_clusteringrun_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    before = User.objects.count()
    client.post(reverse("admin:accounts_user_add"), _new_person(role=Role.ADMIN))
    assert User.objects.count() == before


def test_adding_people_to_a_team_says_how_many_people(admin_client_):
    team = TeamFactory(name="EMEA Sales")
    users = [UserFactory() for _ in range(2)]
    response = admin_client_.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "add_to_team",
            "_selected_action": [u.pk for u in users],
            "apply": "1",
            "team": team.pk,
        },
        follow=True,
    )
    assert "Added 2 people to EMEA Sales." in response.content.decode()
