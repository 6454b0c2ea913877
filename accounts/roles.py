"""The three roles and what each may do, as Django permission groups.

Access checks elsewhere ask for permissions (`user.has_perm(...)`), never for
role names, so an admin can grant a single extra permission to one person
without code changes. Rules about *which* rows a user may touch (a rep edits
only their own notes) live in `accounts.rules`.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction


class Role:
    SALES_REP = "Sales rep"
    PRODUCT_MANAGER = "Product manager"
    ADMIN = "Admin"

    ALL = (SALES_REP, PRODUCT_MANAGER, ADMIN)
    CHOICES = [(SALES_REP, SALES_REP), (PRODUCT_MANAGER, PRODUCT_MANAGER), (ADMIN, ADMIN)]


_READ_EVERYTHING = [
    "deals.view_account",
    "deals.view_deal",
    "deals.view_competitor",
    "insights.view_tag",
    "insights.view_callnote",
    "insights.view_theme",
    "insights.view_clusteringrun",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SALES_REP: _READ_EVERYTHING
    + [
        "deals.add_account",  # a rep may create a prospect while logging a call
        "deals.change_account",  # own accounts only, see accounts.rules
        "deals.add_deal",
        "deals.change_deal",  # own deals only, see accounts.rules
        "insights.add_tag",
        "insights.add_callnote",
        "insights.change_callnote",  # own notes only, see accounts.rules
        "insights.delete_callnote",  # own notes only, see accounts.rules
    ],
    Role.PRODUCT_MANAGER: _READ_EVERYTHING
    + [
        "insights.change_theme",
        "insights.triage_theme",
        "insights.run_engine",
        "insights.export_themes",
        "insights.add_tag",
    ],
    # Admins get every permission of the project's own apps and of user and
    # group management, see _admin_permissions().
    Role.ADMIN: [],
}

# "axes": admins see and delete login lockouts (unlocking someone early).
_ADMIN_APPS = ("accounts", "deals", "insights", "auth", "authtoken", "admin", "axes")


def _admin_permissions() -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label__in=_ADMIN_APPS))


def _permissions(codenames: list[str]) -> list[Permission]:
    found = []
    for dotted in codenames:
        app_label, codename = dotted.split(".", 1)
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


@transaction.atomic
def sync_role_groups(**kwargs) -> None:
    """Create the role groups and set exactly the permissions each role has."""
    # post_migrate reaches apps one by one; make sure every app's permissions
    # exist before the groups refer to them.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role in Role.ALL:
        group, _ = Group.objects.get_or_create(name=role)
        perms = _admin_permissions() if role == Role.ADMIN else _permissions(ROLE_PERMISSIONS[role])
        group.permissions.set(perms)


def role_of(user) -> str | None:
    """The user's strongest role, or None for a user with no role."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    names = {g.name for g in user.groups.all()}
    for role in (Role.ADMIN, Role.PRODUCT_MANAGER, Role.SALES_REP):
        if role in names:
            return role
    return None
