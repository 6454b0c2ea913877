"""Headers and checks that keep guessers and other sites out.

- Pages for a signed-in person are never stored by a browser or a proxy
  (`Cache-Control: private, no-store`): a shared computer's back button or a
  caching proxy must not show one rep's pipeline to the next person.
- A signed-in user with no role sees no company data: `role_required` guards
  the views that do not already ask for a model permission.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from accounts.roles import role_of


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


def role_required(view):
    """Refuse (403) a signed-in user who has no role yet: they see nothing."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if role_of(request.user) is None:
            raise PermissionDenied("Your account has no role yet; ask an admin to give you one.")
        return view(request, *args, **kwargs)

    return wrapper
