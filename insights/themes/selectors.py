"""Reads for the product pages: themes ranked by what they are worth, and one theme's evidence."""

from decimal import Decimal

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, QuerySet

from insights.notes.models import CallNote
from insights.themes.models import Theme, ThemeAssignment, ThemeEvent

SORTS = {
    "revenue": ("-open_revenue", "-note_count"),
    "lost": ("-lost_revenue", "-note_count"),
    "accounts": ("-account_count", "-open_revenue"),
    "notes": ("-note_count", "-open_revenue"),
    "recent": ("-last_mentioned_on", "-note_count"),
}


def theme_dashboard(*, sort: str = "revenue", status: str = "") -> QuerySet[Theme]:
    """Active themes with notes, ranked by the chosen figure (cached statistics)."""
    qs = Theme.objects.filter(merged_into__isnull=True, note_count__gt=0).select_related("owner")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(*SORTS.get(sort, SORTS["revenue"]), "id")


def theme_detail(*, theme_id: int) -> Theme:
    return (
        Theme.objects.select_related("owner", "merged_into")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ThemeEvent.objects.select_related("actor").order_by("-created_at", "-id"),
            )
        )
        .get(pk=theme_id)
    )


def theme_notes(*, theme: Theme) -> QuerySet[CallNote]:
    return (
        CallNote.objects.filter(assignment__theme=theme)
        .select_related("author", "account", "deal", "assignment")
        .order_by("-call_date", "-id")
    )


def representative_notes(*, theme: Theme) -> list[CallNote]:
    notes = CallNote.objects.filter(pk__in=theme.representative_note_ids).select_related("account")
    by_id = {n.pk: n for n in notes}
    return [by_id[i] for i in theme.representative_note_ids if i in by_id]


def top_accounts(*, theme: Theme, limit: int = 10):
    return (
        CallNote.objects.filter(assignment__theme=theme)
        .values("account_id", "account__name", "account__segment")
        .annotate(notes=Count("id"))
        .order_by("-notes")[:limit]
    )


def evidence(*, theme: Theme) -> dict:
    """How solid a theme's evidence is, and its figures by stage, segment and competitor."""
    from collections import Counter

    from deals.models import Deal

    notes = CallNote.objects.filter(assignment__theme=theme)
    deals = list(
        Deal.objects.filter(call_notes__in=notes)
        .distinct()
        .values("id", "amount", "stage", "account_id", "account__name")
    )
    by_stage: Counter = Counter()
    by_account: Counter = Counter()
    names = {}
    for deal in deals:
        by_stage[deal["stage"]] += deal["amount"]
        by_account[deal["account_id"]] += deal["amount"]
        names[deal["account_id"]] = deal["account__name"]
    # Accounts by segment, and in the same pass whether a single rep wrote every
    # note (the smallest and largest author id agree).
    by_segment = list(
        notes.values_list("account__segment").annotate(
            n=Count("account_id", distinct=True), first=Min("author_id"), last=Max("author_id")
        )
    )
    segments = {segment: n for segment, n, _first, _last in by_segment}
    one_author = bool(by_segment) and (
        min(row[2] for row in by_segment) == max(row[3] for row in by_segment)
    )
    competitors = list(
        notes.filter(competitors__isnull=False)
        .values_list("competitors__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:8]
    )
    warnings = []
    total = sum(by_account.values())
    if total and len(by_account) > 0:
        top_account, top_amount = by_account.most_common(1)[0]
        share = top_amount / total
        if share >= Decimal("0.5") and len(by_account) > 1:
            warnings.append(
                f"{share:.0%} of the revenue comes from one account ({names[top_account]})."
            )
        elif len(by_account) == 1:
            warnings.append(f"All the revenue comes from one account ({names[top_account]}).")
    if theme.note_count and one_author:
        warnings.append("All notes come from one rep.")
    if 0 < theme.note_count < 5:
        warnings.append(f"Thin evidence: only {theme.note_count} notes.")
    return {
        "warnings": warnings,
        "by_stage": sorted(by_stage.items(), key=lambda kv: -kv[1]),
        "segments": sorted(segments.items(), key=lambda kv: -kv[1]),
        "competitors": competitors,
    }


def unthemed_notes(*, limit: int = 25, offset: int = 0) -> list[CallNote]:
    """Notes no theme has taken yet (not those a person deliberately left out).

    An anti-join PostgreSQL serves from two indexes: it walks the notes newest
    first along `note_newest_first_idx` and, for each, probes the assignments'
    unique note index (index-only), stopping as soon as the page is full
    (12 ms at 1M notes with 1% waiting). When hardly any note waits, or for a
    deep page, the planner hash-joins every assignment instead (about 1 s at
    1M notes): see docs/performance.md for the column that would fix that.
    """
    taken = ThemeAssignment.objects.filter(note_id=OuterRef("pk"))
    return list(
        CallNote.objects.filter(~Exists(taken))
        .select_related("account", "author", "deal")
        .order_by("-created_at", "-id")[offset : offset + limit]
    )


def recent_runs(*, limit: int = 20):
    from insights.themes.models import ClusteringRun

    return list(
        ClusteringRun.objects.select_related("requested_by").order_by("-created_at")[:limit]
    )
