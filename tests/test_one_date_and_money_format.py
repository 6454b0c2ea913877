"""Dates read "17 Jan 2026" and moments "17 Jan 2026, 14:05" on every page, admin included;
a notification says its amounts one way."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from insights.loop.models import Notification
from insights.themes import triage
from insights.themes.models import ThemeAssignment
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, ThemeFactory

pytestmark = pytest.mark.django_db

CALL = dt.date(2026, 1, 17)


@pytest.fixture
def note(rep):
    deal = DealFactory(
        account=AccountFactory(owner=rep), amount=Decimal("738400"), stage="proposal"
    )
    return CallNoteFactory(author=rep, account=deal.account, deal=deal, call_date=CALL)


@pytest.mark.parametrize(
    "url",
    [
        lambda note: reverse("home"),
        lambda note: reverse("my_notes"),
        lambda note: reverse("account_detail", args=[note.account_id]),
        lambda note: reverse("note_delete", args=[note.pk]),
    ],
    ids=["home", "my notes", "account", "delete note"],
)
def test_a_call_date_reads_the_same_on_every_rep_page(rep_client, note, url):
    page = rep_client.get(url(note)).content.decode()
    assert "17 Jan 2026" in page
    assert "Jan. 17, 2026" not in page and "January 17, 2026" not in page


def test_admin_writes_dates_like_the_pages(admin_client_, note):
    page = admin_client_.get(reverse("admin:insights_callnote_changelist")).content.decode()
    assert "17 Jan 2026" in page and "Jan. 17, 2026" not in page


def test_a_notification_says_its_amounts_the_same_way_in_the_list_and_opened(
    rep_client, note, pm, eager_tasks, django_capture_on_commit_callbacks
):
    theme = ThemeFactory(title="Okta single sign-on")
    ThemeAssignment.objects.create(note=note, theme=theme)
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=theme, status="planned", actor=pm)
    notification = Notification.objects.get(recipient=note.author)
    listed = rep_client.get(reverse("notifications")).content.decode()
    opened = rep_client.get(reverse("notification_open", args=[notification.pk]), follow=True)
    assert "$738,400" in listed and "$738,400" in opened.content.decode()
    assert "$738K" not in opened.content.decode()
    today = date_format(localtime(notification.created_at), "DATETIME_FORMAT")
    assert today in listed and today in opened.content.decode()
