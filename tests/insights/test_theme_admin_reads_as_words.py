"""Django admin shows a theme's timeline and the engine's runs in words a person
reads: what happened, by whom, when; counts instead of id lists; the worker's
bookkeeping folded away."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.services import user_set_role
from insights.themes import triage
from insights.themes.models import ClusteringRun, ThemeAssignment
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user):
    user_set_role(user=admin_user, role=Role.ADMIN)
    client = Client()
    client.force_login(admin_user)
    return client


def test_a_merge_in_the_timeline_reads_as_one_line_with_a_count(admin_client, pm, rep):
    source = ThemeFactory(title="API throttling")
    target = ThemeFactory(title="Rate limits")
    for _ in range(80):
        ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=source)
    triage.theme_merge(source=source, target=target, actor=pm)

    page = admin_client.get(reverse("admin:insights_theme_change", args=[source.pk]))
    html = page.content.decode()
    assert "note_ids" not in html and "into_title" not in html
    assert "Merged: into “Rate limits” (80 notes) — " + pm.display_name in html

    target_page = admin_client.get(reverse("admin:insights_theme_change", args=[target.pk]))
    assert "“API throttling” merged in (80 notes)" in target_page.content.decode()


def test_a_status_change_reads_with_labels_and_the_reason(admin_client, pm):
    theme = ThemeFactory(title="Dark mode")
    triage.theme_set_status(theme=theme, status="declined", actor=pm, reason="Not this year")
    html = admin_client.get(reverse("admin:insights_theme_change", args=[theme.pk])).content
    assert "Status changed: New → Declined — “Not this year” — " in html.decode()


def test_a_run_says_how_it_started_and_what_changed_in_words(admin_client, pm):
    run = ClusteringRun.objects.create(
        state=ClusteringRun.State.SUCCEEDED,
        trigger=ClusteringRun.Trigger.MANUAL,
        lease=3,
        held_by="celery@worker-1",
        changes={
            "created": 12,
            "grown": 3,
            "shrunk": 1,
            "emptied": 0,
            "moved": 1204,
            "retitled": 2,
            "newly_themed": 40,
            "seconds": 33.141182,
        },
    )
    html = admin_client.get(reverse("admin:insights_clusteringrun_change", args=[run.pk]))
    html = html.content.decode()
    assert "12 themes created, 3 grown, 1 shrunk, 0 emptied, 2 retitled, 1,204 notes moved" in html
    assert "took 33.1 s" in html and '"newly_themed"' not in html
    assert "Started from the command line" in html and "Started by a person" not in html
    # The lease and its holder are there for whoever debugs, folded under "Internals".
    internals = html.index("Internals")
    assert internals < html.index("celery@worker-1") and internals < html.index("Lease")

    run.requested_by, run.state = pm, ClusteringRun.State.FAILED
    run.save()
    html = admin_client.get(reverse("admin:insights_clusteringrun_change", args=[run.pk]))
    assert f"Started by {pm.display_name} on the engine panel" in html.content.decode()


def test_timeline_rows_in_admin_are_not_titled_with_the_themes_id(admin_client, pm):
    theme = ThemeFactory(title="Dark mode")
    triage.theme_rename(theme=theme, title="Dark theme", actor=pm)
    html = admin_client.get(reverse("admin:insights_theme_change", args=[theme.pk])).content
    assert f"Renamed on {theme.pk}" not in html.decode()


def test_the_theme_page_timeline_uses_the_same_words_as_admin(pm, pm_client):
    theme = ThemeFactory(title="Dark mode")
    triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    page = pm_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "Status changed: New → Shipped" in timeline and "new → shipped" not in timeline
