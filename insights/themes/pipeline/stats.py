"""The statistics cached on each theme: insights.themes.figures, stored.

The definitions live with the computation in insights.themes.figures (and in
docs/definitions.md); this module only stores them, in chunks, for the
worker to keep current after notes, deals or assignments change.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from insights.themes.figures import Figures, theme_figures
from insights.themes.models import Theme

REFRESH_TASK = "insights.tasks.refresh_theme_stats"

_CHUNK = 500
_FIELDS = [
    "note_count",
    "account_count",
    "last_mentioned_on",
    "open_revenue",
    "lost_revenue",
    "won_revenue",
    "weighted_revenue",
    "weekly_mentions",
    "top_tags",
    "top_competitors",
    "stats_updated_at",
]


def store_theme_stats(*, theme_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the statistics of the given themes (default: all).

    Returns how many themes were refreshed. Themes that no longer exist are
    skipped, so a refresh queued before a merge or delete is harmless.
    """
    if theme_ids is None:
        ids = list(Theme.objects.values_list("id", flat=True))
    else:
        ids = list(Theme.objects.filter(id__in=set(theme_ids)).values_list("id", flat=True))
    now = timezone.now()
    today = timezone.localdate()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found = theme_figures(themes=chunk, today=today, top_names=True)
        themes = [
            Theme(id=theme_id, stats_updated_at=now, **vars(found.get(theme_id, Figures())))
            for theme_id in chunk
        ]
        with transaction.atomic():
            Theme.objects.bulk_update(themes, _FIELDS)
    return len(ids)
