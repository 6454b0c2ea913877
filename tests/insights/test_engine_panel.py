"""The engine panel: durations people read, and counts that lead to what changed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from feedbackhub.templatetags.durations import duration_text
from insights.themes.models import ClusteringRun, ThemeEvent
from tests.factories import ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (33.141182, "33 s"),
        (125, "2 min 5 s"),
        (120, "2 min"),
        (3840, "1 h 4 min"),
        (0.4, "under 1 s"),
    ],
)
def test_a_duration_reads_as_people_say_it(seconds, shown):
    assert duration_text(dt.timedelta(seconds=seconds)) == shown


@pytest.fixture
def finished_run():
    started = timezone.now() - dt.timedelta(minutes=5)
    run = ClusteringRun.objects.create(
        state=ClusteringRun.State.SUCCEEDED,
        started_at=started,
        finished_at=started + dt.timedelta(seconds=33.141182),
        progress=100,
        changes={
            "created": 1,
            "grown": 1,
            "shrunk": 0,
            "emptied": 1,
            "moved": 4,
            "newly_themed": 2,
        },
    )
    new, grown, emptied = (ThemeFactory(title=t) for t in ("Dark mode", "SSO", "Old CSV"))
    ThemeEvent.objects.create(theme=new, kind="created", data={"run": run.pk, "notes": 3})
    for theme, before, after in ((grown, 2, 5), (emptied, 4, 0)):
        ThemeEvent.objects.create(
            theme=theme,
            kind="engine",
            data={"run": run.pk, "notes_before": before, "notes_after": after},
        )
    return run


def test_the_panel_shows_durations_in_words_and_links_each_count(pm_client, finished_run):
    page = pm_client.get(reverse("engine_panel")).content.decode()
    assert "33 s" in page and "0:00:33" not in page
    run_url = reverse("engine_run", args=[finished_run.pk])
    assert f'href="{run_url}#created">1 created' in page
    assert f'href="{run_url}#emptied">1 emptied' in page


def test_the_run_page_lists_the_themes_behind_each_count(pm_client, finished_run):
    page = pm_client.get(reverse("engine_run", args=[finished_run.pk])).content.decode()
    created = page.index('id="created"')
    grown = page.index('id="grown"')
    emptied = page.index('id="emptied"')
    assert created < page.index("Dark mode") < grown < page.index("SSO") < emptied
    assert "2 → 5 notes" in page and "4 → 0 notes" in page


def test_someone_without_a_role_cannot_open_a_run(client, finished_run):
    client.force_login(UserFactory())
    assert client.get(reverse("engine_run", args=[finished_run.pk])).status_code == 403
