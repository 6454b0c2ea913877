"""Product decisions for the demo, so that the loop has something to show.

After the first theme run, a demo product manager ships the theme with the
most lost revenue and plans, starts and declines the next ones, through the
same triage functions as the theme page. Reps then find notifications behind
the bell, "My requests" shows news, and the shipped theme's lost deals wait
on their owners' win-back lists.
"""

from django.db import transaction

from insights.themes import triage
from insights.themes.models import Theme, ThemeEvent, ThemeStatus

PLAN = (ThemeStatus.SHIPPED, ThemeStatus.PLANNED, ThemeStatus.IN_PROGRESS, ThemeStatus.DECLINED)
# Declining needs a reason (the reps who asked read it), in the demo as anywhere.
REASONS = {ThemeStatus.DECLINED: "Not on this year's roadmap: we focus on the core product first."}


def make_decisions(*, pm) -> list[tuple[Theme, str]]:
    """Set the demo statuses once; returns what was decided (nothing the second time)."""
    if ThemeEvent.objects.filter(kind=ThemeEvent.Kind.STATUS).exists():
        return []
    themes = Theme.objects.filter(merged_into__isnull=True, note_count__gt=0).order_by(
        "-lost_revenue", "-note_count", "pk"
    )[: len(PLAN)]
    decided = []
    with transaction.atomic():
        for theme, status in zip(themes, PLAN, strict=False):
            triage.theme_set_status(
                theme=theme, status=status, actor=pm, reason=REASONS.get(status, "")
            )
            decided.append((theme, status))
    return decided
