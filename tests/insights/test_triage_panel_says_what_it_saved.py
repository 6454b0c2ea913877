"""The triage panel's Save says what it changed, in the panel's own words, instead of
a bare "Saved." that left the product manager checking each field to see what took."""

import pytest
from django.urls import reverse

from insights.themes.models import ThemeAssignment
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _save(pm_client, theme, **fields):
    panel = {
        "action": "save",
        "version": theme.version,
        "title": theme.title,
        "status": theme.status,
        "owner": "",
        "reason": "",
        "external_url": "",
        "description": "",
        "decision": "",
        **fields,
    }
    url = reverse("theme_action", args=[theme.pk])
    return pm_client.post(url, panel, follow=True).content.decode()


def test_a_rename_says_the_title_changed(pm_client):
    theme = ThemeFactory(title="Dashboards")
    page = _save(pm_client, theme, title="Customisable dashboards")
    assert "Saved: title changed." in page


def test_several_fields_are_named_together(pm_client, pm):
    theme = ThemeFactory(title="Dashboards")
    page = _save(
        pm_client,
        theme,
        title="Team dashboards",
        owner=str(pm.pk),
        external_url="https://tracker.example/ISSUE-1",
    )
    assert "Saved: title, roadmap link and owner changed." in page


def test_a_status_without_news_for_the_reps_says_it_was_set(pm_client):
    theme = ThemeFactory(title="Dashboards")
    page = _save(pm_client, theme, status="under_review", decision="Looking at it in Q3.")
    assert "Saved: decision changed. Status set to Under review." in page


def test_a_status_the_reps_hear_of_says_who_is_told_beside_the_other_changes(pm_client, rep):
    theme = ThemeFactory(title="Dashboards")
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    page = _save(pm_client, theme, title="Team dashboards", status="planned")
    assert (
        "Saved: title changed. Status set to Planned: 1 rep with notes in it is being notified."
        in page
    )


def test_nothing_changed_says_so(pm_client):
    theme = ThemeFactory(title="Dashboards")
    assert "Nothing changed." in _save(pm_client, theme)
