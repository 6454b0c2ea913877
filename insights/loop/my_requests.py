""" "My customers' requests": the themes a rep's notes are in, and what changed."""

from collections import defaultdict

from django.db.models import Count, Max

from insights.themes.models import Theme, ThemeEvent, ThemeStatus

# Timeline lines a rep cares about; note moves and engine updates are noise here.
NEWSWORTHY = (
    ThemeEvent.Kind.STATUS,
    ThemeEvent.Kind.RENAMED,
    ThemeEvent.Kind.MERGED,
    ThemeEvent.Kind.DECISION,
    ThemeEvent.Kind.LINKED,
)


def themes_of_my_customers(user, *, since=None) -> list[dict]:
    """Each theme with the user's notes: its status, their notes and accounts, recent news.

    Two queries whatever the number of themes. `since` (the last visit)
    marks which news is new.
    """
    themes = list(
        Theme.objects.filter(assignments__note__author=user, merged_into__isnull=True)
        .annotate(
            my_notes=Count("assignments", distinct=True),
            my_accounts=Count("assignments__note__account", distinct=True),
            my_latest=Max("assignments__note__call_date"),
        )
        .select_related("owner")
        .order_by("-my_latest", "-pk")
    )
    news: dict[int, list[ThemeEvent]] = defaultdict(list)
    events = (
        ThemeEvent.objects.filter(theme__in=[t.pk for t in themes], kind__in=NEWSWORTHY)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
    for event in events:
        if len(news[event.theme_id]) < 3:
            if event.kind == ThemeEvent.Kind.STATUS and event.data.get("new") in ThemeStatus.values:
                event.new_status_label = ThemeStatus(event.data["new"]).label
            news[event.theme_id].append(event)
    rows = []
    for theme in themes:
        recent = news.get(theme.pk, [])
        fresh = [e for e in recent if since is None or e.created_at > since]
        rows.append({"theme": theme, "news": recent, "new_count": len(fresh) if since else 0})
    # News since the last visit first, then any news (latest first), then the
    # rest as before (the rep's latest note first); the sort is stable.
    rows.sort(
        key=lambda row: (
            row["new_count"] == 0,
            -row["news"][0].created_at.timestamp() if row["news"] else 0.0,
        )
    )
    return rows
