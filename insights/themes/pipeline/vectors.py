"""Stored note embeddings: computed once, reused until the text or model changes."""

from collections.abc import Iterable, Iterator

import numpy as np
from django.db import transaction

from insights.notes.models import CallNote
from insights.themes.models import NoteEmbedding
from insights.themes.pipeline import core

BATCH = 256
EMBED_TASK = "insights.tasks.embed_notes"


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype=np.float32)


def stale_note_ids(note_ids: Iterable[int] | None = None) -> list[int]:
    """Notes without an embedding of the current model for their current text."""
    model = core.model_name()
    notes = CallNote.objects.all() if note_ids is None else CallNote.objects.filter(id__in=note_ids)
    stored = dict(
        NoteEmbedding.objects.filter(model_name=model, note__in=notes).values_list(
            "note_id", "text_hash"
        )
    )
    stale = []
    for note_id, body in notes.values_list("id", "body").iterator(chunk_size=5000):
        if stored.get(note_id) != CallNote(body=body).text_hash:
            stale.append(note_id)
    return stale


def _embed_batch(note_ids: list[int]) -> int:
    rows = list(CallNote.objects.filter(id__in=note_ids).values_list("id", "body"))
    if not rows:
        return 0
    vectors = core.embed([body for _, body in rows])
    model = core.model_name()
    objs = [
        NoteEmbedding(
            note_id=note_id,
            model_name=model,
            text_hash=CallNote(body=body).text_hash,
            vector=to_bytes(vector),
        )
        for (note_id, body), vector in zip(rows, vectors, strict=True)
    ]
    with transaction.atomic():
        NoteEmbedding.objects.bulk_create(
            objs,
            update_conflicts=True,
            unique_fields=["note"],
            update_fields=["model_name", "text_hash", "vector", "created_at"],
        )
    return len(objs)


def ensure_embeddings(*, note_ids: Iterable[int] | None = None, progress=None) -> int:
    """Embed the notes that need it, in committed batches; returns how many were embedded.

    Batches are committed one by one, so work done before a worker dies is kept
    and the next attempt starts where it stopped.
    """
    todo = stale_note_ids(note_ids)
    done = 0
    for start in range(0, len(todo), BATCH):
        done += _embed_batch(todo[start : start + BATCH])
        if progress:
            progress(done, len(todo))
    return done


def iter_vectors(note_ids: Iterable[int] | None = None, chunk: int = 20_000) -> Iterator:
    """(note_id, vector) for stored embeddings of the current model, streamed."""
    qs = NoteEmbedding.objects.filter(model_name=core.model_name())
    if note_ids is not None:
        qs = qs.filter(note_id__in=list(note_ids))
    # Ordered, so that the same notes give the same matrix and the same themes.
    rows = qs.order_by("note_id").values_list("note_id", "vector")
    for note_id, raw in rows.iterator(chunk_size=chunk):
        yield note_id, from_bytes(raw)


def load_matrix(note_ids: Iterable[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All stored vectors as (ids, float32 matrix), rows L2-normalised.

    The matrix is allocated once at its final size and filled as rows stream
    in, so a million notes cost their 1.5 GB once, not twice.
    """
    qs = NoteEmbedding.objects.filter(model_name=core.model_name())
    if note_ids is not None:
        note_ids = list(note_ids)
        qs = qs.filter(note_id__in=note_ids)
    count = qs.count()
    ids = np.empty(count, dtype=np.int64)
    matrix = np.empty((count, core.dimension()), dtype=np.float32)
    filled = 0
    for note_id, vector in iter_vectors(note_ids):
        if filled == count:  # a note embedded meanwhile: the next run takes it
            break
        ids[filled] = note_id
        matrix[filled] = vector
        filled += 1
    return ids[:filled], matrix[:filled]
