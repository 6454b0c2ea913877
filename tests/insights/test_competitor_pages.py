"""Competitor figures equal an independent calculation; the pages are safe and cheap."""

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deals.models import Stage
from insights.analytics import competitor_snapshots
from insights.analytics.competitors import (
    competitor_detail,
    competitor_list,
    competitor_theme_matrix,
)
from insights.themes.models import ThemeAssignment
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    CompetitorFactory,
    DealFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rep):
    rng = random.Random(5)
    today = timezone.localdate()
    rivals = [CompetitorFactory(name=n) for n in ("Alpha", "Beta", "Quiet")]
    active = rivals[:2]
    themes = [ThemeFactory() for _ in range(4)]
    merged = ThemeFactory(title="Merged away", merged_into=themes[0])
    accounts = [AccountFactory(owner=rep) for _ in range(6)]
    deals = [
        DealFactory(
            account=rng.choice(accounts),
            stage=rng.choice([Stage.CLOSED_LOST, Stage.CLOSED_LOST, Stage.CLOSED_WON, "proposal"]),
            amount=Decimal(rng.randrange(1000, 90000)),
            competitor=rng.choice([*active, None]),
        )
        for _ in range(30)
    ]
    notes = []  # (note, theme or None, competitors mentioned)
    for _ in range(160):
        deal = rng.choice([*deals, None])
        note = CallNoteFactory(
            author=rep,
            account=deal.account if deal else rng.choice(accounts),
            deal=deal,
            call_date=today - dt.timedelta(days=rng.randrange(0, 260)),
            quote=rng.choice(["", "  \n\t ", "Their reporting is nicer.", "Cheaper per seat."]),
        )
        mentioned = set(rng.sample(active, rng.randrange(0, 3)))
        note.competitors.set(mentioned)
        theme = rng.choice([*themes, merged, None])
        if theme is not None:
            ThemeAssignment.objects.create(note=note, theme=theme)
        notes.append((note, theme, mentioned))
    return {"rivals": rivals, "themes": themes, "deals": deals, "notes": notes}


def _active(theme):
    return theme is not None and theme.merged_into_id is None


def test_the_list_matches_an_independent_calculation(world):
    want = {}
    for rival in world["rivals"]:
        mentions = len([n for n, _, m in world["notes"] if rival in m])
        deals = {d.pk for d in world["deals"] if d.competitor == rival}
        deals |= {n.deal.pk for n, _, m in world["notes"] if rival in m and n.deal is not None}
        lost = [d for d in world["deals"] if d.competitor == rival and d.stage == Stage.CLOSED_LOST]
        want[rival.pk] = (
            mentions,
            len(deals),
            len(lost),
            sum((d.amount for d in lost), Decimal(0)),
        )
    rows = competitor_list()
    got = {
        r["competitor"].pk: (r["mentions"], r["deals"], r["lost_deals"], r["lost_revenue"])
        for r in rows
    }
    assert got == want
    assert want[world["rivals"][2].pk] == (0, 0, 0, Decimal(0))
    lost = [r["lost_revenue"] for r in rows]
    assert lost == sorted(lost, reverse=True)


def test_the_detail_matches_an_independent_calculation(world):
    rival = world["rivals"][0]
    today = timezone.localdate()
    first_week = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=25)
    weekly = [0] * 26
    for note, _, mentioned in world["notes"]:
        if rival in mentioned:
            monday = note.call_date - dt.timedelta(days=note.call_date.weekday())
            index = (monday - first_week).days // 7
            if 0 <= index < 26:
                weekly[index] += 1

    deal_ids = {d.pk for d in world["deals"] if d.competitor == rival}
    mentioned_on = set()
    for note, _, mentioned in world["notes"]:
        if rival in mentioned and note.deal is not None:
            deal_ids.add(note.deal.pk)
            mentioned_on.add(note.deal.pk)

    lost_to = {
        d.pk: d for d in world["deals"] if d.competitor == rival and d.stage == Stage.CLOSED_LOST
    }
    theme_deals = defaultdict(set)
    for note, theme, _ in world["notes"]:
        if _active(theme) and note.deal is not None and note.deal.pk in lost_to:
            theme_deals[theme.pk].add(note.deal.pk)
    lost_themes = {
        theme_id: (len(ids), sum((lost_to[i].amount for i in ids), Decimal(0)))
        for theme_id, ids in theme_deals.items()
    }

    quoted = [n for n, _, m in world["notes"] if rival in m and n.quote.strip()]
    quoted.sort(key=lambda n: (n.call_date, n.created_at, n.pk), reverse=True)

    # The data exercises every part: mentions, deals found only through notes, lost themes.
    assert sum(weekly) and lost_themes
    assert deal_ids - {d.pk for d in world["deals"] if d.competitor == rival}

    detail = competitor_detail(rival)
    assert detail["weekly"] == weekly
    assert detail["mentions_in_weeks"] == sum(weekly)
    # The page's mention count is the list's: one definition, all time.
    assert detail["mentions"] == next(
        r["mentions"] for r in competitor_list() if r["competitor"] == rival
    )
    assert detail["week_starts"][0] == first_week and len(detail["week_starts"]) == 26
    assert {d.pk for d in detail["deals"]} == deal_ids
    assert {d.pk for d in detail["deals"] if d.mentioned} == mentioned_on
    assert detail["lost_deals"] == len(lost_to)
    assert detail["lost_revenue"] == sum((d.amount for d in lost_to.values()), Decimal(0))
    assert {
        r["theme_id"]: (r["deals"], r["lost_revenue"]) for r in detail["lost_themes"]
    } == lost_themes
    assert [r["lost_revenue"] for r in detail["lost_themes"]] == sorted(
        (v[1] for v in lost_themes.values()), reverse=True
    )
    assert len(quoted) > 20
    assert [n.pk for n in detail["quotes"]] == [n.pk for n in quoted[:20]]


def test_the_matrix_matches_an_independent_calculation(world):
    cells = defaultdict(Decimal)
    for deal in world["deals"]:
        if deal.stage != Stage.CLOSED_LOST or deal.competitor is None:
            continue
        cited = {t.pk for n, t, _ in world["notes"] if n.deal == deal and _active(t)}
        for theme_id in cited:  # each deal once per cell
            cells[deal.competitor.pk, theme_id] += deal.amount
    totals = defaultdict(Decimal)
    for (_, theme_id), amount in cells.items():
        totals[theme_id] += amount
    by_title = {t.pk: t.title for t in world["themes"]}
    top = sorted(totals, key=lambda t: (-totals[t], by_title[t], t))[:2]

    assert len(totals) > 2 and len({key[0] for key in cells}) == 2

    matrix = competitor_theme_matrix(top_themes=2)
    assert [(t["theme_id"], t["lost_revenue"]) for t in matrix["themes"]] == [
        (t, totals[t]) for t in top
    ]
    assert {
        row["competitor_id"]: [(c["theme_id"], c["lost_revenue"]) for c in row["cells"]]
        for row in matrix["rows"]
    } == {
        rival.pk: [(t, cells.get((rival.pk, t), Decimal(0))) for t in top]
        for rival in world["rivals"]
        if any(key[0] == rival.pk for key in cells)
    }
    shown = {t["theme_id"] for t in competitor_theme_matrix()["themes"]}
    assert shown == set(totals)
    assert not shown & {t.pk for _, t, _ in world["notes"] if t and t.merged_into_id}


def test_a_deal_with_several_notes_in_a_theme_counts_once(rep):
    rival = CompetitorFactory(name="Gamma")
    theme = ThemeFactory()
    deal = DealFactory(stage=Stage.CLOSED_LOST, amount=Decimal("5000"), competitor=rival)
    for _ in range(3):
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        note.competitors.add(rival)
        ThemeAssignment.objects.create(note=note, theme=theme)
    matrix = competitor_theme_matrix()
    assert matrix["rows"][0]["cells"] == [{"theme_id": theme.pk, "lost_revenue": Decimal("5000")}]
    detail = competitor_detail(rival)
    assert detail["lost_themes"][0]["lost_revenue"] == Decimal("5000")
    assert len(detail["deals"]) == 1
    row = competitor_list()[0]
    assert (row["mentions"], row["deals"], row["lost_revenue"]) == (3, 1, Decimal("5000"))


@pytest.mark.parametrize("client_fixture", ["rep_client", "pm_client"])
def test_reps_and_product_managers_see_the_pages(world, request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    page = client.get(reverse("competitors"))
    assert page.status_code == 200
    assert "Alpha" in page.content.decode()
    detail = client.get(reverse("competitor_page", args=[world["rivals"][0].pk]))
    assert detail.status_code == 200
    assert "Their reporting is nicer." in detail.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(world):
    for url in (reverse("competitors"), reverse("competitor_page", args=[world["rivals"][0].pk])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_unknown_competitor_is_not_found(rep_client):
    assert rep_client.get(reverse("competitor_page", args=[999999])).status_code == 404


def test_user_text_is_escaped(rep_client, rep):
    rival = CompetitorFactory(name="<script>alert('rival')</script>")
    theme = ThemeFactory(title="<img src=x onerror=alert(1)>")
    deal = DealFactory(
        stage=Stage.CLOSED_LOST, competitor=rival, name="<b>deal</b>", amount=Decimal("10")
    )
    note = CallNoteFactory(
        author=rep, account=deal.account, deal=deal, quote="<script>alert('quote')</script>"
    )
    note.competitors.add(rival)
    ThemeAssignment.objects.create(note=note, theme=theme)
    pages = [
        rep_client.get(reverse("competitors")).content.decode(),
        rep_client.get(reverse("competitor_page", args=[rival.pk])).content.decode(),
    ]
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#x27;rival&#x27;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;quote&#x27;)&lt;/script&gt;" in pages[1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[1]
    assert "&lt;b&gt;deal&lt;/b&gt;" in pages[1]


def _add_activity(rep, rival, count):
    """`count` lost deals to `rival`, each with two quoted notes in a theme of its own."""
    for _ in range(count):
        account = AccountFactory(owner=rep)
        deal = DealFactory(account=account, stage=Stage.CLOSED_LOST, competitor=rival)
        theme = ThemeFactory()
        for _ in range(2):
            note = CallNoteFactory(author=rep, account=account, deal=deal, quote="Too slow.")
            note.competitors.add(rival)
            ThemeAssignment.objects.create(note=note, theme=theme)


def _queries(client, url) -> int:
    competitor_snapshots.refresh()  # the pages read what the worker stored
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_page_query_count_does_not_grow(pm_client, rep):
    _add_activity(rep, CompetitorFactory(name="First"), 1)
    few = _queries(pm_client, reverse("competitors"))
    for i in range(8):
        _add_activity(rep, CompetitorFactory(name=f"More {i}"), 3)
    assert _queries(pm_client, reverse("competitors")) == few


def test_the_detail_page_query_count_does_not_grow(pm_client, rep):
    rival = CompetitorFactory(name="Busy")
    _add_activity(rep, rival, 1)
    url = reverse("competitor_page", args=[rival.pk])
    few = _queries(pm_client, url)
    _add_activity(rep, rival, 15)
    assert _queries(pm_client, url) == few


def test_the_functions_use_a_fixed_number_of_queries(rep, django_assert_num_queries):
    rivals = [CompetitorFactory(name=f"R{i}") for i in range(5)]
    for rival in rivals:
        _add_activity(rep, rival, 2)
    with django_assert_num_queries(4):
        competitor_list()
    with django_assert_num_queries(1):
        competitor_theme_matrix()
    with django_assert_num_queries(7):  # one of them: the all-time mentions, as on the list
        competitor_detail(rivals[0])


def test_a_lost_deal_cited_by_several_themes_says_it_is_the_same_deal(rep):
    rival = CompetitorFactory(name="Delta")
    deal = DealFactory(stage=Stage.CLOSED_LOST, amount=Decimal("9000"), competitor=rival)
    themes = [ThemeFactory(title=t) for t in ("SSO", "Audit log", "Dark mode")]
    for theme in themes:
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        ThemeAssignment.objects.create(note=note, theme=theme)
    matrix = competitor_theme_matrix()
    assert [d["other_themes"] for t in matrix["themes"] for d in t["deals"]] == [2, 2, 2]
    assert {d["deal_id"] for t in matrix["themes"] for d in t["deals"]} == {deal.pk}
    # Counted once overall, though each of the three themes lists it.
    assert (matrix["deal_count"], matrix["lost_revenue"]) == (1, Decimal("9000"))
    assert [t["competitors"] for t in matrix["themes"]][0] == [
        {"competitor_id": rival.pk, "name": "Delta", "lost_revenue": Decimal("9000")}
    ]


def test_the_competitors_page_says_a_shared_deal_is_the_same_deal(pm_client, rep):
    rival = CompetitorFactory(name="Delta")
    deal = DealFactory(
        name="Initech renewal", stage=Stage.CLOSED_LOST, amount=Decimal("9000"), competitor=rival
    )
    for title in ("SSO", "Audit log"):
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        ThemeAssignment.objects.create(note=note, theme=ThemeFactory(title=title))
    page = pm_client.get(reverse("competitors")).content.decode()
    assert (
        page.count('Initech renewal</a> <span class="muted">(same deal under 1 other theme)') == 2
    )


def test_whom_a_themes_deals_were_lost_to_reads_most_lost_in_that_theme_first(rep):
    """Beta lost us more overall, but in this theme Alpha took more."""
    alpha, beta = CompetitorFactory(name="Alpha"), CompetitorFactory(name="Beta")
    theme, elsewhere = ThemeFactory(title="Audit log"), ThemeFactory(title="SSO")
    for competitor, amount, where in [
        (alpha, "9000", theme),
        (beta, "2000", theme),
        (beta, "50000", elsewhere),
    ]:
        deal = DealFactory(stage=Stage.CLOSED_LOST, amount=Decimal(amount), competitor=competitor)
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        ThemeAssignment.objects.create(note=note, theme=where)
    matrix = competitor_theme_matrix()
    row = next(t for t in matrix["themes"] if t["theme_id"] == theme.pk)
    assert [(c["name"], c["lost_revenue"]) for c in row["competitors"]] == [
        ("Alpha", Decimal("9000")),
        ("Beta", Decimal("2000")),
    ]
