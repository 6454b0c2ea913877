"""Reads for the product pages: themes ranked by what they are worth, and one theme's evidence."""

from django.db.models import Count, Prefetch, QuerySet

from .models import CallNote, Theme, ThemeEvent

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


def merge_candidates(*, theme: Theme, query: str = "", limit: int = 20) -> list[Theme]:
    qs = Theme.objects.filter(merged_into__isnull=True).exclude(pk=theme.pk)
    if query:
        qs = qs.filter(title__icontains=query)
    return list(qs.order_by("-note_count")[:limit])


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
