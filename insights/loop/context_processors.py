"""Template context every page needs."""

from django.utils.functional import SimpleLazyObject

from insights.loop.notify import unread_count


def notifications(request):
    """The bell's unread count, counted only when a page actually shows the bell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
