"""Webhooks never reach inside our own network (SSRF): the endpoint's host is resolved
at send time and loopback, private and link-local addresses are refused, unless
WEBHOOK_ALLOW_PRIVATE_ADDRESSES says otherwise."""

import ipaddress
import socket

import pytest
from django.test import override_settings

from insights.loop import webhook_urls, webhooks
from insights.loop.models import WebhookDelivery, WebhookEndpoint
from insights.themes import triage
from tests.factories import ThemeFactory
from tests.insights.test_webhooks import Receiver

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.5",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_local_private_and_link_local_addresses_are_refused(address):
    assert not webhook_urls.address_allowed(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_public_addresses_are_allowed(address):
    assert webhook_urls.address_allowed(ipaddress.ip_address(address))


def _ship_to(url, pm, django_capture_on_commit_callbacks, eager_tasks):
    WebhookEndpoint.objects.create(name="Inside", url=url)
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=ThemeFactory(), status="shipped", actor=pm)
    return WebhookDelivery.objects.get()


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_a_webhook_to_a_local_server_is_never_posted_and_says_why(
    pm, django_capture_on_commit_callbacks, eager_tasks
):
    receiver = Receiver([200])
    try:
        # A name, resolved at send time (https, so that only the address is wrong).
        url = receiver.url.replace("http://127.0.0.1", "https://localhost")
        delivery = _ship_to(url, pm, django_capture_on_commit_callbacks, eager_tasks)
    finally:
        receiver.close()
    assert receiver.received == []
    assert delivery.state == WebhookDelivery.State.FAILED
    assert "private or local address" in delivery.last_error


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_the_check_is_made_on_the_address_the_name_resolves_to_at_send_time(monkeypatch):
    def resolves_inside(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolves_inside)
    with pytest.raises(webhooks.AddressRefused):
        webhooks._checked_connection(("hooks.example.com", 443), timeout=1)


def test_the_setting_lets_a_test_receiver_on_localhost_through(
    pm, django_capture_on_commit_callbacks, eager_tasks
):
    receiver = Receiver([200])
    try:
        delivery = _ship_to(receiver.url, pm, django_capture_on_commit_callbacks, eager_tasks)
    finally:
        receiver.close()
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.DELIVERED
    assert len(receiver.received) == 1


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_a_redirect_is_not_followed(monkeypatch):
    assert (
        webhooks._NoRedirects().redirect_request(None, None, 302, "", {}, "http://10.0.0.1/")
        is None
    )
