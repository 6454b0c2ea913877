"""Outgoing webhooks: a signed JSON POST per theme status change, retried with backoff.

Receivers check `X-FeedbackHub-Signature: sha256=<hex>`, the HMAC-SHA256 of
`<X-FeedbackHub-Timestamp>.<raw body>` with the endpoint's secret, and may
drop deliveries whose timestamp is too old (replays). The delivery id in
`X-FeedbackHub-Delivery` stays the same across retries, so a receiver can
ignore one it has already seen.

Delivery is at least once, with that stable id: each attempt is counted and
recorded (with a lease, `sending_until`) before the POST, and its outcome
after. A worker killed between the two leaves the attempt counted and the
delivery pending; once the lease lapses it is posted again, and the receiver
may see it twice (HTTP cannot tell us whether the first POST arrived).
"""

import datetime as dt
import hashlib
import hmac
import http.client
import json
import secrets
import socket
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from insights.loop.models import WebhookDelivery, WebhookEndpoint
from insights.loop.webhook_urls import refused_address, scheme_problem
from insights.themes.models import ThemeEvent

DELIVER_TASK = "insights.tasks.deliver_webhook"

TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 8
# A POST takes at most TIMEOUT_SECONDS; a lease this long has lapsed only if
# the worker that took it stopped.
LEASE = dt.timedelta(seconds=TIMEOUT_SECONDS + 50)
# A retry message may arrive a little before its time (clocks, countdown rounding).
EARLY = dt.timedelta(seconds=5)


class AddressRefused(OSError):
    """The endpoint's URL breaks the rule (insights.loop.webhook_urls): never posted."""


def _checked_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """socket.create_connection, but only to addresses the webhook rule allows.

    The host is resolved here, at send time, and the socket connects to the
    very address that was checked, so DNS cannot answer differently between
    the check and the connection.
    """
    host, port = address
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    refused = refused_address(host, infos)
    if refused:
        raise AddressRefused(refused)
    last_error: OSError | None = None
    for family, type_, proto, _, sockaddr in infos:
        sock = socket.socket(family, type_, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    raise last_error or OSError(f"could not connect to {host}")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection  # set per instance by http.client


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer that is not 2xx: following it could lead inside."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_CheckedHTTPHandler, _CheckedHTTPSHandler, _NoRedirects)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def payload_for(event: ThemeEvent) -> dict:
    theme = event.theme
    return {
        "type": "theme.status_changed",
        "event_id": event.pk,
        "occurred_at": event.created_at.isoformat(),
        "actor": event.actor.display_name if event.actor else None,
        "theme": {
            "id": theme.pk,
            "title": theme.title,
            "url": f"{settings.SITE_URL}{reverse('theme_page', args=[theme.pk])}",
            "external_url": theme.external_url,
            "notes": theme.note_count,
            "accounts": theme.account_count,
            "open_revenue": str(theme.open_revenue),
            "lost_revenue": str(theme.lost_revenue),
        },
        "old_status": event.data.get("old"),
        "new_status": event.data.get("new"),
    }


def create_deliveries(event: ThemeEvent) -> list[int]:
    """One pending delivery per active endpoint; returns the ids still to send."""
    payload = payload_for(event)
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=endpoint, event=event, payload=payload)
            for endpoint in WebhookEndpoint.objects.filter(is_active=True)
        ],
        ignore_conflicts=True,
    )
    return list(
        WebhookDelivery.objects.filter(
            event=event, state=WebhookDelivery.State.PENDING
        ).values_list("pk", flat=True)
    )


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> int:
    problem = scheme_problem(endpoint.url)  # saved before the rule, or the rule changed
    if problem:
        raise AddressRefused(problem)
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "FeedbackHub-Webhooks/1",
            "X-FeedbackHub-Event": delivery.payload.get("type", ""),
            "X-FeedbackHub-Delivery": str(delivery.pk),
            "X-FeedbackHub-Timestamp": timestamp,
            "X-FeedbackHub-Signature": signature(endpoint.secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, AddressRefused):
            raise exc.reason from None  # urllib wraps it; the caller must tell it apart
        raise


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Count an attempt and take the lease, if this delivery is due and nobody holds it."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, state=WebhookDelivery.State.PENDING)
            .filter(Q(sending_until__isnull=True) | Q(sending_until__lt=now))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY))
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.sending_until = now + LEASE
        delivery.save(update_fields=["attempts", "sending_until"])
    return delivery


def deliver(delivery_id: int) -> int | None:
    """Send one delivery if it is due; returns seconds until the retry it needs, or None.

    Two copies of the task never post the same delivery at once (the lease),
    a delivered one is never posted again, and a retry that comes early (a
    redelivered message) waits for its time.
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return None  # delivered, given up, not due yet, or being sent right now
    status, error, refused = None, "", False
    try:
        status = _post(delivery.endpoint, delivery)
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except AddressRefused as exc:
        error, refused = str(exc), True  # retrying cannot help
    except (urllib.error.URLError, OSError) as exc:
        error = str(getattr(exc, "reason", exc))[:500]
    delivery.last_status_code = status
    delivery.last_error = error
    delivery.sending_until = None
    retry_in = None
    if status is not None and 200 <= status < 300:
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif refused or delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = WebhookDelivery.State.FAILED
        delivery.next_attempt_at = None
    else:
        retry_in = backoff_seconds(delivery.attempts - 1)
        delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=retry_in)
    delivery.save(
        update_fields=[
            "last_status_code",
            "last_error",
            "sending_until",
            "state",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return retry_in


def backoff_seconds(retries: int) -> int:
    """30 s, 1 min, 2 min, … capped at an hour, with jitter so retries spread out."""
    base = min(30 * 2**retries, 3600)
    return base + secrets.randbelow(max(base // 4, 1))
