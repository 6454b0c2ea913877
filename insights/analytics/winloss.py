"""Win/loss of the deals citing a theme, against all deals closed in the same period.

A deal "cites" a theme when at least one of its notes is currently assigned
to that theme, and a deal counts once however many of its notes do. A deal's
segment is its account's segment. Merged themes hold no notes and are left
out everywhere (definitions in docs/definitions.md). Competitor figures are
in analytics.competitors, product-market fit in analytics.pmf.

Every function here only reads; none knows about HTTP.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from deals.models import CLOSED_STAGES, Deal, Segment, Stage
from insights.themes.models import Theme, ThemeAssignment

_ZERO = Decimal("0")
# Below this many closed deals a win rate is shown, but flagged as a small sample.
SMALL_SAMPLE = 10
ALL_SEGMENTS = "All segments"


@dataclass(frozen=True)
class Tally:
    """Closed deals won and lost, and the win rate they make (None without any)."""

    won: int = 0
    lost: int = 0

    @property
    def n(self) -> int:
        return self.won + self.lost

    @property
    def win_rate(self) -> float | None:
        return self.won / self.n if self.n else None

    @property
    def small(self) -> bool:
        return self.n < SMALL_SAMPLE

    @property
    def percent(self) -> str:
        """The win rate for display: "45%", or "—" without closed deals."""
        return "—" if self.win_rate is None else f"{self.win_rate:.0%}"

    def add(self, stage: str, count: int = 1) -> "Tally":
        if stage == Stage.CLOSED_WON:
            return Tally(self.won + count, self.lost)
        if stage == Stage.CLOSED_LOST:
            return Tally(self.won, self.lost + count)
        return self


def active_assignments():
    """Assignments to themes that still stand (not merged away, not left unthemed)."""
    return ThemeAssignment.objects.filter(theme__isnull=False, theme__merged_into__isnull=True)


def theme_win_loss(theme: Theme, *, since: dt.datetime, until: dt.datetime) -> dict:
    """How deals citing `theme` closed in [since, until), against all deals closed then.

    Returns {"since", "until", "won_revenue", "lost_revenue", "segments", "all"}:
    One query. `segments` has one row per segment, then the "all segments" row (also
    `all`); a row is {"segment" (None for all), "label", "theme": Tally,
    "baseline": Tally}. Revenue is over the same closed deals, each once.
    """
    cites = Q(
        pk__in=active_assignments()
        .filter(theme=theme, note__deal__isnull=False)
        .values("note__deal_id")
    )
    # One pass over the period's closed deals: all of them (the baseline) and,
    # filtered in the same aggregate, those citing the theme.
    rows = (
        Deal.objects.filter(stage__in=CLOSED_STAGES, closed_at__gte=since, closed_at__lt=until)
        .order_by()
        .values("account__segment", "stage")
        .annotate(
            n=Count("id"),
            theme_n=Count("id", filter=cites),
            theme_amount=Sum("amount", filter=cites),
        )
    )

    mine: dict[str, Tally] = defaultdict(Tally)
    everyone: dict[str, Tally] = defaultdict(Tally)
    revenue = {Stage.CLOSED_WON: _ZERO, Stage.CLOSED_LOST: _ZERO}
    for row in rows:
        segment = row["account__segment"]
        everyone[segment] = everyone[segment].add(row["stage"], row["n"])
        if row["theme_n"]:
            mine[segment] = mine[segment].add(row["stage"], row["theme_n"])
            revenue[row["stage"]] += row["theme_amount"] or _ZERO

    segments = [
        {"segment": value, "label": label, "theme": mine[value], "baseline": everyone[value]}
        for value, label in Segment.choices
    ]
    overall = {
        "segment": None,
        "label": ALL_SEGMENTS,
        "theme": Tally(sum(t.won for t in mine.values()), sum(t.lost for t in mine.values())),
        "baseline": Tally(
            sum(t.won for t in everyone.values()), sum(t.lost for t in everyone.values())
        ),
    }
    return {
        "since": since,
        "until": until,
        "won_revenue": revenue[Stage.CLOSED_WON],
        "lost_revenue": revenue[Stage.CLOSED_LOST],
        "segments": [*segments, overall],
        "all": overall,
    }


def _a_year_before(moment: dt.datetime) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)


def theme_win_loss_context(theme: Theme) -> dict:
    """theme_win_loss over the last 12 months: what templates/insights/_theme_winloss.html
    expects as `winloss`."""
    until = timezone.now()
    return theme_win_loss(theme, since=_a_year_before(until), until=until)
