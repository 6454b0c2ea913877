import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.themes.models import ClusteringRun, ThemeAssignment
from insights.themes.pipeline import similar
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, ThemeFactory
from tests.test_report_guard import REPORT_GUARD_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestions(monkeypatch):
    theme = ThemeFactory(title="Single sign-on")

    def fake(*, note_ids, limit=3):
        return {i: [(theme, 0.8)] for i in note_ids}

    monkeypatch.setattr(similar, "suggest_themes", fake)
    return theme


def test_the_inbox_lists_unthemed_notes_with_suggestions(pm_client, rep, suggestions):
    waiting = CallNoteFactory(author=rep, body="Wants Okta login")
    themed = CallNoteFactory(author=rep, body="Already themed")
    ThemeAssignment.objects.create(note=themed, theme=suggestions)
    page = pm_client.get(reverse("inbox")).content.decode()
    assert "Wants Okta login" in page and "Already themed" not in page
    # The button says which note goes where, to a screen reader too.
    assert f"Put the note on {waiting.account.name} in </span>Single sign-on</button>" in page
    # The waiting note gets the one-click form for the suggested theme; the themed one none.
    assert (
        f'name="note" value="{waiting.pk}"><input type="hidden" name="theme" '
        f'value="{suggestions.pk}">'
    ) in page
    assert f'id="inbox-{themed.pk}"' not in page


def test_one_click_assigns_and_pins_a_note(pm_client, rep, suggestions):
    note = CallNoteFactory(author=rep)
    pm_client.post(reverse("inbox_assign"), {"note": note.pk, "theme": suggestions.pk})
    assignment = ThemeAssignment.objects.get(note=note)
    assert assignment.theme == suggestions and assignment.locked


def test_a_rep_sees_the_inbox_but_cannot_assign(rep_client, rep, suggestions):
    note = CallNoteFactory(author=rep)
    page = rep_client.get(reverse("inbox")).content.decode()
    assert "inbox_assign" not in page and 'action="/inbox/assign/"' not in page
    assert (
        rep_client.post(
            reverse("inbox_assign"), {"note": note.pk, "theme": suggestions.pk}
        ).status_code
        == 403
    )
    assert not ThemeAssignment.objects.exists()


def test_the_engine_panel_shows_runs_and_a_product_manager_starts_one(pm_client):
    ClusteringRun.objects.create(
        state="succeeded",
        notes_count=3000,
        themes_count=72,
        changes={
            "created": 2,
            "grown": 3,
            "shrunk": 1,
            "emptied": 0,
            "moved": 9,
            "newly_themed": 40,
        },
    )
    page = pm_client.get(reverse("engine_panel")).content.decode()
    assert "72" in page and "9 notes moved" in page
    pm_client.post(reverse("engine_run_now"))
    assert ClusteringRun.objects.filter(state="queued").count() == 1
    again = pm_client.post(reverse("engine_run_now"), follow=True).content.decode()
    assert "already queued" in again
    assert ClusteringRun.objects.filter(state="queued").count() == 1


def test_running_progress_is_polled_while_a_run_is_on(pm_client):
    ClusteringRun.objects.create(state="running", phase="embedding", progress=37)
    page = pm_client.get(reverse("engine_panel")).content.decode()
    assert 'hx-trigger="every 2s"' in page and "embedding 37%" in page


def test_a_rep_cannot_start_a_run(rep_client):
    assert rep_client.post(reverse("engine_run_now")).status_code == 403
    assert not ClusteringRun.objects.exists()


def test_the_theme_page_warns_when_revenue_comes_from_one_account(rep_client, rep):
    theme = ThemeFactory()
    big = DealFactory(amount=Decimal("90000"), stage="proposal")
    small = DealFactory(amount=Decimal("10000"), stage="proposal")
    for deal in (big, small):
        ThemeAssignment.objects.create(
            note=CallNoteFactory(author=rep, account=deal.account, deal=deal), theme=theme
        )
    store_theme_stats()
    page = rep_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    assert f"90% of the revenue comes from one account ({big.account.name})" in page
    assert "All notes come from one rep." in page and "Thin evidence" in page


@pytest.mark.parametrize("count", [1, 30])
def test_the_theme_page_uses_a_fixed_number_of_queries(
    pm_client, rep, count, django_assert_num_queries
):
    theme = ThemeFactory()
    for _ in range(count):
        deal = DealFactory()
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats()
    # ≤ 20, the budget of the dashboard issue, whatever the theme's size; the
    # win/loss and win-back panels are loaded apart (their counts are below);
    # one query reads the stored duplicate suggestions, one the statistics the worker
    # stored for the page (figures, top accounts, evidence), one the merges that may
    # be undone.
    with django_assert_num_queries(13 + REPORT_GUARD_QUERIES):
        assert pm_client.get(reverse("theme_page", args=[theme.pk])).status_code == 200


def test_the_overview_counts_the_period(pm_client, rep):
    account = AccountFactory(owner=rep)
    open_deal = DealFactory(account=account, amount=Decimal("5000"), stage="proposal")
    lost = DealFactory(account=account, amount=Decimal("7000"), stage="closed_lost")
    CallNoteFactory(author=rep, account=account, deal=open_deal)
    CallNoteFactory(author=rep, account=account, deal=open_deal)
    CallNoteFactory(author=rep, account=account, deal=lost)
    CallNoteFactory(author=rep, call_date=dt.date.today() - dt.timedelta(days=200))
    page = pm_client.get(reverse("overview"), {"period": "90"}).content.decode()
    assert ">3</div><div>notes in the last 90 days" in page
    assert ">1</div><div>accounts heard from" in page
    assert '<span title="$5,000">$5K</span></div><div>open pipeline touched' in page


def test_the_overview_shows_the_workers_snapshot_and_asks_for_a_new_one_when_stale(
    pm_client, rep, settings, monkeypatch
):
    from django.core.cache import cache

    from insights.analytics import overview, tasks
    from insights.analytics.models import OverviewSnapshot

    account = AccountFactory(owner=rep)
    CallNoteFactory(author=rep, account=account)
    overview.refresh()
    assert set(OverviewSnapshot.objects.values_list("period_days", flat=True)) == {
        30,
        90,
        180,
        365,
    }
    CallNoteFactory(author=rep, account=account)  # after the snapshot
    requested = []
    monkeypatch.setattr(tasks.refresh_overview, "delay", lambda: requested.append(True))
    cache.delete("overview-refresh-requested")

    page = pm_client.get(reverse("overview")).content.decode()
    assert ">1</div><div>notes in the last 90 days" in page and "Figures as of" in page
    assert requested == []  # fresh enough

    OverviewSnapshot.objects.update(computed_at=timezone.now() - dt.timedelta(hours=1))
    pm_client.get(reverse("overview"))
    pm_client.get(reverse("overview"))
    assert requested == [True]  # one request, however many stale views

    tasks.refresh_overview()
    page = pm_client.get(reverse("overview")).content.decode()
    assert ">2</div><div>notes in the last 90 days" in page


def test_an_unknown_period_falls_back_to_ninety_days(pm_client):
    page = pm_client.get(reverse("overview"), {"period": "7; DROP"}).content.decode()
    assert "notes in the last 90 days" in page


@pytest.mark.parametrize("count", [1, 30])
def test_the_overview_uses_a_fixed_number_of_queries(
    pm_client, rep, count, django_assert_num_queries
):
    from insights.analytics import overview

    for _ in range(count):
        theme = ThemeFactory()
        deal = DealFactory()
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats()
    overview.refresh()
    with django_assert_num_queries(7 + REPORT_GUARD_QUERIES):
        assert pm_client.get(reverse("overview")).status_code == 200


def test_the_menu_shows_reps_their_pages_and_product_managers_their_tools(rep_client, pm_client):
    rep_menu = rep_client.get(reverse("my_notes")).content.decode()
    for link in ["/notes/new/", "/my-requests/", "/win-back/", "/themes/", "/competitors/"]:
        assert f'href="{link}"' in rep_menu
    assert 'href="/inbox/"' not in rep_menu and 'href="/engine/"' not in rep_menu
    pm_menu = pm_client.get(reverse("dashboard")).content.decode()
    assert 'href="/inbox/"' in pm_menu and 'href="/engine/"' in pm_menu
    assert 'href="/win-back/"' not in pm_menu  # product managers log no calls


def test_notes_from_two_reps_in_different_segments_are_not_one_reps_evidence(
    rep_client, rep, other_rep
):
    theme = ThemeFactory()
    for author, segment in [(rep, "smb"), (other_rep, "enterprise"), (rep, "enterprise")]:
        note = CallNoteFactory(author=author, account=AccountFactory(segment=segment))
        ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats()
    page = rep_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    assert "All notes come from one rep." not in page


def test_the_inbox_lists_exactly_the_notes_no_theme_has_taken_newest_first(pm, rep):
    from insights.themes import note_moves, selectors

    theme = ThemeFactory()
    notes = [CallNoteFactory(author=rep, body=f"note {i}") for i in range(40)]
    themed = notes[::3]
    for note in themed:
        ThemeAssignment.objects.create(note=note, theme=theme)
    left_out_by_hand = themed[1]
    note_moves.notes_remove(theme=theme, note_ids=[left_out_by_hand.pk], actor=pm)
    waiting = [n.pk for n in notes if n not in themed]

    first = selectors.unthemed_notes(limit=25)
    second = selectors.unthemed_notes(limit=25, offset=25)
    assert [n.pk for n in first + second] == waiting[::-1]


def test_the_overviews_most_lost_revenue_follows_the_period_like_the_dashboard(pm_client, rep):
    old_loss, recent_loss = ThemeFactory(title="Old loss"), ThemeFactory(title="Recent loss")
    for theme, amount, days_ago in ((old_loss, "90000", 200), (recent_loss, "1000", 3)):
        deal = DealFactory(amount=Decimal(amount), stage="closed_lost")
        note = CallNoteFactory(
            author=rep,
            account=deal.account,
            deal=deal,
            call_date=dt.date.today() - dt.timedelta(days=days_ago),
        )
        ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats()

    month = pm_client.get(reverse("overview"), {"period": "30"}).content.decode()
    losing = month[month.index("Most lost revenue, last 30 days") :]
    assert "Recent loss" in losing and "Old loss" not in losing
    year = pm_client.get(reverse("overview"), {"period": "365"}).content.decode()
    losing = year[year.index("Most lost revenue, last 365 days") :]
    assert losing.index("Old loss") < losing.index("Recent loss")


def test_the_overviews_growing_themes_say_what_the_count_beside_the_chart_is(pm_client, rep):
    theme = ThemeFactory(title="Offline mode")
    today = dt.date.today()
    for days_ago in [35, 36, 37, 38, 39, 40, 1, 8, 9, 15, 16, 0, 0]:
        note = CallNoteFactory(author=rep, call_date=today - dt.timedelta(days=days_ago))
        ThemeAssignment.objects.create(note=note, theme=theme)
    store_theme_stats()
    page = pm_client.get(reverse("overview"), {"period": "90"}).content.decode()
    row = page[page.index("Offline mode") :]
    this_week = sum(1 for d in [1, 0, 0] if today - dt.timedelta(days=d) >= _monday(today))
    assert f"{this_week} this week</span>" in row[: row.index("</tr>")]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def test_the_overviews_competitor_rows_lead_to_each_competitors_page(pm_client, rep):
    from insights.analytics import overview
    from insights.analytics.models import OverviewSnapshot
    from tests.factories import CompetitorFactory

    rival = CompetitorFactory(name="Productboard")
    CallNoteFactory(author=rep).competitors.add(rival)
    page = pm_client.get(reverse("overview")).content.decode()
    assert f'<a href="{reverse("competitor_page", args=[rival.pk])}">Productboard</a>' in page
    # A snapshot stored before rows carried the id still shows the name.
    overview.refresh([90])
    stored = OverviewSnapshot.objects.get(period_days=90)
    stored.figures["competitors"] = [row[:2] for row in stored.figures["competitors"]]
    stored.save()
    page = pm_client.get(reverse("overview")).content.decode()
    assert "<td>Productboard</td>" in page
