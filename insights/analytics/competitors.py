"""Competitors: how often each is named, in how many deals, and what we lose to it.

A deal counts once per competitor whether the competitor is the deal's own or
named in one of its notes; revenue lost to a competitor sums the closed-lost
deals whose competitor it is, each once (definitions in docs/definitions.md).

Every function here only reads; none knows about HTTP.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum, Window
from django.db.models.functions import TruncWeek
from django.utils import timezone

from deals.models import Competitor, Deal, Stage
from feedbackhub import periods
from insights.analytics.winloss import active_assignments
from insights.notes.models import CallNote

_ZERO = Decimal("0")


def _deal_counts_by_competitor() -> dict[int, int]:
    """Distinct deals each competitor appeared in: as the deal's competitor or in its notes."""
    deal = Deal._meta.db_table
    note = CallNote._meta.db_table
    mention = CallNote.competitors.through._meta.db_table
    # UNION (not UNION ALL) keeps each (competitor, deal) pair once.
    sql = f"""
        SELECT p.competitor_id, COUNT(*)
        FROM (SELECT d.competitor_id AS competitor_id, d.id AS deal_id
              FROM {deal} d WHERE d.competitor_id IS NOT NULL
              UNION
              SELECT m.competitor_id, n.deal_id
              FROM {mention} m JOIN {note} n ON n.id = m.callnote_id
              WHERE n.deal_id IS NOT NULL) p
        GROUP BY p.competitor_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def mention_counts(*, competitor_ids: list[int] | None = None) -> dict[int, int]:
    """Note mentions of each competitor, all time: notes naming it, each note once.

    The one definition the list, the competitor's page and its facts share
    (docs/definitions.md, Competitor mentions).
    """
    links = CallNote.competitors.through.objects.all()
    if competitor_ids is not None:
        links = links.filter(competitor_id__in=competitor_ids)
    return dict(
        links.values("competitor_id")
        .annotate(n=Count("callnote_id", distinct=True))
        .values_list("competitor_id", "n")
        .order_by()
    )


def competitor_list() -> list[dict]:
    """Every competitor with its note mentions, deals and revenue lost to it.

    Rows are {"competitor", "mentions", "deals", "lost_deals", "lost_revenue"},
    most lost revenue first. Four queries, whatever the number of competitors.
    """
    mentions = mention_counts()
    deals = _deal_counts_by_competitor()
    lost = {
        row["competitor_id"]: row
        for row in Deal.objects.lost()
        .filter(competitor__isnull=False)
        .values("competitor_id")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    }
    rows = [
        {
            "competitor": competitor,
            "mentions": mentions.get(competitor.pk, 0),
            "deals": deals.get(competitor.pk, 0),
            "lost_deals": lost.get(competitor.pk, {}).get("n", 0),
            "lost_revenue": lost.get(competitor.pk, {}).get("total") or _ZERO,
        }
        for competitor in Competitor.objects.order_by("name", "id")
    ]
    rows.sort(key=lambda r: (-r["lost_revenue"], -r["mentions"]))
    return rows


DEALS_SHOWN = 50


def competitor_detail(competitor: Competitor, weeks: int = 26) -> dict:
    """One competitor's mentions over time, deals, the themes of deals lost to it, and quotes.

    Returns {"competitor", "week_starts": [date], "weekly": [int] (oldest week
    first, Monday-based, by call date), "mentions" (all time, as on the
    list), "mentions_in_weeks" (in those weeks), "deals":
    [Deal with `.mentioned` (a note on it names the competitor)], "lost_deals",
    "lost_revenue", "deal_count" (all of them; `deals` holds the DEALS_SHOWN
    newest), "lost_themes": [{"theme_id", "title", "deals",
    "lost_revenue"}] (most first), "quotes": [CallNote] (20 newest)}.
    """
    today = timezone.localdate()
    per_week = (
        CallNote.objects.filter(
            competitors=competitor, call_date__gte=periods.first_week(today, weeks)
        )
        .annotate(week=TruncWeek("call_date"))
        .values_list("week")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    weekly = periods.weekly_series(per_week, today=today, weeks=weeks)

    appeared_in = Deal.objects.filter(
        Q(competitor=competitor)
        | Q(
            pk__in=CallNote.objects.filter(competitors=competitor, deal__isnull=False).values(
                "deal_id"
            )
        )
    )
    # A busy competitor appears in thousands of deals: the page lists the
    # newest and says how many there are.
    deals = list(
        appeared_in.annotate(total=Window(Count("id")))
        .select_related("account", "owner")
        .order_by("-created_at", "-id")[:DEALS_SHOWN]
    )
    named_in_notes = set(
        CallNote.objects.filter(competitors=competitor, deal__in=[d.pk for d in deals])
        .values_list("deal_id", flat=True)
        .order_by()
    )
    for deal in deals:
        deal.mentioned = deal.pk in named_in_notes
    deal_count = deals[0].total if deals else 0

    lost_to = Deal.objects.lost().filter(competitor=competitor)
    totals = lost_to.aggregate(n=Count("id"), total=Sum("amount"))
    pairs = (
        active_assignments()
        .filter(note__deal__in=lost_to)
        .values_list("theme_id", "theme__title", "note__deal_id", "note__deal__amount")
        .distinct()
        .order_by()
    )
    themes: dict[int, dict] = {}
    for theme_id, title, _deal_id, amount in pairs:
        row = themes.setdefault(
            theme_id, {"theme_id": theme_id, "title": title, "deals": 0, "lost_revenue": _ZERO}
        )
        row["deals"] += 1
        row["lost_revenue"] += amount

    quotes = list(
        CallNote.objects.filter(competitors=competitor)
        .exclude(quote__regex=r"^\s*$")
        .select_related("account", "author")
        .order_by("-call_date", "-created_at", "-id")[:20]
    )
    return {
        "competitor": competitor,
        "week_starts": periods.week_starts(today, weeks),
        "weekly": weekly,
        "mentions": mention_counts(competitor_ids=[competitor.pk]).get(competitor.pk, 0),
        "mentions_in_weeks": sum(weekly),
        "deals": deals,
        "deal_count": deal_count,
        "lost_deals": totals["n"],
        "lost_revenue": totals["total"] or _ZERO,
        "lost_themes": sorted(
            themes.values(), key=lambda r: (-r["lost_revenue"], r["title"], r["theme_id"])
        ),
        "quotes": quotes,
    }


def competitor_theme_matrix(top_themes: int = 15) -> dict:
    """Revenue lost to each competitor, by theme cited in the lost deals (one query).

    A cell sums the closed-lost deals lost to that competitor with a note in
    that theme, each deal once. Returns {"themes": [{"theme_id", "title",
    "lost_revenue"}] (the `top_themes` with most lost revenue, most first),
    "rows": [{"competitor_id", "name", "lost_revenue" (its lost deals that cite
    any theme, each once), "cells": [{"theme_id", "lost_revenue"}] aligned
    with "themes"}]}.
    """
    found = (
        active_assignments()
        .filter(note__deal__stage=Stage.CLOSED_LOST, note__deal__competitor__isnull=False)
        .values_list(
            "note__deal__competitor_id",
            "note__deal__competitor__name",
            "theme_id",
            "theme__title",
            "note__deal_id",
            "note__deal__amount",
            "note__deal__name",
        )
        .distinct()
        .order_by()
    )
    deal_names: dict[int, str] = {}
    deal_themes: dict[int, set[int]] = defaultdict(set)
    cells: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    theme_total: dict[int, Decimal] = defaultdict(Decimal)
    titles: dict[int, str] = {}
    names: dict[int, str] = {}
    competitor_deals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for competitor_id, name, theme_id, title, deal_id, amount, deal_name in found:
        deal_names[deal_id] = deal_name
        deal_themes[deal_id].add(theme_id)
        cells[competitor_id, theme_id] += amount
        # A deal has one competitor, so (theme, deal) is already unique here.
        theme_total[theme_id] += amount
        titles[theme_id], names[competitor_id] = title, name
        competitor_deals[competitor_id][deal_id] = amount
    top = sorted(theme_total, key=lambda t: (-theme_total[t], titles[t], t))[:top_themes]
    rows = [
        {
            "competitor_id": competitor_id,
            "name": names[competitor_id],
            "lost_revenue": sum(amounts.values(), _ZERO),
            "cells": [
                {"theme_id": t, "lost_revenue": cells.get((competitor_id, t), _ZERO)} for t in top
            ],
        }
        for competitor_id, amounts in competitor_deals.items()
    ]
    rows.sort(key=lambda r: (-r["lost_revenue"], r["name"], r["competitor_id"]))
    amounts = {d: a for deals in competitor_deals.values() for d, a in deals.items()}
    shown = set(top)
    themes = []
    for t in top:
        # A deal that cites several themes is one deal: each theme's row says
        # which of its deals also sit under other themes shown.
        deals = sorted(
            (
                {
                    "deal_id": d,
                    "name": deal_names[d],
                    "amount": amounts[d],
                    "other_themes": len((deal_themes[d] & shown) - {t}),
                }
                for d, cited in deal_themes.items()
                if t in cited
            ),
            key=lambda d: (-d["amount"], d["deal_id"]),
        )
        themes.append(
            {
                "theme_id": t,
                "title": titles[t],
                "lost_revenue": theme_total[t],
                "deals": deals,
                # Whom this theme's deals were lost to, most lost in this theme first.
                "competitors": sorted(
                    (
                        {"competitor_id": r["competitor_id"], "name": r["name"], "lost_revenue": c}
                        for r in rows
                        if (c := cells.get((r["competitor_id"], t), _ZERO))
                    ),
                    key=lambda c: (-c["lost_revenue"], c["name"], c["competitor_id"]),
                ),
            }
        )
    distinct = {d for d, cited in deal_themes.items() if cited & shown}
    return {
        "themes": themes,
        "rows": rows,
        "deal_count": len(distinct),
        "lost_revenue": sum((amounts[d] for d in distinct), _ZERO),
    }
