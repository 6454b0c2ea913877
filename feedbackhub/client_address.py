"""The address a request came from, for the login lockout (django-axes).

Behind the reverse proxy (deploy/nginx.conf.template) every connection comes
from the proxy, so counting wrong passwords per connection address would let
one person's typos lock everyone out. Each trusted proxy appends the address
it saw to X-Forwarded-For; with AXES_PROXY_COUNT of them in front (the setting
TRUSTED_PROXY_COUNT), the client is the one the outermost proxy saw: that
many entries from the right.
Entries further left were sent by the client itself and can say anything.
(django-axes would use django-ipware for this, which is not installed.)
"""

from django.conf import settings


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return remote  # not through the proxies (a probe inside the network)
    return forwarded[-proxies]
