"""After a failed submit, focus is on the first field to fix and its error is read with it."""

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.conftest import log_in, wait_for_htmx
from tests.factories import CallNoteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused_field_and_description(page) -> tuple[str, str]:
    """The focused element's id, and the text of what its aria-describedby points to."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
            return [el.id, ids.map(id => document.getElementById(id)?.innerText || '').join(' ')];
        }"""
    )


def test_my_notes_focus_the_end_date_when_it_is_before_the_start(page, live_server, rep):
    CallNoteFactory(author=rep)
    log_in(page, live_server, rep.username)
    page.goto(f"{live_server.url}/notes/mine/")
    if page.viewport_name == "phone":
        page.click("summary:has-text('Filters')")  # folded away on a phone
    page.fill("#id_date_from", "2026-03-01")
    page.fill("#id_date_to", "2026-02-01")
    page.click("button:has-text('Filter')")
    page.wait_for_selector("#id_date_to_error")
    field, description = _focused_field_and_description(page)
    assert field == "id_date_to"
    assert "The end date is before the start date." in description
    assert_accessible(page)


def test_a_wrong_password_focuses_the_username_and_says_why(page, live_server, rep):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", rep.username)
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    page.wait_for_selector("#login-error")
    field, description = _focused_field_and_description(page)
    assert field == "id_username" and "didn't match" in description
    assert_accessible(page)


def test_a_password_change_error_is_tied_to_its_field(page, live_server, rep):
    log_in(page, live_server, rep.username)
    page.goto(f"{live_server.url}/accounts/password_change/")
    page.fill("#id_old_password", "secret-pass-123")
    page.fill("#id_new_password1", "a-long-new-password-2026")
    page.fill("#id_new_password2", "a-different-password-2026")
    page.click("main button[type=submit]")
    page.wait_for_selector(".errorlist")
    field, description = _focused_field_and_description(page)
    assert field == "id_new_password2" and "didn’t match" in description.replace("'", "’")
    assert_accessible(page)


def test_log_a_call_focuses_an_unknown_account_and_reads_its_error(page, live_server, rep):
    log_in(page, live_server, rep.username)
    page.goto(f"{live_server.url}/notes/new/")
    wait_for_htmx(page)
    page.fill("#id_account", "Nobody Knows This Company")
    page.fill("#id_body", "They asked for an export of every admin action to their SIEM.")
    page.check("input[name=importance][value=important]")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_selector(".field .error")
    field, description = _focused_field_and_description(page)
    assert field == "id_account" and description.strip()
