"""Product pages around the themes: the unthemed inbox and the engine panel."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.rules import can_triage
from feedbackhub.paging import fetch_page
from insights.notes.models import CallNote
from insights.themes import note_moves
from insights.themes import selectors as theme_selectors
from insights.themes.models import ClusteringRun, Theme
from insights.themes.pipeline import similar
from insights.themes.pipeline.runs import RunAlreadyActive, request_full_run


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def inbox(request):
    page = fetch_page(
        lambda offset, limit: theme_selectors.unthemed_notes(limit=limit, offset=offset),
        request.GET.get("page"),
        25,
    )
    suggestions = similar.suggest_themes(note_ids=[n.pk for n in page.object_list], limit=3)
    items = [(note, suggestions.get(note.pk, [])) for note in page.object_list]
    return render(
        request,
        "insights/inbox.html",
        {"items": items, "page": page, "can_triage": can_triage(request.user)},
    )


@require_POST
def inbox_assign(request):
    if not can_triage(request.user):
        raise PermissionDenied("Only product managers and admins assign notes to themes.")
    theme = Theme.objects.filter(pk=request.POST.get("theme") or 0).first()
    note = CallNote.objects.filter(pk=request.POST.get("note") or 0).first()
    if theme is None or note is None:
        messages.error(request, "That note or theme no longer exists; reload the inbox.")
    else:
        try:
            note_moves.notes_move(note_ids=[note.pk], target=theme, actor=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"Note added to “{theme.title}”.")
    return redirect("inbox")


@permission_required("insights.view_clusteringrun", raise_exception=True)
@require_GET
def engine_panel(request):
    runs = theme_selectors.recent_runs()
    template = "insights/_runs.html" if request.htmx else "insights/engine.html"
    active = any(r.state in (ClusteringRun.State.QUEUED, ClusteringRun.State.RUNNING) for r in runs)
    return render(request, template, {"runs": runs, "active": active})


@permission_required("insights.view_clusteringrun", raise_exception=True)
@require_GET
def engine_run(request, pk: int):
    """What one run changed: the themes behind each count of the engine panel."""
    run = get_object_or_404(ClusteringRun.objects.select_related("requested_by"), pk=pk)
    changes = theme_selectors.run_changes(run=run)
    sections = [
        (kind, label, changes[kind]) for kind, label in theme_selectors.RUN_CHANGE_KINDS.items()
    ]
    return render(request, "insights/engine_run.html", {"run": run, "sections": sections})


@require_POST
def engine_run_now(request):
    if not request.user.has_perm("insights.run_engine"):
        raise PermissionDenied("Only product managers and admins start theme runs.")
    try:
        run = request_full_run(requested_by=request.user, trigger=ClusteringRun.Trigger.MANUAL)
    except RunAlreadyActive as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Theme run #{run.pk} queued.")
    return redirect("engine_panel")
