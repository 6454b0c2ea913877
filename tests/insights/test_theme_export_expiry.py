"""Built themes exports are deleted a while after they are ready, and their page says so."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.themes import exports
from insights.themes.dashboard import Filters
from insights.themes.models import ThemeAssignment, ThemeExport
from insights.themes.tasks import expire_theme_exports
from tests.factories import CallNoteFactory, ProductManagerFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(pm, rep):
    theme = ThemeFactory(title="Bulk export")
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    export = exports.request_export(user=pm, filters=Filters(), sort="revenue")
    assert exports.build_export(export_id=export.pk) == ThemeExport.Status.DONE
    return ThemeExport.objects.get(pk=export.pk)


def _ready_hours_ago(export: ThemeExport, hours: float) -> None:
    ThemeExport.objects.filter(pk=export.pk).update(
        finished_at=timezone.now() - dt.timedelta(hours=hours)
    )


def test_an_export_ready_longer_than_the_keeping_time_loses_its_file(built, settings):
    settings.THEME_EXPORT_KEEP_HOURS = 24
    _ready_hours_ago(built, 25)
    assert built.content  # the file was there

    assert expire_theme_exports() == 1
    built.refresh_from_db()
    assert built.status == ThemeExport.Status.EXPIRED and built.content == ""


def test_an_export_within_the_keeping_time_is_kept(built, settings):
    settings.THEME_EXPORT_KEEP_HOURS = 24
    _ready_hours_ago(built, 23)
    assert exports.expire_exports() == 0
    built.refresh_from_db()
    assert built.status == ThemeExport.Status.DONE and built.content


def test_exports_still_being_built_or_failed_are_left_alone(pm, settings):
    settings.THEME_EXPORT_KEEP_HOURS = 1
    long_ago = timezone.now() - dt.timedelta(days=3)
    for status in (ThemeExport.Status.QUEUED, ThemeExport.Status.RUNNING):
        ThemeExport.objects.create(requested_by=pm, filters={}, sort="revenue", status=status)
    failed = ThemeExport.objects.create(
        requested_by=pm, filters={}, sort="revenue", status=ThemeExport.Status.FAILED
    )
    ThemeExport.objects.update(created_at=long_ago)
    ThemeExport.objects.filter(pk=failed.pk).update(finished_at=long_ago)
    assert exports.expire_exports() == 0
    assert not ThemeExport.objects.filter(status=ThemeExport.Status.EXPIRED).exists()


def test_the_page_of_an_expired_export_says_it_expired_and_how_to_get_it_again(
    built, pm_client, settings
):
    settings.THEME_EXPORT_KEEP_HOURS = 24
    _ready_hours_ago(built, 30)
    exports.expire_exports()

    page = pm_client.get(reverse("theme_export", args=[built.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "This export has expired" in text and "deleted 24 hours after" in text
    assert "Export the view again" in text and "Download CSV" not in text
    assert "hx-trigger" not in text  # nothing left to wait for

    download = pm_client.get(reverse("theme_export_download", args=[built.pk]), follow=True)
    assert download.status_code == 200 and "This export has expired" in download.content.decode()


def test_an_expired_export_of_someone_else_is_still_refused(built, settings, client):
    settings.THEME_EXPORT_KEEP_HOURS = 24
    _ready_hours_ago(built, 30)
    exports.expire_exports()
    client.force_login(ProductManagerFactory())
    assert client.get(reverse("theme_export", args=[built.pk])).status_code == 403
