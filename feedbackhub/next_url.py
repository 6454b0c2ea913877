"""Where a form sends a person afterwards: back to the page they came from.

A rep edits a note from an account's page or a deal's and expects to land there
again, not in My notes. The page passes itself as `next`; only a path on this
site is followed, so a crafted link cannot send anyone elsewhere after a save.
"""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """The `next` the form or link carried when it is on this site, else `default`."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default
