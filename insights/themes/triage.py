"""What product managers do to themes: rename, describe, set status and owner,
link, decide, merge, tell two themes apart, split, move and remove notes.

Each action is one atomic function that checks the actor may triage, makes
the change, writes a line in the theme's timeline (ThemeEvent) and, after
commit, refreshes the statistics of the themes it touched. Moves and removals
are *locked* person assignments, so the engine never undoes them; a merge
sets `merged_into`, which runs follow.

Edits of a theme's own fields carry the version the person saw: if someone
else changed the theme since, the edit is refused instead of silently
overwriting theirs.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from accounts.rules import can_triage
from insights.themes.models import (
    DistinctThemes,
    DuplicateSuggestion,
    Theme,
    ThemeAssignment,
    ThemeEvent,
    ThemeStatus,
)
from insights.themes.pipeline import stats
from insights.themes.pipeline.write_lock import hold_assignment_writes, waits_briefly

# Sent after commit when a theme's status changed: theme_id, old, new, actor_id,
# event_id (the timeline line, which identifies the change for exactly-once delivery).
theme_status_changed = Signal()
# Sent after commit when a merge put notes under a different status: event_id (the
# target's merge line), so the reps of the merged theme hear what became of it.
theme_merged_across_statuses = Signal()
# Sent inside the undo's transaction when a merge is undone: event_id (the target's
# merge line), so what the merge told the reps is taken back with it.
theme_merge_undone = Signal()


class StaleEdit(ValidationError):
    """Someone changed the theme after the person opened it."""


def require_triage(actor) -> None:
    if not can_triage(actor):
        raise PermissionDenied("Only product managers and admins triage themes.")


def refresh_after_commit(theme_ids: Iterable[int | None]) -> None:
    """Mark the themes' stored statistics stale now; refresh them after commit."""
    stats.refresh_soon(theme_ids=theme_ids)


def last_changed_by(theme: Theme, actor) -> str:
    """Who made the theme's latest change, as the person reading it says it."""
    last = theme.events.select_related("actor").first()
    if last is None or last.actor is None:
        return ""
    # The last change may well be the same person's, in another tab.
    if last.actor.pk == getattr(actor, "pk", None):
        return "you, in another tab?"
    return last.actor.display_name


def update_theme(theme: Theme, expected_version: int | None, actor, **fields) -> Theme:
    """Write fields if the theme is still at the version the person saw."""
    qs = Theme.objects.filter(pk=theme.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    updated = qs.update(version=F("version") + 1, updated_at=timezone.now(), **fields)
    if not updated:
        current = Theme.objects.filter(pk=theme.pk).first()
        if current is None:
            raise ValidationError("This theme no longer exists.")
        by = last_changed_by(current, actor)
        who = f" (by {by})" if by else ""
        raise StaleEdit(
            f"This theme changed since you opened it{who}; "
            "reload to see the change, then try again."
        )
    theme.refresh_from_db()
    return theme


DECLINE_NEEDS_REASON = "Say why it is declined: the reps who asked will read it."


def check_status_reason(*, status: str, reason: str) -> None:
    """Declining needs a reason, because the reps who asked read it (the panel, admin, API)."""
    if status == ThemeStatus.DECLINED and not " ".join((reason or "").split()):
        raise ValidationError({"reason": DECLINE_NEEDS_REASON})


def record_event(theme_id: int, actor, kind: str, **data) -> ThemeEvent:
    return ThemeEvent.objects.create(theme_id=theme_id, actor=actor, kind=kind, data=data)


@waits_briefly
@transaction.atomic
def theme_rename(*, theme: Theme, title: str, actor, expected_version: int | None = None):
    require_triage(actor)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": "A theme needs a title."})
    if len(title) > 200:
        raise ValidationError({"title": "At most 200 characters."})
    old = theme.title
    theme = update_theme(theme, expected_version, actor, title=title, title_is_manual=True)
    record_event(theme.pk, actor, ThemeEvent.Kind.RENAMED, old=old, new=title)
    return theme


@waits_briefly
@transaction.atomic
def theme_describe(*, theme: Theme, description: str, actor, expected_version=None):
    require_triage(actor)
    theme = update_theme(theme, expected_version, actor, description=description.strip())
    record_event(theme.pk, actor, ThemeEvent.Kind.DESCRIBED)
    return theme


@waits_briefly
@transaction.atomic
def theme_set_status(*, theme: Theme, status: str, actor, expected_version=None, reason: str = ""):
    """Set the status; `reason` (why it was declined) goes to the reps in their news."""
    require_triage(actor)
    if status not in ThemeStatus.values:
        raise ValidationError({"status": f"One of: {', '.join(ThemeStatus.values)}."})
    old = theme.status
    if old == status:
        return theme
    check_status_reason(status=status, reason=reason)
    theme = update_theme(theme, expected_version, actor, status=status)
    reason = " ".join(reason.split())[:500]
    extra = {"reason": reason} if reason else {}
    event = record_event(theme.pk, actor, ThemeEvent.Kind.STATUS, old=old, new=status, **extra)
    theme_id, actor_id, event_id = theme.pk, actor.pk, event.pk
    transaction.on_commit(
        lambda: theme_status_changed.send(
            sender=Theme,
            theme_id=theme_id,
            old=old,
            new=status,
            actor_id=actor_id,
            event_id=event_id,
        )
    )
    return theme


@waits_briefly
@transaction.atomic
def theme_set_owner(*, theme: Theme, owner, actor, expected_version=None):
    require_triage(actor)
    if owner is not None and not can_triage(owner):
        raise ValidationError({"owner": "The owner must be a product manager or an admin."})
    theme = update_theme(theme, expected_version, actor, owner=owner)
    record_event(theme.pk, actor, ThemeEvent.Kind.OWNER, new=owner.display_name if owner else None)
    return theme


@waits_briefly
@transaction.atomic
def theme_link(*, theme: Theme, url: str, actor, expected_version=None):
    require_triage(actor)
    url = url.strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError({"external_url": "Enter a full http(s) link."}) from None
    theme = update_theme(theme, expected_version, actor, external_url=url)
    record_event(theme.pk, actor, ThemeEvent.Kind.LINKED, url=url)
    return theme


@waits_briefly
@transaction.atomic
def theme_write_decision(*, theme: Theme, decision: str, actor, expected_version=None):
    require_triage(actor)
    theme = update_theme(theme, expected_version, actor, decision=decision.strip())
    record_event(theme.pk, actor, ThemeEvent.Kind.DECISION, text=decision.strip()[:500])
    return theme


# The triage panel's fields, in the order they are applied: (field, service, argument).
PANEL_FIELDS = (
    ("title", theme_rename, "title"),
    ("description", theme_describe, "description"),
    ("external_url", theme_link, "url"),
    ("decision", theme_write_decision, "decision"),
)


@waits_briefly
@transaction.atomic
def theme_triage(
    *, theme: Theme, actor, changes: dict, expected_version: int | None = None
) -> list[str]:
    """Apply what changed in the triage panel, all or nothing; returns the fields changed.

    `changes` may hold title, description, external_url, decision, status
    (with reason) and owner (a user or None); fields equal to the theme's are
    left alone, so the timeline only says what really changed. Declining
    needs a reason, because the reps who asked read it.
    """
    require_triage(actor)
    changed = []
    version = expected_version
    for field, service, argument in PANEL_FIELDS:
        if field in changes and (changes[field] or "").strip() != (getattr(theme, field) or ""):
            theme = service(
                theme=theme, actor=actor, expected_version=version, **{argument: changes[field]}
            )
            version, changed = theme.version, [*changed, field]
    if "owner" in changes and getattr(changes["owner"], "pk", None) != theme.owner_id:
        theme = theme_set_owner(
            theme=theme, owner=changes["owner"], actor=actor, expected_version=version
        )
        version, changed = theme.version, [*changed, "owner"]
    status = changes.get("status") or theme.status
    if status != theme.status:
        reason = (changes.get("reason") or "").strip()
        theme_set_status(
            theme=theme, status=status, actor=actor, expected_version=version, reason=reason
        )
        changed.append("status")
    return changed


def survivor(theme: Theme) -> Theme:
    seen = set()
    while theme.merged_into_id and theme.pk not in seen:
        seen.add(theme.pk)
        theme = Theme.objects.get(pk=theme.merged_into_id)
    return theme


@waits_briefly
@transaction.atomic
def theme_merge(*, source: Theme, target: Theme, actor, expected_version=None) -> Theme:
    """Merge `source` into `target`: its notes move, it points to the target.

    For a while afterwards the merge can be undone (insights.themes.merge_undo).

    `expected_version` is the source's version the person saw, as for the other edits.
    """
    require_triage(actor)
    hold_assignment_writes()
    locked = {
        t.pk: t for t in Theme.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    source, target = locked[source.pk], survivor(locked[target.pk])
    if source.merged_into_id:
        raise ValidationError("This theme was already merged into another one.")
    if source.pk == target.pk:
        raise ValidationError("A theme cannot be merged into itself.")
    # What the merge moves is written down, so undoing it (merge_undo) is exact.
    note_ids = list(
        ThemeAssignment.objects.filter(theme=source).order_by().values_list("note_id", flat=True)
    )
    repointed = list(Theme.objects.filter(merged_into=source).values_list("pk", flat=True))
    moved = ThemeAssignment.objects.filter(theme=source).update(theme=target)
    Theme.objects.filter(merged_into=source).update(merged_into=target)
    update_theme(source, expected_version, actor, merged_into=target)
    update_theme(target, None, actor)
    record_event(
        source.pk,
        actor,
        ThemeEvent.Kind.MERGED,
        into=target.pk,
        into_title=target.title,
        note_ids=note_ids,
        repointed=repointed,
    )
    event = record_event(
        target.pk,
        actor,
        ThemeEvent.Kind.MERGED,
        source=source.pk,
        source_title=source.title,
        notes=moved,
        source_status=source.status,
        target_status=target.status,
    )
    refresh_after_commit([source.pk, target.pk])
    if source.status != target.status:
        event_id = event.pk
        transaction.on_commit(
            lambda: theme_merged_across_statuses.send(sender=Theme, event_id=event_id)
        )
    return target


def merge_direction(first: Theme, second: Theme) -> tuple[Theme, Theme]:
    """(source, target) for merging two themes said to be one need.

    The theme people invested in survives (a status past New, an owner, a
    title someone typed), then the bigger one, then the older one: the merge
    keeps their decisions and the timeline that explains them.
    """

    def weight(theme: Theme):
        invested = theme.status != ThemeStatus.NEW or theme.owner_id or theme.title_is_manual
        return (bool(invested), theme.note_count, -theme.pk)

    target, source = sorted([first, second], key=weight, reverse=True)
    return source, target


@transaction.atomic
def themes_mark_distinct(*, theme: Theme, other: Theme, actor) -> DistinctThemes:
    """A person says two themes are different needs ("not the same").

    Remembered for good: the pair is not suggested again and no run folds one
    into the other (see engine.identity). Saying it twice changes nothing.
    """
    require_triage(actor)
    if theme.pk == other.pk:
        raise ValidationError("A theme is the same need as itself.")
    live = Theme.objects.filter(pk__in=[theme.pk, other.pk], merged_into__isnull=True)
    if live.count() != 2:
        raise ValidationError("One of these themes was merged meanwhile; reload the page.")
    first, second = DistinctThemes.ordered(theme.pk, other.pk)
    decision, created = DistinctThemes.objects.get_or_create(
        first_id=first, second_id=second, defaults={"decided_by": actor}
    )
    DuplicateSuggestion.objects.filter(first_id=first, second_id=second).delete()
    if created:
        for this, that in ((theme, other), (other, theme)):
            record_event(
                this.pk, actor, ThemeEvent.Kind.DISTINCT, other=that.pk, other_title=that.title
            )
    return decision
