"""Template context every page needs."""

from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The bell's unread count, counted only when a page actually shows the bell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from insights.loop.notify import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
