from django.shortcuts import render

from deals.models import Account, Deal
from insights.notes.models import CallNote
from insights.themes.models import Theme


def home(request):
    """The landing page after login: where to go next, for each role.

    Someone signed in without a role yet (no permission to read notes) sees
    only that they must ask an admin, no company figures.
    """
    if not request.user.has_perm("insights.view_callnote"):
        return render(request, "home.html", {"no_access": True})
    context = {
        "counts": {
            "notes": CallNote.objects.count(),
            "accounts": Account.objects.count(),
            "open_deals": Deal.objects.open().count(),
            "themes": Theme.objects.filter(merged_into__isnull=True).count(),
        },
        "recent_notes": CallNote.objects.select_related("account", "author").order_by(
            "-created_at"
        )[:10],
    }
    return render(request, "home.html", context)
