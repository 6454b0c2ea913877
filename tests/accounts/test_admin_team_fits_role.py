"""Admin refuses a sales rep in a non-sales team and a product manager in a sales team,
as the team field's hint says; and lists the organisation before the plumbing."""

import pytest
from django.urls import reverse

from accounts.models import Team
from accounts.roles import Role
from tests.accounts.test_admin_reads_like_words import _new_person
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "kind", "said"),
    [
        (Role.SALES_REP, Team.Kind.PRODUCT, "a sales rep belongs to a sales team"),
        (Role.PRODUCT_MANAGER, Team.Kind.SALES, "a product manager belongs to a product team"),
    ],
)
def test_a_new_person_in_a_team_of_the_wrong_kind_is_refused(admin_client_, role, kind, said):
    team = TeamFactory(name="Product", kind=kind)
    response = admin_client_.post(
        reverse("admin:accounts_user_add"), _new_person(role=role, team=team.pk)
    )
    assert response.status_code == 200 and said in response.content.decode()
    assert not team.members.exists()


def test_an_admin_may_be_in_any_team(admin_client_):
    team = TeamFactory(name="Product", kind=Team.Kind.PRODUCT)
    response = admin_client_.post(
        reverse("admin:accounts_user_add"), _new_person(role=Role.ADMIN, team=team.pk)
    )
    assert response.status_code == 302 and team.members.count() == 1


def test_a_rep_added_to_a_product_team_on_their_page_is_refused(admin_client_):
    rep = UserFactory(role=Role.SALES_REP)
    product = TeamFactory(name="Product", kind=Team.Kind.PRODUCT)
    data = {
        "username": rep.username,
        "first_name": rep.first_name,
        "last_name": rep.last_name,
        "email": rep.email,
        "role": Role.SALES_REP,
        "is_active": "on",
        "notification_preference": "immediate",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-team": product.pk,
    }
    response = admin_client_.post(reverse("admin:accounts_user_change", args=[rep.pk]), data)
    assert response.status_code == 200
    assert "Product is a product team; a sales rep belongs to a sales team." in (
        response.content.decode()
    )
    assert not rep.teams.exists()


def test_a_rep_is_not_bulk_added_to_a_product_team(admin_client_):
    rep = UserFactory(role=Role.SALES_REP, first_name="Leo", last_name="Park")
    product = TeamFactory(name="Product", kind=Team.Kind.PRODUCT)
    response = admin_client_.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "add_to_team", "_selected_action": [rep.pk], "apply": "1", "team": product.pk},
    )
    assert "Not added: Leo Park (Sales rep)" in response.content.decode()
    assert not product.members.exists()


def test_the_admin_home_lists_people_and_customers_before_technical_sections(admin_client_):
    page = admin_client_.get(reverse("admin:index")).content.decode()
    people, customers = page.index("People and teams"), page.index("Customers and deals")
    for technical in ("Auth token", "Axes", "Administration"):
        if technical in page:
            assert people < customers < page.index(technical), technical
    assert "FeedbackHub administration" in page
