"""What product managers do with a theme's notes: move, remove, split off, and the
rep's "this is that need" join.

Every one is a *locked* person assignment, so the engine never undoes it, and
takes the assignment lock briefly (see pipeline.write_lock) like the engine's
own writers; see insights.themes.triage for the rules all triage shares.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from insights.notes.models import CallNote
from insights.themes.models import Theme, ThemeAssignment, ThemeEvent
from insights.themes.pipeline.write_lock import hold_assignment_writes, waits_briefly
from insights.themes.triage import (
    record_event,
    refresh_after_commit,
    require_triage,
    survivor,
    themes_mark_distinct,
    update_theme,
)


def _assignments(note_ids: Iterable[int]) -> dict[int, ThemeAssignment | None]:
    hold_assignment_writes()
    ids = sorted(set(note_ids))
    found = CallNote.objects.filter(pk__in=ids).count()
    if found != len(ids):
        raise ValidationError("Some of these notes no longer exist; reload the page.")
    current = {
        a.note_id: a for a in ThemeAssignment.objects.select_for_update().filter(note_id__in=ids)
    }
    return {i: current.get(i) for i in ids}


def _pin(note_ids: Iterable[int], theme: Theme | None, actor) -> dict[int | None, int]:
    """Pin notes to a theme (or to none); returns how many left each theme."""
    left: dict[int | None, int] = {}
    for note_id, assignment in _assignments(note_ids).items():
        if assignment is None:
            ThemeAssignment.objects.create(
                note_id=note_id,
                theme=theme,
                locked=True,
                assigned_by=ThemeAssignment.AssignedBy.PERSON,
                assigned_by_user=actor,
            )
            continue
        left[assignment.theme_id] = left.get(assignment.theme_id, 0) + 1
        assignment.theme = theme
        assignment.locked = True
        assignment.assigned_by = ThemeAssignment.AssignedBy.PERSON
        assignment.assigned_by_user = actor
        assignment.save()
    return left


@waits_briefly
@transaction.atomic
def notes_move(*, note_ids: Iterable[int], target: Theme, actor) -> None:
    """Move notes into `target` (from wherever they are); they stay there."""
    require_triage(actor)
    hold_assignment_writes()  # before the theme's row lock, in the same order as a run
    target = survivor(Theme.objects.select_for_update().get(pk=target.pk))
    note_ids = list(note_ids)
    left = _pin(note_ids, target, actor)
    for theme_id, count in left.items():
        if theme_id and theme_id != target.pk:
            record_event(
                theme_id,
                actor,
                ThemeEvent.Kind.NOTES_MOVED,
                notes=count,
                to=target.pk,
                to_title=target.title,
            )
    update_theme(target, None, actor)
    record_event(target.pk, actor, ThemeEvent.Kind.NOTES_ADDED, notes=len(note_ids))
    refresh_after_commit([*left, target.pk])


@waits_briefly
@transaction.atomic
def note_join_named_need(*, note: CallNote, theme_id: int, actor) -> Theme | None:
    """The note's author says it expresses this known need (log a call's hint).

    It joins the theme as a person's decision (a locked assignment), so no run
    or placement moves it. Not a triage action: the author decides about their
    own note, whatever their role. A theme merged meanwhile means its
    survivor; a theme gone means nothing is pinned and the engine places the
    note as usual. Returns the theme joined, if any.
    """
    if note.author_id != actor.pk:
        raise PermissionDenied("Only the note's author says which need it is.")
    theme = Theme.objects.filter(pk=theme_id).first()
    if theme is None:
        return None
    theme = survivor(theme)
    _pin([note.pk], theme, actor)
    record_event(theme.pk, actor, ThemeEvent.Kind.NOTES_ADDED, notes=1, named_by_author=True)
    refresh_after_commit([theme.pk])
    return theme


@transaction.atomic
def notes_remove(*, theme: Theme, note_ids: Iterable[int], actor) -> None:
    """Take notes out of a theme; they stay unthemed whatever the engine thinks."""
    require_triage(actor)
    note_ids = list(note_ids)
    outside = ThemeAssignment.objects.filter(note_id__in=note_ids).exclude(theme=theme)
    if outside.exists() or not note_ids:
        raise ValidationError("Pick notes of this theme to remove.")
    _pin(note_ids, None, actor)
    update_theme(theme, None, actor)
    record_event(theme.pk, actor, ThemeEvent.Kind.NOTES_REMOVED, notes=len(note_ids))
    refresh_after_commit([theme.pk])


@waits_briefly
@transaction.atomic
def theme_split(
    *, theme: Theme, note_ids: Iterable[int], title: str, actor, expected_version=None
) -> Theme:
    """Make a new theme of some of this theme's notes (of the version the person saw)."""
    require_triage(actor)
    note_ids = list(note_ids)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": "Name the new theme."})
    hold_assignment_writes()
    outside = ThemeAssignment.objects.filter(note_id__in=note_ids).exclude(theme=theme)
    if (
        not note_ids
        or outside.exists()
        or ThemeAssignment.objects.filter(note_id__in=note_ids).count() != len(set(note_ids))
    ):
        raise ValidationError("Pick notes of this theme to split off.")
    update_theme(theme, expected_version, actor)  # first: a stale page changes nothing
    new = Theme.objects.create(title=title, title_is_manual=True, auto_title=title)
    _pin(note_ids, new, actor)
    record_event(
        theme.pk, actor, ThemeEvent.Kind.SPLIT, notes=len(note_ids), into=new.pk, into_title=title
    )
    record_event(new.pk, actor, ThemeEvent.Kind.CREATED, split_from=theme.pk, notes=len(note_ids))
    # Splitting says the two are different needs: no run suggests merging them back.
    themes_mark_distinct(theme=theme, other=new, actor=actor)
    refresh_after_commit([theme.pk, new.pk])
    return new
