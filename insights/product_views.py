"""Product pages around the themes: the unthemed inbox, the engine panel, the overview."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.rules import can_triage
from deals.models import OPEN_STAGES, Deal

from . import theme_selectors, triage
from .dashboard import Filters, theme_rows
from .models import CallNote, ClusteringRun, Theme
from .theming import similar
from .theming.runs import RunAlreadyActive, request_full_run


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def inbox(request):
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    notes = theme_selectors.unthemed_notes(limit=26, offset=(number - 1) * 25)
    has_next, notes = len(notes) > 25, notes[:25]
    suggestions = similar.suggest_themes(note_ids=[n.pk for n in notes], limit=3)
    items = [(note, suggestions.get(note.pk, [])) for note in notes]
    return render(
        request,
        "insights/inbox.html",
        {
            "items": items,
            "number": number,
            "has_next": has_next,
            "can_triage": can_triage(request.user),
        },
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
            triage.notes_move(note_ids=[note.pk], target=theme, actor=request.user)
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


PERIOD_DAYS = {"30": 30, "90": 90, "180": 180, "365": 365}


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def overview(request):
    period = request.GET.get("period", "90")
    days = PERIOD_DAYS.get(period, 90)
    since = timezone.localdate() - dt.timedelta(days=days)
    notes = CallNote.objects.filter(call_date__gte=since)
    totals = notes.aggregate(n=Count("id"), accounts=Count("account_id", distinct=True))
    open_pipeline = Deal.objects.filter(
        stage__in=OPEN_STAGES, pk__in=notes.exclude(deal__isnull=True).values("deal_id")
    ).values_list("amount", flat=True)
    growing = [
        r
        for r in theme_rows(filters=Filters(), sort="growth")
        if r.growth not in (None, float("inf")) and sum(r.weekly[-4:]) >= 3
    ][:5]
    losing = theme_rows(filters=Filters(), sort="lost", limit=5)
    weeks_since = timezone.localdate() - dt.timedelta(weeks=12)
    mentions = (
        CallNote.competitors.through.objects.filter(callnote__call_date__gte=weeks_since)
        .annotate(week=TruncWeek("callnote__call_date"))
        .values("competitor__name", "week")
        .annotate(n=Count("id"))
        .order_by("competitor__name", "week")
    )
    series: dict[str, dict] = {}
    for m in mentions:
        series.setdefault(m["competitor__name"], {})[m["week"]] = m["n"]
    weeks = sorted({w for s in series.values() for w in s})
    competitors = [(name, [s.get(w, 0) for w in weeks]) for name, s in sorted(series.items())]
    return render(
        request,
        "insights/overview.html",
        {
            "period": period,
            "days": days,
            "totals": totals,
            "open_pipeline": sum(open_pipeline, 0),
            "growing": growing,
            "losing": losing,
            "competitors": competitors,
        },
    )
