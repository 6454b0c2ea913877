"""Which existing theme a freshly computed group *is*: stable identity across runs.

Pure Python on plain data, so the rules can be read and tested on their own.

The rule: a group takes the identity of the active theme that holds the
majority of its members that were already themed before the run (following
merges to the surviving theme). Several groups may take the same theme — a
theme the product team merged is never split back apart by a run — and a
group made of notes nobody had themed before becomes a new theme. Notes the
run could not group keep the theme they had, so a run never empties themes
just because a few notes fell below the grouping threshold.

Hysteresis: a note whose group went to another theme still stays where it
was while it fits there (`still_fits`, e.g. it clears its theme's placement
threshold). Grouping is a little different from run to run; a note changes
theme only when the evidence says it no longer belongs, which is what keeps
themes stable when new notes arrive.

Kept apart: two themes a person marked as different needs (`kept_apart`) are
never folded together by a run. A note of one whose group went to the other
stays where it was, so the run cannot empty one theme into the other.
"""

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

NEW = "new"


@dataclass
class Decision:
    """What a run decided for each note: an existing theme id, a new group, or nothing."""

    theme_of_group: dict[int, int | None] = field(default_factory=dict)  # None → new theme
    note_theme: dict[int, int | tuple[str, int] | None] = field(default_factory=dict)


def resolve(theme_id: int | None, merged_into: Mapping[int, int]) -> int | None:
    """Follow merges (A → B → C) to the theme that survives."""
    seen = set()
    while theme_id is not None and theme_id in merged_into and theme_id not in seen:
        seen.add(theme_id)
        theme_id = merged_into[theme_id]
    return theme_id


def decide(
    *,
    note_ids: Sequence[int],
    labels: Sequence[int],
    previous: Mapping[int, int],
    locked: Mapping[int, int | None],
    active_themes: set[int],
    merged_into: Mapping[int, int] | None = None,
    still_fits: Callable[[int, int], bool] | None = None,
    kept_apart: set[frozenset[int]] | None = None,
) -> Decision:
    """Turn a run's group labels into theme decisions.

    note_ids/labels: the run's grouping (label -1 = not grouped).
    previous: note → theme it was in before the run (engine or person).
    locked: note → theme (or None) a person pinned it to; never changed.
    active_themes: themes that may receive notes (not merged away).
    merged_into: theme → theme it was merged into.
    still_fits: (note, theme) → whether the note still belongs in its old theme.
    kept_apart: pairs of themes a person said are different needs.
    """
    merged_into = merged_into or {}
    kept_apart = kept_apart or set()
    decision = Decision()

    votes: dict[int, Counter] = {}
    for note_id, label in zip(note_ids, labels, strict=True):
        if label < 0:
            continue
        before = resolve(previous.get(note_id), merged_into)
        counter = votes.setdefault(label, Counter())
        if before in active_themes:
            counter[before] += 1

    for label, counter in votes.items():
        if counter:
            # Deterministic tie-break: the most votes, then the oldest theme id.
            theme_id, _ = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            decision.theme_of_group[label] = theme_id
        else:
            decision.theme_of_group[label] = None

    for note_id, label in zip(note_ids, labels, strict=True):
        if note_id in locked:
            decision.note_theme[note_id] = resolve(locked[note_id], merged_into)
            continue
        before = resolve(previous.get(note_id), merged_into)
        if before not in active_themes:
            before = None
        if label >= 0:
            theme_id = decision.theme_of_group[label]
            target = theme_id if theme_id is not None else (NEW, label)
            if (
                before is not None
                and target != before
                and (
                    frozenset((before, target)) in kept_apart
                    or (still_fits and still_fits(note_id, before))
                )
            ):
                target = before
            decision.note_theme[note_id] = target
        else:
            decision.note_theme[note_id] = before
    return decision
