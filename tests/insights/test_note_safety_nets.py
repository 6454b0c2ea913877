"""A rep's safety nets when logging a call: a minimum note, the same note saved twice,
a new prospect named like an existing account, errors tied to their fields."""

import datetime as dt
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from deals.models import Account
from insights.notes import rules, services
from insights.notes.models import CallNote
from tests.api.conftest import token_client
from tests.factories import AccountFactory, CallNoteFactory, DealFactory
from tests.insights.log_call_form import BODY, post_log_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(rep):
    return AccountFactory(name="Granite Foods", domain="granite.example", owner=rep)


def _post(client, **fields):
    return post_log_call(client, **{"account": "Granite Foods", **fields})


def _import(client, text: str) -> str:
    upload = SimpleUploadedFile("notes.csv", text.encode(), content_type="text/csv")
    return client.post(
        reverse("import_csv"), {"kind": "notes", "file": upload, "action": "check"}
    ).content.decode()


# --- A note says something: at least a few words ---------------------------------


@pytest.mark.parametrize(
    "body",
    ["x", "pricing", "needs SSO", "  two   words \n", "- - - -", "needs ... SSO !!", "— • —"],
)
def test_a_note_of_fewer_than_three_words_is_refused_by_the_form(rep_client, account, body):
    page = _post(rep_client, body=body).content.decode()
    assert rules.BODY_TOO_SHORT in page
    assert not CallNote.objects.exists()


def test_a_note_of_three_words_with_punctuation_around_them_is_kept(rep_client, account):
    assert _post(rep_client, body="- needs SAML, SSO!").status_code == 302
    assert CallNote.objects.count() == 1


def test_a_short_note_is_refused_by_the_api_with_the_same_message(rep, account):
    payload = {"account": account.pk, "body": "pricing"}
    response = token_client(rep).post("/api/v1/notes/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["body"] == [rules.BODY_TOO_SHORT]
    assert not CallNote.objects.exists()


def test_a_short_note_is_refused_by_the_csv_import_with_the_same_message(rep_client, account):
    page = _import(rep_client, "account,body\nGranite Foods,pricing\n")
    assert f"<td>body</td><td>{rules.BODY_TOO_SHORT}</td>" in page


def test_three_words_are_enough(rep_client, account):
    assert _post(rep_client, body="Needs SAML SSO").status_code == 302


# --- The length counter and the limit ---------------------------------------------


def test_the_empty_form_states_the_limit_and_the_minimum(rep_client, account):
    page = rep_client.get(reverse("log_call")).content.decode()
    assert "At least 3 words, up to 10,000 characters" in page
    assert 'data-counter-for="id_body"' in page and "js/note-counter.js" in page


def test_a_note_over_the_limit_comes_back_whole_with_the_count_and_the_message(rep_client, account):
    body = "They want SSO. " * 1_000  # 15,000 characters
    page = _post(rep_client, body=body).content.decode()
    assert rules.BODY_TOO_LONG in page
    assert "15,000 / 10,000 characters — 5,000 over the limit" in page
    assert body.strip() in page  # nothing cut: the rep shortens it themselves
    assert not CallNote.objects.exists()


def test_line_breaks_count_once_as_the_browser_counts_them(rep_client, account):
    # Browsers send a line break as CRLF; 10,000 characters with one break fit.
    body = "word " * 1_000 + "\r\n" + "x" * 4_999
    assert len(body.replace("\r\n", "\n")) == rules.BODY_MAX
    assert _post(rep_client, body=body).status_code == 302
    assert len(CallNote.objects.get().body) == rules.BODY_MAX


# --- The same note saved twice -------------------------------------------------------


def test_saving_the_same_note_again_asks_first_and_saves_nothing(rep_client, rep, account):
    assert _post(rep_client).status_code == 302
    again = _post(rep_client, body=f"  {BODY.upper()}  ")  # case and spacing do not count
    page = again.content.decode()
    assert again.status_code == 200
    first = CallNote.objects.get()
    assert "You saved this same note less than a minute ago." in page
    assert f'href="{reverse("my_notes")}#note-{first.pk}"' in page
    assert 'name="confirm_duplicate" value="1"' in page and "Save anyway" in page
    assert CallNote.objects.count() == 1


def test_save_anyway_saves_the_second_note(rep_client, account):
    _post(rep_client)
    assert _post(rep_client, confirm_duplicate="1").status_code == 302
    assert CallNote.objects.count() == 2


def test_the_guard_says_how_long_ago_and_forgets_after_the_window(rep, account):
    earlier = services.note_create(author=rep, account=account, body=BODY)
    CallNote.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=12)
    )
    with pytest.raises(services.DuplicateNote) as refused:
        services.note_create(author=rep, account=account, body=BODY)
    assert str(refused.value) == "You saved this same note 12 minutes ago."
    assert refused.value.earlier == earlier

    CallNote.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - rules.DUPLICATE_WINDOW - dt.timedelta(minutes=1)
    )
    services.note_create(author=rep, account=account, body=BODY)
    assert CallNote.objects.count() == 2


def test_the_same_words_by_another_rep_or_for_another_account_are_not_a_duplicate(
    rep, other_rep, account
):
    services.note_create(author=rep, account=account, body=BODY)
    services.note_create(author=other_rep, account=account, body=BODY)
    services.note_create(author=rep, account=AccountFactory(), body=BODY)
    assert CallNote.objects.count() == 3


def test_the_api_refuses_a_duplicate_with_409_unless_confirmed(rep, account):
    api = token_client(rep)
    payload = {"account": account.pk, "body": BODY}
    assert api.post("/api/v1/notes/", payload, format="json").status_code == 201
    first = CallNote.objects.get()

    refused = api.post("/api/v1/notes/", payload, format="json")
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "You saved this same note less than a minute ago. If this was another "
        'call, send it again with "confirm_duplicate": true.',
        "errors": {"body": [f"Same text as note {first.pk}."]},
    }
    assert CallNote.objects.count() == 1

    confirmed = {**payload, "confirm_duplicate": True}
    assert api.post("/api/v1/notes/", confirmed, format="json").status_code == 201
    assert CallNote.objects.count() == 2


def test_the_csv_import_refuses_a_note_saved_a_moment_ago_and_a_repeated_row(
    rep_client, rep, account
):
    services.note_create(author=rep, account=account, body=BODY)
    other = "They want audit logs exported to Splunk."
    page = _import(
        rep_client,
        f"account,body\nGranite Foods,{BODY}\nGranite Foods,{other}\ngranite.example,{other}\n",
    )
    assert "You saved this same note less than a minute ago. Remove this row." in page
    assert rules.same_row_message(3) in page
    assert CallNote.objects.count() == 1


def test_a_sync_pushing_by_external_id_is_not_held_by_the_guard(admin_user, rep, account):
    services.note_create(author=rep, account=account, body=BODY)
    response = token_client(admin_user).put(
        "/api/v1/notes/external/salesforce/call-1/",
        {"author": rep.username, "account": account.pk, "body": BODY},
        format="json",
    )
    assert response.status_code == 201


# --- Fuzzy account search and "did you mean" ----------------------------------------


def test_account_search_finds_accounts_by_parts_of_words(rep_client, account):
    AccountFactory(name="Globex Corporation")
    html = rep_client.get(reverse("suggest_accounts"), {"account": "gran foo"}).content.decode()
    assert "Granite Foods (granite.example)" in html and "Globex" not in html


def test_account_search_forgives_a_typo(rep_client, account):
    html = rep_client.get(reverse("suggest_accounts"), {"account": "Granit Fods"}).content
    assert b"Granite Foods" in html


def test_a_new_prospect_named_like_an_existing_account_asks_did_you_mean(rep_client, account):
    page = _post(rep_client, account="Granite Food", new_prospect="on").content.decode()
    assert "Did you mean Granite Foods?" in page
    assert f'name="account_choice" value="{account.pk}"' in page
    assert 'name="account_choice" value="new"' in page
    assert not Account.objects.filter(name="Granite Food").exists()
    assert not CallNote.objects.exists()


def test_choosing_the_existing_account_saves_the_note_there(rep_client, account):
    response = _post(
        rep_client, account="Granite Food", new_prospect="on", account_choice=str(account.pk)
    )
    assert response.status_code == 302
    assert CallNote.objects.get().account == account
    assert Account.objects.count() == 1


def test_confirming_the_new_prospect_creates_it(rep_client, rep, account):
    response = _post(rep_client, account="Granite Food", new_prospect="on", account_choice="new")
    assert response.status_code == 302
    created = Account.objects.get(name="Granite Food")
    assert created.owner == rep and CallNote.objects.get().account == created


def test_a_new_prospect_unlike_any_account_is_created_without_asking(rep_client, account):
    assert _post(rep_client, account="Initrode", new_prospect="on").status_code == 302
    assert Account.objects.filter(name="Initrode").exists()


def test_an_unknown_account_offers_the_closest_ones(rep_client, account):
    page = _post(rep_client, account="gran foo").content.decode()
    assert "No account with this name" in page
    assert f'name="account_choice" value="{account.pk}"' in page
    assert 'value="new"' not in page  # a new account is the "new prospect" box's job


# --- Errors tied to their fields -----------------------------------------------------


def test_an_error_is_tied_to_its_field_which_gets_the_cursor(rep_client, account):
    page = _post(rep_client, body="pricing").content.decode()
    body_tag = page[page.index('<textarea name="body"') : page.index("</textarea>")]
    assert 'aria-invalid="true"' in body_tag and "autofocus" in body_tag
    assert 'aria-describedby="id_body_error id_body_count"' in body_tag
    assert f'<p class="error" id="id_body_error">{rules.BODY_TOO_SHORT}</p>' in page
    account_tag = page[page.index('<input type="text" name="account"') :]
    assert "autofocus" not in account_tag[: account_tag.index(">")]


def test_one_confirmation_after_saving_not_two(rep_client, account):
    page = rep_client.get(_post(rep_client)["Location"]).content.decode()
    assert page.count("Saved.") == 1 and 'class="messages"' not in page


def test_editing_a_note_keeps_its_text_and_is_not_a_duplicate(rep_client, rep, account):
    note = CallNoteFactory(author=rep, account=account, body=BODY)
    data = {
        "account": "Granite Foods",
        "call_date": note.call_date.isoformat(),
        "body": BODY,
        "importance": "important",
    }
    assert rep_client.post(reverse("note_edit", args=[note.pk]), data).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_double_click_saves_one_note_even_when_both_saves_arrive_together():
    from django.db import connection

    from tests.factories import RepFactory

    rep = RepFactory()
    granite = AccountFactory(name="Granite Foods")
    barrier = threading.Barrier(2)
    outcomes = []

    def save():
        try:
            barrier.wait()
            services.note_create(author=rep, account=granite, body=BODY)
            outcomes.append("saved")
        except services.DuplicateNote:
            outcomes.append("asked")
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["asked", "saved"]
    assert CallNote.objects.count() == 1


def test_matching_accounts_are_offered_to_choose_however_the_name_was_typed(rep_client, account):
    url = reverse("account_matches")
    html = rep_client.get(url, {"account": "gran foo"}).content.decode()
    assert "Matching accounts" in html
    assert f'name="account_choice" value="{account.pk}"' in html
    # A name typed exactly needs no choosing.
    assert rep_client.get(url, {"account": "granite foods"}).content.decode().strip() == ""


def test_the_deals_offered_are_those_of_the_chosen_account(rep_client, account):
    deal = DealFactory(account=account, name="Granite renewal")
    html = rep_client.get(
        reverse("deal_options"), {"account": "gran foo", "account_choice": str(account.pk)}
    ).content.decode()
    assert f'<option value="{deal.pk}"' in html


def test_a_note_saved_with_a_chosen_matching_account_is_on_that_account(rep_client, account):
    response = _post(rep_client, account="gran foo", account_choice=str(account.pk))
    assert response.status_code == 302
    assert CallNote.objects.get().account == account
