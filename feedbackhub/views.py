from django.db.models import Q
from django.shortcuts import redirect, render

from accounts.models import User
from accounts.roles import Role
from feedbackhub import errors
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
                "notes_total": note_list(author=user).count(),
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


def permission_denied(request, exception=None):
    """403 in the product's look: what was refused, the person's role, and whom to ask."""
    if errors.is_api(request):
        return errors.error_response(
            request, status=403, title="Not allowed", detail=_reason(exception)
        )
    context = {
        "reason": _reason(exception),
        "not_yours": isinstance(exception, errors.NotYours),
        "role": getattr(request.user, "role", None),
        "admins": _admins(),
    }
    return render(request, "403.html", context, status=403)


def page_not_found(request, exception=None):
    """404 in the product's look, with the way back to the person's own pages."""
    if errors.is_api(request):
        return errors.error_response(
            request, status=404, title="Not found", detail="Nothing lives at this address."
        )
    return render(request, "404.html", status=404)


def _reason(exception) -> str:
    """The refusal's own sentence when a view gave one ("Only product managers…")."""
    text = str(exception or "").strip()
    # Django's bare PermissionDenied() says nothing; neither should the page then.
    return text if text and text != "None" else ""
