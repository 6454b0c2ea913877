"""Look-ups of what is already known: themes and notes most like a note or a draft.

`suggest_themes` works from stored embeddings, so the web process can call it
without the model. `similar_to_text` embeds a draft, so it runs in the worker
(task `insights.tasks.similar_to_text`), where the model and a matrix of all
note vectors stay loaded between calls.

The log-a-call hint never makes a web request wait for a worker: the request
queues `HINT_TASK` under a fresh random token and returns; the worker stores
its answer in the cache under that token (`answer_hint`), and the page polls
for it (`hint_answer`). No answer — no worker, no Redis — just means no hint.
"""

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max

from insights.themes.models import NoteEmbedding, Theme
from insights.themes.pipeline import core, theme_index, vectors


def suggest_themes(*, note_ids: list[int], limit: int = 3) -> dict[int, list[tuple[Theme, float]]]:
    """For each note, the `limit` most similar placeable themes with their similarity."""
    index = theme_index.current()
    stored = dict(
        NoteEmbedding.objects.filter(
            note_id__in=note_ids, model_name=core.model_name()
        ).values_list("note_id", "vector")
    )
    if not len(index) or not stored:
        return {note_id: [] for note_id in note_ids}
    order = [n for n in note_ids if n in stored]
    matrix = np.vstack([vectors.from_bytes(stored[n]) for n in order])
    sims = matrix @ index.centroids.T
    top = np.argsort(-sims, axis=1)[:, :limit]
    wanted = {int(index.theme_ids[j]) for row in top for j in row}
    themes = Theme.objects.in_bulk(list(wanted))
    result: dict[int, list[tuple[Theme, float]]] = {note_id: [] for note_id in note_ids}
    for i, note_id in enumerate(order):
        result[note_id] = [
            (themes[int(index.theme_ids[j])], float(sims[i, j]))
            for j in top[i]
            if int(index.theme_ids[j]) in themes
        ]
    return result


class _NoteMatrix:
    """All note vectors of the current model, kept in memory and topped up.

    New and re-embedded notes are read by their embedding timestamp and
    patched in; a deletion (the count went down) reloads everything.
    """

    def __init__(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, core.dimension()), dtype=np.float32)
        self.seen_until = None

    def refresh(self) -> None:
        qs = NoteEmbedding.objects.filter(model_name=core.model_name())
        stamp = qs.aggregate(n=Count("note_id"), last=Max("created_at"))
        if stamp["n"] == len(self.ids) and stamp["last"] == self.seen_until:
            return
        if stamp["n"] < len(self.ids) or self.seen_until is None:
            self.ids, self.matrix = vectors.load_matrix()
        else:
            fresh = list(qs.filter(created_at__gt=self.seen_until).values_list("note_id", "vector"))
            position = {int(n): i for i, n in enumerate(self.ids)}
            appended_ids, appended = [], []
            for note_id, raw in fresh:
                vector = vectors.from_bytes(raw)
                if note_id in position:
                    self.matrix[position[note_id]] = vector
                else:
                    appended_ids.append(note_id)
                    appended.append(vector)
            if appended:
                self.ids = np.concatenate([self.ids, np.asarray(appended_ids, dtype=np.int64)])
                self.matrix = np.vstack([self.matrix, np.vstack(appended)])
        self.seen_until = stamp["last"]


_notes = _NoteMatrix()


def similar_to_text(*, text: str, tags: list[str], limit: int = 5) -> dict:
    """Themes and notes most similar to a draft text: ids with similarities."""
    vector = core.embed([text])[0]
    index = theme_index.current()
    rows, sims = core.top_k(index.centroids, vector, limit)
    themes = [
        {"theme_id": int(index.theme_ids[r]), "similarity": float(s)}
        for r, s in zip(rows, sims, strict=True)
    ]
    _notes.refresh()
    rows, sims = core.top_k(_notes.matrix, vector, limit)
    notes = [
        {"note_id": int(_notes.ids[r]), "similarity": float(s)}
        for r, s in zip(rows, sims, strict=True)
    ]
    return {"themes": themes, "notes": notes}


HINT_TASK = "insights.tasks.answer_draft_hint"
HINT_TTL = 120  # seconds an answer waits to be picked up; the page polls for less


def _hint_key(token: str) -> str:
    return f"theming:draft-hint:{token}"


def answer_hint(*, token: str, text: str, limit: int = 3) -> None:
    """Work out the themes most like a draft and leave them for the page to pick up."""
    found = similar_to_text(text=text, tags=[], limit=limit)
    cache.set(_hint_key(token), found["themes"], timeout=HINT_TTL)


def hint_answer(token: str) -> list[dict] | None:
    """The stored answer for a hint token ({theme_id, similarity} dicts), or None if not yet."""
    return cache.get(_hint_key(token))
