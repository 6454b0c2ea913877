import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from accounts.rules import can_change_note, can_triage
from accounts.services import team_add_members, user_set_role
from tests.factories import CallNoteFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.ALL)


def test_a_rep_can_log_notes_but_cannot_triage_themes(rep):
    assert rep.has_perm("insights.add_callnote")
    assert not rep.has_perm("insights.triage_theme")
    assert not rep.has_perm("insights.run_engine")
    assert not rep.has_perm("deals.change_any_deal")
    assert not can_triage(rep)


def test_a_product_manager_triages_but_does_not_edit_deals(pm):
    assert can_triage(pm)
    assert pm.has_perm("insights.run_engine")
    assert not pm.has_perm("deals.change_deal")
    assert not pm.has_perm("insights.add_callnote")


def test_an_admin_may_change_everything_of_the_organisation(admin_user):
    for perm in ("deals.change_deal", "deals.change_any_deal", "accounts.change_user"):
        assert admin_user.has_perm(perm)
    assert admin_user.is_staff


def test_a_rep_may_change_their_own_note_but_not_another_reps(rep, other_rep):
    own = CallNoteFactory(author=rep)
    theirs = CallNoteFactory(author=other_rep)
    assert can_change_note(rep, own)
    assert not can_change_note(rep, theirs)


def test_setting_a_role_replaces_the_previous_one_and_admin_access_follows_it():
    user = UserFactory(role=Role.SALES_REP)
    user_set_role(user=user, role=Role.ADMIN)
    user.refresh_from_db()
    assert user.role == Role.ADMIN and user.is_staff

    user_set_role(user=user, role=Role.PRODUCT_MANAGER)
    user.refresh_from_db()
    assert user.role == Role.PRODUCT_MANAGER
    assert not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [Role.PRODUCT_MANAGER]


def test_an_unknown_role_is_refused_with_the_list_of_roles():
    user = UserFactory()
    with pytest.raises(ValueError, match="Sales rep, Product manager, Admin"):
        user_set_role(user=user, role="Boss")


def test_adding_members_to_a_team_skips_those_already_in_it():
    team = TeamFactory()
    a, b = UserFactory(), UserFactory()
    assert team_add_members(team=team, users=[a]) == 1
    assert team_add_members(team=team, users=[a, b]) == 1
    assert set(team.members.all()) == {a, b}
