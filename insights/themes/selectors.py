"""Reads for the product pages: themes ranked by what they are worth, and one theme's evidence."""

import re
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower

from feedbackhub.paging import Page, fetch_page
from insights.notes import rules
from insights.notes.models import CallNote
from insights.themes import evidence as theme_evidence
from insights.themes.figures import Figures, theme_figures
from insights.themes.models import (
    ClusteringRun,
    DuplicateSuggestion,
    NoteFacts,
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


def status_reason(*, theme: Theme, events: Iterable[ThemeEvent]) -> str:
    """Why the theme has its status, in the words the product manager gave when setting it.

    `events` are the theme's timeline lines, newest first. The reason lives on
    the line that set the current status ("" when none was given, or when a
    later status change replaced it); a decline's reason is what the reps who
    asked want to read, long after renames and merges have pushed it out of
    the latest news.
    """
    for event in events:
        if event.kind == ThemeEvent.Kind.STATUS:
            return event.data.get("reason", "") if event.data.get("new") == theme.status else ""
    return ""


def status_reasons(*, themes: Iterable[Theme]) -> dict[int, str]:
    """`status_reason` for many themes at once: one query, however many themes."""
    themes = {theme.pk: theme for theme in themes}
    latest = (
        ThemeEvent.objects.filter(theme_id__in=list(themes), kind=ThemeEvent.Kind.STATUS)
        .order_by("theme_id", "-created_at", "-id")
        .distinct("theme_id")
    )
    return {
        event.theme_id: reason
        for event in latest
        if (reason := status_reason(theme=themes[event.theme_id], events=[event]))
    }


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


def theme_notes_page(*, theme: Theme, page, per_page: int) -> Page:
    """Page `page` of the theme's notes, latest call first (then the newest note), one query.

    The page's note ids are sorted from the theme's NoteFacts entries in the
    index that carries their call dates (facts_theme_cover), then only those
    notes are read. Joined through the assignments instead, PostgreSQL read
    every note of the theme with its author, account and deal to keep ten
    (5,217 buffers for a 500-note theme at a million notes, against 196 now),
    or walked the notes by call date, probing each one's assignment until ten
    were the theme's (7,328 buffers for a 500-note theme at 100,000 notes).
    See docs/performance.md, session 9.
    """

    def fetch(offset: int, limit: int) -> list[CallNote]:
        ids = (
            NoteFacts.objects.filter(theme_id=theme.pk)
            .order_by("-call_date", "-note_id")
            .values("note_id")[offset : offset + limit]
        )
        notes = CallNote.objects.filter(pk__in=ids)
        return list(
            notes.select_related("author", "account", "deal", "assignment").order_by(
                "-call_date", "-id"
            )
        )

    return fetch_page(fetch, page, per_page)


def representative_notes(*, theme: Theme) -> list[CallNote]:
    """The notes that say the theme most typically, each wording once.

    Reps paste the same sentence for several accounts; three copies of it
    would read as three voices.
    """
    notes = CallNote.objects.filter(pk__in=theme.representative_note_ids).select_related(
        "account", "author"
    )
    by_id = {n.pk: n for n in notes}
    shown, seen = [], set()
    for note in (by_id[i] for i in theme.representative_note_ids if i in by_id):
        words = rules.same_text(note.quote or note.body)
        if words not in seen:
            seen.add(words)
            shown.append(note)
    return shown


def top_accounts(*, theme: Theme) -> list[dict]:
    return theme_evidence.top_accounts_by_theme([theme.pk]).get(theme.pk, [])


def evidence(*, theme: Theme, note_count: int) -> dict:
    """How solid a theme's evidence is, and its figures by stage, segment and competitor.

    `note_count` is the theme's current number of notes (insights.themes.figures).
    """
    return theme_evidence.evidence_by_theme({theme.pk: note_count})[theme.pk]


def page_statistics_json(*, note_counts: dict[int, int]) -> dict[int, dict]:
    """Each theme's top accounts and evidence as JSON, for the statistics task to store."""
    accounts = theme_evidence.top_accounts_by_theme(list(note_counts))
    found = theme_evidence.evidence_by_theme(note_counts)
    return {
        theme_id: {
            "top_accounts": accounts.get(theme_id, []),
            "evidence": {
                "warnings": found[theme_id]["warnings"],
                "by_stage": [[stage, str(amount)] for stage, amount in found[theme_id]["by_stage"]],
                "segments": [list(pair) for pair in found[theme_id]["segments"]],
                "competitors": [list(pair) for pair in found[theme_id]["competitors"]],
            },
        }
        for theme_id in note_counts
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
        figures = theme_figures(themes=[theme.pk], top_names=True).get(theme.pk, Figures())
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


# What a run's "What changed" counts stand for, read back from the timeline lines
# the run wrote (each carries the run's id): kind → its heading.
RUN_CHANGE_KINDS = {
    "created": "Created",
    "grown": "Grown",
    "shrunk": "Shrunk",
    "emptied": "Emptied",
    "retitled": "Renamed by the engine",
}


def run_changes(*, run: ClusteringRun) -> dict[str, list[ThemeEvent]]:
    """The themes a full run changed, by kind (see RUN_CHANGE_KINDS), from its timeline lines."""
    found: dict[str, list[ThemeEvent]] = {kind: [] for kind in RUN_CHANGE_KINDS}
    events = (
        ThemeEvent.objects.filter(
            data__run=run.pk,
            kind__in=[ThemeEvent.Kind.CREATED, ThemeEvent.Kind.ENGINE, ThemeEvent.Kind.RENAMED],
        )
        .select_related("theme")
        .only("kind", "data", "theme__id", "theme__title", "theme__merged_into_id")
        .order_by("theme__title", "id")
    )
    for event in events:
        if event.kind == ThemeEvent.Kind.CREATED:
            kind = "created"
        elif event.kind == ThemeEvent.Kind.RENAMED:
            kind = "retitled"
        else:
            before, after = event.data.get("notes_before", 0), event.data.get("notes_after", 0)
            kind = "emptied" if after == 0 else ("grown" if after > before else "shrunk")
        found[kind].append(event)
    return found


def possible_owners():
    """People who may own a theme (product managers and admins), by name: a stable order
    for every owner list (the triage panel, the dashboard's filter)."""
    users = get_user_model().objects
    may_own = users.filter(groups__permissions__codename="triage_theme").values("pk")
    return users.filter(pk__in=may_own).order_by(
        Lower("first_name"), Lower("last_name"), Lower("username"), "pk"
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


def merge_target(*, text: str, source_id: int) -> Theme:
    """The active theme a PM means by what they typed in "Merge this theme into".

    Accepts a picked suggestion ("Single sign-on (#42)"), "#42", "42", the exact
    title or a part of one title (any case). Raises ValidationError saying what
    to type when nothing or more than one theme fits.
    """
    text = " ".join((text or "").split())
    others = Theme.objects.filter(merged_into__isnull=True).exclude(pk=source_id)
    if not text:
        raise ValidationError("Type part of the title of the theme to merge into, or its #number.")
    picked = re.search(r"\(#(\d+)\)$", text) or re.fullmatch(r"#?(\d+)", text)
    if picked:
        found = others.filter(pk=int(picked.group(1))).first()
        if found is None:
            raise ValidationError(f"No other active theme is #{picked.group(1)}.")
        return found
    exact = list(others.filter(title__iexact=text)[:2])
    if len(exact) == 1:
        return exact[0]
    matches = exact or list(others.filter(title__icontains=text).order_by("title", "id")[:6])
    if not matches:
        raise ValidationError(f"No other active theme has “{text}” in its title.")
    if len(matches) > 1:
        listed = "; ".join(f"{t.title} (#{t.pk})" for t in matches[:5])
        more = " and more" if len(matches) > 5 else ""
        raise ValidationError(
            f"“{text}” fits several themes: {listed}{more}. Type more of the title or its #number."
        )
    return matches[0]
