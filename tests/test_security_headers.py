"""A strict Content-Security-Policy everywhere, no inline script in our templates,
Swagger UI served from the package, and pages for signed-in people never cached."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/themes/", "/api/docs/", "/admin/"])
def test_every_page_sends_a_strict_content_security_policy(admin_client_, url):
    response = admin_client_.get(url)
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "email" in path.parts:
            continue  # emails are not served under our CSP
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.name}: inline event handler")
        if re.search(r"<style\b|\sstyle\s*=", text):
            offenders.append(f"{path.name}: inline style")
    assert offenders == []


def test_the_api_docs_load_swagger_ui_from_our_own_static_files(rep_client):
    page = rep_client.get("/api/docs/").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "cdn" not in page.lower()
    assert all("<script>" not in line for line in page.splitlines())
    script = rep_client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_pages_for_a_signed_in_person_are_never_cached(rep_client):
    for url in ["/", "/notes/mine/", "/api/v1/notes/"]:
        cache_control = rep_client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
