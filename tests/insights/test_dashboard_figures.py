"""The dashboard's figures equal an independent calculation, under every filter."""

import csv
import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from deals.models import OPEN_STAGES, STAGE_WEIGHTS, Stage
from insights.notes.models import Tag
from insights.themes.dashboard import Filters, theme_rows
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    CompetitorFactory,
    DealFactory,
    TeamFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rep, other_rep):
    rng = random.Random(3)
    today = dt.date.today()
    team = TeamFactory()
    team.members.add(rep)
    rival = CompetitorFactory(name="Rival")
    tags = [Tag.objects.create(name=n) for n in ("sso", "pricing", "export")]
    themes = [ThemeFactory() for _ in range(4)]
    accounts = [
        AccountFactory(
            owner=rep,
            segment=rng.choice(["smb", "mid_market", "enterprise"]),
            region=rng.choice(["emea", "na"]),
        )
        for _ in range(8)
    ]
    deals = [
        DealFactory(
            account=rng.choice(accounts),
            stage=rng.choice(list(Stage)),
            amount=Decimal(rng.randrange(1000, 50000)),
            competitor=rival if rng.random() < 0.3 else None,
        )
        for _ in range(15)
    ]
    notes = []
    for _ in range(120):
        deal = rng.choice(deals + [None])
        account = deal.account if deal else rng.choice(accounts)
        note = CallNoteFactory(
            author=rng.choice([rep, other_rep]),
            account=account,
            deal=deal,
            call_date=today - dt.timedelta(days=rng.randrange(0, 300)),
        )
        note.tags.set(rng.sample(tags, rng.randrange(0, 3)))
        if rng.random() < 0.2:
            note.competitors.add(rival)
        theme = rng.choice(themes + [None])
        if theme:
            ThemeAssignment.objects.create(note=note, theme=theme)
        notes.append((note, theme))
    store_theme_stats()
    return {"notes": notes, "themes": themes, "team": team, "rival": rival, "rep": rep}


def expected(world, keep) -> dict[int, tuple]:
    out = {}
    for theme in world["themes"]:
        mine = [n for n, t in world["notes"] if t == theme and keep(n)]
        if not mine:
            continue
        deals = {n.deal for n in mine if n.deal}
        out[theme.pk] = (
            len(mine),
            len({n.account_id for n in mine}),
            sum((d.amount for d in deals if d.stage in OPEN_STAGES), Decimal(0)),
            sum(
                (d.amount * STAGE_WEIGHTS[d.stage] for d in deals if d.stage in OPEN_STAGES),
                Decimal(0),
            ),
            sum((d.amount for d in deals if d.stage == Stage.CLOSED_LOST), Decimal(0)),
        )
    return out


def actual(filters) -> dict[int, tuple]:
    return {
        r.theme.pk: (r.notes, r.accounts, r.open_revenue, r.weighted, r.lost_revenue)
        for r in theme_rows(filters=filters)
    }


def test_unfiltered_figures_count_each_deal_once(world):
    assert actual(Filters()) == expected(world, lambda n: True)


@pytest.mark.parametrize(
    ("make_filters", "keep"),
    [
        (
            lambda w: Filters(period="90"),
            lambda w: lambda n: n.call_date >= dt.date.today() - dt.timedelta(days=90),
        ),
        (
            lambda w: Filters(segment="enterprise"),
            lambda w: lambda n: n.account.segment == "enterprise",
        ),
        (lambda w: Filters(region="emea"), lambda w: lambda n: n.account.region == "emea"),
        (lambda w: Filters(team=w["team"].pk), lambda w: lambda n: n.author_id == w["rep"].pk),
        (lambda w: Filters(tag="sso"), lambda w: lambda n: "sso" in {t.name for t in n.tags.all()}),
        (
            lambda w: Filters(stage="proposal"),
            lambda w: lambda n: n.deal is not None and n.deal.stage == "proposal",
        ),
        (
            lambda w: Filters(competitor=w["rival"].pk),
            lambda w: (
                lambda n: (
                    n.competitors.filter(pk=w["rival"].pk).exists()
                    or (n.deal is not None and n.deal.competitor_id == w["rival"].pk)
                )
            ),
        ),
        (
            lambda w: Filters(segment="smb", period="180"),
            lambda w: (
                lambda n: (
                    n.account.segment == "smb"
                    and n.call_date >= dt.date.today() - dt.timedelta(days=180)
                )
            ),
        ),
    ],
)
def test_filtered_figures_match_an_independent_calculation(world, make_filters, keep):
    assert actual(make_filters(world)) == expected(world, keep(world))


def test_theme_filters_select_themes(world, pm):
    first = world["themes"][0]
    first.refresh_from_db()
    first.status, first.owner = "planned", pm
    first.save()
    assert [r.theme for r in theme_rows(filters=Filters(status="planned"))] == [first]
    assert [r.theme for r in theme_rows(filters=Filters(owner=pm.pk))] == [first]


def test_the_current_view_exports_to_csv(world, pm_client):
    response = pm_client.get(reverse("dashboard"), {"segment": "enterprise", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    want = expected(world, lambda n: n.account.segment == "enterprise")
    assert {int(r["theme_id"]): int(r["notes"]) for r in rows} == {k: v[0] for k, v in want.items()}


def _visited_yesterday(pm_client):
    """The PM opened the dashboard yesterday; everything in `world` is older."""
    from accounts.models import PageVisit
    from insights.notes.models import CallNote
    from insights.themes.models import Theme

    pm_client.get(reverse("dashboard"))  # remembers this visit
    yesterday = timezone.now() - dt.timedelta(days=1)
    PageVisit.objects.update(visited_at=yesterday)
    for model in (CallNote, Theme):
        model.objects.update(created_at=yesterday - dt.timedelta(days=1))
    return yesterday


def test_new_since_my_last_visit_shows_themes_created_after_it(world, pm_client):
    _visited_yesterday(pm_client)
    fresh = ThemeFactory(title="Brand new need")
    note = world["notes"][0][0]
    ThemeAssignment.objects.filter(note=note).delete()
    ThemeAssignment.objects.create(note=note, theme=fresh)
    store_theme_stats()
    page = pm_client.get(reverse("dashboard"), {"new": "on"}).content.decode()
    assert "Brand new need" in page
    assert world["themes"][1].title not in page


def test_new_since_my_last_visit_includes_themes_with_new_notes_and_survives_reloads(
    world, pm_client, rep
):
    _visited_yesterday(pm_client)
    older = world["themes"][1]
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=older)
    store_theme_stats()
    for _ in range(2):  # a reload today compares with the same visit
        page = pm_client.get(reverse("dashboard"), {"new": "on"}).content.decode()
        assert older.title in page
        assert world["themes"][0].title not in page


def test_a_first_ever_visit_says_so_instead_of_an_empty_list(world, pm_client):
    page = pm_client.get(reverse("dashboard"), {"new": "on"}).content.decode()
    assert "This is your first day on the dashboard" in page
    assert "No themes match these filters" not in page
    assert world["themes"][0].title in page
