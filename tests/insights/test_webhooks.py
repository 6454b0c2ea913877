"""Theme status changes are posted to webhooks, signed, and retried until they land."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from insights.loop import tasks, webhooks
from insights.loop.models import WebhookDelivery, WebhookEndpoint
from insights.themes import triage
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server on localhost answering with the given status codes in turn."""

    def __init__(self, answers):
        self.answers, self.received = list(answers), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers, body))  # case-insensitive
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(request):
    answers = getattr(request, "param", [])
    r = Receiver(answers)
    yield r
    r.close()


@pytest.fixture
def no_waiting(eager_tasks, monkeypatch):
    """Retries run at once, in the test's process (the backoff itself is tested below).

    Celery only re-runs an eager task's retry when task errors do not propagate.
    """
    from feedbackhub.celery import app

    monkeypatch.setattr(webhooks, "backoff_seconds", lambda retries: 0)
    app.conf.task_eager_propagates = False  # eager_tasks puts it back


def _ship(theme, pm, capture):
    with capture(execute=True):
        triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    return theme.events.get(kind="status")


def test_a_status_change_is_posted_signed_with_the_endpoints_secret(
    receiver, pm, eager_tasks, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(name="Slack", url=receiver.url)
    WebhookEndpoint.objects.create(name="Old", url=receiver.url, is_active=False)
    theme = ThemeFactory(title="Bulk export")
    event = _ship(theme, pm, django_capture_on_commit_callbacks)

    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    expected = hmac.new(
        endpoint.secret.encode(),
        headers["X-FeedbackHub-Timestamp"].encode() + b"." + body,
        hashlib.sha256,
    ).hexdigest()
    assert headers["X-FeedbackHub-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["type"] == "theme.status_changed"
    assert (payload["old_status"], payload["new_status"]) == ("new", "shipped")
    assert payload["theme"]["title"] == "Bulk export" and payload["event_id"] == event.pk
    assert payload["actor"] == pm.display_name
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert headers["X-FeedbackHub-Delivery"] == str(delivery.pk)


@pytest.mark.parametrize("receiver", [[500, 503]], indirect=True)
def test_a_failing_endpoint_is_retried_until_it_answers(
    receiver, pm, eager_tasks, no_waiting, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="Tracker", url=receiver.url)
    _ship(ThemeFactory(), pm, django_capture_on_commit_callbacks)

    assert len(receiver.received) == 3
    ids = {h["X-FeedbackHub-Delivery"] for h, _ in receiver.received}
    assert len(ids) == 1  # the same delivery each time, so receivers can drop repeats
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("delivered", 3)


@pytest.mark.parametrize("receiver", [[500] * 20], indirect=True)
def test_an_endpoint_that_never_answers_is_given_up_after_the_last_attempt(
    receiver, pm, eager_tasks, no_waiting, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="Broken", url=receiver.url)
    _ship(ThemeFactory(), pm, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", webhooks.MAX_ATTEMPTS)
    assert delivery.last_status_code == 500 and len(receiver.received) == webhooks.MAX_ATTEMPTS


def test_an_unreachable_endpoint_records_why(pm):
    endpoint = WebhookEndpoint.objects.create(name="Gone", url="http://127.0.0.1:9/hook")
    theme = ThemeFactory()
    triage.theme_set_status(theme=theme, status="planned", actor=pm)
    event = theme.events.get(kind="status")
    [delivery_id] = webhooks.create_deliveries(event)
    with pytest.raises(webhooks.DeliveryFailed):
        webhooks.deliver(delivery_id, final_attempt=False)
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.state == "pending" and delivery.attempts == 1 and delivery.last_error
    assert delivery.endpoint == endpoint


def test_a_delivered_change_is_never_posted_again(receiver, pm):
    WebhookEndpoint.objects.create(name="Slack", url=receiver.url)
    theme = ThemeFactory()
    triage.theme_set_status(theme=theme, status="planned", actor=pm)
    event = theme.events.get(kind="status")
    [delivery_id] = webhooks.create_deliveries(event)
    assert webhooks.create_deliveries(event) == [delivery_id]  # a repeated fan-out adds none
    tasks.deliver_webhook(delivery_id)
    tasks.deliver_webhook(delivery_id)
    assert webhooks.create_deliveries(event) == []
    assert len(receiver.received) == 1


def test_backoff_grows_and_is_capped():
    waits = [webhooks.backoff_seconds(n) for n in range(12)]
    assert 30 <= waits[0] < 38 and 60 <= waits[1] < 76
    assert all(3600 <= w < 4500 for w in waits[7:])


def test_only_admins_manage_webhook_endpoints(pm_client, rep_client, admin_user):
    from django.test import Client

    from accounts.roles import Role
    from accounts.services import user_set_role

    for client in (pm_client, rep_client):
        response = client.get("/admin/insights/webhookendpoint/add/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    user_set_role(user=admin_user, role=Role.ADMIN)  # as the admin's "set role" action does
    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/insights/webhookendpoint/add/")
    assert page.status_code == 200 and 'name="secret"' in page.content.decode()
