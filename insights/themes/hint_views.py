"""The log-a-call form's hint: "this need is already known", from the theme engine."""

from celery.exceptions import TimeoutError as CeleryTimeout
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from insights.themes.models import Theme
from insights.themes.tasks import similar_to_text


# Only people who log calls see the hint; it makes a worker embed the text.
@permission_required("insights.add_callnote", raise_exception=True)
@require_GET
def similar_to_draft(request):
    """ "This need is already known": themes like the draft, computed by a worker."""
    body = request.GET.get("body", "").strip()
    themes = []
    if len(body) >= 20:
        try:
            found = similar_to_text.delay(body[:2000], [], 3).get(timeout=2)
        except (CeleryTimeout, OSError):
            found = {"themes": []}  # no answer in time: the form works without hints
        wanted = {t["theme_id"]: t["similarity"] for t in found["themes"] if t["similarity"] >= 0.5}
        themes = [
            (theme, wanted[theme.pk])
            for theme in Theme.objects.filter(pk__in=wanted, merged_into__isnull=True)
        ]
        themes.sort(key=lambda pair: -pair[1])
    return render(request, "insights/_similar.html", {"themes": themes})
