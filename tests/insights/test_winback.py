"""When a theme ships, the deals lost over it become a win-back list for their reps."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from deals.models import Deal, Stage
from insights.loop import tasks, winback
from insights.loop.models import WinBackTask
from insights.themes import triage
from insights.themes.models import ThemeAssignment
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _lost(owner, name, amount, days_ago, reason="Needed SSO"):
    deal = DealFactory(
        account=AccountFactory(owner=owner),
        name=name,
        amount=Decimal(amount),
        stage=Stage.CLOSED_LOST,
        loss_reason=reason,
    )
    Deal.objects.filter(pk=deal.pk).update(closed_at=timezone.now() - dt.timedelta(days=days_ago))
    deal.refresh_from_db()
    return deal


def _cite(theme, deal, author, quote=""):
    note = CallNoteFactory(author=author, account=deal.account, deal=deal, quote=quote)
    ThemeAssignment.objects.create(note=note, theme=theme)
    return note


@pytest.fixture
def shipped(rep, other_rep, pm, eager_tasks, django_capture_on_commit_callbacks):
    """A theme cited by lost, won and open deals, then shipped."""
    theme = ThemeFactory(title="Audit log")
    recent = _lost(rep, "Acme", "40000", days_ago=30)
    _cite(theme, recent, rep)
    _cite(theme, recent, rep, quote="No audit log, no deal.")
    _cite(theme, recent, rep)
    older = _lost(other_rep, "Globex", "25000", days_ago=300)
    _cite(theme, older, other_rep)
    too_old = _lost(rep, "Initech", "90000", days_ago=400)
    _cite(theme, too_old, rep)
    _lost(rep, "Umbrella", "5000", days_ago=10)  # lost, but never cited the theme
    _cite(theme, DealFactory(account=AccountFactory(owner=rep), stage=Stage.CLOSED_WON), rep)
    _cite(theme, DealFactory(account=AccountFactory(owner=rep)), rep)  # still open
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    return theme


def test_shipping_lists_each_deal_lost_in_the_last_twelve_months_that_cited_the_theme(
    shipped, rep, other_rep
):
    tasks_ = {t.deal.name: t for t in WinBackTask.objects.select_related("deal")}
    assert set(tasks_) == {"Acme", "Globex"}
    acme = tasks_["Acme"]
    assert (acme.owner, acme.lost_amount, acme.loss_reason) == (rep, Decimal("40000"), "Needed SSO")
    assert acme.quote == "No audit log, no deal."  # the customer's own words are preferred
    assert tasks_["Globex"].owner == other_rep
    assert tasks_["Globex"].quote.startswith("They need single sign-on")  # no quote: the note


def test_shipping_again_adds_no_duplicates(shipped, pm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=shipped, status="in_progress", actor=pm)
    shipped.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=shipped, status="shipped", actor=pm)
    for event in shipped.events.filter(kind="status"):
        tasks.theme_status_fan_out(event.pk)
    assert WinBackTask.objects.count() == 2


def test_a_deal_reopened_from_the_list_and_won_counts_as_recovered_revenue(shipped, rep):
    task = WinBackTask.objects.get(deal__name="Acme")
    assert winback.recovered_revenue([shipped.pk]) == {}

    winback.reopen(task, actor=rep)
    task.deal.refresh_from_db()
    assert task.deal.stage == Stage.QUALIFICATION and task.deal.closed_at is None
    assert task.deal.loss_reason == ""  # kept on the task instead
    assert winback.recovered_revenue([shipped.pk]) == {}  # reopened is not won yet

    winback.close(task, actor=rep, won=True)
    assert winback.recovered_revenue([shipped.pk]) == {shipped.pk: Decimal("40000")}


def test_a_deal_won_without_being_reopened_from_the_list_is_not_recovered(shipped):
    deal = Deal.objects.get(name="Globex")
    deal.stage = Stage.CLOSED_WON
    deal.loss_reason = ""
    deal.closed_at = None
    deal.save()
    assert winback.recovered_revenue([shipped.pk]) == {}


def test_only_the_deals_owner_works_its_win_back(shipped, other_rep, rep_client):
    theirs = WinBackTask.objects.get(deal__name="Globex")
    response = rep_client.post(reverse("winback_action", args=[theirs.pk]), {"action": "reopen"})
    assert response.status_code == 403
    theirs.deal.refresh_from_db()
    assert theirs.deal.stage == Stage.CLOSED_LOST
    theirs.refresh_from_db()
    assert theirs.state == "open"


def test_the_rep_works_the_list_in_the_browser(shipped, rep, rep_client):
    page = rep_client.get(reverse("winback")).content.decode()
    assert "Acme" in page and "No audit log, no deal." in page
    assert "Globex" not in page  # another rep's deal

    task = WinBackTask.objects.get(deal__name="Acme")
    url = reverse("winback_action", args=[task.pk])
    assert rep_client.post(url, {"action": "reopen"}).status_code == 302
    again = rep_client.post(url, {"action": "reopen"}, follow=True).content.decode()
    assert "already reopened" in again
    rep_client.post(url, {"action": "won"})
    task.deal.refresh_from_db()
    assert task.deal.stage == Stage.CLOSED_WON
    assert "Recovered so far: <strong>$40,000</strong>" in (
        rep_client.get(reverse("winback")).content.decode()
    )
    # The theme page loads its win-back panel from the loop's partial.
    theme_page = rep_client.get(reverse("theme_page", args=[shipped.pk])).content.decode()
    partial_url = reverse("theme_winback", args=[shipped.pk])
    assert f'hx-get="{partial_url}"' in theme_page
    panel = rep_client.get(partial_url).content.decode()
    assert "Win-back" in panel and "<dt>Recovered</dt><dd>$40,000</dd>" in panel


def test_a_reopened_deal_can_be_lost_again_with_a_reason(shipped, rep, rep_client):
    task = WinBackTask.objects.get(deal__name="Acme")
    url = reverse("winback_action", args=[task.pk])
    rep_client.post(url, {"action": "reopen"})
    rep_client.post(url, {"action": "lost", "loss_reason": "Went with a rival"})
    task.deal.refresh_from_db()
    assert (task.deal.stage, task.deal.loss_reason) == (Stage.CLOSED_LOST, "Went with a rival")
    assert winback.recovered_revenue([shipped.pk]) == {}


def test_dismissing_takes_it_off_the_list(shipped, rep, rep_client):
    task = WinBackTask.objects.get(deal__name="Acme")
    rep_client.post(reverse("winback_action", args=[task.pk]), {"action": "dismiss"})
    assert "Acme" not in rep_client.get(reverse("winback")).content.decode()
    response = rep_client.post(
        reverse("winback_action", args=[task.pk]), {"action": "explode"}, follow=True
    )
    assert "Unknown action" in response.content.decode()


def test_a_deal_no_longer_lost_cannot_be_reopened(shipped, rep):
    task = WinBackTask.objects.get(deal__name="Acme")
    Deal.objects.filter(pk=task.deal_id).update(stage=Stage.NEGOTIATION, loss_reason="")
    with pytest.raises(Exception, match="not lost any more"):
        winback.reopen(task, actor=rep)


def test_a_long_win_back_list_shows_the_ten_biggest_and_offers_the_rest(
    rep, pm, rep_client, eager_tasks, django_capture_on_commit_callbacks
):
    theme = ThemeFactory(title="Audit log")
    for i in range(12):
        _cite(theme, _lost(rep, f"Deal {i:02}", 1000 + i, days_ago=20), rep)
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    url = reverse("theme_winback", args=[theme.pk])
    panel = rep_client.get(url).content.decode()
    assert panel.count("<tr><td>") == 10 and "Deal 11" in panel and "Deal 00" not in panel
    assert "The 10 biggest of 12 lost deals." in panel and f'hx-get="{url}?all=1"' in panel
    everything = rep_client.get(url, {"all": "1"}).content.decode()
    assert everything.count("<tr><td>") == 12 and "Show all" not in everything
