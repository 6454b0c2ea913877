"""The engine's tasks on a real Celery worker process and the local Redis."""

import time

import pytest
from django.db import transaction

from insights.notes.models import CallNote
from insights.themes.models import ClusteringRun, NoteEmbedding, Theme, ThemeAssignment
from insights.themes.tasks import place_note
from tests.corpus import rows
from tests.factories import CallNoteFactory
from tests.faults import Pause
from tests.theming.conftest import make_notes
from tests.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for(condition, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(message)


def test_a_saved_note_is_placed_by_the_worker_within_seconds(rep):
    from tests.theming.conftest import run_now

    make_notes(rep)
    assert run_now().state == ClusteringRun.State.SUCCEEDED
    worker = WorkerProcess().start()
    try:
        with transaction.atomic():
            note = CallNoteFactory(author=rep, body="Security wants SAML single sign-on via Okta.")
            transaction.on_commit(lambda: place_note.delay(note.pk))
        assignment = _wait_for(
            lambda: ThemeAssignment.objects.filter(note=note).select_related("theme").first(),
            timeout=60,
            message="the worker did not place the note",
        )
        assert "okta" in " ".join(assignment.theme.keywords) + assignment.theme.title.lower()
    finally:
        worker.stop()


def _many_notes(author, copies: int) -> None:
    """The corpus several times over, each copy worded a little differently."""
    framings = ["", "Call recap: ", "Follow-up: ", "From the demo: ", "QBR note: ", "Renewal: "]
    data = [
        (f"{framings[i % len(framings)]}{text} (#{i})", tags, need)
        for i in range(copies)
        for text, tags, need in rows()
    ]
    make_notes(author, data)


def test_a_worker_killed_mid_run_loses_nothing_and_the_run_completes(rep, settings, tmp_path):
    _many_notes(rep, copies=40)  # ~2,000 notes: a run takes several seconds
    notes_before = CallNote.objects.count()
    # Short timeouts so that Redis hands the unacknowledged run back quickly.
    fast_recovery = {
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "THEME_RUN_STALE_SECONDS": "3",
    }
    # The run stops after its first batch of embeddings, wherever a fast or a
    # slow machine would be by then.
    pause = Pause(tmp_path, "mid_embedding")
    first = WorkerProcess(extra_env={**fast_recovery, **pause.env}, hooks=True).start()
    from insights.themes.pipeline.runs import request_full_run

    with transaction.atomic():
        run = request_full_run()
    try:
        _wait_for(pause.reached, timeout=180, message="the run never got going")
    finally:
        first.kill()

    run.refresh_from_db()
    assert run.state == ClusteringRun.State.RUNNING  # nobody has noticed yet
    assert CallNote.objects.count() == notes_before
    assert not ThemeAssignment.objects.exists() and not Theme.objects.exists()
    embedded_before_the_kill = NoteEmbedding.objects.count()
    assert 0 < embedded_before_the_kill < notes_before  # committed batch by batch

    second = WorkerProcess(extra_env=fast_recovery).start()
    try:
        _wait_for(
            lambda: ClusteringRun.objects.filter(
                pk=run.pk, state=ClusteringRun.State.SUCCEEDED
            ).exists(),
            timeout=180,
            message="the run handed back by Redis was not completed by the new worker",
        )
    finally:
        second.stop()
    run.refresh_from_db()
    assert run.notes_count == notes_before
    assert ThemeAssignment.objects.count() > notes_before * 0.9
    assert not Theme.objects.filter(note_count=0, merged_into__isnull=True).exists()
