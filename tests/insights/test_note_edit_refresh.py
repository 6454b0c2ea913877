"""Editing a note's account, deal, call date, tags or competitors refreshes its theme's
figures soon (the themes' freshness path), not at the next full refresh."""

import datetime as dt

import pytest
from django.urls import reverse

from insights.notes.services import note_update
from insights.themes.models import Theme, ThemeAssignment, ThemePageStats
from insights.themes.pipeline import stats
from insights.themes.tasks import refresh_all_theme_stats, refresh_theme_stats
from tests.factories import AccountFactory, CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(rep):
    theme = ThemeFactory(title="Okta single sign-on")
    note = CallNoteFactory(author=rep, account=AccountFactory(name="Granite Foods"))
    ThemeAssignment.objects.create(note=note, theme=theme)
    refresh_all_theme_stats()
    return note


def _refreshes(queued) -> list:
    return [args for name, args in queued if name == stats.REFRESH_TASK]


def _edit(django_capture_on_commit_callbacks, note, user, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        note_update(note=note, user=user, **changes)


def test_a_product_manager_sees_the_new_account_after_the_refresh(
    note, rep, pm_client, queued, django_capture_on_commit_callbacks
):
    theme = note.assignment.theme
    url = reverse("theme_page", args=[theme.pk])
    assert "Granite Foods" in pm_client.get(url).content.decode()

    _edit(django_capture_on_commit_callbacks, note, rep, account=AccountFactory(name="Harbor Labs"))
    assert ThemePageStats.objects.get(theme=theme).stale_since is not None
    assert _refreshes(queued) == [([theme.pk],)]

    refresh_theme_stats(*_refreshes(queued)[0])
    page = pm_client.get(url)
    assert page.context["as_of"] is not None  # the stored figures, refreshed
    text = page.content.decode()
    assert "Harbor Labs" in text and "Granite Foods" not in text


def test_a_new_call_date_moves_the_themes_last_mention_after_the_refresh(
    note, rep, queued, django_capture_on_commit_callbacks
):
    earlier = dt.date.today() - dt.timedelta(days=40)
    _edit(django_capture_on_commit_callbacks, note, rep, call_date=earlier)
    refresh_theme_stats(*_refreshes(queued)[0])
    assert Theme.objects.get(pk=note.assignment.theme_id).last_mentioned_on == earlier


def test_new_tags_refresh_the_theme(note, rep, queued, django_capture_on_commit_callbacks):
    _edit(django_capture_on_commit_callbacks, note, rep, tags="sso, okta")
    assert _refreshes(queued) == [([note.assignment.theme_id],)]


def test_an_edit_the_figures_do_not_read_queues_no_refresh(
    note, rep, queued, django_capture_on_commit_callbacks
):
    _edit(
        django_capture_on_commit_callbacks,
        note,
        rep,
        account=note.account,  # the same account, given again by the form
        call_date=note.call_date,
        quote="We cannot roll out without Okta.",
        importance="deal_blocker",
    )
    assert _refreshes(queued) == []
    assert ThemePageStats.objects.get(theme=note.assignment.theme).stale_since is None


def test_editing_a_note_without_a_theme_queues_nothing(
    rep, queued, django_capture_on_commit_callbacks
):
    note = CallNoteFactory(author=rep)
    _edit(django_capture_on_commit_callbacks, note, rep, account=AccountFactory())
    assert _refreshes(queued) == []


def test_an_edit_through_the_api_refreshes_the_theme(
    note, rep, queued, django_capture_on_commit_callbacks
):
    from django.test import Client

    client = Client()
    client.force_login(rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            f"/api/v1/notes/{note.pk}/",
            {"call_date": (dt.date.today() - dt.timedelta(days=3)).isoformat()},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert _refreshes(queued) == [([note.assignment.theme_id],)]
