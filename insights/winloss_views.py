"""Read-only analytics pages: competitors, one competitor, product-market fit."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from deals.models import Competitor

from . import winloss


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def competitors(request):
    return render(
        request,
        "insights/competitors.html",
        {
            "competitors": winloss.competitor_list(),
            "matrix": winloss.competitor_theme_matrix(),
        },
    )


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def competitor_page(request, pk: int):
    competitor = get_object_or_404(Competitor, pk=pk)
    return render(
        request, "insights/competitor.html", {"detail": winloss.competitor_detail(competitor)}
    )


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def pmf(request):
    return render(
        request,
        "insights/pmf.html",
        {
            "pmf": winloss.pmf_by_segment_quarter(),
            "shipped": winloss.shipped_theme_impact(),
            "small_sample": winloss.SMALL_SAMPLE,
        },
    )
