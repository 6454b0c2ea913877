"""Read-only analytics pages: the overview, competitors, one competitor, product-market fit."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from deals.models import Competitor
from insights.analytics import overview as overview_figures
from insights.analytics import winloss
from insights.analytics.overview import DEFAULT_PERIOD, PERIOD_DAYS


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


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def overview(request):
    period = request.GET.get("period", DEFAULT_PERIOD)
    if period not in PERIOD_DAYS:
        period = DEFAULT_PERIOD
    snapshot = overview_figures.snapshot(PERIOD_DAYS[period])
    return render(
        request,
        "insights/overview.html",
        {"period": period, "days": PERIOD_DAYS[period], "snapshot": snapshot, **snapshot.figures},
    )
