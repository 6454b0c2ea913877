"""The themes export: streamed when small, built by the worker when big, and only for those
who may export (the person who asked, for a built one)."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insights.themes import exports
from insights.themes.dashboard import (
    Filters,
    reads_stored_figures,
    theme_row_chunks,
    theme_rows,
)
from insights.themes.models import ThemeAssignment, ThemeExport, ThemeStatus
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import (
    CallNoteFactory,
    CompetitorFactory,
    DealFactory,
    ProductManagerFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(rep):
    made = [ThemeFactory(title=f"Need {i}") for i in range(5)]
    for i, theme in enumerate(made):
        for _ in range(i + 1):
            ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    store_theme_stats()
    return made


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def tagged(rep):
    """Four themes in different statuses, owned by a product manager with a name, one known
    by username alone, or nobody; three have notes tagged `sso` (with other notes, all on
    open deals of different sizes), some naming a competitor."""
    named = ProductManagerFactory(first_name="Ada", last_name="Byron")
    unnamed = ProductManagerFactory(first_name="", last_name="")
    rival = CompetitorFactory(name="Productboard")
    owners = [named, unnamed, None, named]
    statuses = [ThemeStatus.PLANNED, ThemeStatus.UNDER_REVIEW, ThemeStatus.NEW, ThemeStatus.SHIPPED]
    for i, (owner, status) in enumerate(zip(owners, statuses, strict=True)):
        theme = ThemeFactory(title=f"Need {i}", owner=owner, status=status)
        for j in range(i + 2):
            deal = DealFactory(amount=Decimal(1000 * (i + 1) + 100 * j))
            tags = ["sso"] if i < 3 and j % 2 == 0 else ["pricing"]
            note = CallNoteFactory(author=rep, account=deal.account, deal=deal, tags=tags)
            if j == 1:
                note.competitors.add(rival)
            ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats()
    return {"rival": rival, "unnamed": unnamed}


def _written(response) -> list[tuple]:
    return [
        (
            int(r["theme_id"]),
            r["title"],
            r["status"],
            r["owner"],
            int(r["notes"]),
            int(r["accounts"]),
            Decimal(r["open_pipeline_usd"]),
            Decimal(r["weighted_pipeline_usd"]),
            Decimal(r["lost_revenue_usd"]),
            int(r["mentions_last_4_weeks"]),
            int(r["mentions_4_weeks_before"]),
        )
        for r in _csv(b"".join(response.streaming_content).decode())
    ]


@pytest.mark.parametrize(
    ("view", "sort", "stored"),
    [
        ({"tag": "sso"}, "revenue", True),
        ({"tag": "sso"}, "growth", True),
        ({"competitor": "rival"}, "notes", True),
        ({"segment": "mid_market"}, "lost", True),
        ({"period": "90"}, "accounts", True),
        ({}, "revenue", True),
        ({"tag": "sso", "segment": "mid_market"}, "revenue", False),
    ],
)
def test_an_export_writes_the_rows_the_dashboard_shows_for_its_view(
    pm_client, tagged, view, sort, stored
):
    view = {k: tagged["rival"].pk if v == "rival" else v for k, v in view.items()}
    filters = Filters(**view)
    assert reads_stored_figures(filters) == stored
    response = pm_client.get(reverse("dashboard"), {"format": "csv", "sort": sort, **view})
    assert _written(response) == [
        (
            r.theme.pk,
            r.theme.title,
            r.theme.get_status_display(),
            r.theme.owner.display_name if r.theme.owner else "",
            r.notes,
            r.accounts,
            r.open_revenue,
            r.weighted,
            r.lost_revenue,
            sum(r.weekly[-4:]),
            sum(r.weekly[-8:-4]),
        )
        for r in theme_rows(filters=filters, sort=sort)
    ]


def test_the_tag_export_writes_each_themes_status_and_owner_as_people_read_them(pm_client, tagged):
    response = pm_client.get(reverse("dashboard"), {"format": "csv", "tag": "sso"})
    assert [row[1:4] for row in _written(response)] == [
        ("Need 2", "New", ""),
        ("Need 1", "Under review", tagged["unnamed"].username),
        ("Need 0", "Planned", "Ada Byron"),
    ]


def test_a_small_export_streams_the_rows_of_the_view(pm_client, themes):
    response = pm_client.get(reverse("dashboard"), {"format": "csv", "sort": "notes"})
    assert response.status_code == 200 and response.streaming
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="feedbackhub-themes_all-time_by-notes_{today}.csv"'
    )
    rows = _csv(b"".join(response.streaming_content).decode())
    want = theme_rows(filters=Filters(), sort="notes")
    assert [(int(r["theme_id"]), int(r["notes"])) for r in rows] == [
        (r.theme.pk, r.notes) for r in want
    ]


@pytest.mark.django_db(transaction=True)
def test_an_export_streamed_outside_a_transaction_writes_every_row_once(themes):
    """In production a request is not in a transaction: the stored rows' server-side
    cursor is then declared WITH HOLD and outlives each statement. Read in chunks of two,
    the rows are still every row of the view, once each."""
    assert connection.get_autocommit()
    chunks = list(theme_row_chunks(filters=Filters(), sort="notes", size=2))
    assert len(chunks) == 3
    assert [r.theme.pk for chunk in chunks for r in chunk] == [
        r.theme.pk for r in theme_rows(filters=Filters(), sort="notes")
    ]


@pytest.mark.parametrize(
    "filters", [Filters(), Filters(period="90"), Filters(segment="smb"), Filters(tag="none")]
)
def test_the_rows_in_chunks_are_the_rows_of_the_view_each_once(themes, filters):
    chunks = list(theme_row_chunks(filters=filters, sort="notes", size=2))
    assert all(len(chunk) <= 2 for chunk in chunks)
    assert [r.theme.pk for chunk in chunks for r in chunk] == [
        r.theme.pk for r in theme_rows(filters=filters, sort="notes")
    ]


def test_a_rep_cannot_export(rep_client, themes):
    assert rep_client.get(reverse("dashboard"), {"format": "csv"}).status_code == 403
    page = rep_client.get(reverse("dashboard")).content.decode()
    assert "format=csv" not in page and "Export CSV" not in page


def test_a_big_export_is_built_by_the_worker_and_downloaded_when_ready(
    pm, pm_client, themes, settings
):
    settings.THEME_EXPORT_STREAM_MAX_ROWS = 2
    response = pm_client.get(reverse("dashboard"), {"format": "csv", "period": "365"})
    export = ThemeExport.objects.get()
    assert response.status_code == 302 and response.url == reverse("theme_export", args=[export.pk])
    assert export.requested_by == pm and export.status == ThemeExport.Status.QUEUED

    waiting = pm_client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "<script" not in waiting
    assert pm_client.get(reverse("theme_export_download", args=[export.pk])).status_code == 302

    assert exports.build_export(export_id=export.pk) == ThemeExport.Status.DONE
    export.refresh_from_db()
    assert (export.rows_done, export.rows_total, export.percent) == (5, 5, 100)
    ready = pm_client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in ready and "Download CSV" in ready

    download = pm_client.get(reverse("theme_export_download", args=[export.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "text/csv"
    settings.THEME_EXPORT_STREAM_MAX_ROWS = 5000
    streamed = pm_client.get(reverse("dashboard"), {"format": "csv", "period": "365"})
    assert download.content == b"".join(streamed.streaming_content)
    assert "feedbackhub-themes_last-12-months_by-revenue_" in download["Content-Disposition"]
    assert download["Content-Disposition"] == streamed["Content-Disposition"]


def test_the_file_name_says_which_view_it_holds(pm_client, themes):
    rival = CompetitorFactory(name="Productboard")
    response = pm_client.get(
        reverse("dashboard"),
        {"format": "csv", "period": "90", "segment": "smb", "competitor": rival.pk},
    )
    name = response["Content-Disposition"]
    assert "feedbackhub-themes_last-90-days_segment-smb_vs-productboard_by-revenue_" in name
    rows = _csv(b"".join(response.streaming_content).decode())  # still a clean table
    assert all(set(row) == set(rows[0]) for row in rows)


def test_the_export_is_queued_for_the_worker_after_commit(
    pm_client, themes, settings, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "feedbackhub.queue._publish", lambda task, args: queued.append((task.name, args))
    )
    settings.THEME_EXPORT_STREAM_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pm_client.get(reverse("dashboard"), {"format": "csv"})
    assert queued == [] and len(callbacks) == 1  # nothing sent before the commit
    callbacks[0]()
    assert queued == [(exports.EXPORT_TASK, (ThemeExport.objects.get().pk,))]


def test_building_an_export_twice_does_no_harm(pm, themes):
    export = exports.request_export(user=pm, filters=Filters(), sort="revenue")
    assert exports.build_export(export_id=export.pk) == ThemeExport.Status.DONE
    first = ThemeExport.objects.get(pk=export.pk).content
    assert exports.build_export(export_id=export.pk) is None  # already finished
    assert ThemeExport.objects.get(pk=export.pk).content == first


def test_another_persons_export_is_refused(pm, themes):
    export = exports.request_export(user=pm, filters=Filters(), sort="revenue")
    exports.build_export(export_id=export.pk)
    other = ProductManagerFactory()
    client = Client()
    client.force_login(other)
    assert client.get(reverse("theme_export", args=[export.pk])).status_code == 403
    assert client.get(reverse("theme_export_download", args=[export.pk])).status_code == 403


def test_a_rep_cannot_download_an_export_even_their_own_once_exporting_is_taken_away(
    rep, rep_client, themes
):
    export = ThemeExport.objects.create(requested_by=rep, filters={}, sort="revenue")
    assert rep_client.get(reverse("theme_export_download", args=[export.pk])).status_code == 403
    assert rep_client.get(reverse("theme_export", args=[export.pk])).status_code == 403
    assert exports.build_export(export_id=export.pk) == ThemeExport.Status.FAILED


def test_a_rep_given_the_export_permission_may_export(rep, rep_client, themes):
    rep.user_permissions.add(Permission.objects.get(codename="export_themes"))
    assert rep_client.get(reverse("dashboard"), {"format": "csv"}).status_code == 200


def test_an_unknown_export_is_not_found(pm_client):
    assert pm_client.get(reverse("theme_export", args=[999999])).status_code == 404
