"""The overview: what sales heard in a period, across the whole organisation.

Its figures aggregate hundreds of thousands of notes at scale, so the worker
computes them for every period the page offers (beat, every few minutes) and
stores one snapshot per period; the page reads one row and says how fresh it
is. A page that finds no snapshot computes it on the spot; one that finds a
stale snapshot shows it and asks the worker for a new one.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from deals.models import OPEN_STAGES, Deal
from feedbackhub import periods
from feedbackhub.queue import enqueue_now
from insights.analytics.models import OverviewSnapshot
from insights.notes.models import CallNote
from insights.themes.dashboard import Filters, theme_rows

REFRESH_TASK = "insights.tasks.refresh_overview"
COMPETITOR_WEEKS = 12


def compute(days: int) -> dict:
    """The overview's figures for the last `days` days, as plain JSON-able values."""
    today = timezone.localdate()
    notes = CallNote.objects.filter(call_date__gte=today - dt.timedelta(days=days))
    totals = notes.aggregate(n=Count("id"), accounts=Count("account_id", distinct=True))
    open_pipeline = sum(
        Deal.objects.filter(
            stage__in=OPEN_STAGES, pk__in=notes.exclude(deal__isnull=True).values("deal_id")
        ).values_list("amount", flat=True),
        Decimal(0),
    )
    growing = [
        {"id": r.theme.pk, "title": r.theme.title, "weekly": r.weekly}
        for r in theme_rows(filters=Filters(), sort="growth")
        if r.growth not in (None, float("inf")) and sum(r.weekly[-4:]) >= 3
    ][:5]
    # Lost revenue follows the period, as on the dashboard for the same period
    # (a theme's figures over its notes in the period, docs/definitions.md).
    in_period = Filters(period=str(days) if str(days) in periods.BY_KEY else "")
    losing = [
        {"id": r.theme.pk, "title": r.theme.title, "lost_revenue": str(r.lost_revenue)}
        for r in theme_rows(filters=in_period, sort="lost", limit=5)
        if r.lost_revenue > 0
    ]
    mentions = (
        CallNote.competitors.through.objects.filter(
            callnote__call_date__gte=periods.first_week(today, COMPETITOR_WEEKS)
        )
        .annotate(week=TruncWeek("callnote__call_date"))
        .values_list("competitor__name", "competitor_id", "week")
        .annotate(n=Count("id"))
        .order_by("competitor__name")
    )
    by_name: dict[tuple[str, int], list[tuple]] = {}
    for name, pk, week, n in mentions:
        by_name.setdefault((name, pk), []).append((week, n))
    return {
        "notes": totals["n"],
        "accounts": totals["accounts"],
        "open_pipeline": str(open_pipeline),
        "growing": growing,
        "losing": losing,
        # [name, weekly counts, id]: the id (added later; older snapshots lack
        # it) links each row to the competitor's page.
        "competitors": [
            [name, periods.weekly_series(counts, today=today, weeks=COMPETITOR_WEEKS), pk]
            for (name, pk), counts in sorted(by_name.items())
        ],
    }


def refresh(period_days=None) -> None:
    """Recompute and store the snapshots (all periods by default)."""
    for days in period_days or [p.days for p in periods.PERIODS]:
        figures = compute(days)
        OverviewSnapshot.objects.update_or_create(
            period_days=days, defaults={"figures": figures, "computed_at": timezone.now()}
        )


def snapshot(days: int) -> OverviewSnapshot:
    """The stored snapshot for `days`; computed now if there is none, refreshed if stale."""
    found = OverviewSnapshot.objects.filter(period_days=days).first()
    if found is None:
        refresh([days])
        return OverviewSnapshot.objects.get(period_days=days)
    age = timezone.now() - found.computed_at
    # One refresh request at a time, however many people open a stale page.
    if age > dt.timedelta(seconds=settings.OVERVIEW_MAX_AGE_SECONDS) and cache.add(
        "overview-refresh-requested", True, timeout=settings.OVERVIEW_MAX_AGE_SECONDS
    ):
        enqueue_now(REFRESH_TASK)
    return found
