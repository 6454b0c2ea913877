"""Competitor figures kept by the worker: the competitors page and each competitor's page.

Their figures aggregate every mention and deal (a busy competitor appears in
a tenth of all notes), so the worker computes them (beat, every 5 minutes,
`refresh`) with insights.analytics.competitors and stores them as
CompetitorSnapshot rows; the pages read one row, load the few deals and notes
it names by id, and say how fresh it is. A page that finds no snapshot
computes and stores it on the spot; one that finds it older than
COMPETITORS_MAX_AGE_SECONDS shows it and asks the worker for a new one, once.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from deals.models import Competitor, Deal
from feedbackhub.queue import enqueue_now
from insights.analytics import competitors as figures
from insights.analytics.models import CompetitorSnapshot
from insights.notes.models import CallNote

REFRESH_TASK = "insights.tasks.refresh_competitors"
LIST_KEY = "list"
THEMES_SHOWN = 25


def detail_key(competitor_id: int) -> str:
    return f"competitor:{competitor_id}"


def list_json() -> dict:
    """The competitors page's figures (every competitor, and lost revenue by theme) as JSON."""
    return _jsonable(
        {
            "rows": [
                {
                    "competitor_id": row["competitor"].pk,
                    "mentions": row["mentions"],
                    "deals": row["deals"],
                    "lost_deals": row["lost_deals"],
                    "lost_revenue": row["lost_revenue"],
                }
                for row in figures.competitor_list()
            ],
            "matrix": figures.competitor_theme_matrix(),
        }
    )


def detail_json(competitor: Competitor) -> dict:
    """One competitor's page as JSON: its figures, and the ids of the deals and quotes shown."""
    found = figures.competitor_detail(competitor)
    return _jsonable(
        {
            "week_starts": [day.isoformat() for day in found["week_starts"]],
            "weekly": found["weekly"],
            "mentions": found["mentions"],
            "mentions_in_weeks": found["mentions_in_weeks"],
            "deals": [[deal.pk, deal.mentioned] for deal in found["deals"]],
            "deal_count": found["deal_count"],
            "lost_deals": found["lost_deals"],
            "lost_revenue": found["lost_revenue"],
            "lost_theme_count": len(found["lost_themes"]),
            "lost_themes": found["lost_themes"][:THEMES_SHOWN],
            "quotes": [note.pk for note in found["quotes"]],
        }
    )


def refresh() -> int:
    """Recompute and store the list's snapshot and every competitor's; returns how many."""
    _store(LIST_KEY, list_json())
    competitors = list(Competitor.objects.all())
    for competitor in competitors:
        _store(detail_key(competitor.pk), detail_json(competitor))
    keep = [LIST_KEY, *(detail_key(c.pk) for c in competitors)]
    CompetitorSnapshot.objects.exclude(key__in=keep).delete()
    return len(competitors) + 1


def _store(key: str, data: dict) -> CompetitorSnapshot:
    snapshot, _ = CompetitorSnapshot.objects.update_or_create(
        key=key, defaults={"figures": data, "computed_at": timezone.now()}
    )
    return snapshot


def _snapshot(key: str, compute) -> CompetitorSnapshot:
    found = CompetitorSnapshot.objects.filter(key=key).first()
    if found is None:
        return _store(key, compute())
    age = timezone.now() - found.computed_at
    # One refresh request at a time, however many people open a stale page.
    if age > dt.timedelta(seconds=settings.COMPETITORS_MAX_AGE_SECONDS) and cache.add(
        "competitors-refresh-requested", True, timeout=settings.COMPETITORS_MAX_AGE_SECONDS
    ):
        enqueue_now(REFRESH_TASK)
    return found


def stored_list() -> dict:
    """What templates/insights/competitors.html expects: {"competitors", "matrix", "as_of"}."""
    snapshot = _snapshot(LIST_KEY, list_json)
    data = snapshot.figures
    by_id = Competitor.objects.in_bulk()
    rows, seen = [], set()
    for row in data["rows"]:
        if row["competitor_id"] in by_id:  # deleted since: left out
            seen.add(row["competitor_id"])
            rows.append(
                {
                    **row,
                    "competitor": by_id[row["competitor_id"]],
                    "lost_revenue": Decimal(row["lost_revenue"]),
                }
            )
    # Added since the snapshot: listed, with no figures until the next one.
    new = sorted((c for pk, c in by_id.items() if pk not in seen), key=lambda c: (c.name, c.pk))
    rows += [
        {"competitor": c, "mentions": 0, "deals": 0, "lost_deals": 0, "lost_revenue": Decimal(0)}
        for c in new
    ]
    return {"competitors": rows, "matrix": _money(data["matrix"]), "as_of": snapshot.computed_at}


def stored_detail(competitor: Competitor) -> dict:
    """What templates/insights/competitor.html expects as `detail`, from the stored snapshot."""
    snapshot = _snapshot(detail_key(competitor.pk), lambda: detail_json(competitor))
    data = snapshot.figures
    mentioned = dict((pk, flag) for pk, flag in data["deals"])
    deals = Deal.objects.select_related("account", "owner").in_bulk(list(mentioned))
    for deal in deals.values():
        deal.mentioned = mentioned[deal.pk]
    quotes = CallNote.objects.select_related("account", "author").in_bulk(data["quotes"])
    return {
        **data,
        "competitor": competitor,
        "week_starts": [dt.date.fromisoformat(day) for day in data["week_starts"]],
        "deals": [deals[pk] for pk in mentioned if pk in deals],
        "lost_revenue": Decimal(data["lost_revenue"]),
        "lost_themes": _money(data["lost_themes"]),
        "quotes": [quotes[pk] for pk in data["quotes"] if pk in quotes],
        "as_of": snapshot.computed_at,
    }


# Amounts are stored as strings (JSON has no decimals) and read back as Decimal.
MONEY_KEYS = {"lost_revenue", "amount"}


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def _money(value):
    if isinstance(value, dict):
        return {
            key: Decimal(item) if key in MONEY_KEYS and isinstance(item, str) else _money(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_money(item) for item in value]
    return value
