"""A product manager runs triage in a real browser; a rep only reads."""

from decimal import Decimal

import pytest

from insights.themes.models import Theme, ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.browser.conftest import DESKTOP, SCREENSHOTS, log_in
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def themes(rep):
    made = {}
    for title, segment, amount in [
        ("Okta SSO", "enterprise", "250000"),
        ("SAML login", "enterprise", "120000"),
        ("Mobile app", "smb", "20000"),
    ]:
        theme = ThemeFactory(title=title)
        account = AccountFactory(owner=rep, segment=segment)
        deal = DealFactory(account=account, amount=Decimal(amount), stage="negotiation")
        for i in range(3):
            note = CallNoteFactory(
                author=rep, account=account, deal=deal, body=f"{title}: customer need #{i}"
            )
            ThemeAssignment.objects.create(note=note, theme=theme)
        made[title] = theme
    store_theme_stats()
    return made


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_product_manager_triages_and_sees_every_change_in_the_timeline(
    desktop, live_server, pm, rep, themes
):
    page = desktop
    log_in(page, live_server, pm.username)
    page.click("nav >> text=Dashboard")
    page.select_option("select[name=segment]", "enterprise")
    page.click("button:has-text('Show')")
    page.wait_for_url("**segment=enterprise**")
    assert page.is_visible("text=Okta SSO") and not page.is_visible("text=Mobile app")
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"))

    page.click("text=Okta SSO")
    okta = themes["Okta SSO"]
    page.fill("#triage input[name=title]", "Enterprise single sign-on")
    page.click("#triage button:has-text('Save changes')")
    page.wait_for_selector("h1:has-text('Enterprise single sign-on')")
    assert page.is_visible(".timeline >> text=Renamed")

    # Merge "SAML login" into this theme from its own page.
    page.goto(f"{live_server.url}/themes/{themes['SAML login'].pk}/")
    page.fill("#triage input[name=target_text]", f"Enterprise single sign-on (#{okta.pk})")
    page.click("#triage button:has-text('Merge…')")
    page.click("button:has-text('Merge into')")  # the confirmation
    page.wait_for_url(f"**/themes/{okta.pk}/#triage")
    assert page.is_visible(".timeline >> text=merged in")
    assert Theme.objects.get(pk=themes["SAML login"].pk).merged_into_id == okta.pk

    # Move one note out, to "Mobile app".
    mobile = themes["Mobile app"]
    page.locator("input[name=note]").first.check()
    page.fill("#notes-form input[name=target_text]", f"Mobile app (#{mobile.pk})")
    page.click("button:has-text('Move')")
    page.wait_for_selector(".timeline >> text=Notes moved")
    assert ThemeAssignment.objects.filter(theme=mobile, locked=True).count() == 1

    page.select_option("#triage select[name=status]", "planned")
    page.click("#triage button:has-text('Save changes')")
    page.wait_for_selector("h1 .status:has-text('Planned')")
    assert page.is_visible(".timeline >> text=Status changed")
    page.screenshot(path=str(SCREENSHOTS / "theme.png"))

    okta.refresh_from_db()
    assert (okta.title, okta.status) == ("Enterprise single sign-on", "planned")


def test_a_rep_reads_the_theme_page_without_triage_controls(desktop, live_server, rep, themes):
    page = desktop
    log_in(page, live_server, rep.username)
    page.goto(f"{live_server.url}/themes/{themes['Okta SSO'].pk}/")
    page.wait_for_selector("h1:has-text('Okta SSO')")
    assert page.locator("#triage").count() == 0
    assert page.locator("input[name=note]").count() == 0
    assert page.is_visible("text=Okta SSO: customer need #0")
    # The win/loss panel comes from analytics, loaded into the page once it is shown.
    page.wait_for_selector("#winloss-title:has-text('Win/loss of deals citing this theme')")
    assert page.locator("text=Loading win/loss").count() == 0


def test_a_refused_decline_keeps_what_was_chosen_and_takes_the_cursor_to_the_reason(
    desktop, live_server, pm, themes
):
    page = desktop
    log_in(page, live_server, pm.username)
    page.goto(f"{live_server.url}/themes/{themes['Mobile app'].pk}/")
    page.select_option("#triage select[name=status]", "declined")
    page.fill("#triage textarea[name=decision]", "Not for phones yet")
    page.click("#triage button:has-text('Save changes')")
    page.wait_for_selector("#reason-error")
    assert "Say why it is declined" in page.inner_text("#reason-error")
    assert page.input_value("#triage select[name=status]") == "declined"
    assert page.input_value("#triage textarea[name=decision]") == "Not for phones yet"
    assert page.evaluate("() => document.activeElement.name") == "reason"
    assert Theme.objects.get(pk=themes["Mobile app"].pk).status == "new"


def test_the_merge_box_takes_part_of_a_title_and_keeps_what_did_not_fit(
    desktop, live_server, pm, themes
):
    page = desktop
    log_in(page, live_server, pm.username)
    page.goto(f"{live_server.url}/themes/{themes['SAML login'].pk}/")
    page.fill("#triage input[name=target_text]", "zzz")
    page.click("#triage button:has-text('Merge…')")
    page.wait_for_selector("#merge-error")
    assert page.input_value("#triage input[name=target_text]") == "zzz"
    assert page.evaluate("() => document.activeElement.name") == "target_text"

    page.fill("#triage input[name=target_text]", "okta")
    page.click("#triage button:has-text('Merge…')")
    page.click("button:has-text('Merge into')")  # the confirmation names Okta SSO
    okta = themes["Okta SSO"]
    page.wait_for_url(f"**/themes/{okta.pk}/#triage")
    assert Theme.objects.get(pk=themes["SAML login"].pk).merged_into_id == okta.pk
    assert page.locator("text=Merged “SAML login” into this theme").count() == 1
