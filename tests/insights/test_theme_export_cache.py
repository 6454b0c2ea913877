"""A streamed export is kept whole and served again until anything it shows changes: a
product manager's edit, an owner's name, a merge, or statistics stored since."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.themes import exports, triage
from insights.themes.dashboard import Filters
from insights.themes.models import Theme, ThemeAssignment, ThemeStatus
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db

ALL_YEAR = {"format": "csv", "period": "365"}


@pytest.fixture
def themes(rep, pm):
    made = [ThemeFactory(title=f"Need {i}", owner=pm) for i in range(3)]
    for i, theme in enumerate(made):
        for _ in range(i + 1):
            ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    store_theme_stats()
    return made


@pytest.fixture
def rows_read(monkeypatch):
    """How many times an export read its rows (rather than its kept file)."""
    reads = []
    real = exports.theme_row_chunks

    def counting(**kwargs):
        reads.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(exports, "theme_row_chunks", counting)
    return reads


def _export(client, query=ALL_YEAR) -> dict[int, dict]:
    response = client.get(reverse("dashboard"), query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return {int(r["theme_id"]): r for r in csv.DictReader(io.StringIO(text))}


def test_the_same_export_again_is_served_without_reading_its_rows(pm_client, themes, rows_read):
    first = _export(pm_client)
    again = _export(pm_client)
    assert again == first and len(first) == 3
    assert len(rows_read) == 1


def test_another_view_is_not_served_the_kept_file(pm_client, themes, rows_read):
    year, quarter = _export(pm_client), _export(pm_client, {"format": "csv", "period": "90"})
    by_notes = _export(pm_client, {**ALL_YEAR, "sort": "notes"})
    assert len(rows_read) == 3 and year.keys() == quarter.keys() == by_notes.keys()


def test_a_renamed_theme_is_exported_with_its_new_title_at_once(pm, pm_client, themes):
    assert _export(pm_client)[themes[0].pk]["title"] == "Need 0"
    triage.theme_rename(theme=themes[0], title="Bulk edit of contacts", actor=pm)
    assert _export(pm_client)[themes[0].pk]["title"] == "Bulk edit of contacts"


def test_a_status_set_by_a_queryset_update_is_exported_at_once(pm_client, themes):
    _export(pm_client)
    Theme.objects.filter(pk=themes[1].pk).update(status=ThemeStatus.PLANNED)
    assert _export(pm_client)[themes[1].pk]["status"] == ThemeStatus.PLANNED.label


def test_an_owners_new_name_is_exported_at_once(pm, pm_client, themes):
    _export(pm_client)
    pm.first_name, pm.last_name = "Ada", "Lovelace"
    pm.save()
    assert _export(pm_client)[themes[2].pk]["owner"] == "Ada Lovelace"


def test_a_merged_theme_leaves_the_export_at_once(pm_client, themes):
    _export(pm_client)
    Theme.objects.filter(pk=themes[0].pk).update(merged_into=themes[1])
    assert themes[0].pk not in _export(pm_client)


def test_figures_stored_since_are_exported(rep, pm_client, themes):
    assert _export(pm_client)[themes[0].pk]["notes"] == "1"
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=themes[0])
    store_theme_stats(theme_ids=[themes[0].pk])
    assert _export(pm_client)[themes[0].pk]["notes"] == "2"


def test_a_combination_computed_live_is_kept_and_follows_edits(pm, pm_client, themes, rows_read):
    query = {"format": "csv", "segment": "mid_market", "region": "emea"}  # every note's
    first = _export(pm_client, query)
    assert _export(pm_client, query) == first and len(rows_read) == 1
    assert first[themes[2].pk]["notes"] == "3"
    triage.theme_rename(theme=themes[2], title="Renamed", actor=pm)
    assert _export(pm_client, query)[themes[2].pk]["title"] == "Renamed"


def test_an_export_of_themes_new_since_the_last_visit_is_never_kept(themes, rows_read):
    # Which themes are new moves with every note logged, which no key would see.
    since = timezone.now() - dt.timedelta(days=1)
    for _ in range(2):
        "".join(exports.csv_chunks(filters=Filters(period="365", new_since=since), sort="notes"))
    assert len(rows_read) == 2
