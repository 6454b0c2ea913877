import pytest

from insights.notes.models import CallNote, Tag
from insights.themes.models import ClusteringRun, Theme, ThemeAssignment
from insights.themes.pipeline import regroup, runs
from tests.corpus import rows
from tests.factories import AccountFactory, DealFactory


def make_notes(author, data=None) -> list[CallNote]:
    """Notes from the corpus spread over a few accounts and deals; tags attached.

    Inserted in bulk, like an import, so no placement task is queued per note.
    """
    accounts = [AccountFactory(owner=author) for _ in range(4)]
    deals = [DealFactory(account=a) for a in accounts]
    data = data or rows()
    notes = CallNote.objects.bulk_create(
        [
            CallNote(
                author=author,
                account=deals[i % len(deals)].account,
                deal=deals[i % len(deals)],
                call_date="2026-10-01",
                body=text,
            )
            for i, (text, _tags, _need) in enumerate(data)
        ]
    )
    tags = {name: Tag.objects.get_or_create(name=name)[0] for _, names, _ in data for name in names}
    CallNote.tags.through.objects.bulk_create(
        [
            CallNote.tags.through(callnote_id=note.pk, tag_id=tags[name].pk)
            for note, (_, names, _) in zip(notes, data, strict=True)
            for name in names
        ]
    )
    return notes


def run_now(**kwargs) -> ClusteringRun:
    """Request a full run and execute it here, as the worker would."""
    from django.db import transaction

    with transaction.atomic():
        run = runs.request_full_run(**kwargs)
    regroup.execute_full_run(run_id=run.pk)
    run.refresh_from_db()
    return run


def snapshot() -> dict:
    return {
        "assignments": dict(ThemeAssignment.objects.values_list("note_id", "theme_id")),
        "themes": {t.id: (t.title, t.status, t.owner_id) for t in Theme.objects.all()},
    }


@pytest.fixture
def no_broker(monkeypatch):
    """Tasks enqueued after commit are recorded instead of sent to Redis."""
    sent = []
    from insights.themes import tasks

    for name in ("run_full_regroup", "refresh_theme_stats", "place_note"):
        monkeypatch.setattr(
            getattr(tasks, name), "delay", lambda *a, _n=name, **k: sent.append((_n, a))
        )
    return sent


@pytest.fixture
def notes(rep, no_broker):
    return make_notes(rep)


@pytest.fixture
def themed(notes):
    """The corpus notes after a first full run."""
    run = run_now()
    assert run.state == ClusteringRun.State.SUCCEEDED, run.error
    return notes
