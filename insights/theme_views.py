"""Product pages: the themes dashboard and a theme's page with its triage actions."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.rules import can_triage
from feedbackhub.paging import page_of

from . import theme_selectors, triage
from .models import Theme, ThemeStatus


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def dashboard(request):
    sort = request.GET.get("sort", "revenue")
    status = request.GET.get("status", "")
    themes = theme_selectors.theme_dashboard(sort=sort, status=status)
    page = page_of(themes, request.GET.get("page"), 50)
    return render(
        request,
        "insights/dashboard.html",
        {
            "page": page,
            "sort": sort,
            "status": status,
            "sorts": list(theme_selectors.SORTS),
            "statuses": ThemeStatus.choices,
        },
    )


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def theme_page(request, pk: int):
    try:
        theme = theme_selectors.theme_detail(theme_id=pk)
    except Theme.DoesNotExist:
        raise Http404 from None
    if theme.merged_into_id:
        messages.info(request, f"“{theme.title}” was merged into this theme.")
        return redirect("theme_page", pk=theme.merged_into_id)
    notes = page_of(theme_selectors.theme_notes(theme=theme), request.GET.get("page"), 50)
    context = {
        "theme": theme,
        "notes": notes,
        "representatives": theme_selectors.representative_notes(theme=theme),
        "accounts": theme_selectors.top_accounts(theme=theme),
        "can_triage": can_triage(request.user),
        "statuses": ThemeStatus.choices,
    }
    if context["can_triage"]:
        context["merge_targets"] = theme_selectors.merge_candidates(theme=theme)
        context["owners"] = (
            get_user_model().objects.filter(groups__permissions__codename="triage_theme").distinct()
        )
    return render(request, "insights/theme.html", context)


@require_POST
def theme_action(request, pk: int):
    """One form post per action; refused for anyone who may not triage."""
    if not can_triage(request.user):
        raise PermissionDenied("Only product managers and admins triage themes.")
    theme = Theme.objects.filter(pk=pk).first()
    if theme is None:
        raise Http404
    post = request.POST
    action = post.get("action", "")
    version = int(post["version"]) if post.get("version", "").isdigit() else None
    note_ids = [int(i) for i in post.getlist("note") if i.isdigit()]
    actor = request.user
    try:
        if action == "rename":
            triage.theme_rename(
                theme=theme, title=post.get("title", ""), actor=actor, expected_version=version
            )
        elif action == "describe":
            triage.theme_describe(
                theme=theme,
                description=post.get("description", ""),
                actor=actor,
                expected_version=version,
            )
        elif action == "status":
            triage.theme_set_status(
                theme=theme, status=post.get("status", ""), actor=actor, expected_version=version
            )
        elif action == "owner":
            owner = get_user_model().objects.filter(pk=post.get("owner") or 0).first()
            triage.theme_set_owner(theme=theme, owner=owner, actor=actor, expected_version=version)
        elif action == "link":
            triage.theme_link(
                theme=theme, url=post.get("external_url", ""), actor=actor, expected_version=version
            )
        elif action == "decision":
            triage.theme_write_decision(
                theme=theme,
                decision=post.get("decision", ""),
                actor=actor,
                expected_version=version,
            )
        elif action == "merge":
            target = Theme.objects.filter(pk=post.get("target") or 0).first()
            if target is None:
                raise ValidationError("Pick the theme to merge into.")
            triage.theme_merge(source=theme, target=target, actor=actor)
            messages.success(request, f"Merged into “{target.title}”.")
            return redirect("theme_page", pk=target.pk)
        elif action == "move":
            target = Theme.objects.filter(pk=post.get("target") or 0).first()
            if target is None or not note_ids:
                raise ValidationError("Pick notes and the theme to move them to.")
            triage.notes_move(note_ids=note_ids, target=target, actor=actor)
        elif action == "remove":
            triage.notes_remove(theme=theme, note_ids=note_ids, actor=actor)
        elif action == "split":
            new = triage.theme_split(
                theme=theme, note_ids=note_ids, title=post.get("title", ""), actor=actor
            )
            messages.success(request, f"Split {len(note_ids)} notes into “{new.title}”.")
        else:
            raise ValidationError(f"Unknown action “{action}”.")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if action not in {"split"}:
            messages.success(request, "Saved.")
    return redirect("theme_page", pk=pk)
