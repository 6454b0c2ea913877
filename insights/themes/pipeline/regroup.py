"""A full theme run: regroup every note, keep identities and product decisions.

Phases (recorded on the ClusteringRun as it goes): embedding → grouping →
matching → writing → statistics. Only the writing phase changes themes and
assignments, in one transaction, so a run that dies leaves no half-written
theme. What a person decided is re-read inside that transaction, so an edit
made while the run was computing still wins.
"""

import contextlib
import logging
import time
from collections import defaultdict

import numpy as np
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from feedbackhub.queue import enqueue_group
from insights.notes.models import CallNote
from insights.themes import rep_figures
from insights.themes.models import Theme, ThemeAssignment, ThemeEvent
from insights.themes.pipeline import core, duplicates, planner_stats, runs, vectors
from insights.themes.pipeline.stats import store_theme_stats
from insights.themes.pipeline.write_lock import hold_assignment_writes

log = logging.getLogger(__name__)

NAMING_SAMPLE = 300  # texts per theme used to name it; enough for stable keywords
REPRESENTATIVES = 3  # notes closest to a theme's centre, shown as its typical quotes
WRITE_BATCH = 5000  # assignment rows per statement when writing a run's result
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def _note_tags(note_ids: np.ndarray) -> list[list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    through = CallNote.tags.through.objects.filter(callnote_id__in=note_ids.tolist())
    for note_id, name in through.values_list("callnote_id", "tag__name").iterator(
        chunk_size=20_000
    ):
        tags[note_id].append(name)
    return [tags.get(int(n), []) for n in note_ids]


def _bodies(note_ids: list[int]) -> dict[int, str]:
    return dict(CallNote.objects.filter(id__in=note_ids).values_list("id", "body"))


def _texts_of_rows(note_ids: np.ndarray):
    """The grouping reads the texts of the rows it builds its graph on (a sample
    above a hundred thousand notes), so only those are fetched, in chunks."""

    def texts(rows: np.ndarray) -> list[str]:
        wanted = note_ids[rows].tolist()
        found: dict[int, str] = {}
        for start in range(0, len(wanted), WRITE_BATCH):
            found.update(_bodies(wanted[start : start + WRITE_BATCH]))
        return [found.get(note_id, "") for note_id in wanted]

    return texts


FAN_OUT_AT = 2_000  # notes to embed above which other workers are asked to help


def _embed_everything(progress) -> None:
    """Embed every note that needs it, with help from other workers when there are many.

    The batches go out as a Celery group, so each idle worker takes some; this
    task embeds too, from the other end of the list, so a lone worker still
    finishes and nothing waits on a worker that does not exist. A batch done
    twice costs time, never correctness: embeddings are upserted.
    """
    todo = vectors.stale_note_ids()
    if len(todo) >= FAN_OUT_AT:
        batches = [todo[i : i + vectors.BATCH] for i in range(0, len(todo), vectors.BATCH)]
        enqueue_group(vectors.EMBED_TASK, [(batch,) for batch in batches])
        todo = todo[::-1]
    total = max(len(todo), 1)
    for start in range(0, len(todo), vectors.BATCH):
        remaining = vectors.stale_note_ids(todo[start : start + vectors.BATCH])
        vectors.ensure_embeddings(note_ids=remaining)
        progress("embedding", 2 + 38 * (start + vectors.BATCH) / total)


def execute_full_run(*, run_id: int, holder: str = "") -> str:
    """Run it if it is ours to run; returns the claim (see runs.Claim).

    `holder` names the worker (its Celery node name), so that a worker told
    to stop can hand its run back (runs.hand_back_runs_of).
    """
    claim, lease = runs.claim_run(run_id, holder=holder)
    if claim != runs.Claim.TAKEN:
        log.info("Theme run %s not taken here: %s", run_id, claim)
        return claim
    progress = runs.Progress(lease)
    heartbeat = runs.Heartbeat(lease).start()
    started = time.monotonic()
    try:
        progress("embedding", 2, force=True)
        _embed_everything(progress)

        progress("grouping", 40, force=True)
        note_ids, matrix = vectors.load_matrix()
        tags = _note_tags(note_ids)
        empty = np.zeros(0, dtype=np.int64)
        labels, phrasings = (
            core.group(matrix, tags, _texts_of_rows(note_ids)) if len(note_ids) else (empty, empty)
        )

        progress("writing", 75, force=True)
        summary, touched = _write(lease, note_ids, labels, matrix, phrasings=phrasings, tags=tags)

        progress("statistics", 92, force=True)
        planner_stats.refresh_after_run(
            changed=summary["moved"] + summary["newly_themed"], notes=len(note_ids)
        )
        store_theme_stats(theme_ids=touched)
        rep_figures.store_rep_figures(theme_ids=touched)
        duplicates.store_suggestions(note_ids=note_ids, matrix=matrix)
        summary["seconds"] = round(time.monotonic() - started, 2)
        runs.finish_run(
            lease,
            notes=len(note_ids),
            themes=Theme.objects.filter(merged_into__isnull=True, note_count__gt=0).count(),
            changes=summary,
        )
        return claim
    except runs.LeaseLost:
        # Taken over while this worker was frozen, cut off or stopping: the
        # other worker's result stands, and nothing of this one was kept.
        log.warning("Theme run %s was taken over by another worker; stopping here", run_id)
        return runs.Claim.DONE
    except DATABASE_UNAVAILABLE as exc:
        # Not the run's fault: back in the queue (the task retries with
        # backoff). If even that cannot be written, the heartbeat goes stale
        # and the reconciler queues the run again.
        log.warning("Theme run %s interrupted by the database: %s", run_id, exc)
        with contextlib.suppress(DatabaseError):
            runs.release_run(lease, f"the database was unavailable ({type(exc).__name__})")
        raise
    except Exception as exc:
        log.exception("Theme run %s failed", run_id)
        runs.fail_run(run_id, f"{type(exc).__name__}: {exc}", lease=lease)
        raise
    finally:
        heartbeat.stop()


def _current_assignments(row_of: dict[int, int]) -> dict[int, tuple[int, int | None, bool]]:
    """note id → (assignment id, theme id, locked), as plain values: at a million
    notes, model instances would cost gigabytes."""
    found = {}
    rows = ThemeAssignment.objects.values_list("pk", "note_id", "theme_id", "locked")
    for pk, note_id, theme_id, locked in rows.iterator(chunk_size=WRITE_BATCH * 10):
        if note_id in row_of:
            found[note_id] = (pk, theme_id, locked)
    return found


def _batches(items: list, size: int = WRITE_BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def _write(
    lease: runs.Lease,
    note_ids: np.ndarray,
    labels: np.ndarray,
    matrix: np.ndarray,
    *,
    phrasings: np.ndarray,
    tags: list[list[str]],
):
    # Re-read every decision inside the transaction, once it is our turn to
    # write: a person's edit made while the run was computing still wins.
    hold_assignment_writes()
    if not lease.mine().exists():  # taken over while we computed (or waited for the turn)
        raise runs.LeaseLost(f"Theme run {lease.run_id}: taken over before writing.")
    run_id = lease.run_id
    row_of = {int(n): i for i, n in enumerate(note_ids)}
    current = _current_assignments(row_of)
    themes = {t.id: t for t in Theme.objects.select_for_update()}
    merged_into = {t.id: t.merged_into_id for t in themes.values() if t.merged_into_id}
    active = {t.id for t in themes.values() if t.merged_into_id is None}
    previous = {n: theme for n, (_pk, theme, _locked) in current.items() if theme is not None}
    locked = {n: theme for n, (_pk, theme, is_locked) in current.items() if is_locked}
    centres = {
        t.id: (vectors.from_bytes(t.centroid), t.placement_threshold)
        for t in themes.values()
        if t.centroid is not None and t.placement_threshold is not None
    }

    def still_fits(note_id: int, theme_id: int) -> bool:
        if theme_id not in centres:
            return False
        centre, threshold = centres[theme_id]
        return float(matrix[row_of[note_id]] @ centre) >= threshold

    decision = core.decide(
        note_ids=note_ids.tolist(),
        labels=labels.tolist(),
        previous=previous,
        locked=locked,
        active_themes=active,
        merged_into=merged_into,
        still_fits=still_fits,
        kept_apart=duplicates.kept_apart(),
    )

    members: dict[object, list[int]] = defaultdict(list)  # theme id or (NEW, label) → rows
    for note_id, target in decision.note_theme.items():
        if target is not None:
            members[target].append(row_of[note_id])

    # Name every theme that has notes: a phrase from its own notes that says
    # its need and not its neighbours'; a theme keeps its current automatic
    # title unless a clearly better one appears (see engine/naming.py).
    keys = list(members)
    centroids = {key: core.centroid(matrix[rows]) for key, rows in members.items()}
    sample_rows: list[int] = []
    sample_group: list[int] = []
    for index, key in enumerate(keys):
        rows = members[key][:NAMING_SAMPLE]
        sample_rows.extend(rows)
        sample_group.extend([index] * len(rows))
    sample_ids = [int(note_ids[r]) for r in sample_rows]
    bodies = _bodies(sample_ids)
    names = core.name_groups(
        [bodies[i] for i in sample_ids],
        np.asarray(sample_group, dtype=np.int64),
        centres={index: centroids[key] for index, key in enumerate(keys)},
        current={index: themes[key].auto_title for index, key in enumerate(keys) if key in themes},
        tags=[tags[r] for r in sample_rows],
        phrasings=phrasings[sample_rows] if len(sample_rows) else None,
    )

    created, grown, shrunk, retitled = [], [], [], []
    before_counts: dict[int, int] = defaultdict(int)
    for theme_id in previous.values():
        before_counts[core.resolve(theme_id, merged_into)] += 1

    theme_for_key: dict[object, Theme] = {}
    for index, key in enumerate(keys):
        title, keywords = names.get(index, ("Untitled theme", []))
        member_vectors = matrix[members[key]]
        centroid = centroids[key]
        threshold = core.placement_threshold(member_vectors, centroid)
        closest = (member_vectors @ centroid).argsort()[::-1][:REPRESENTATIVES]
        representatives = [int(note_ids[members[key][i]]) for i in closest]
        if isinstance(key, tuple):
            theme = Theme.objects.create(
                title=title,
                auto_title=title,
                keywords=keywords,
                centroid=vectors.to_bytes(centroid),
                placement_threshold=threshold,
                representative_note_ids=representatives,
            )
            ThemeEvent.objects.create(
                theme=theme,
                kind=ThemeEvent.Kind.CREATED,
                data={"run": run_id, "notes": len(members[key])},
            )
            created.append(theme.id)
        else:
            theme = themes[key]
            if not theme.title_is_manual and theme.title != title:
                # Automatic retitles are part of the theme's story, like a person's.
                ThemeEvent.objects.create(
                    theme=theme,
                    kind=ThemeEvent.Kind.RENAMED,
                    data={"run": run_id, "old": theme.title, "new": title, "by": "engine"},
                )
                retitled.append(theme.id)
            theme.auto_title = title
            theme.keywords = keywords
            theme.centroid = vectors.to_bytes(centroid)
            theme.placement_threshold = threshold
            theme.representative_note_ids = representatives
            if not theme.title_is_manual:
                theme.title = title
            theme.save(
                update_fields=[
                    "auto_title",
                    "keywords",
                    "centroid",
                    "placement_threshold",
                    "representative_note_ids",
                    "title",
                    "updated_at",
                ]
            )
        theme_for_key[key] = theme

    # Assignments: write only what changed, in batches; never touch a locked one.
    to_create: list[tuple[int, int]] = []
    to_delete: list[int] = []
    to_move: dict[int, list[int]] = defaultdict(list)  # theme id → assignment ids
    for note_id, target in decision.note_theme.items():
        if note_id in locked:
            continue
        existing = current.get(note_id)
        theme = theme_for_key.get(target) if target is not None else None
        if theme is None:
            if existing is not None:
                to_delete.append(existing[0])
            continue
        if existing is None:
            to_create.append((note_id, theme.id))
        elif existing[1] != theme.id:
            to_move[theme.id].append(existing[0])
    for batch in _batches(to_delete):
        ThemeAssignment.objects.filter(pk__in=batch).delete()
    for batch in _batches(to_create):
        ThemeAssignment.objects.bulk_create(
            [ThemeAssignment(note_id=note_id, theme_id=theme_id) for note_id, theme_id in batch]
        )
    now = timezone.now()
    for theme_id, assignment_ids in to_move.items():
        for batch in _batches(assignment_ids):
            ThemeAssignment.objects.filter(pk__in=batch).update(
                theme_id=theme_id, assigned_by=ThemeAssignment.AssignedBy.ENGINE, assigned_at=now
            )
    moved = len(to_delete) + sum(len(ids) for ids in to_move.values())

    after_counts = {t.id: len(members[k]) for k, t in theme_for_key.items()}
    for theme_id, count in after_counts.items():
        before = before_counts.get(theme_id, 0)
        if theme_id in created:
            continue
        if count > before:
            grown.append(theme_id)
        elif count < before:
            shrunk.append(theme_id)
    emptied = sorted(t for t in active if before_counts.get(t, 0) > 0 and t not in after_counts)
    for theme_id in grown + shrunk + emptied:
        ThemeEvent.objects.create(
            theme_id=theme_id,
            kind=ThemeEvent.Kind.ENGINE,
            data={
                "run": run_id,
                "notes_before": before_counts.get(theme_id, 0),
                "notes_after": after_counts.get(theme_id, 0),
            },
        )
    summary = {
        "created": len(created),
        "grown": len(grown),
        "shrunk": len(shrunk),
        "emptied": len(emptied),
        "moved": moved,
        "retitled": len(retitled),
        "newly_themed": len(to_create),
        "finished_at": timezone.now().isoformat(),
    }
    touched = set(after_counts) | set(emptied)
    # The fence, last in the transaction: this UPDATE must find our lease, and
    # holds the run's row until commit, so a takeover either happened before
    # (0 rows: everything above is rolled back) or waits for our commit (and
    # then finds a fresh heartbeat).
    lease.write(phase="writing", heartbeat_at=timezone.now())
    return summary, sorted(touched)
