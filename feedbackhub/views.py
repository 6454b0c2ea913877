from django.db.models import Q
from django.shortcuts import redirect, render

from accounts.models import User
from accounts.roles import Role
from insights.loop.notify import notifications_for
from insights.notes.selectors import note_list

# How much of each list the home page shows; the full lists are one click away.
RECENT_NOTES = 8
RECENT_NEWS = 5


def home(request):
    """Where each person lands after login: the page they use most.

    A rep (anyone who logs calls) gets log a call, their own notes and their
    news; a product manager goes straight to the themes dashboard; someone
    with no role yet sees whom to ask, and no company data.
    """
    user = request.user
    if user.has_perm("insights.add_callnote"):
        return render(
            request,
            "home.html",
            {
                "recent_notes": note_list(author=user)[:RECENT_NOTES],
                "news": notifications_for(user)[:RECENT_NEWS],
            },
        )
    if user.has_perm("insights.view_theme"):
        return redirect("dashboard")
    return render(request, "no_role.html", {"admins": _admins()})


def _admins() -> list[User]:
    """The people who can give a role: active admins, by name."""
    return list(
        User.objects.filter(Q(groups__name=Role.ADMIN) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")[:5]
    )
