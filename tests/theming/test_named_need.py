"""A rep says which known need a note is: the note stays there, whatever runs decide."""

import pytest
from django.urls import reverse

from insights.notes.forms import draft_fingerprint
from insights.notes.models import CallNote
from insights.themes.models import Theme, ThemeAssignment
from tests.factories import AccountFactory
from tests.theming.conftest import run_now

pytestmark = pytest.mark.django_db


def test_a_note_attached_from_the_hint_stays_put_through_runs(themed, rep, rep_client):
    export = ThemeAssignment.objects.get(
        note=next(n for n in themed if "export reports to Excel" in n.body)
    ).theme
    Theme.objects.filter(pk=export.pk).update(status="planned")
    account = AccountFactory(owner=rep, name="Initech")
    # Mostly about single sign-on, so the engine alone would put it there;
    # the rep knows the customer's real ask is the planned export.
    body = "Security will not sign without SAML single sign-on through Okta; and Excel reports."
    response = rep_client.post(
        reverse("log_call"),
        {
            "account": account.name,
            "call_date": "2026-10-02",
            "body": body,
            "importance": "important",
            "theme": export.pk,
            "theme_for": draft_fingerprint(body),  # the hint offered it for these words
        },
    )
    assert response.status_code == 302
    note = CallNote.objects.get(body=body)
    for _ in range(2):
        run_now()
        assignment = ThemeAssignment.objects.get(note=note)
        assert (assignment.theme_id, assignment.locked) == (export.pk, True)
    assert "— Planned." in rep_client.get(response["Location"]).content.decode()
