"""Outgoing webhooks: a signed JSON POST per theme status change, retried with backoff.

Receivers check `X-FeedbackHub-Signature: sha256=<hex>`, the HMAC-SHA256 of
`<X-FeedbackHub-Timestamp>.<raw body>` with the endpoint's secret, and may
drop deliveries whose timestamp is too old (replays). The delivery id in
`X-FeedbackHub-Delivery` stays the same across retries, so a receiver can
ignore one it has already seen.
"""

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from insights.loop.models import WebhookDelivery, WebhookEndpoint
from insights.themes.models import ThemeEvent

DELIVER_TASK = "insights.tasks.deliver_webhook"
TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 8


class DeliveryFailed(Exception):
    """The endpoint did not answer 2xx; the task retries later."""


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
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - admin-set http(s) URL
        return response.status


def deliver(delivery_id: int, *, final_attempt: bool) -> None:
    """Send one delivery. Raises DeliveryFailed to be retried; gives up on the last attempt.

    The row is locked while sending, so two copies of the task never post the
    same delivery at once, and a delivered one is never posted again.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, state=WebhookDelivery.State.PENDING)
            .first()
        )
        if delivery is None:
            return  # delivered, given up, or being sent right now
        delivery.attempts += 1
        status, error = None, ""
        try:
            status = _post(delivery.endpoint, delivery)
        except urllib.error.HTTPError as exc:
            status, error = exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            error = str(getattr(exc, "reason", exc))[:500]
        delivery.last_status_code = status
        delivery.last_error = error
        if status is not None and 200 <= status < 300:
            delivery.state = WebhookDelivery.State.DELIVERED
            delivery.delivered_at = timezone.now()
        elif final_attempt:
            delivery.state = WebhookDelivery.State.FAILED
        delivery.save()
    if delivery.state == WebhookDelivery.State.PENDING:
        raise DeliveryFailed(error or f"HTTP {status}")


def backoff_seconds(retries: int) -> int:
    """30 s, 1 min, 2 min, … capped at an hour, with jitter so retries spread out."""
    base = min(30 * 2**retries, 3600)
    return base + secrets.randbelow(max(base // 4, 1))
