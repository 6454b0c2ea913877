"""Full runs from the product manager's point of view: what a run may and may
not change, and how it records what it did."""

import pytest
from django.db import transaction

from insights.themes.models import (
    ClusteringRun,
    NoteEmbedding,
    Theme,
    ThemeAssignment,
    ThemeEvent,
    ThemeStatus,
)
from insights.themes.pipeline import core, placement, regroup, runs
from tests.theming.conftest import run_now, snapshot

pytestmark = pytest.mark.django_db


def _theme_of(note) -> Theme | None:
    assignment = ThemeAssignment.objects.filter(note=note).select_related("theme").first()
    return assignment.theme if assignment else None


def _largest_themes(count=2) -> list[Theme]:
    return list(Theme.objects.order_by("-note_count", "id")[:count])


def test_a_first_run_groups_the_notes_into_named_themes_and_records_itself(notes):
    run = run_now()
    assert run.state == ClusteringRun.State.SUCCEEDED
    assert run.notes_count == len(notes)
    assert 4 <= run.themes_count <= 9
    assert run.changes["created"] == run.themes_count
    assert run.progress == 100 and run.finished_at and run.started_at
    for theme in Theme.objects.filter(note_count__gt=0):
        assert theme.title and theme.keywords and theme.centroid
        assert theme.events.filter(kind="created").exists()
    sso_notes = [n for n in notes if "single sign-on" in n.body.lower()]
    assert len({_theme_of(n) for n in sso_notes}) == 1


def test_a_second_run_with_no_new_notes_changes_nothing(themed):
    before = snapshot()
    run = run_now()
    assert snapshot() == before
    assert run.changes["moved"] == 0 and run.changes["created"] == 0


def test_a_renamed_theme_keeps_its_name(themed):
    theme = _largest_themes(1)[0]
    theme.title, theme.title_is_manual = "Enterprise login (SSO)", True
    theme.save()
    run_now()
    theme.refresh_from_db()
    assert theme.title == "Enterprise login (SSO)"
    assert theme.auto_title  # the engine still keeps its own suggestion


def test_a_note_moved_by_hand_stays_where_it_was_put(themed, pm):
    first, second = _largest_themes(2)
    note = first.assignments.first().note
    ThemeAssignment.objects.filter(note=note).update(
        theme=second, locked=True, assigned_by="person", assigned_by_user=pm
    )
    run_now()
    assert _theme_of(note) == second


def test_a_note_removed_by_hand_stays_unthemed(themed, pm):
    theme = _largest_themes(1)[0]
    note = theme.assignments.first().note
    ThemeAssignment.objects.filter(note=note).update(
        theme=None, locked=True, assigned_by="person", assigned_by_user=pm
    )
    run_now()
    assert _theme_of(note) is None
    placement.place_note(note_id=note.pk)  # saving it again does not undo the removal
    assert _theme_of(note) is None


def test_merged_themes_stay_merged(themed):
    target, source = _largest_themes(2)
    source_notes = [a.note for a in source.assignments.all()]
    source.assignments.update(theme=target)
    source.merged_into = target
    source.save()

    run_now()
    assert not ThemeAssignment.objects.filter(theme=source).exists()
    assert all(_theme_of(n) == target for n in source_notes)
    assert Theme.objects.filter(pk=source.pk, merged_into=target).exists()


def test_a_declined_theme_stays_declined_and_still_receives_matching_notes(themed, rep):
    theme = _theme_of(next(n for n in themed if "okta" in n.body.lower()))
    theme.status = ThemeStatus.DECLINED
    theme.save()
    run_now()
    theme.refresh_from_db()
    assert theme.status == ThemeStatus.DECLINED

    from tests.factories import CallNoteFactory

    note = CallNoteFactory(author=rep, body="Their CISO insists on Okta SAML single sign-on.")
    assert placement.place_note(note_id=note.pk) == theme.pk


def test_a_theme_keeps_its_id_status_owner_and_history_from_run_to_run(themed, pm):
    theme = _largest_themes(1)[0]
    theme.status, theme.owner = ThemeStatus.PLANNED, pm
    theme.save()
    events = set(theme.events.values_list("id", flat=True))
    run_now()
    theme.refresh_from_db()
    assert (theme.status, theme.owner) == (ThemeStatus.PLANNED, pm)
    assert events <= set(theme.events.values_list("id", flat=True))


def test_a_persons_edit_during_the_run_wins_over_the_run(themed, pm, monkeypatch):
    first, second = _largest_themes(2)
    note = first.assignments.first().note
    real_group = core.group

    def group_then_someone_moves_the_note(*args, **kwargs):
        labels = real_group(*args, **kwargs)
        ThemeAssignment.objects.filter(note=note).update(
            theme=second, locked=True, assigned_by="person", assigned_by_user=pm
        )
        return labels

    monkeypatch.setattr(core, "group", group_then_someone_moves_the_note)
    run_now()
    assert _theme_of(note) == second


def test_a_run_that_fails_is_recorded_and_changes_nothing(themed, monkeypatch):
    before = snapshot()

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(core, "name_groups", broken)
    with pytest.raises(RuntimeError):
        run_now()
    run = ClusteringRun.objects.latest("created_at")
    assert run.state == ClusteringRun.State.FAILED
    assert "out of memory" in run.error
    assert snapshot() == before


def test_only_one_run_at_a_time(no_broker):
    with transaction.atomic():
        first = runs.request_full_run()
    with pytest.raises(runs.RunAlreadyActive) as excinfo:
        runs.request_full_run()
    assert excinfo.value.run == first
    assert "already queued" in str(excinfo.value)


def test_a_run_whose_worker_died_is_marked_failed_when_a_new_one_is_asked_for(no_broker, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.THEME_RUN_STALE_SECONDS = 60
    dead = ClusteringRun.objects.create(
        state=ClusteringRun.State.RUNNING,
        started_at=timezone.now() - timedelta(minutes=5),
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    with transaction.atomic():
        fresh = runs.request_full_run()
    dead.refresh_from_db()
    assert dead.state == ClusteringRun.State.FAILED and "no heartbeat" in dead.error
    assert fresh.state == ClusteringRun.State.QUEUED


def test_a_task_delivered_twice_runs_once(themed):
    run = ClusteringRun.objects.latest("created_at")
    before = snapshot()
    regroup.execute_full_run(run_id=run.pk)  # redelivered after it finished
    run.refresh_from_db()
    assert run.state == ClusteringRun.State.SUCCEEDED
    assert snapshot() == before


def test_a_note_is_embedded_again_only_when_its_text_changes(themed):
    from insights.themes.pipeline import vectors

    note = themed[0]
    stamp = NoteEmbedding.objects.get(note=note).created_at
    assert vectors.ensure_embeddings() == 0
    note.body = "Completely different: they want a dark mode."
    note.save()
    assert vectors.ensure_embeddings() == 1
    assert NoteEmbedding.objects.get(note=note).created_at > stamp


def test_an_automatic_retitle_is_written_in_the_themes_timeline(themed):
    theme = _largest_themes(1)[0]
    Theme.objects.filter(pk=theme.pk).update(
        title="Weather in Lisbon", auto_title="Weather in Lisbon"
    )
    run = run_now()
    theme.refresh_from_db()
    assert theme.title != "Weather in Lisbon" and theme.title == theme.auto_title
    event = theme.events.get(kind=ThemeEvent.Kind.RENAMED)
    assert event.actor is None
    assert (event.data["old"], event.data["new"]) == ("Weather in Lisbon", theme.title)
    assert run.changes["retitled"] == 1


def test_two_idle_runs_on_the_seeded_demo_move_no_note_and_rename_no_theme(no_broker):
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command

    call_command(
        "seed_demo",
        quiet=True,
        stdout=StringIO(),
        notes=400,
        accounts=30,
        deals=60,
        today=dt.date(2026, 6, 1),
    )
    call_command("run_themes", here=True, stdout=StringIO())
    first = snapshot()
    call_command("run_themes", here=True, stdout=StringIO())
    second = ClusteringRun.objects.latest("created_at")
    assert second.state == ClusteringRun.State.SUCCEEDED
    assert second.changes["moved"] == 0 and second.changes["retitled"] == 0
    assert second.changes["created"] == 0
    assert snapshot() == first
    assert not ThemeEvent.objects.filter(kind=ThemeEvent.Kind.RENAMED).exists()
