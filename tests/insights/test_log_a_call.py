"""A rep logs a call in the browser form: one request, clear errors, nothing half-written."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from deals.models import Account
from insights.notes import rules
from insights.notes.forms import draft_fingerprint
from insights.notes.models import CallNote, Tag
from tests.factories import AccountFactory, CompetitorFactory, DealFactory, TagFactory
from tests.insights.log_call_form import BODY, post_log_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(rep):
    return AccountFactory(name="Northwind Analytics", domain="northwind.example", owner=rep)


def _post(client, **fields):
    return post_log_call(client, **{"account": "Northwind Analytics", **fields})


def test_a_rep_logs_a_call_with_an_existing_and_a_new_tag(rep_client, rep, account):
    TagFactory(name="sso")
    deal = DealFactory(account=account)
    rival = CompetitorFactory(name="Productboard")
    response = _post(
        rep_client,
        deal=deal.pk,
        tags="SSO, security review",
        competitors=[rival.pk],
        quote="No SSO, no deal.",
        importance="deal_blocker",
    )
    assert response.status_code == 302
    note = CallNote.objects.get()
    assert (note.author, note.account, note.deal) == (rep, account, deal)
    assert sorted(note.tags.values_list("name", flat=True)) == ["security review", "sso"]
    assert Tag.objects.filter(name="sso").count() == 1  # "SSO" reused the existing tag
    assert list(note.competitors.all()) == [rival]
    assert note.importance == "deal_blocker" and note.quote == "No SSO, no deal."

    confirmation = rep_client.get(response["Location"])
    assert b"Saved." in confirmation.content and b"log another" in confirmation.content


def test_the_account_can_be_picked_by_name_and_domain(rep_client, account):
    AccountFactory(name="Northwind Analytics", domain="other.example")
    response = _post(rep_client, account="Northwind Analytics (northwind.example)")
    assert response.status_code == 302
    assert CallNote.objects.get().account == account


def test_a_new_prospect_is_created_inline(rep_client, rep):
    response = _post(rep_client, account="Globex Corp", new_prospect="on")
    assert response.status_code == 302
    globex = Account.objects.get(name="Globex Corp")
    assert globex.lifecycle == "prospect" and globex.owner == rep
    assert CallNote.objects.get().account == globex


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "   "}, "the note cannot be empty"),
        ({"body": "x" * 10_001}, "A note can have at most 10,000 characters."),
        ({"quote": "q" * 1001}, "A quote can have at most 1,000 characters."),
        ({"tags": ",".join(f"t{i}" for i in range(21))}, "At most 20 tags"),
        ({"tags": "x" * 41}, "has 41 characters; a tag can have at most 40."),
        ({"call_date": (dt.date.today() + dt.timedelta(days=1)).isoformat()}, "cannot be in the"),
        ({"account": "Nobody Inc"}, "No account with this name"),
        # A form sent without the browser's checks (no script, an old browser) hears
        # which field and what to do, not Django's "This field is required."
        ({"account": ""}, "Type the customer's account"),
        ({"call_date": ""}, "Give the date of the call."),
        ({"call_date": "2026-02-30"}, "That call date is not on the calendar"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(rep_client, account, fields, message):
    response = _post(rep_client, **fields)
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert "This field is required." not in response.content.decode()
    assert not CallNote.objects.exists()


def test_a_deal_of_another_account_is_refused(rep_client, account):
    other = DealFactory()
    response = _post(rep_client, deal=other.pk)
    assert response.status_code == 200
    assert not CallNote.objects.exists()
    # The rule's own sentence, as the API says it, not "Select a valid choice".
    page = unescape(response.content.decode())
    assert rules.DEAL_OF_ANOTHER_ACCOUNT in page
    assert "Select a valid choice" not in page


def test_a_product_manager_cannot_log_calls(pm_client, account):
    assert pm_client.get(reverse("log_call")).status_code == 403
    assert _post(pm_client).status_code == 403
    assert not CallNote.objects.exists()


def test_type_ahead_offers_existing_tags_whatever_the_case(rep_client):
    TagFactory(name="sso")
    TagFactory(name="pricing")
    response = rep_client.get(reverse("suggest_tags"), {"tags": "pricing, SS"})
    assert '<option value="pricing, sso">' in response.content.decode()


def test_type_ahead_offers_accounts_and_their_deals_open_first(rep_client, account):
    lost = DealFactory(account=account, name="Old one", stage="closed_lost")
    open_deal = DealFactory(account=account, name="Expansion", stage="proposal")
    names = rep_client.get(reverse("suggest_accounts"), {"account": "north"}).content.decode()
    assert "Northwind Analytics (northwind.example)" in names
    deals = rep_client.get(reverse("deal_options"), {"account": "Northwind Analytics"})
    html = deals.content.decode()
    assert html.index(open_deal.name) < html.index(lost.name)


def test_html_in_a_note_is_shown_as_text(rep_client, rep, account):
    _post(rep_client, body="<script>alert('x')</script> wants SSO")
    page = rep_client.get(reverse("my_notes")).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


@pytest.fixture
def queued(monkeypatch):
    """Hint look-ups queued by the page, recorded instead of sent to a worker."""
    from insights.themes import hint_views

    sent = []

    def record(name, *args):
        sent.append(args)
        return True  # queued (enqueue_now answers None when the broker refused)

    monkeypatch.setattr(hint_views, "enqueue_now", record)
    return sent


def _worker_answers(queued, monkeypatch, themes):
    """Do what the worker does with the last queued look-up, with a known answer."""
    from insights.themes.pipeline import similar
    from insights.themes.tasks import answer_draft_hint

    monkeypatch.setattr(similar, "similar_to_text", lambda **kw: {"themes": themes, "notes": []})
    answer_draft_hint(*queued[-1])


def _poll_url(html: str) -> str:
    import re

    return re.search(r'hx-get="([^"]+)"', html)[1].replace("&amp;", "&")


def test_a_draft_like_a_known_need_shows_that_theme_to_pick(rep_client, queued, monkeypatch):
    from tests.factories import ThemeFactory

    theme = ThemeFactory(title="Single sign-on", status="planned")
    page = rep_client.get(
        reverse("similar_to_draft"), {"body": "They want Okta SAML login.", "pick": "1"}
    ).content.decode()
    assert "Looking for known needs" in page and len(queued) == 1
    # Until the worker answers, the page asks again.
    waiting = rep_client.get(_poll_url(page)).content.decode()
    assert "Looking for known needs" in waiting and "tries=2" in waiting

    _worker_answers(queued, monkeypatch, [{"theme_id": theme.pk, "similarity": 0.81}])
    html = rep_client.get(_poll_url(waiting)).content.decode()
    assert "This need is already known" in html and "Single sign-on" in html and "Planned" in html
    assert f'type="radio" name="theme" value="{theme.pk}"' in html


def test_a_pick_stays_when_the_new_text_still_suggests_it(rep_client, queued, monkeypatch):
    from tests.factories import ThemeFactory

    picked, other = ThemeFactory(title="Okta single sign-on"), ThemeFactory(title="SCIM")
    page = rep_client.get(
        reverse("similar_to_draft"),
        {"body": "They want Okta SAML login, and SCIM.", "pick": "1", "theme": picked.pk},
    ).content.decode()
    assert f'<input type="hidden" name="theme" value="{picked.pk}">' in page  # while waiting
    answer = [{"theme_id": other.pk, "similarity": 0.7}, {"theme_id": picked.pk, "similarity": 0.6}]
    _worker_answers(queued, monkeypatch, answer)
    html = rep_client.get(_poll_url(page)).content.decode()
    assert f'value="{picked.pk}" checked' in html and "SCIM" in html
    draft = draft_fingerprint("They want Okta SAML login, and SCIM.")
    assert f'name="theme_for" value="{draft}"' in html


def test_a_pick_the_rewritten_note_no_longer_suggests_is_cleared_visibly(
    rep_client, queued, monkeypatch
):
    from tests.factories import ThemeFactory

    sso, pricing = ThemeFactory(title="Single sign-on (SAML)"), ThemeFactory(title="Flat pricing")
    rewritten = "Pricing per seat is too expensive for their 400 users, they want a flat fee."
    page = rep_client.get(
        reverse("similar_to_draft"), {"body": rewritten, "pick": "1", "theme": sso.pk}
    ).content.decode()
    _worker_answers(queued, monkeypatch, [{"theme_id": pricing.pk, "similarity": 0.8}])
    html = rep_client.get(_poll_url(page)).content.decode()
    assert "Flat pricing" in html and f'value="{sso.pk}"' not in html
    assert "You had picked <em>Single sign-on (SAML)</em>" in html and "cleared" in html
    assert 'value="" checked' in html  # "None of these"


def test_a_pick_is_cleared_when_the_draft_is_wiped(rep_client):
    from tests.factories import ThemeFactory

    sso = ThemeFactory(title="Single sign-on (SAML)")
    html = rep_client.get(
        reverse("similar_to_draft"), {"body": "", "pick": "1", "theme": sso.pk}
    ).content.decode()
    assert f'value="{sso.pk}"' not in html and "You had picked" in html


def test_saving_a_pick_made_for_other_words_asks_and_pins_nothing(rep_client, account):
    from insights.themes.models import ThemeAssignment
    from tests.factories import ThemeFactory

    sso = ThemeFactory(title="Single sign-on (SAML)")
    response = _post(
        rep_client,
        body="Pricing per seat is too expensive for their 400 users, they want a flat fee.",
        theme=sso.pk,
        theme_for=draft_fingerprint("They need SAML single sign-on with Okta before rollout."),
    )
    assert response.status_code == 200
    assert "You changed the note after picking a known need" in response.content.decode()
    assert not CallNote.objects.exists() and not ThemeAssignment.objects.exists()


def test_no_hint_when_the_worker_does_not_answer_in_time(rep_client, queued):
    from insights.themes.hint_views import POLL_TRIES

    page = rep_client.get(
        reverse("draft_hint", args=["never-answered"]), {"tries": POLL_TRIES}
    ).content.decode()
    assert "already known" not in page and "hx-get" not in page


def test_no_hint_and_no_error_when_the_queue_is_down(rep_client, monkeypatch):
    from kombu.exceptions import OperationalError

    from insights.themes.tasks import answer_draft_hint

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    # The broker itself refuses: feedbackhub.queue swallows it and hands back None.
    monkeypatch.setattr(answer_draft_hint, "delay", down)
    page = rep_client.get(reverse("similar_to_draft"), {"body": "They want Okta SAML login."})
    assert page.status_code == 200 and "hx-get" not in page.content.decode()


def test_the_hint_request_returns_without_waiting_for_a_worker(rep_client):
    # The real queue, and no worker at all: the page still answers at once.
    import time

    from feedbackhub.celery import app

    started = time.monotonic()
    page = rep_client.get(reverse("similar_to_draft"), {"body": "They want Okta SAML login."})
    elapsed = time.monotonic() - started
    app.control.purge()  # leave no look-up behind for a later test's worker
    assert page.status_code == 200 and "Looking for known needs" in page.content.decode()
    assert elapsed < 1.0


def test_a_rep_says_which_known_need_a_note_is_and_it_joins_that_theme(rep_client, rep, account):
    from insights.themes.models import ThemeAssignment
    from tests.factories import ThemeFactory

    theme = ThemeFactory(title="Okta single sign-on", status="planned")
    response = _post(rep_client, theme=theme.pk, theme_for=draft_fingerprint(BODY))
    assert response.status_code == 302
    assignment = ThemeAssignment.objects.get(note=CallNote.objects.get())
    assert (assignment.theme, assignment.locked, assignment.assigned_by_user) == (theme, True, rep)
    assert theme.events.filter(kind="notes_added", actor=rep).exists()
    confirmation = rep_client.get(response["Location"]).content.decode()
    assert "Joined <em>Okta single sign-on</em> — Planned." in confirmation


def test_a_need_merged_meanwhile_is_joined_through_its_survivor(rep_client, pm, account):
    from insights.themes import triage
    from insights.themes.models import ThemeAssignment
    from tests.factories import ThemeFactory

    picked, survivor = ThemeFactory(), ThemeFactory(title="Okta single sign-on")
    triage.theme_merge(source=picked, target=survivor, actor=pm)
    assert _post(rep_client, theme=picked.pk, theme_for=draft_fingerprint(BODY)).status_code == 302
    assert ThemeAssignment.objects.get().theme == survivor


def test_a_need_gone_meanwhile_does_not_stop_the_note(rep_client, account):
    from insights.themes.models import ThemeAssignment

    assert _post(rep_client, theme=999_999, theme_for=draft_fingerprint(BODY)).status_code == 302
    assert CallNote.objects.count() == 1 and not ThemeAssignment.objects.exists()


def test_log_a_call_from_a_deals_page_starts_with_its_account_and_deal(rep_client, rep):
    account = AccountFactory(name="Initech", domain="initech.example", owner=rep)
    deal = DealFactory(account=account, name="Initech renewal")
    page = rep_client.get(reverse("deal_detail", args=[deal.pk])).content.decode()
    link = f"{reverse('log_call')}?account={account.pk}&amp;deal={deal.pk}"
    assert f'href="{link}">Log a call</a>' in page

    form = rep_client.get(reverse("log_call"), {"account": account.pk, "deal": deal.pk})
    html = form.content.decode()
    assert 'value="Initech (initech.example)"' in html
    assert f'<option value="{deal.pk}" selected>' in html


def test_log_a_call_from_an_accounts_page_starts_with_the_account(rep_client, rep):
    account = AccountFactory(name="Initech", domain="", owner=rep)
    page = rep_client.get(reverse("account_detail", args=[account.pk])).content.decode()
    assert f'href="{reverse("log_call")}?account={account.pk}">Log a call</a>' in page
    html = rep_client.get(reverse("log_call"), {"account": account.pk}).content.decode()
    assert 'value="Initech"' in html


@pytest.mark.parametrize("query", [{"account": "999999"}, {"account": "x"}, {"deal": "1"}])
def test_log_a_call_ignores_an_account_that_names_nothing(rep_client, query):
    response = rep_client.get(reverse("log_call"), query)
    assert response.status_code == 200
    assert re.search(r'id="id_account"[^>]*value=""', response.content.decode())


def test_a_deal_of_another_account_is_not_filled_in(rep_client, rep):
    account = AccountFactory(name="Initech", owner=rep)
    elsewhere = DealFactory(name="Globex renewal")
    html = rep_client.get(
        reverse("log_call"), {"account": account.pk, "deal": elsewhere.pk}
    ).content.decode()
    assert "Globex renewal" not in html


def test_a_product_manager_is_not_offered_to_log_a_call_from_an_account(pm_client):
    account = AccountFactory(name="Initech")
    page = pm_client.get(reverse("account_detail", args=[account.pk])).content.decode()
    assert ">Log a call</a>" not in page
