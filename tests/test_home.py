"""Each person's home: what a rep, a product manager and a role-less user land on."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from insights.loop.models import Notification
from insights.themes import triage
from insights.themes.models import ThemeAssignment
from tests.factories import (
    AccountFactory,
    AdminFactory,
    CallNoteFactory,
    RepFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_rep_lands_on_log_a_call_and_their_own_notes_newest_first(rep, rep_client):
    older = CallNoteFactory(author=rep, account=AccountFactory(name="Older Corp"))
    newer = CallNoteFactory(author=rep, account=AccountFactory(name="Newer Corp"))
    older.created_at -= dt.timedelta(days=2)
    older.save(update_fields=["created_at"])
    CallNoteFactory(author=RepFactory(), account=AccountFactory(name="Someone Elses"))

    page = rep_client.get(reverse("home")).content.decode()

    assert f'href="{reverse("log_call")}"' in page and ">Log a call<" in page
    assert page.index("Newer Corp") < page.index("Older Corp")
    assert reverse("note_edit", args=[newer.pk]) in page
    assert "Someone Elses" not in page
    assert "most recent call first" in page and "All my notes (2)" in page


def test_a_rep_sees_their_news_on_home(
    rep, rep_client, pm, eager_tasks, django_capture_on_commit_callbacks
):
    theme = ThemeFactory(title="Bulk export")
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    mine = Notification.objects.get(recipient=rep)
    page = rep_client.get(reverse("home")).content.decode()
    assert "“Bulk export” is shipped" in page
    assert reverse("notification_open", args=[mine.pk]) in page
    assert reverse("my_requests") in page


def test_a_product_manager_is_sent_to_the_themes_dashboard(pm_client):
    response = pm_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_a_user_without_a_role_is_told_whom_to_ask_and_sees_no_company_data():
    AdminFactory(first_name="Ada", last_name="Admin", email="ada@example.com")
    CallNoteFactory(account=AccountFactory(name="Secret Customer"))
    nobody = UserFactory()
    assert nobody.role is None

    page = _client(nobody).get(reverse("home")).content.decode()

    assert "no role yet" in page and "Ada Admin" in page and "ada@example.com" in page
    assert "Secret Customer" not in page
    assert reverse("log_call") not in page and reverse("dashboard") not in page


def test_an_admin_lands_on_the_rep_home_with_a_way_into_the_admin(admin_user):
    page = _client(admin_user).get(reverse("home")).content.decode()
    assert admin_user.role == Role.ADMIN
    assert ">Log a call<" in page and reverse("admin:index") in page


def test_the_menu_marks_the_page_being_shown(rep_client):
    page = rep_client.get(reverse("my_notes")).content.decode()
    assert f'<a href="{reverse("my_notes")}" aria-current="page">My notes</a>' in page
    assert page.count('aria-current="page"') == 1


def test_unread_news_is_marked_unread_not_new_which_is_a_theme_status(
    rep, rep_client, pm, eager_tasks, django_capture_on_commit_callbacks
):
    theme = ThemeFactory(title="Bulk export")
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=theme, status="declined", reason="Later.", actor=pm)
    for page in (reverse("home"), reverse("notifications")):
        html = rep_client.get(page).content.decode()
        assert "Unread" in html
        # "New" here would read as the theme's status next to "moved from New to Declined".
        assert "New ·" not in html and "<strong>New</strong>" not in html


def test_a_product_manager_is_not_led_to_notes_they_cannot_log(pm_client):
    # A product manager logs no calls: "My notes" would always be empty, and its
    # "Log a call" link would answer 403.
    dashboard = pm_client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("my_notes")}"' not in dashboard
    assert f'href="{reverse("log_call")}"' not in dashboard
    mine = pm_client.get(reverse("my_notes")).content.decode()
    assert f'href="{reverse("log_call")}"' not in mine
