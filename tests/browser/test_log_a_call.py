"""A rep logs a call in a real browser, on a laptop and on a phone."""

import pytest

from insights.notes.models import CallNote
from tests.browser.conftest import SCREENSHOTS, go_to, log_in, wait_for_htmx
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, TagFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rep_logs_a_call_finds_it_edits_it_and_cannot_edit_anothers(
    page, live_server, rep, other_rep
):
    account = AccountFactory(name="Initech", domain="initech.example", owner=rep)
    deal = DealFactory(account=account, name="Initech renewal", stage="negotiation")
    TagFactory(name="sso")
    theirs = CallNoteFactory(author=other_rep, body="Another rep's note")

    log_in(page, live_server, rep.username)
    go_to(page, "Log a call")
    wait_for_htmx(page)
    page.fill("#id_account", "Initech")
    page.press("#id_account", "Tab")
    page.wait_for_selector(f"#id_deal option[value='{deal.pk}']", state="attached")
    page.select_option("#id_deal", str(deal.pk))
    page.fill("#id_body", "Their CISO will not sign without SAML single sign-on via Okta.")
    page.fill("#id_tags", "SSO, okta rollout")
    page.check("input[name=importance][value=deal_blocker]")
    page.fill("#id_quote", "No SSO, no deal.")
    if page.viewport_name == "desktop":
        page.screenshot(path=str(SCREENSHOTS / "log-a-call.png"), full_page=True)
    page.click("button:has-text('Save note')")
    page.wait_for_selector("text=Saved.")
    assert page.is_visible("text=log another")

    note = CallNote.objects.get(author=rep)
    assert note.deal == deal and note.importance == "deal_blocker"
    assert sorted(note.tags.values_list("name", flat=True)) == ["okta rollout", "sso"]

    go_to(page, "My notes")
    page.wait_for_selector("text=Their CISO will not sign")
    page.click(f"a[href^='/notes/{note.pk}/edit/']")
    page.fill("#id_body", "Their CISO will not sign without SAML SSO; SCIM would be a bonus.")
    page.click("button:has-text('Save changes')")
    page.wait_for_selector("text=SCIM would be a bonus")
    note.refresh_from_db()
    assert "SCIM" in note.body

    response = page.goto(f"{live_server.url}/notes/{theirs.pk}/edit/")
    assert response.status == 403
    theirs.refresh_from_db()
    assert theirs.body == "Another rep's note"


@pytest.fixture
def instant_hint(monkeypatch):
    """A worker that answers hint look-ups at once: SAML drafts suggest SSO, seat drafts pricing."""
    from insights.themes import hint_views
    from insights.themes.pipeline import similar
    from tests.factories import ThemeFactory

    sso = ThemeFactory(title="Single sign-on (SAML)")
    pricing = ThemeFactory(title="Pricing instead of paying per seat")

    def like(text, **kwargs):
        theme = sso if "SAML" in text else pricing if "seat" in text else None
        return {"themes": [{"theme_id": theme.pk, "similarity": 0.8}] if theme else [], "notes": []}

    def answer_now(name, token, text, limit):
        similar.answer_hint(token=token, text=text, limit=limit)
        return True

    monkeypatch.setattr(similar, "similar_to_text", like)
    monkeypatch.setattr(hint_views, "enqueue_now", answer_now)
    return sso, pricing


def test_a_known_need_picked_then_written_away_is_cleared_not_joined(
    page, live_server, rep, instant_hint
):
    from insights.themes.models import ThemeAssignment

    sso, pricing = instant_hint
    AccountFactory(name="Granite Foods", owner=rep)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, rep.username)
    go_to(page, "Log a call")
    wait_for_htmx(page)
    page.fill("#id_account", "Granite Foods")
    page.fill("#id_body", "They need SAML single sign-on with Okta before rollout.")
    page.check(f"#similar input[name=theme][value='{sso.pk}']")

    page.fill(
        "#id_body", "Pricing per seat is too expensive for their 400 users, they want a flat fee."
    )
    page.wait_for_selector("text=no longer suggests it")
    assert page.locator(f"#similar input[name=theme][value='{sso.pk}']").count() == 0
    assert page.is_checked("#similar input[name=theme][value='']")  # "None of these"
    page.click("button:has-text('Save note')")
    page.wait_for_selector("text=Saved.")
    note = CallNote.objects.get(author=rep)
    assert not ThemeAssignment.objects.filter(note=note, theme=sso).exists()

    # A pick the rep makes and keeps still joins the theme as their decision.
    page.fill("#id_account", "Granite Foods")
    page.fill("#id_body", "Paying per seat does not work for them; they want one flat fee.")
    page.check(f"#similar input[name=theme][value='{pricing.pk}']")
    page.click("button:has-text('Save note')")
    page.wait_for_selector("text=Joined")
    kept = ThemeAssignment.objects.get(note=CallNote.objects.latest("pk"))
    assert (kept.theme, kept.locked, kept.assigned_by_user) == (pricing, True, rep)
    # Typing before any hint is shown sent nothing wrong, and said so in the console.
    assert not [e for e in errors if "hx-include" in e], errors


def test_an_accounts_deals_are_offered_before_the_rep_leaves_the_account_field(
    page, live_server, rep
):
    """Picking a suggested account and going straight to Deal must not show "No deal" only:
    a phone's deal list opened then would not update while it is open."""
    account = AccountFactory(name="Initech", owner=rep)
    deal = DealFactory(account=account, name="Initech renewal", stage="negotiation")
    log_in(page, live_server, rep.username)
    page.goto(f"{live_server.url}/notes/new/")
    wait_for_htmx(page)
    page.fill("#id_account", "Initech")  # what picking a suggestion does: no change event yet
    page.wait_for_selector(f"#id_deal option[value='{deal.pk}']", state="attached")
    assert page.evaluate("document.activeElement.id") == "id_account"
