"""The competitor pages read what the worker stored, and it equals the live computation."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from insights.analytics import competitor_snapshots
from insights.analytics.competitors import (
    competitor_detail,
    competitor_list,
    competitor_theme_matrix,
)
from insights.analytics.models import CompetitorSnapshot
from tests.factories import CallNoteFactory, CompetitorFactory
from tests.insights.test_competitor_pages import world  # noqa: F401 (the shared data)

pytestmark = pytest.mark.django_db


def test_the_stored_list_equals_the_live_figures(world):  # noqa: F811
    competitor_snapshots.refresh()
    stored = competitor_snapshots.stored_list()
    assert [
        (r["competitor"].pk, r["mentions"], r["deals"], r["lost_deals"], r["lost_revenue"])
        for r in stored["competitors"]
    ] == [
        (r["competitor"].pk, r["mentions"], r["deals"], r["lost_deals"], r["lost_revenue"])
        for r in competitor_list()
    ]
    assert stored["matrix"] == competitor_theme_matrix()


def test_each_stored_competitor_page_equals_the_live_figures(world):  # noqa: F811
    competitor_snapshots.refresh()
    for rival in world["rivals"]:
        stored = competitor_snapshots.stored_detail(rival)
        live = competitor_detail(rival)
        for key in ("week_starts", "weekly", "mentions", "deal_count", "lost_deals"):
            assert stored[key] == live[key], key
        assert stored["lost_revenue"] == live["lost_revenue"]
        assert stored["lost_themes"] == live["lost_themes"][: competitor_snapshots.THEMES_SHOWN]
        assert stored["lost_theme_count"] == len(live["lost_themes"])
        assert [(d.pk, d.mentioned) for d in stored["deals"]] == [
            (d.pk, d.mentioned) for d in live["deals"]
        ]
        assert stored["quotes"] == live["quotes"]


def test_the_pages_show_the_snapshot_until_the_worker_refreshes_it(pm_client, rep):
    rival = CompetitorFactory(name="Rival")
    CallNoteFactory(author=rep).competitors.add(rival)
    competitor_snapshots.refresh()
    CallNoteFactory(author=rep).competitors.add(rival)

    page = pm_client.get(reverse("competitor_page", args=[rival.pk]))
    assert page.context["detail"]["mentions"] == 1 and "Figures as of" in page.content.decode()
    competitor_snapshots.refresh()  # what beat does every few minutes
    page = pm_client.get(reverse("competitor_page", args=[rival.pk]))
    assert page.context["detail"]["mentions"] == 2


def test_a_page_with_no_snapshot_computes_and_stores_it(pm_client, rep):
    rival = CompetitorFactory(name="Rival")
    CallNoteFactory(author=rep).competitors.add(rival)
    assert pm_client.get(reverse("competitors")).status_code == 200
    assert pm_client.get(reverse("competitor_page", args=[rival.pk])).status_code == 200
    assert set(CompetitorSnapshot.objects.values_list("key", flat=True)) == {
        "list",
        f"competitor:{rival.pk}",
    }


def test_an_old_snapshot_asks_the_worker_for_a_new_one_once(pm_client, monkeypatch):
    asked = []
    monkeypatch.setattr(competitor_snapshots, "enqueue_now", lambda name: asked.append(name))
    cache.delete("competitors-refresh-requested")
    competitor_snapshots.refresh()
    CompetitorSnapshot.objects.update(computed_at=timezone.now() - dt.timedelta(hours=1))
    for _ in range(3):
        assert pm_client.get(reverse("competitors")).status_code == 200
    assert asked == [competitor_snapshots.REFRESH_TASK]


def test_a_competitor_added_since_is_listed_and_a_deleted_one_is_not(pm_client):
    gone = CompetitorFactory(name="Gone")
    competitor_snapshots.refresh()
    gone.delete()
    CompetitorFactory(name="Newcomer")
    names = [r["competitor"].name for r in competitor_snapshots.stored_list()["competitors"]]
    assert names == ["Newcomer"]
    competitor_snapshots.refresh()
    assert not CompetitorSnapshot.objects.filter(key=f"competitor:{gone.pk}").exists()
