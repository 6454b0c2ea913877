"""Forms for call notes: log or edit a call, filter my notes.

Their limits and messages come from insights.notes.rules, so a rep reads the
same sentence here as from the service, which still decides when it saves.
"""

import hashlib
import re

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.urls import reverse_lazy
from django.utils import timezone

from deals.models import Account, Competitor, Deal
from deals.selectors import (
    account_search,
    accounts_named,
    accounts_named_alike,
    accounts_with_domain,
)
from feedbackhub.errors import NUL, NUL_IN_FIELD
from insights.notes import rules
from insights.notes.models import Importance
from insights.notes.services import parse_tags

_NUL_REFUSED = ProhibitNullCharactersValidator(message=NUL_IN_FIELD)
STALE_PICK = (
    "You changed the note after picking a known need. Check the suggestions below "
    "again: keep your pick or choose “None of these”, then save."
)
ACCOUNT_EMPTY = "Type the customer's account and pick it from the list, or tick “new prospect”."
_WITH_DOMAIN = re.compile(r"^(?P<name>.*?)\s*\((?P<domain>[^()]+)\)\s*$")


def draft_fingerprint(text: str) -> str:
    """A short digest of a draft note, whitespace aside.

    Log a call's hint sends it with the known needs it offers, and the pick
    travels with it: a pick made for other words than the ones saved is stale.
    """
    words = " ".join(str(text or "").split())
    return hashlib.sha256(words.encode()).hexdigest()[:16]


def account_label(account: Account) -> str:
    return f"{account.name} ({account.domain})" if account.domain else account.name


def log_call_initial(query) -> dict:
    """Log a call opened from an account's or a deal's page (?account=…&deal=…) starts
    with that account and deal filled in; an id that names nothing is ignored."""
    account_id, deal_id = _id(query.get("account")), _id(query.get("deal"))
    account = Account.objects.filter(pk=account_id).first() if account_id else None
    if account is None:
        return {}
    initial = {"account": account_label(account)}
    if deal_id and Deal.objects.filter(pk=deal_id, account=account).exists():
        initial["deal"] = deal_id
    return initial


def _id(raw) -> int | None:
    return int(raw) if str(raw or "").isdigit() and len(str(raw)) < 19 else None


def find_account(text: str) -> tuple[Account | None, str]:
    """The account a rep typed ("Name" or "Name (domain)"), or None and why not."""
    text = text.strip()
    match = _WITH_DOMAIN.match(text)
    if match:
        found = accounts_with_domain(match["domain"]).first()
        if found:
            return found, ""
    candidates = list(accounts_named(text)[:2])
    if len(candidates) == 1:
        return candidates[0], ""
    if len(candidates) > 1:
        return (
            None,
            "Several accounts have this name; pick one from the list (it shows the domain).",
        )
    return None, "No account with this name. Pick one from the list, or tick “new prospect”."


class NoteBodyField(forms.CharField):
    """A note's text, measured as the rep's browser counts it.

    No `maxlength` attribute: a browser would cut a pasted note at the limit
    without a word. The counter under the field shows the length instead, and
    a note over the limit is refused with the rule's message. Browsers send
    line breaks as CRLF but count them as one character; so does this field.
    """

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


def note_body_field(**kwargs) -> forms.CharField:
    return NoteBodyField(
        max_length=rules.BODY_MAX,
        error_messages={"required": rules.BODY_EMPTY, "max_length": rules.BODY_TOO_LONG},
        **kwargs,
    )


def note_quote_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=rules.QUOTE_MAX,
        error_messages={"max_length": rules.QUOTE_TOO_LONG},
        **kwargs,
    )


class CallNoteForm(forms.Form):
    # The counter under the note's text (static/js/note-counter.js) reads these.
    body_max = rules.BODY_MAX
    body_warn = int(rules.BODY_MAX * rules.BODY_WARN_RATIO)
    body_min_words = rules.BODY_MIN_WORDS

    account = forms.CharField(
        label="Account",
        max_length=260,
        error_messages={"required": ACCOUNT_EMPTY},
        widget=forms.TextInput(
            attrs={"list": "account-options", "autocomplete": "off", "autofocus": True}
        ),
    )
    new_prospect = forms.BooleanField(label="New prospect: create this account", required=False)
    # The answer to "Did you mean …?": an existing account's id, or "new" when
    # the rep confirms that the new prospect is not one of those.
    account_choice = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    # Set by "Save anyway" when the rep saved the same note a moment ago.
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)
    deal = forms.ModelChoiceField(queryset=Deal.objects.none(), required=False, label="Deal")
    call_date = forms.DateField(
        label="Call date",
        error_messages={"required": rules.CALL_DATE_EMPTY, "invalid": rules.CALL_DATE_INVALID},
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    body = note_body_field(label="What did they say?", widget=forms.Textarea(attrs={"rows": 5}))
    tags = forms.CharField(
        label="Tags",
        required=False,
        help_text="Comma-separated, e.g. sso, pricing",
        widget=forms.TextInput(attrs={"list": "tag-options", "autocomplete": "off"}),
    )
    importance = forms.ChoiceField(
        choices=Importance.choices, initial=Importance.IMPORTANT, widget=forms.RadioSelect
    )
    competitors = forms.ModelMultipleChoiceField(
        queryset=Competitor.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Competitors mentioned",
    )
    quote = note_quote_field(
        label="Verbatim customer quote", widget=forms.Textarea(attrs={"rows": 2})
    )
    # The known need (a theme id) the rep picked from the hint, if any. A plain
    # id: notes know nothing of themes; the themes area checks and applies it.
    theme = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # The fingerprint of the text the hint offered that need for: a pick only
    # counts for the words it was made about (see draft_fingerprint).
    theme_for = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page lets a NUL through to here (feedbackhub.errors.nul_is_a_field_error):
        # it is refused next to its field, with the rest of the typing kept.
        for field in self.fields.values():
            field.validators = [
                _NUL_REFUSED if isinstance(v, ProhibitNullCharactersValidator) else v
                for v in field.validators
            ]
        # Accounts the rep may have meant, offered under the account field.
        self.suggestions: list[Account] = []
        self._found: dict[str, tuple[Account | None, str]] = {}
        self.chosen_account = self._chosen_account()
        account = self.chosen_account
        if account is None:
            raw = (self.data.get("account") if self.is_bound else None) or self.initial.get(
                "account"
            )
            account, _ = self._find_account(raw) if raw and NUL not in raw else (None, "")
        self.fields["deal"].queryset = (
            Deal.objects.filter(account=account) if account else Deal.objects.none()
        )
        # A deal outside that list is one of another account (a list left over
        # from the account typed before): said with the rule's own sentence.
        self.fields["deal"].error_messages["invalid_choice"] = rules.DEAL_OF_ANOTHER_ACCOUNT

    def _find_account(self, text: str) -> tuple[Account | None, str]:
        """`find_account`, asked once per form: the deal list and the account's
        validation both need the account the rep typed."""
        text = text.strip()
        if text not in self._found:
            self._found[text] = find_account(text)
        return self._found[text]

    def _chosen_account(self) -> Account | None:
        """The account the rep chose under "Did you mean …?", if they did."""
        chosen = self.data.get("account_choice", "") if self.is_bound else ""
        return Account.objects.filter(pk=chosen).first() if chosen.isdigit() else None

    def clean_account(self):
        text = self.cleaned_data["account"].strip()
        if self.chosen_account is not None:
            self.account_obj = self.chosen_account
            return account_label(self.chosen_account)
        account, problem = self._find_account(text)
        self.account_obj = account
        if account is not None:
            return text
        if not self.data.get("new_prospect"):
            self.suggestions = account_search(query=text, limit=3)
            raise forms.ValidationError(problem)
        if self.data.get("account_choice") != "new":
            # A new prospect named like an existing account is usually that account.
            self.suggestions = accounts_named_alike(name=text)
            if self.suggestions:
                raise forms.ValidationError(
                    f"Did you mean {self.suggestions[0].name}? Choose it below, "
                    f"or confirm that “{text}” is a new account."
                )
        return text

    @property
    def body_length(self) -> int:
        """The note's length as the counter shows it (line breaks count once)."""
        return len(str(self["body"].value() or "").replace("\r\n", "\n"))

    @property
    def body_over(self) -> int:
        return max(0, self.body_length - rules.BODY_MAX)

    def first_error_field(self) -> str | None:
        """The field to put the cursor in after a refused save: the first with an error."""
        return next((name for name in self.fields if name in self.errors), None)

    # The checks below only let the rep see every problem at once, before the
    # service (which decides) is asked to save.
    def clean_call_date(self):
        day = self.cleaned_data["call_date"]
        _refuse(rules.call_date_problem(day))
        return day

    def clean_tags(self):
        names = parse_tags(self.cleaned_data["tags"])
        _refuse(rules.tags_problem(names))
        return names

    def clean_body(self):
        body = self.cleaned_data["body"]
        _refuse(rules.body_problem(body))
        return body

    def clean(self):
        data = super().clean()
        account = getattr(self, "account_obj", None)
        problem = rules.deal_problem(deal=data.get("deal"), account_id=account and account.pk)
        if problem:
            self.add_error("deal", problem)
        picked_for = data.get("theme_for", "")
        if data.get("theme") and picked_for != draft_fingerprint(self.data.get("body", "")):
            self.add_error("theme", STALE_PICK)
        return data


def _refuse(problem: str | None) -> None:
    if problem:
        raise forms.ValidationError(problem)


class NoteFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Any words"}),
    )
    account = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={
                "list": "account-options",
                "placeholder": "Any account",
                "autocomplete": "off",
                # Suggestions as the rep types (htmx fills the datalist).
                "hx-get": reverse_lazy("suggest_accounts"),
                "hx-trigger": "input changed delay:200ms",
                "hx-target": "#account-options",
                "hx-swap": "innerHTML",
            }
        ),
    )
    tag = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "Any tag"}))
    importance = forms.ChoiceField(
        choices=[("", "Any importance"), *Importance.choices], required=False
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    # The accounts the account filter stands for: the one named exactly, or,
    # like log a call's suggestions, every account alike (a typo, part of the name).
    account_ids: tuple[int, ...] = ()
    accounts_alike: list[Account] = []

    def clean_account(self):
        text = self.cleaned_data["account"].strip()
        if text:
            account, _ = find_account(text)
            if account is not None:
                self.account_ids = (account.pk,)
                return text
            self.accounts_alike = account_search(query=text, limit=10)
            if not self.accounts_alike:
                raise forms.ValidationError(
                    f"No account matches “{text}”. Check the spelling, or pick one from the list."
                )
            self.account_ids = tuple(a.pk for a in self.accounts_alike)
        return text

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            # Said, not silently answered with an empty list.
            self.add_error("date_to", "The end date is before the start date.")
        return data
