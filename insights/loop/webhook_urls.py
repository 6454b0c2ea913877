"""Where a webhook may be posted: one rule, checked when an endpoint is saved and when it is sent.

- The scheme is https: the payload names customers and revenue. Plain http
  is allowed only with WEBHOOK_ALLOW_PRIVATE_ADDRESSES (development and the
  test suite, whose receivers listen on localhost).
- Every address the host resolves to is a public internet address
  (`address_allowed`), unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES says otherwise:
  loopback, private, link-local (cloud metadata at 169.254.169.254), shared,
  multicast and reserved ranges would let whoever sets an endpoint URL make
  the worker reach services inside our own network (SSRF).

At save time the host is resolved once, to tell the admin at once. DNS can
answer differently later, so the sender checks the scheme again and the
address on the very connection it opens (insights.loop.webhooks).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError


def address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Only public internet addresses, unless settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def refused_address(host: str, infos) -> str | None:
    """Why the addresses `host` resolved to (getaddrinfo's answer) are refused, or None."""
    for info in infos:
        address = info[4][0]
        if not address_allowed(ipaddress.ip_address(address)):
            return (
                f"{host} resolves to {address}, a private or local address; webhooks go "
                "only to public addresses (see WEBHOOK_ALLOW_PRIVATE_ADDRESSES)."
            )
    return None


def scheme_problem(url: str) -> str | None:
    """The part of the rule that needs no DNS: https, a host, no credentials in the URL."""
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES else ("https",)
    if parts.scheme not in allowed:
        return "Webhook URLs must start with https:// (the payload names customers and revenue)."
    if not parts.hostname:
        return "Webhook URLs need a host name."
    if parts.username or parts.password:
        return "Put no user name or password in a webhook URL; receivers check the signature."
    return None


def url_problem(url: str) -> str | None:
    """Why `url` may not receive webhooks, checked now (the host is resolved), or None."""
    problem = scheme_problem(url)
    if problem:
        return problem
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except ValueError:
        return "That port is not a valid port number."
    except OSError:
        return f"{parts.hostname} could not be resolved; check the host name."
    return refused_address(parts.hostname, infos)


def validate_webhook_url(url: str) -> None:
    """Model field validator: the admin (and any form saving an endpoint) shows the reason."""
    problem = url_problem(url)
    if problem:
        raise ValidationError(problem, code="webhook_url")
