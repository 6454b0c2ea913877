"""Read-only analytics pages: the overview, competitors, one competitor, product-market fit,
and the win/loss panel of a theme page."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from deals.models import Competitor
from feedbackhub import periods, url_filters
from insights.analytics import competitor_snapshots, winloss
from insights.analytics import overview as overview_figures
from insights.analytics import pmf as pmf_figures
from insights.themes.models import Theme


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def competitors(request):
    return render(request, "insights/competitors.html", competitor_snapshots.stored_list())


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def competitor_page(request, pk: int):
    competitor = get_object_or_404(Competitor, pk=pk)
    return render(
        request,
        "insights/competitor.html",
        {"detail": competitor_snapshots.stored_detail(competitor)},
    )


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def pmf(request):
    return render(
        request,
        "insights/pmf.html",
        {
            "by_quarter": pmf_figures.quarters_with_deals(pmf_figures.pmf_by_segment_quarter()),
            "shipped": pmf_figures.shipped_theme_impact(),
            "small_sample": winloss.SMALL_SAMPLE,
        },
    )


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def theme_winloss(request, pk: int):
    """The win/loss panel of a theme page, loaded into it (hx-get) over the last 12 months."""
    theme = get_object_or_404(Theme.objects.only("pk"), pk=pk)
    return render(
        request,
        "insights/_theme_winloss.html",
        {"winloss": winloss.theme_win_loss_context(theme)},
    )


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def overview(request):
    asked = request.GET.get("period", "")
    period = periods.period_or_default(asked)
    ignored = [f"period “{asked}”"] if asked and asked not in periods.BY_KEY else []
    snapshot = overview_figures.snapshot(period.days)
    return render(
        request,
        "insights/overview.html",
        {
            "period": period.key,
            "ignored": url_filters.ignored_notice(
                ignored, instead=f"so this shows the last {period.label}"
            ),
            "days": period.days,
            "periods": periods.PERIODS,
            "snapshot": snapshot,
            **snapshot.figures,
        },
    )
