"""A varied sales floor for the tests that compare figures computed two ways.

Notes of every shape: on deals of every stage (some against a competitor the note also
names, counted once), without a deal, naming a competitor or none, with tags or none,
dated on both sides of every period's start; accounts with and without a region; reps in
one team, two, none; notes in no theme. Seeded, so a failing comparison can be replayed.
"""

import datetime as dt
import random
from decimal import Decimal

from accounts.models import TeamMembership
from deals.models import Stage
from insights.notes.models import Tag
from insights.themes.models import ThemeAssignment
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    CompetitorFactory,
    DealFactory,
    RepFactory,
    TeamFactory,
    ThemeFactory,
)


def varied_sales_floor(
    rep,
    *,
    seed: int,
    today: dt.date,
    themes: int,
    accounts: int,
    deals: int,
    notes: int,
    segments: list[str],
    ages: list[int],
    most_tags: int,
) -> dict:
    """Notes up to `max(ages)` days old, each with fewer than `most_tags` tags."""
    rng = random.Random(seed)
    rivals = [CompetitorFactory(name=n) for n in ("Rival", "Other")]
    tags = [Tag.objects.create(name=n) for n in ("sso", "pricing", "export")]
    made_themes = [ThemeFactory() for _ in range(themes)]
    teams = [TeamFactory(name=n) for n in ("Sales EMEA", "Sales APAC")]
    in_two, loner = RepFactory(), RepFactory()
    TeamMembership.objects.create(team=teams[0], user=rep)
    TeamMembership.objects.create(team=teams[0], user=in_two)
    TeamMembership.objects.create(team=teams[1], user=in_two)
    made_accounts = [
        AccountFactory(
            owner=rep,
            segment=rng.choice(segments),
            region=rng.choice(["emea", "apac", ""]),
        )
        for _ in range(accounts)
    ]
    made_deals = [
        DealFactory(
            account=rng.choice(made_accounts),
            stage=rng.choice(list(Stage)),
            amount=Decimal(rng.randrange(1000, 50000)),
            competitor=rng.choice([*rivals, None]),
        )
        for _ in range(deals)
    ]
    for _ in range(notes):
        deal = rng.choice([*made_deals, None])
        note = CallNoteFactory(
            author=rng.choice([rep, in_two, loner]),
            account=deal.account if deal else rng.choice(made_accounts),
            deal=deal,
            call_date=today - dt.timedelta(days=rng.randrange(0, rng.choice(ages))),
        )
        note.tags.set(rng.sample(tags, rng.randrange(0, most_tags)))
        if deal and deal.competitor and rng.random() < 0.5:
            note.competitors.add(deal.competitor)  # named and its deal's: one note, counted once
        elif rng.random() < 0.3:
            note.competitors.add(rng.choice(rivals))
        theme = rng.choice([*made_themes, None])
        if theme:
            ThemeAssignment.objects.create(note=note, theme=theme)
    return {
        "themes": made_themes,
        "tags": tags,
        "rivals": rivals,
        "teams": teams,
        "accounts": made_accounts,
        "deals": made_deals,
    }
