"""What reps and product managers read about a merge: what went where, an undo,
and, when the statuses differ, a warning before and the outcome after."""

import pytest
from django.urls import reverse

from insights.loop.models import Notification
from insights.themes import merge_undo, triage
from insights.themes.models import Theme, ThemeAssignment
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _with_notes(theme, count, author):
    for _ in range(count):
        ThemeAssignment.objects.create(note=CallNoteFactory(author=author), theme=theme)


@pytest.fixture
def planned_and_shipped(pm, rep):
    planned = ThemeFactory(title="Okta login")
    shipped = ThemeFactory(title="SSO")
    _with_notes(planned, 2, rep)
    _with_notes(shipped, 1, CallNoteFactory().author)
    triage.theme_set_status(theme=planned, status="planned", actor=pm)
    triage.theme_write_decision(
        theme=Theme.objects.get(pk=planned.pk), decision="Build it in Q3.", actor=pm
    )
    triage.theme_set_status(theme=shipped, status="shipped", actor=pm)
    return Theme.objects.get(pk=planned.pk), Theme.objects.get(pk=shipped.pk)


def test_a_merge_undone_is_no_news_for_the_reps(pm, rep, rep_client):
    source, target = ThemeFactory(title="Okta login"), ThemeFactory(title="SSO")
    _with_notes(source, 2, rep)
    _with_notes(target, 1, rep)
    triage.theme_set_status(theme=source, status="planned", actor=pm)
    triage.theme_merge(source=Theme.objects.get(pk=source.pk), target=target, actor=pm)
    merged = rep_client.get(reverse("my_requests")).content.decode()
    assert "Merged" in merged

    merge_undo.theme_merge_undo(source=Theme.objects.get(pk=source.pk), actor=pm)
    page = rep_client.get(reverse("my_requests")).content.decode()
    assert "Merged" not in page and "Merge undone" not in page
    # The news before the merge is the latest again; the theme's timeline keeps both lines.
    row = page[page.index("Okta login") :]
    assert "Planned" in row[: row.index("</tr>")]
    timeline = [e.kind for e in Theme.objects.get(pk=target.pk).events.all()]
    assert "merged" in timeline and "unmerged" in timeline


def test_the_targets_timeline_says_what_was_merged_into_it(pm, pm_client, rep):
    source, target = ThemeFactory(title="Okta login"), ThemeFactory(title="SSO")
    _with_notes(source, 2, rep)
    triage.theme_merge(source=source, target=target, actor=pm)
    page = pm_client.get(reverse("theme_page", args=[target.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "Merged: “Okta login” merged in (2 notes)" in timeline


def test_the_confirmation_warns_when_the_statuses_differ_and_the_decision_goes(
    planned_and_shipped, pm_client
):
    planned, shipped = planned_and_shipped
    url = reverse("theme_merge_confirm", args=[planned.pk])
    page = pm_client.get(url, {"target_text": f"#{shipped.pk}"}).content.decode()
    assert "The statuses differ:" in page
    assert f"#{planned.pk} is Planned, #{shipped.pk} is Shipped" in page
    assert "“Build it in Q3.”" in page and "stays only in" in page
    assert "The 1 rep with notes in" in page and "will be told it is now Shipped" in page


def test_reps_of_a_merged_theme_are_told_the_status_it_ended_up_in(
    planned_and_shipped, pm, rep, rep_client, django_capture_on_commit_callbacks
):
    planned, shipped = planned_and_shipped
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_merge(source=planned, target=shipped, actor=pm)
    told = Notification.objects.filter(recipient=rep, new_status="shipped")
    assert told.count() == 1 and told.get().old_status == "planned"
    page = rep_client.get(reverse("notifications")).content.decode()
    assert "“Okta login” (Planned) was merged into" in page and "Shipped" in page


def test_a_merge_between_equal_statuses_tells_nobody(pm, rep, django_capture_on_commit_callbacks):
    source, target = ThemeFactory(), ThemeFactory()
    _with_notes(source, 1, rep)
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_merge(source=source, target=target, actor=pm)
    assert not Notification.objects.exists()


def test_undoing_a_merge_takes_back_what_its_reps_were_told(
    planned_and_shipped, pm, rep, rep_client, django_capture_on_commit_callbacks
):
    planned, shipped = planned_and_shipped
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_merge(source=planned, target=shipped, actor=pm)
    with django_capture_on_commit_callbacks(execute=True):
        merge_undo.theme_merge_undo(source=Theme.objects.get(pk=planned.pk), actor=pm)

    # Their notes are back in the Planned theme: "now in a Shipped theme" is no longer true.
    assert not Notification.objects.filter(recipient=rep, new_status="shipped").exists()
    page = rep_client.get(reverse("notifications")).content.decode()
    assert "was merged into" not in page
