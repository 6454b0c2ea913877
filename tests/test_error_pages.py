"""Refusals and missing pages in the product's look, saying what the person can do."""

import pytest
from django.urls import reverse

from tests.factories import AdminFactory, CallNoteFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_refused_page_names_the_role_and_whom_to_ask(rep_client, rep):
    AdminFactory(first_name="Ada", last_name="Admin", email="ada@example.com")
    response = rep_client.post(reverse("engine_run_now"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is not part of your role" in page
    assert "Only product managers and admins start theme runs." in page
    assert "Sales rep" in page and "ada@example.com" in page
    assert 'class="topbar"' in page  # the product's layout, with its menu


def test_a_user_without_a_role_is_refused_the_dashboard_politely(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    assert "with no role yet" in response.content.decode()


def test_a_refusal_keeps_the_views_own_reason(rep_client):
    response = rep_client.post(reverse("theme_action", args=[1]), {"action": "rename"})
    assert response.status_code == 403
    assert "Only product managers and admins triage themes." in response.content.decode()


def test_a_missing_page_is_styled_and_leads_home(pm_client):
    response = pm_client.get("/themes/987654/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Nothing here" in page and 'href="/"' in page and 'class="topbar"' in page


def test_the_api_keeps_its_json_errors(rep_client):
    response = rep_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_someone_elses_note_is_refused_without_sending_the_rep_for_another_role(
    rep_client, other_rep
):
    theirs = CallNoteFactory(author=other_rep)
    for name in ("note_edit", "note_delete"):
        response = rep_client.get(reverse(name, args=[theirs.pk]))
        assert response.status_code == 403
        page = response.content.decode()
        assert "only its author" in page.lower()
        # No role lets a rep change another rep's note: asking for one would not help.
        assert "change your role" not in page
        assert "not part of your role" not in page
