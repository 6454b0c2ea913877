"""A signed-in user with no role yet sees no company data anywhere and cannot make
the workers do anything: every view asks for a permission."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    DealFactory,
    TagFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET_ACCOUNT = "Zanzibar Holdings"
SECRET_BODY = "They need quarterly revenue exports for the board pack."


def _page_urls(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every page URL of the app (not admin, the API or auth), ids filled with 1."""
    urls = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("admin/", "api/", "accounts/", "healthz", "static/")):
            continue
        if isinstance(entry, URLResolver):
            urls += _page_urls(entry, route)
        elif isinstance(entry, URLPattern):
            url = "/" + route.replace("<int:pk>", "1").replace("<str:kind>", "notes")
            urls.append(url.replace("^", "").replace("$", ""))
    return urls


@pytest.fixture
def company_data():
    account = AccountFactory(pk=1, name=SECRET_ACCOUNT, domain="zanzibar.example")
    deal = DealFactory(pk=1, account=account, name="Zanzibar platform")
    note = CallNoteFactory(pk=1, account=account, deal=deal, body=SECRET_BODY)
    TagFactory(name="zanzibar-exports")
    ThemeFactory(pk=1, title="Zanzibar board exports")
    return note


@pytest.fixture
def nobody():
    client = Client()
    client.force_login(UserFactory(username="no-role-yet"))
    return client


def test_no_page_shows_company_data_to_a_user_without_a_role(company_data, nobody):
    query = "?account=Zan&tags=zan&target_text=Zan&body=" + "quarterly revenue exports " * 2
    urls = _page_urls()
    assert "/notes/suggest/accounts/" in urls and "/notes/suggest/similar/" in urls
    leaks = []
    for url in urls:
        response = nobody.get(url + query)
        if response.status_code == 200 and b"Zanzibar" in response.content.replace(b"zanz", b""):
            leaks.append(url)
        elif response.status_code not in (200, 302, 403, 404, 405):
            leaks.append(f"{url}: {response.status_code}")
    assert leaks == []


def test_the_home_page_tells_a_user_without_a_role_to_ask_an_admin(company_data, nobody):
    page = nobody.get("/").content.decode()
    assert "no role yet" in page
    assert SECRET_ACCOUNT not in page and SECRET_BODY[:30] not in page


def test_a_user_without_a_role_cannot_make_a_worker_embed_text(company_data, nobody, monkeypatch):
    queued = []

    def record(name, *args):
        queued.append(args)
        raise AssertionError("queued")

    monkeypatch.setattr("insights.themes.hint_views.enqueue_now", record)
    response = nobody.get("/notes/suggest/similar/?body=" + "quarterly revenue exports " * 3)
    assert response.status_code == 403
    assert queued == []


@pytest.mark.parametrize(
    "endpoint", ["notes", "accounts", "deals", "tags", "competitors", "themes"]
)
def test_the_api_refuses_a_user_without_a_role(company_data, endpoint):
    from rest_framework.test import APIClient

    client = APIClient()
    token = Token.objects.create(user=UserFactory(username="api-no-role"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(f"/api/v1/{endpoint}/").status_code == 403
