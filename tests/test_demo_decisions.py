"""The demo's product decisions feed the loop once, through the real triage path."""

import pytest
from django.core.management import call_command

from insights.loop.models import Notification
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_a_product_manager_decides_once_and_reps_are_notified(
    pm, rep, eager_tasks, django_capture_on_commit_callbacks
):
    pm.username = "pm.alex"
    pm.save()
    themes = [ThemeFactory() for _ in range(5)]
    for theme in themes:
        ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    store_theme_stats()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_decisions")
    statuses = sorted(t.status for t in type(themes[0]).objects.all())
    assert statuses == ["declined", "in_progress", "new", "planned", "shipped"]
    assert Notification.objects.filter(recipient=rep).count() == 4

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_decisions")
    assert Notification.objects.count() == 4


def test_the_demos_declined_theme_says_why(pm, rep, django_capture_on_commit_callbacks):
    pm.username = "pm.alex"
    pm.save()
    for _ in range(4):
        ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=ThemeFactory())
    store_theme_stats()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_decisions")
    from insights.themes.models import ThemeEvent

    declined = ThemeEvent.objects.get(kind="status", data__new="declined")
    assert declined.data["reason"]
