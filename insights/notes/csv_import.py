"""CSV import of call notes, and the list of every kind the import page offers.

This module turns CSV text into `note_create` arguments and reports what it
cannot read (an unknown account, deal or competitor, a malformed date, an
external id seen before); the rules of a valid note are those of
insights.notes.rules, which `note_create` runs again when it writes. Accounts
and deals are imported by deals.csv_import.
"""

from django.utils import timezone

from deals import csv_import as deals_csv
from deals.models import Competitor, Deal
from deals.selectors import account_by_domain_or_name
from feedbackhub.csv_rows import Checked, CsvKind, parse_date
from insights.notes import rules, selectors
from insights.notes.models import CallNote, Importance
from insights.notes.services import note_create, parse_tags

SOURCE = CallNote.Source.CSV
IMPORTED_BEFORE = "A note with this external id was imported before."


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def check_notes(rows: list[tuple[int, dict]], checked: Checked, user) -> None:
    competitors = {c.name.lower(): c for c in Competitor.objects.all()}
    seen_external = set()
    seen_notes: dict[tuple[int, str], int] = {}  # (account, text) → first line
    for line, row in rows:
        before = len(checked.problems)
        account = account_by_domain_or_name(row["account"])
        if not row["account"]:
            checked.add(line, "account", "Required.")
        elif account is None:
            checked.add(line, "account", f"No account named or with domain “{row['account']}”.")
        deal = None
        if row.get("deal") and account is not None:
            deal = Deal.objects.filter(account=account, name__iexact=row["deal"]).first()
            if deal is None:
                checked.add(line, "deal", f"{account.name} has no deal named “{row['deal']}”.")
        call_date = timezone.localdate()
        if row.get("call_date"):
            call_date = parse_date(row["call_date"], line, "call_date", checked)
        if call_date is not None:
            checked.add(line, "call_date", rules.call_date_problem(call_date))
        body = row["body"]
        checked.add(
            line,
            "body",
            rules.body_problem(body) or _repeated(line, account, body, user, seen_notes),
        )
        tags = parse_tags(row.get("tags", "").split(";"))
        checked.add(line, "tags", rules.tags_problem(tags))
        importance = rules.importance_from_text(row.get("importance") or Importance.IMPORTANT)
        checked.add(line, "importance", rules.importance_problem(importance))
        names = _split(row.get("competitors", ""))
        unknown = [n for n in names if n.lower() not in competitors]
        if unknown:
            checked.add(line, "competitors", f"Unknown competitor(s): {', '.join(unknown)}.")
        quote = row.get("quote", "")
        checked.add(line, "quote", rules.quote_problem(quote))
        external_id = row.get("external_id", "")
        if external_id:
            if external_id in seen_external:
                checked.add(line, "external_id", "Appears twice in this file.")
            seen_external.add(external_id)
            if CallNote.objects.filter(source=SOURCE, external_id=external_id).exists():
                checked.add(line, "external_id", IMPORTED_BEFORE)
        if len(checked.problems) == before:
            checked.rows.append(
                {
                    "account": account,
                    "deal": deal,
                    "call_date": call_date,
                    "body": body,
                    "tags": tags,
                    "importance": importance,
                    "competitors": [competitors[n.lower()] for n in names],
                    "quote": quote,
                    "external_id": external_id,
                }
            )


def _repeated(line: int, account, body: str, user, seen: dict) -> str | None:
    """The duplicate guard of log a call, for a file: a note saved a moment ago, or
    twice in the file, is refused (see `rules.DUPLICATE_WINDOW`)."""
    if account is None:
        return None
    first = seen.setdefault((account.pk, rules.same_text(body)), line)
    if first != line:
        return rules.same_row_message(first)
    earlier = selectors.recent_same_note(author=user, account=account, body=body)
    if earlier is None:
        return None
    return f"{rules.duplicate_message(earlier.created_at)} Remove this row."


def _write_note(*, user, **fields) -> CallNote:
    # Rows repeating a recent note were refused when the file was checked.
    return note_create(author=user, source=SOURCE, confirm_duplicate=True, **fields)


NOTES = CsvKind(
    name="notes",
    required=["account", "body"],
    optional=["deal", "call_date", "tags", "importance", "competitors", "quote", "external_id"],
    example={
        "account": "Northwind Analytics",
        "deal": "Northwind Analytics — Platform #1",
        "call_date": "2026-11-20",
        "body": "They need SAML SSO with Okta before rolling out to 400 users.",
        "tags": "sso;security",
        "importance": "deal_blocker",
        "competitors": "Productboard",
        "quote": "No SSO, no deal.",
        "external_id": "",
    },
    permission="insights.add_callnote",
    refusal="Only sales reps and admins import call notes.",
    check_rows=check_notes,
    write_row=_write_note,
)

# What the import page offers, by the name its form posts.
KINDS = {kind.name: kind for kind in (NOTES, deals_csv.ACCOUNTS, deals_csv.DEALS)}
