"""Headers and checks that keep guessers and other sites out.

- Pages for a signed-in person are never stored by a browser or a proxy
  (`Cache-Control: private, no-store`): a shared computer's back button or a
  caching proxy must not show one rep's pipeline to the next person.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
