"""Reads for the product pages: themes ranked by what they are worth, and one theme's evidence."""

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet

from deals.models import Deal
from insights.notes.models import CallNote
from insights.themes.figures import Figures, theme_figures
from insights.themes.models import (
    ClusteringRun,
    DuplicateSuggestion,
    Theme,
    ThemeEvent,
    ThemePageStats,
)


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


def possible_duplicates(*, theme_ids: Iterable[int]) -> dict[int, list[tuple[Theme, float]]]:
    """For each of these themes, the active themes that are probably the same need,
    closest first (stored by the last run; one query, however many themes)."""
    ids = list(theme_ids)
    pairs = (
        DuplicateSuggestion.objects.filter(
            Q(first__in=ids) | Q(second__in=ids),
            first__merged_into__isnull=True,
            second__merged_into__isnull=True,
        )
        .select_related("first", "second")
        .defer("first__centroid", "second__centroid")
        .order_by("-similarity", "first_id", "second_id")
    )
    found: dict[int, list[tuple[Theme, float]]] = {}
    for pair in pairs:
        for theme, other in ((pair.first, pair.second), (pair.second, pair.first)):
            if theme.pk in ids:
                found.setdefault(theme.pk, []).append((other, pair.similarity))
    return found


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


def evidence(*, theme: Theme, note_count: int) -> dict:
    """How solid a theme's evidence is, and its figures by stage, segment and competitor.

    `note_count` is the theme's current number of notes (insights.themes.figures).
    """
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
    if note_count and one_author:
        warnings.append("All notes come from one rep.")
    if 0 < note_count < 5:
        warnings.append(f"Thin evidence: only {note_count} notes.")
    return {
        "warnings": warnings,
        "by_stage": sorted(by_stage.items(), key=lambda kv: -kv[1]),
        "segments": sorted(segments.items(), key=lambda kv: -kv[1]),
        "competitors": competitors,
    }


def page_statistics_json(*, theme_id: int, note_count: int) -> dict:
    """A theme's top accounts and evidence as JSON, for the statistics task to store."""
    theme = Theme(pk=theme_id)
    found = evidence(theme=theme, note_count=note_count)
    return {
        "top_accounts": [dict(row) for row in top_accounts(theme=theme)],
        "evidence": {
            "warnings": found["warnings"],
            "by_stage": [[stage, str(amount)] for stage, amount in found["by_stage"]],
            "segments": [list(pair) for pair in found["segments"]],
            "competitors": [list(pair) for pair in found["competitors"]],
        },
    }


def theme_statistics(*, theme: Theme) -> dict:
    """What the theme page shows of a theme's figures: {"figures", "accounts", "evidence",
    "as_of"}.

    Read from what the statistics task stored (the cache on the theme and its
    ThemePageStats, one query); computed now instead when there is nothing
    stored yet or a change to the theme's notes or deals has not reached it
    (`as_of` is then None), so a person never sees their own change missing.
    """
    stored = ThemePageStats.objects.filter(theme=theme, stale_since__isnull=True).first()
    if stored is None:
        figures = theme_figures(themes=[theme.pk]).get(theme.pk, Figures())
        return {
            "figures": figures,
            "accounts": top_accounts(theme=theme),
            "evidence": evidence(theme=theme, note_count=figures.note_count),
            "as_of": None,
        }
    found = stored.evidence
    return {
        "figures": Figures(**{name: getattr(theme, name) for name in Figures.__dataclass_fields__}),
        "accounts": stored.top_accounts,
        "evidence": {
            "warnings": found.get("warnings", []),
            "by_stage": [(stage, Decimal(amount)) for stage, amount in found.get("by_stage", [])],
            "segments": [tuple(pair) for pair in found.get("segments", [])],
            "competitors": [tuple(pair) for pair in found.get("competitors", [])],
        },
        "as_of": stored.computed_at,
    }


def unthemed_notes(*, limit: int = 25, offset: int = 0) -> list[CallNote]:
    """Notes no theme has taken yet (not those a person deliberately left out).

    Read along the partial index `note_awaiting_theme_idx`, which holds only
    the waiting notes (`CallNote.awaiting_theme`, kept by triggers on the
    assignments): when none waits it is empty and the page costs nothing,
    whatever the number of notes.
    """
    return list(
        CallNote.objects.filter(awaiting_theme=True)
        .select_related("account", "author", "deal")
        .order_by("-created_at", "-id")[offset : offset + limit]
    )


def recent_runs(*, limit: int = 20):
    return list(
        ClusteringRun.objects.select_related("requested_by").order_by("-created_at")[:limit]
    )


def reps_to_notify(*, theme_id: int, actor) -> int:
    """How many people a status change of the theme tells: the active authors of
    its notes other than the person who changed it (as the loop's fan-out does)."""
    return (
        CallNote.objects.filter(assignment__theme_id=theme_id, author__is_active=True)
        .exclude(author_id=getattr(actor, "pk", None))
        .values("author_id")
        .distinct()
        .count()
    )
