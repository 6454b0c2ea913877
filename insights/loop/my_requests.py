""" "My customers' requests": the themes a rep's notes are in, and what changed."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Max, Q

from feedbackhub.paging import Page
from insights.themes import rep_figures
from insights.themes import selectors as theme_selectors
from insights.themes.models import Theme, ThemeEvent, ThemeStatus

# Timeline lines a rep cares about; note moves and engine updates are noise here.
# A merge that was undone (within minutes, by a product manager correcting a
# slip) is not news either: both its lines are left out, as its notifications
# are withdrawn, and the theme's own timeline keeps them.
NEWSWORTHY = (
    ThemeEvent.Kind.STATUS,
    ThemeEvent.Kind.RENAMED,
    ThemeEvent.Kind.MERGED,
    ThemeEvent.Kind.DECISION,
    ThemeEvent.Kind.LINKED,
)
NEWS_PER_THEME = 3
PER_PAGE = 50


def _news(**filters):
    return ThemeEvent.objects.filter(kind__in=NEWSWORTHY, **filters).exclude(
        # `contains`, not `data__undone`: a missing key would make the whole test NULL.
        kind=ThemeEvent.Kind.MERGED,
        data__contains={"undone": True},
    )


def themes_of_my_customers(
    user, *, since: dt.datetime | None = None, page: int = 1, per_page: int = PER_PAGE
) -> Page:
    """One page of the themes with the user's notes: status, their notes and accounts, news.

    Six queries whatever the number of themes: the rep's figures per theme
    (stored by the statistics task, see insights.themes.rep_figures) and the
    time of each theme's latest news decide the order of the whole list (a
    few numbers per theme); only the page's themes and news are then loaded.
    `since` (the last visit) marks which news is new; every page of one visit
    must get the same `since`, or the order would shift between pages.
    """
    mine = rep_figures.figures_for_rep(author=user)
    figures = {"latest": Max("created_at")}
    if since:
        figures["fresh"] = Count("id", filter=Q(created_at__gt=since))
    latest_news = {
        row["theme_id"]: row
        for row in _news(theme_id__in=list(mine)).values("theme_id").annotate(**figures)
    }
    # News since the last visit first, then any news (latest first), then the
    # rest by the rep's latest note (newest first), the theme id breaking ties.
    order = sorted(
        mine,
        key=lambda pk: (
            not latest_news.get(pk, {}).get("fresh"),
            -latest_news[pk]["latest"].timestamp() if pk in latest_news else 0.0,
            -mine[pk]["last_call_on"].toordinal(),
            -pk,
        ),
    )
    number = max(1, page)
    start = (number - 1) * per_page
    shown = order[start : start + per_page]
    themes = Theme.objects.select_related("owner").in_bulk(shown)
    news: dict[int, list[ThemeEvent]] = defaultdict(list)
    events = _news(theme_id__in=shown).select_related("actor").order_by("-created_at", "-pk")
    for event in events:
        if len(news[event.theme_id]) < NEWS_PER_THEME:
            if event.kind == ThemeEvent.Kind.STATUS and event.data.get("new") in ThemeStatus.values:
                event.new_status_label = ThemeStatus(event.data["new"]).label
            news[event.theme_id].append(event)
    # Why a theme is declined stays beside its status, however much news came after.
    reasons = theme_selectors.status_reasons(themes=themes.values())
    rows = []
    for pk in shown:
        theme = themes[pk]
        theme.my_notes = mine[pk]["note_count"]
        theme.my_accounts = mine[pk]["account_count"]
        new_count = min(latest_news.get(pk, {}).get("fresh", 0), NEWS_PER_THEME)
        rows.append(
            {
                "theme": theme,
                "news": news.get(pk, []),
                "new_count": new_count,
                "reason": reasons.get(pk, ""),
            }
        )
    return Page(rows, number, has_next=len(order) > start + per_page)
