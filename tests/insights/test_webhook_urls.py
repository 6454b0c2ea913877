"""An admin cannot save a webhook endpoint that would be refused at send time: one
rule (insights.loop.webhook_urls) is checked when the endpoint is saved and again
when each delivery is posted, because DNS can change in between."""

import socket

import pytest
from django.test import override_settings

from insights.loop import webhook_urls
from insights.loop.models import WebhookDelivery, WebhookEndpoint
from insights.themes import triage
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/insights/webhookendpoint/add/"


@pytest.fixture
def dns(monkeypatch):
    """Names resolve as the test says (the sandbox has no DNS); IP literals as they are."""
    answers = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            if answers[host] is None:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


# The deliveries inline's management form, as the admin page sends it.
NO_DELIVERIES = {"deliveries-TOTAL_FORMS": 0, "deliveries-INITIAL_FORMS": 0}


def _save(client, url):
    form = {"name": "Tracker", "url": url, "secret": "s3cret", "is_active": "on"}
    return client.post(ADD, {**form, **NO_DELIVERIES})


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://93.184.215.14/hook", "must start with https://"),
        ("https://127.0.0.1/hook", "127.0.0.1, a private or local address"),
        ("https://localhost:8443/hook", "a private or local address"),
        ("https://10.0.0.7/hook", "10.0.0.7, a private or local address"),
        ("https://169.254.169.254/latest/meta-data/", "a private or local address"),
        ("https://[::1]/hook", "::1, a private or local address"),
        ("https://inside.example.com/hook", "inside.example.com resolves to 192.168.1.20"),
        ("https://gone.example.com/hook", "gone.example.com could not be resolved"),
        ("https://user:pw@hooks.example.com/hook", "no user name or password"),
    ],
)
def test_an_admin_cannot_save_an_endpoint_the_worker_would_refuse(admin_client_, dns, url, message):
    dns.update({"inside.example.com": "192.168.1.20", "gone.example.com": None})
    dns["hooks.example.com"] = "93.184.215.14"
    response = _save(admin_client_, url)
    assert response.status_code == 200  # the form again, with the reason
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_an_admin_saves_an_https_endpoint_on_a_public_address(admin_client_, dns):
    dns["hooks.example.com"] = "93.184.215.14"
    response = _save(admin_client_, "https://hooks.example.com/feedbackhub")
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().url == "https://hooks.example.com/feedbackhub"


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_an_admin_cannot_change_a_saved_endpoint_to_point_inside(admin_client_, dns):
    dns["hooks.example.com"] = "93.184.215.14"
    endpoint = WebhookEndpoint.objects.create(name="Tracker", url="https://hooks.example.com/x")
    response = admin_client_.post(
        f"/admin/insights/webhookendpoint/{endpoint.pk}/change/",
        {
            "name": "Tracker",
            "url": "https://10.1.2.3/x",
            "secret": endpoint.secret,
            "is_active": "on",
            **NO_DELIVERIES,
        },
    )
    assert response.status_code == 200 and "a private or local address" in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.example.com/x"


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_an_endpoint_saved_before_the_rule_is_still_refused_when_sending(
    pm, django_capture_on_commit_callbacks, eager_tasks
):
    WebhookEndpoint.objects.create(name="Old", url="http://93.184.215.14/hook")  # no validation
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=ThemeFactory(), status="shipped", actor=pm)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.FAILED
    assert "must start with https://" in delivery.last_error


def test_in_development_plain_http_to_localhost_is_allowed(admin_client_):
    # settings_test sets WEBHOOK_ALLOW_PRIVATE_ADDRESSES, as a developer would.
    assert _save(admin_client_, "http://127.0.0.1:9999/hook").status_code == 302
    assert webhook_urls.scheme_problem("http://127.0.0.1:9999/hook") is None
