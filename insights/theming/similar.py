"""Look-ups of what is already known: themes and notes most like a note or a draft.

`suggest_themes` works from stored embeddings, so the web process can call it
without the model. `similar_to_text` embeds a draft, so it runs in the worker
(task `insights.tasks.similar_to_text`), where the model and a matrix of all
note vectors stay loaded between calls.
"""

import numpy as np

from insights.models import NoteEmbedding, Theme

from . import core, theme_index, vectors


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
    """All note vectors of the current model, kept in memory and topped up."""

    def __init__(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.seen_until = None
        self.count = -1

    def refresh(self) -> None:
        qs = NoteEmbedding.objects.filter(model_name=core.model_name())
        count = qs.count()
        if count == self.count:
            return
        ids, matrix = vectors.load_matrix()
        self.ids, self.matrix, self.count = ids, matrix, count


_notes = _NoteMatrix()


def similar_to_text(*, text: str, tags: list[str], limit: int = 5) -> dict:
    """Themes and notes most similar to a draft text: ids with similarities."""
    vector = core.embed([text])[0]
    index = theme_index.current()
    themes = []
    if len(index):
        sims = index.similarities(vector)
        for j in np.argsort(-sims)[:limit]:
            themes.append({"theme_id": int(index.theme_ids[j]), "similarity": float(sims[j])})
    _notes.refresh()
    notes = []
    if len(_notes.ids):
        sims = _notes.matrix @ vector
        k = min(limit, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        for j in top[np.argsort(-sims[top])]:
            notes.append({"note_id": int(_notes.ids[j]), "similarity": float(sims[j])})
    return {"themes": themes, "notes": notes}
