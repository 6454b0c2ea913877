"""Writes about people: roles and team membership."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Team, TeamMembership, User
from accounts.roles import Role


@transaction.atomic
def user_set_role(*, user: User, role: str | None) -> User:
    """Give the user exactly one role, replacing any other (None: no role, who then
    sees nothing); admins also get access to Django admin."""
    if role is not None and role not in Role.ALL:
        raise ValueError(f"Unknown role {role!r}; choose one of: {', '.join(Role.ALL)}")
    role_groups = Group.objects.filter(name__in=Role.ALL)
    user.groups.remove(*role_groups)
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    user.is_staff = role == Role.ADMIN
    user.save(update_fields=["is_staff"])
    return user


@transaction.atomic
def team_add_members(*, team: Team, users: Iterable[User]) -> int:
    """Add users to a team; those already in it are left as they are."""
    existing = set(team.memberships.values_list("user_id", flat=True))
    new = [TeamMembership(team=team, user=u) for u in users if u.pk not in existing]
    TeamMembership.objects.bulk_create(new)
    return len(new)
