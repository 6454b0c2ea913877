"""Row-level access rules: which notes, accounts and deals a user may change.

Model permissions (accounts.roles) say what kind of thing a user may do; these
functions say on which rows. Views, API permissions and services all ask here.
"""

from accounts.roles import Role


def can_change_note(user, note) -> bool:
    if not user.is_authenticated or not user.has_perm("insights.change_callnote"):
        return False
    return note.author_id == user.pk or user.has_perm("insights.change_any_callnote")


def can_delete_note(user, note) -> bool:
    if not user.is_authenticated or not user.has_perm("insights.delete_callnote"):
        return False
    return note.author_id == user.pk or user.has_perm("insights.change_any_callnote")


def can_change_account(user, account) -> bool:
    if not user.is_authenticated or not user.has_perm("deals.change_account"):
        return False
    return account.owner_id == user.pk or user.has_perm("deals.change_any_account")


def can_change_deal(user, deal) -> bool:
    if not user.is_authenticated or not user.has_perm("deals.change_deal"):
        return False
    return deal.owner_id == user.pk or user.has_perm("deals.change_any_deal")


def can_triage(user) -> bool:
    return user.is_authenticated and user.has_perm("insights.triage_theme")


def can_add_deal_to(user, account) -> bool:
    """A rep opens deals only on accounts they own; admins on any account."""
    if not user.is_authenticated or not user.has_perm("deals.add_deal"):
        return False
    return account.owner_id == user.pk or user.has_perm("deals.change_any_deal")


def can_move_deal(user, deal) -> bool:
    """Moving a deal to another account re-attributes its revenue: admins only."""
    return user.is_authenticated and user.has_perm("deals.change_any_deal")


# An admin who removed their own Admin role or deactivated themselves would be shut out of
# the admin at once, and the last admin would leave nobody able to let anyone in again.
OWN_ADMIN_ROLE = (
    "You cannot take away your own Admin role: ask another admin, so that someone can "
    "always manage people here."
)
OWN_DEACTIVATION = "You cannot deactivate yourself: ask another admin."


def own_role_problem(*, actor, user, role: str | None) -> str | None:
    if actor.pk == user.pk and user.role == Role.ADMIN and role != Role.ADMIN:
        return OWN_ADMIN_ROLE
    return None


def own_deactivation_problem(*, actor, user, active: bool) -> str | None:
    return OWN_DEACTIVATION if actor.pk == user.pk and not active else None


# A superuser passes every permission check. An Admin who could set a superuser's
# password, email or username (then log in as them, or have the reset email sent
# to themselves), deactivate or delete them would be more than an Admin after all.
SUPERUSER_ONLY = "Only a superuser can change or delete a superuser."


def can_manage_person(actor, user) -> bool:
    """Whether `actor` may change, reset the password of, or delete `user` in Django admin."""
    return actor.is_superuser or not user.is_superuser
