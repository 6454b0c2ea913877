"""Two product managers edit one theme at once: the second keeps what they typed,
reads what the first changed and by whom, and can save again on top of it."""

import html
import re

import pytest
from django.urls import reverse

from tests.factories import ProductManagerFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _panel_as_opened(client, theme) -> dict:
    """The triage panel's fields as the page shows them (hidden ones included)."""
    page = client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    return {**_panel_from_html(page), "action": "save"}


@pytest.fixture
def alex_and_jordan(client):
    from django.test import Client

    alex = ProductManagerFactory(first_name="Alex", last_name="Morgan")
    jordan = ProductManagerFactory(first_name="Jordan", last_name="Lee")
    clients = Client(), Client()
    clients[0].force_login(alex)
    clients[1].force_login(jordan)
    return clients


def test_a_refused_stale_save_keeps_the_typing_says_who_changed_what_and_saves_again(
    alex_and_jordan,
):
    alex, jordan = alex_and_jordan
    theme = ThemeFactory(title="SSO", description="")
    url = reverse("theme_action", args=[theme.pk])
    alex_panel, jordan_panel = _panel_as_opened(alex, theme), _panel_as_opened(jordan, theme)

    alex.post(url, {**alex_panel, "title": "Single sign-on (SAML)"})
    refused = jordan.post(url, {**jordan_panel, "description": "Okta and Azure AD first."})

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Alex Morgan changed this theme while you were editing it" in page
    assert "Title is now “Single sign-on (SAML)”." in page
    assert "Okta and Azure AD first." in page  # what Jordan typed is still there
    theme.refresh_from_db()
    assert theme.description == ""  # nothing saved yet

    # Saving the panel as shown again keeps Alex's title and adds Jordan's description.
    again = {**_panel_from_html(page), "action": "save"}
    assert again["title"] == "Single sign-on (SAML)"
    jordan.post(url, again)
    theme.refresh_from_db()
    assert (theme.title, theme.description) == ("Single sign-on (SAML)", "Okta and Azure AD first.")


def test_when_both_change_the_same_field_the_second_keeps_theirs_and_is_told_the_first(
    alex_and_jordan,
):
    alex, jordan = alex_and_jordan
    theme = ThemeFactory(title="SSO")
    url = reverse("theme_action", args=[theme.pk])
    alex_panel, jordan_panel = _panel_as_opened(alex, theme), _panel_as_opened(jordan, theme)
    alex.post(url, {**alex_panel, "title": "Alex's title"})
    page = jordan.post(url, {**jordan_panel, "title": "Jordan's title"}).content.decode()
    assert "Title was changed to “Alex&#x27;s title”; yours is kept below" in page
    assert 'value="Jordan&#x27;s title"' in page


def _panel_from_html(page: str) -> dict:
    form = page[page.index('class="triage-fields"') :]
    form = form[: form.index("</form>")]
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form)
    }
    for name, value in re.findall(r'<textarea name="(\w+)"[^>]*>([^<]*)</textarea>', form):
        fields[name] = html.unescape(value)
    fields["status"] = re.search(r'<option value="(\w+)" selected>', form).group(1)
    fields["owner"] = ""
    fields.pop("csrfmiddlewaretoken", None)
    return fields
