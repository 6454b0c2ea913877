"""Theme edits in Django admin are product decisions like any other: they go
through triage (timeline, notifications) and leave the statistics alone. Merges
are made on the theme page; admin shows the merge target read-only
(tests/accounts/test_admin_reads_like_words.py)."""

import pytest
from django.urls import reverse

from insights.loop.models import Notification

pytestmark = pytest.mark.django_db


def test_a_status_set_in_django_admin_notifies_like_any_other(
    sso, rep, admin_user, eager_tasks, django_capture_on_commit_callbacks
):
    from django.test import Client

    client = Client()
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    form = client.get(reverse("admin:insights_theme_change", args=[sso.pk]))
    assert form.status_code == 200
    data = {
        "title": sso.title,
        "status": "shipped",
        "description": "",
        "external_url": "",
        "decision": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:insights_theme_change", args=[sso.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    sso.refresh_from_db()
    assert sso.status == "shipped"
    assert sso.events.filter(kind="status", actor=admin_user).exists()
    assert Notification.objects.filter(recipient=rep, new_status="shipped").exists()


def _admin_client(admin_user):
    from django.test import Client

    from accounts.roles import Role
    from accounts.services import user_set_role

    user_set_role(user=admin_user, role=Role.ADMIN)
    client = Client()
    client.force_login(admin_user)
    return client


def _admin_form(theme, **changes):
    data = {
        "title": theme.title,
        "title_is_manual": "on" if theme.title_is_manual else "",
        "description": theme.description,
        "status": theme.status,
        "owner": theme.owner_id or "",
        "external_url": theme.external_url,
        "decision": theme.decision,
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_an_admin_edit_goes_through_triage_and_leaves_the_statistics_alone(
    sso, admin_user, pm, django_capture_on_commit_callbacks
):
    client = _admin_client(admin_user)
    url = reverse("admin:insights_theme_change", args=[sso.pk])
    form = _admin_form(sso, title="Single sign-on", owner=pm.pk, decision="Build it in Q3.")
    from insights.themes.models import Theme

    Theme.objects.filter(pk=sso.pk).update(note_count=42)  # the worker, meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    sso.refresh_from_db()
    assert (sso.title, sso.title_is_manual, sso.owner, sso.decision) == (
        "Single sign-on",
        True,
        pm,
        "Build it in Q3.",
    )
    assert sso.note_count == 42
    assert set(sso.events.values_list("kind", flat=True)) == {"renamed", "owner", "decision"}


def test_an_admin_cannot_make_a_rep_own_a_theme(sso, admin_user, rep):
    client = _admin_client(admin_user)
    url = reverse("admin:insights_theme_change", args=[sso.pk])
    response = client.post(url, _admin_form(sso, owner=rep.pk))
    assert response.status_code == 200
    assert "must be a product manager" in response.content.decode()


def test_declining_in_admin_without_a_reason_is_refused_with_the_theme_pages_words(sso, admin_user):
    client = _admin_client(admin_user)
    url = reverse("admin:insights_theme_change", args=[sso.pk])
    response = client.post(url, _admin_form(sso, status="declined"))
    assert response.status_code == 200
    assert "Say why it is declined" in response.content.decode()
    sso.refresh_from_db()
    assert sso.status == "new" and not sso.events.filter(kind="status").exists()


def test_declining_in_admin_with_a_reason_tells_the_reps_why(
    sso, rep, admin_user, eager_tasks, django_capture_on_commit_callbacks
):
    client = _admin_client(admin_user)
    url = reverse("admin:insights_theme_change", args=[sso.pk])
    form = _admin_form(sso, status="declined", reason="Not this year, sorry")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sso.events.get(kind="status").data["reason"] == "Not this year, sorry"
    assert Notification.objects.get(recipient=rep).event.data["reason"] == "Not this year, sorry"
