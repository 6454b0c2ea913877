"""Acting on "possibly the same need": merge the two themes, or say they are not the same.

Both answer htmx in place (the suggestion on the dashboard or the theme page
is replaced) and plain form posts with a redirect, so they work without
JavaScript too. Only people who may triage act; anyone else gets 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.rules import can_triage
from feedbackhub import next_url
from insights.themes import triage
from insights.themes.models import Theme


def _pair(request, pk: int, other: int) -> tuple[Theme, Theme]:
    if not can_triage(request.user):
        raise PermissionDenied("Only product managers and admins merge or tell themes apart.")
    themes = Theme.objects.in_bulk([pk, other])
    if pk == other or len(themes) != 2:
        raise Http404
    return themes[pk], themes[other]


def _back(request, theme: Theme) -> str:
    """Where to go afterwards: the page the person came from, else the theme."""
    return next_url.safe_next(request, reverse("theme_page", args=[theme.pk]))


def _go(request, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_http_methods(["GET", "POST"])
def same_need_merge(request, pk: int, other: int):
    """GET: the confirmation (which theme survives, what moves). POST: merge."""
    theme, other_theme = _pair(request, pk, other)
    if request.method == "POST":
        into = request.POST.get("into", "")
        if into not in {str(pk), str(other)}:
            raise Http404
        target, source = (theme, other_theme) if into == str(pk) else (other_theme, theme)
        try:
            survivor = triage.theme_merge(source=source, target=target, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return _go(request, _back(request, theme))
        messages.success(request, f"Merged “{source.title}” into “{survivor.title}”.")
        return _go(request, reverse("theme_page", args=[survivor.pk]))
    source, target = triage.merge_direction(theme, other_theme)
    context = {
        "theme": theme,
        "other": other_theme,
        "source": source,
        "target": target,
        "next": _back(request, theme),
    }
    template = "insights/_same_need_confirm.html" if request.htmx else "insights/same_need.html"
    return render(request, template, context)


@require_POST
def same_need_distinct(request, pk: int, other: int):
    """ "Not the same": remembered, so the pair is never suggested or merged by a run again."""
    theme, other_theme = _pair(request, pk, other)
    try:
        triage.themes_mark_distinct(theme=theme, other=other_theme, actor=request.user)
    except ValidationError as exc:
        if request.htmx:
            return render(request, "insights/_same_need_done.html", {"error": exc.messages[0]})
        messages.error(request, exc.messages[0])
        return redirect(_back(request, theme))
    if request.htmx:
        return render(request, "insights/_same_need_done.html", {"other": other_theme})
    messages.success(request, f"Noted: not the same need as “{other_theme.title}”.")
    return redirect(_back(request, theme))
