"""The loop closes in a real browser: a product manager ships, the rep's bell rings."""

import time

import pytest

from insights.loop.models import Notification
from insights.themes.models import ThemeAssignment
from tests.browser.conftest import DESKTOP, SCREENSHOTS, log_in
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_rep_hears_that_a_theme_their_customer_asked_for_shipped(
    browser, live_server, celery_worker_process, pm, rep
):
    theme = ThemeFactory(title="Audit log export")
    account = AccountFactory(name="Acme Corp", owner=rep)
    deal = DealFactory(account=account, name="Acme expansion")
    note = CallNoteFactory(author=rep, account=account, deal=deal, body="They need audit logs.")
    # Put there by a person, so the engine's placement of the new note leaves it be.
    ThemeAssignment.objects.create(note=note, theme=theme, assigned_by="person", locked=True)

    pm_context = browser.new_context(viewport=DESKTOP)
    rep_context = browser.new_context(viewport=DESKTOP)
    try:
        as_rep = rep_context.new_page()
        as_rep.set_default_timeout(10_000)
        log_in(as_rep, live_server, rep.username)
        assert as_rep.locator("[data-testid=unread-count]").count() == 0

        as_pm = pm_context.new_page()
        as_pm.set_default_timeout(10_000)
        log_in(as_pm, live_server, pm.username)
        as_pm.goto(f"{live_server.url}/themes/{theme.pk}/")
        as_pm.select_option("select[name=status]", "shipped")
        as_pm.click("#triage button:has-text('Save changes')")
        as_pm.wait_for_selector("h1 .status:has-text('Shipped')")

        # The worker fans the change out after it commits; the rep's next page shows it.
        deadline = time.monotonic() + 30
        while not Notification.objects.filter(recipient=rep).exists():
            assert time.monotonic() < deadline, "the worker never notified the rep"
            time.sleep(0.2)
        as_rep.reload()
        assert as_rep.locator("[data-testid=unread-count]").inner_text() == "1"

        as_rep.click("a.bell")
        as_rep.click("text=Audit log export")
        as_rep.wait_for_selector("h1:has-text('is shipped')")
        assert as_rep.is_visible("text=Acme Corp") and as_rep.is_visible("text=Acme expansion")
        as_rep.screenshot(path=str(SCREENSHOTS / "notification.png"))
        assert as_rep.locator("[data-testid=unread-count]").count() == 0
    finally:
        pm_context.close()
        rep_context.close()
