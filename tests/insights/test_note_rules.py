"""A broken rule of a note reads the same from the service, form, API and CSV import."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from insights.notes import rules, services
from insights.notes.models import CallNote
from tests.api.conftest import token_client
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

TOMORROW = dt.date.today() + dt.timedelta(days=1)
# What a date input makes of "20/11/26": the year 26.
TWO_DIGIT_YEAR = dt.date(26, 11, 20)

# (what is wrong, the field it concerns, the message everyone shows)
CASES = {
    "blank body": ({"body": "   "}, "body", rules.BODY_EMPTY),
    "long body": ({"body": "x" * 10_001}, "body", rules.BODY_TOO_LONG),
    "long quote": ({"quote": "q" * 1_001}, "quote", rules.QUOTE_TOO_LONG),
    "many tags": ({"tags": [f"t{i}" for i in range(21)]}, "tags", rules.TOO_MANY_TAGS),
    "long tag": (
        {"tags": ["sso", "x" * 41]},
        "tags",
        "The tag “" + "x" * 41 + "” has 41 characters; a tag can have at most 40.",
    ),
    "future call": ({"call_date": TOMORROW}, "call_date", rules.CALL_DATE_IN_FUTURE),
    "two-digit year": ({"call_date": TWO_DIGIT_YEAR}, "call_date", rules.CALL_DATE_TOO_OLD),
}


@pytest.fixture
def account(rep):
    return AccountFactory(name="Initech", domain="initech.example", owner=rep)


def _note(account, **change):
    body = "Wants SSO with Okta."
    return {"body": body, "quote": "", "tags": [], "call_date": dt.date.today(), **change}


def test_the_limits_are_those_the_messages_state():
    assert (rules.BODY_MAX, rules.QUOTE_MAX, rules.TAG_MAX, rules.TAGS_PER_NOTE_MAX) == (
        10_000,
        1_000,
        40,
        20,
    )
    assert rules.BODY_TOO_LONG == "A note can have at most 10,000 characters."
    assert rules.QUOTE_TOO_LONG == "A quote can have at most 1,000 characters."


@pytest.mark.parametrize("case", CASES)
def test_the_service_refuses_with_the_rule_message(rep, account, case):
    change, field, message = CASES[case]
    with pytest.raises(ValidationError) as excinfo:
        services.note_create(author=rep, account=account, **_note(account, **change))
    assert excinfo.value.message_dict[field] == [message]
    assert not CallNote.objects.exists()


@pytest.mark.parametrize("case", CASES)
def test_the_log_a_call_form_shows_the_rule_message(rep_client, account, case):
    change, field, message = CASES[case]
    note = _note(account, **change)
    data = {
        **note,
        "account": "Initech",
        "importance": "important",
        "call_date": note["call_date"].isoformat(),
        "tags": ", ".join(note["tags"]),
    }
    page = rep_client.post(reverse("log_call"), data).content.decode()
    assert f'<p class="error" id="id_{field}_error">{escape(message)}</p>' in page
    assert not CallNote.objects.exists()


@pytest.mark.parametrize("case", CASES)
def test_the_api_answers_with_the_rule_message(rep, account, case):
    change, field, message = CASES[case]
    note = _note(account, **change)
    payload = {**note, "account": account.pk, "call_date": note["call_date"].isoformat()}
    response = token_client(rep).post("/api/v1/notes/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"][field]
    if isinstance(errors, dict):  # one tag's problem, by its position in the list
        errors = [m for messages in errors.values() for m in messages]
    assert errors == [message]
    assert not CallNote.objects.exists()


@pytest.mark.parametrize("case", CASES)
def test_the_csv_import_reports_the_rule_message(rep_client, account, case):
    change, field, message = CASES[case]
    note = _note(account, **change)
    text = "account,call_date,body,tags,quote\n" + ",".join(
        [
            "Initech",
            note["call_date"].isoformat(),
            note["body"],
            ";".join(note["tags"]),
            note["quote"],
        ]
    )
    upload = SimpleUploadedFile("notes.csv", text.encode(), content_type="text/csv")
    page = rep_client.post(
        reverse("import_csv"), {"kind": "notes", "file": upload, "action": "check"}
    ).content.decode()
    assert f"<td>{field}</td><td>{escape(message)}</td>" in page


def test_the_log_a_call_page_and_the_import_page_show_the_limits_of_the_rules(rep_client):
    form = rep_client.get(reverse("log_call")).content.decode()
    # Stated, never enforced by `maxlength`: a browser would cut a pasted note without a word.
    assert "up to 10,000 characters" in form and "up to 1,000 characters" in form
    assert "maxlength" not in form
    page = rep_client.get(reverse("import_csv")).content.decode()
    assert "at most 20 of 1–40 characters" in page and "(≤ 1,000 characters)" in page
