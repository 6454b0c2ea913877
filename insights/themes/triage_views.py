"""The theme page's triage: the panel, merge (confirmed, then undoable) and note moves.

Every post is refused (403) for anyone who may not triage, and returns to the
part of the page it came from: the panel (#triage) or the notes (#notes).
"""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from accounts.rules import can_triage
from insights.themes import merge_undo, note_moves, stale_edits, triage
from insights.themes import selectors as theme_selectors
from insights.themes.models import NOTIFYING_STATUSES, Theme, ThemeStatus
from insights.themes.views import render_theme_page

# Edits of one field of a theme: action → (service, form field, service argument).
_FIELD_EDITS = {
    "rename": (triage.theme_rename, "title", "title"),
    "describe": (triage.theme_describe, "description", "description"),
    "link": (triage.theme_link, "external_url", "url"),
    "decision": (triage.theme_write_decision, "decision", "decision"),
}
_NOTE_ACTIONS = {"move", "remove", "split"}


def _back(pk: int, part: str = "triage"):
    return redirect(f"{reverse('theme_page', args=[pk])}#{part}")


def _told(request, theme: Theme, status: str) -> str:
    """Who hears of a status change: "Status set to Shipped: 3 reps … are being notified"."""
    told = theme_selectors.reps_to_notify(theme_id=theme.pk, actor=request.user)
    return (
        f"Status set to {ThemeStatus(status).label}: "
        f"{told} rep{pluralize(told)} with notes in it "
        f"{'is' if told == 1 else 'are'} being notified."
    )


# The panel's fields as its labels name them, for "Saved: title and owner changed."
_PANEL_WORDS = {
    "title": "title",
    "owner": "owner",
    "external_url": "roadmap link",
    "description": "description",
    "decision": "decision",
}


def _saved(request, theme: Theme, changed: list[str], status: str) -> str:
    """What the panel's save changed, in the panel's words, instead of a bare "Saved."."""
    fields = [_PANEL_WORDS[f] for f in changed if f in _PANEL_WORDS]
    said = []
    if fields:
        listed = ", ".join(fields[:-1]) + (" and " if len(fields) > 1 else "") + fields[-1]
        said.append(f"Saved: {listed} changed.")
    if "status" in changed:
        if status in NOTIFYING_STATUSES:
            said.append(_told(request, theme, status))
        else:
            said.append(f"Status set to {ThemeStatus(status).label}.")
    return " ".join(said)


def _panel_changes(post) -> dict:
    changes = {
        f: post[f] for f in ("title", "description", "external_url", "decision") if f in post
    }
    if "status" in post:
        changes["status"], changes["reason"] = post["status"], post.get("reason", "")
    if "owner" in post:
        changes["owner"] = get_user_model().objects.filter(pk=post["owner"] or 0).first()
    return changes


@require_POST
def theme_action(request, pk: int):
    """One post per action (the panel's "save" applies all its fields at once)."""
    if not can_triage(request.user):
        raise PermissionDenied("Only product managers and admins triage themes.")
    theme = Theme.objects.filter(pk=pk).first()
    if theme is None:
        raise Http404
    post = request.POST
    action = post.get("action", "")
    target_id = post.get("target") or _id_in(post.get("target_text", ""))
    version = int(post["version"]) if post.get("version", "").isdigit() else None
    note_ids = [int(i) for i in post.getlist("note") if i.isdigit()]
    actor = request.user
    part = "notes" if action in _NOTE_ACTIONS else "triage"
    try:
        if action == "save":
            try:
                changed = triage.theme_triage(
                    theme=theme, actor=actor, changes=_panel_changes(post), expected_version=version
                )
            except triage.StaleEdit:
                return _stale_panel(request, pk, post)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    raise  # the theme is gone or the like: the page says so
                return _refused_panel(request, pk, post, exc)
            if changed:
                said = _saved(request, theme, changed, post.get("status", ""))
                messages.success(request, said, extra_tags="triage")
            else:
                messages.info(request, "Nothing changed.", extra_tags="triage")
            return _back(pk)
        if action in _FIELD_EDITS:
            service, field, argument = _FIELD_EDITS[action]
            service(
                theme=theme,
                actor=actor,
                expected_version=version,
                **{argument: post.get(field, "")},
            )
        elif action == "status":
            status = post.get("status", "")
            old = theme.status
            triage.theme_triage(
                theme=theme,
                actor=actor,
                changes={"status": status, "reason": post.get("reason", "")},
                expected_version=version,
            )
            if status != old and status in NOTIFYING_STATUSES:
                messages.success(request, _told(request, theme, status), extra_tags="triage")
                return _back(pk)
        elif action == "owner":
            owner = get_user_model().objects.filter(pk=post.get("owner") or 0).first()
            triage.theme_set_owner(theme=theme, owner=owner, actor=actor, expected_version=version)
        elif action == "merge":
            if post.get("confirm") != "yes":
                # A merge moves every note: the person sees what will happen first.
                typed = post.get("target") or post.get("target_text", "")
                asked = urlencode({"target_text": typed})
                return redirect(f"{reverse('theme_merge_confirm', args=[pk])}?{asked}")
            target = Theme.objects.filter(pk=target_id or 0).first()
            if target is None:
                raise ValidationError("Pick the theme to merge into.")
            survivor = triage.theme_merge(
                source=theme, target=target, actor=actor, expected_version=version
            )
            # The undo notice on the survivor's page already says what was merged;
            # only when it is not offered does a message say so.
            undoable = merge_undo.undoable_merges_into(theme=survivor)
            if not any(event.source_id == theme.pk for event in undoable):
                messages.success(
                    request, f"Merged “{theme.title}” into this theme.", extra_tags=part
                )
            return _back(survivor.pk)
        elif action == "undo_merge":
            source = Theme.objects.filter(pk=post.get("source") or 0, merged_into=theme).first()
            if source is None:
                raise ValidationError("That merge is no longer in place.")
            merge_undo.theme_merge_undo(source=source, actor=actor)
            messages.success(
                request, f"Merge undone: “{source.title}” is its own theme again.", extra_tags=part
            )
            return _back(source.pk)
        elif action == "move":
            if not note_ids:
                raise ValidationError("Tick the notes to move first.")
            try:
                target = _move_target(post, target_id, theme)
            except ValidationError as exc:
                return _refused_move(request, pk, post, note_ids, exc)
            note_moves.notes_move(note_ids=note_ids, target=target, actor=actor)
            messages.success(request, _moved(len(note_ids), "Moved", target), extra_tags=part)
            return _back(pk, part)
        elif action == "remove":
            note_moves.notes_remove(theme=theme, note_ids=note_ids, actor=actor)
            count = len(note_ids)
            messages.success(
                request,
                f"Removed {count} note{'s' if count != 1 else ''} from this theme; "
                f"no theme run puts {'them' if count != 1 else 'it'} back.",
                extra_tags=part,
            )
        elif action == "split":
            new = note_moves.theme_split(
                theme=theme,
                note_ids=note_ids,
                title=post.get("title", ""),
                actor=actor,
                expected_version=version,
            )
            messages.success(request, _moved(len(note_ids), "Split", new), extra_tags=part)
        else:
            raise ValidationError(f"Unknown action “{action}”.")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message, extra_tags=part)
    else:
        if action not in ("split", "remove"):
            messages.success(request, "Saved.", extra_tags=part)
    return _back(pk, part)


def _moved(count: int, verb: str, theme: Theme) -> str:
    """ "Moved 3 notes to “SSO”", the theme linked, so the PM can follow them."""
    link = reverse("theme_page", args=[theme.pk])
    into = "to" if verb == "Moved" else "into"
    return format_html(
        '{} {} note{} {} <a href="{}">“{}”</a>.',
        verb,
        count,
        pluralize(count),
        into,
        link,
        theme.title,
    )


def _move_target(post, target_id: int | None, theme: Theme) -> Theme:
    """The theme typed or picked in "Move to theme…" (as merge reads it), or why none fits."""
    if target_id:
        found = Theme.objects.filter(pk=target_id, merged_into__isnull=True).exclude(pk=theme.pk)
        if found.exists():
            return found.get()
    typed = post.get("target_text", "").strip()
    if not typed:
        raise ValidationError("Type the theme to move the ticked notes to.")
    return theme_selectors.merge_target(text=typed, source_id=theme.pk)


def _refused_move(request, pk: int, post, note_ids: list[int], exc: ValidationError):
    """The page again with the notes still ticked, what was typed, and why it was refused."""
    theme = theme_selectors.theme_detail(theme_id=pk)
    moving = {
        "ticked": set(note_ids),
        "target_text": post.get("target_text", ""),
        "error": " ".join(exc.messages),
    }
    return render_theme_page(request, theme, moving=moving)


def _refused_panel(request, pk: int, post, exc: ValidationError):
    """The page again with the panel as submitted: each error beside its field."""
    theme = theme_selectors.theme_detail(theme_id=pk)
    return render_theme_page(request, theme, panel=post, errors=exc.message_dict)


def _stale_panel(request, pk: int, post):
    """Someone changed the theme meanwhile: the panel re-based on their change, typing kept."""
    theme = theme_selectors.theme_detail(theme_id=pk)
    rebased = stale_edits.rebase_panel(theme=theme, submitted=post)
    by = triage.last_changed_by(theme, request.user)
    who = "You (in another tab?)" if by.startswith("you") else (by or "Someone")
    stale = {"who": who, "changes": rebased.changes}
    return render_theme_page(request, theme, panel=rebased.panel, stale=stale)


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def theme_merge_confirm(request, pk: int):
    """What a merge will do, before it is done: which notes move where; that it can be undone."""
    if not can_triage(request.user):
        raise PermissionDenied("Only product managers and admins merge themes.")
    source = Theme.objects.filter(pk=pk, merged_into__isnull=True).first()
    if source is None:
        raise Http404
    typed = request.GET.get("target_text", "")
    try:
        target = theme_selectors.merge_target(
            text=typed or request.GET.get("target", ""), source_id=source.pk
        )
    except ValidationError as exc:
        # Back to the page with what was typed still in the box and why it did not fit.
        theme = theme_selectors.theme_detail(theme_id=source.pk)
        return render_theme_page(
            request, theme, merge_text=typed, merge_error=" ".join(exc.messages)
        )
    minutes = int(merge_undo.UNDO_WINDOW.total_seconds() // 60)
    told = 0
    if source.status != target.status and target.status in NOTIFYING_STATUSES:
        # The reps of the merged theme hear where their notes went (loop.notify).
        told = theme_selectors.reps_to_notify(theme_id=source.pk, actor=request.user)
    return render(
        request,
        "insights/merge_confirm.html",
        {"source": source, "target": target, "minutes": minutes, "told": told},
    )


def _id_in(text: str) -> int | None:
    """The id in a picked option like "Single sign-on (#42)"."""
    match = re.search(r"\(#(\d+)\)\s*$", text or "")
    return int(match.group(1)) if match else None


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def theme_options(request):
    """Type-ahead over active themes for the merge and move pickers."""
    query = request.GET.get("target_text", "").strip()
    themes = Theme.objects.filter(merged_into__isnull=True)
    if query:
        themes = themes.filter(title__icontains=query)
    exclude = request.GET.get("exclude", "")
    if exclude.isdigit():
        themes = themes.exclude(pk=int(exclude))
    options = [f"{t.title} (#{t.pk})" for t in themes.order_by("-note_count", "id")[:15]]
    return render(request, "insights/_options.html", {"options": options})
