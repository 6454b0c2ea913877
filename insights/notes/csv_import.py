"""CSV import of call notes, accounts and deals: check every row, then all or nothing.

`check_*` reads the file and returns the rows ready to write plus every
problem by line and column, writing nothing. `import_*` writes the checked
rows in one transaction, and only when there was no problem at all.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Region
from deals.models import Account, Competitor, Deal, Segment, Stage
from deals.services import deal_check
from feedbackhub import csv_safe
from insights.notes.models import NOTE_BODY_MAX, QUOTE_MAX, CallNote, Importance
from insights.notes.services import note_create, parse_tags, validate_tags

MAX_ROWS = 5000

COLUMNS = {
    "notes": {
        "required": ["account", "body"],
        "optional": [
            "deal",
            "call_date",
            "tags",
            "importance",
            "competitors",
            "quote",
            "external_id",
        ],
        "example": {
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
    },
    "accounts": {
        "required": ["name"],
        "optional": ["domain", "segment", "industry", "region", "lifecycle", "arr", "owner"],
        "example": {
            "name": "Globex Corporation",
            "domain": "globex.example",
            "segment": "enterprise",
            "industry": "Manufacturing",
            "region": "emea",
            "lifecycle": "prospect",
            "arr": "0",
            "owner": "rep.sam",
        },
    },
    "deals": {
        "required": ["account", "name", "amount"],
        "optional": [
            "stage",
            "opened_on",
            "expected_close_date",
            "owner",
            "competitor",
            "loss_reason",
        ],
        "example": {
            "account": "globex.example",
            "name": "Globex — Platform",
            "amount": "120000",
            "stage": "proposal",
            "opened_on": "2026-09-01",
            "expected_close_date": "2027-02-28",
            "owner": "rep.sam",
            "competitor": "Aha!",
            "loss_reason": "",
        },
    },
}


@dataclass
class Checked:
    kind: str
    rows: list[dict] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, column, message)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def template_csv(kind: str) -> str:
    spec = COLUMNS[kind]
    out = io.StringIO()
    writer = csv_safe.DictWriter(out, fieldnames=spec["required"] + spec["optional"])
    writer.writeheader()
    writer.writerow(spec["example"])
    return out.getvalue()


def _read(kind: str, text: str, checked: Checked) -> list[tuple[int, dict]]:
    spec = COLUMNS[kind]
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in spec["required"] if c not in header]
    unknown = [c for c in header if c not in spec["required"] + spec["optional"]]
    if missing:
        checked.problems.append((1, ", ".join(missing), "Missing required column(s)."))
    if unknown:
        checked.problems.append((1, ", ".join(unknown), "Unknown column(s); see the template."))
    if missing or unknown:
        return []
    rows = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            checked.problems.append((line, "—", "More values than columns in the header."))
            continue
        cells = {k.strip(): (v or "").strip() for k, v in row.items()}
        # PostgreSQL cannot hold or even look up text with NUL in it.
        with_nul = [column for column, value in cells.items() if "\x00" in value]
        if with_nul:
            checked.problems.extend(
                (line, column, "Contains a NUL character (\\x00); remove it.")
                for column in with_nul
            )
            continue
        rows.append((line, cells))
        if len(rows) > MAX_ROWS:
            checked.problems.append((line, "—", f"At most {MAX_ROWS:,} rows per import."))
            break
    if not rows:
        checked.problems.append((2, "—", "The file has no rows."))
    return rows


def _date(value: str, line: int, column: str, checked: Checked) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        checked.problems.append((line, column, f"“{value}” is not a date like 2026-11-20."))
        return None


def _account(value: str) -> Account | None:
    return (
        Account.objects.filter(domain__iexact=value).first()
        or Account.objects.filter(name__iexact=value).first()
    )


def check_notes(text: str, *, user) -> Checked:
    checked = Checked("notes")
    competitors = {c.name.lower(): c for c in Competitor.objects.all()}
    seen_external = set()
    for line, row in _read("notes", text, checked):
        problems_before = len(checked.problems)

        def problem(column, message, line=line):
            checked.problems.append((line, column, message))

        account = _account(row["account"]) if row["account"] else None
        if not row["account"]:
            problem("account", "Required.")
        elif account is None:
            problem("account", f"No account named or with domain “{row['account']}”.")
        deal = None
        if row.get("deal") and account is not None:
            deal = Deal.objects.filter(account=account, name__iexact=row["deal"]).first()
            if deal is None:
                problem("deal", f"{account.name} has no deal named “{row['deal']}”.")
        call_date = timezone.localdate()
        if row.get("call_date"):
            call_date = _date(row["call_date"], line, "call_date", checked)
            if call_date and call_date > timezone.localdate():
                problem("call_date", "The call date cannot be in the future.")
        body = row["body"]
        if not body:
            problem("body", "Required: write what the customer said.")
        elif len(body) > NOTE_BODY_MAX:
            problem("body", f"At most {NOTE_BODY_MAX:,} characters (this has {len(body):,}).")
        tags = parse_tags(row.get("tags", "").split(";"))
        try:
            validate_tags(tags)
        except ValidationError as exc:
            problem("tags", exc.message_dict["tags"][0])
        importance = row.get("importance") or Importance.IMPORTANT
        if importance not in Importance.values:
            problem("importance", f"One of: {', '.join(Importance.values)}.")
        names = [n.strip() for n in row.get("competitors", "").split(";") if n.strip()]
        unknown = [n for n in names if n.lower() not in competitors]
        if unknown:
            problem("competitors", f"Unknown competitor(s): {', '.join(unknown)}.")
        if len(row.get("quote", "")) > QUOTE_MAX:
            problem("quote", f"At most {QUOTE_MAX:,} characters.")
        external_id = row.get("external_id", "")
        if external_id:
            if external_id in seen_external:
                problem("external_id", "Appears twice in this file.")
            seen_external.add(external_id)
            if CallNote.objects.filter(source="csv", external_id=external_id).exists():
                problem("external_id", "A note with this external id was imported before.")
        if len(checked.problems) == problems_before:
            checked.rows.append(
                {
                    "account": account,
                    "deal": deal,
                    "call_date": call_date,
                    "body": body,
                    "tags": tags,
                    "importance": importance,
                    "competitors": [competitors[n.lower()] for n in names],
                    "quote": row.get("quote", ""),
                    "external_id": external_id,
                }
            )
    return checked


def _user(username: str):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def check_accounts(text: str, *, user) -> Checked:
    checked = Checked("accounts")
    seen = set()
    for line, row in _read("accounts", text, checked):
        before = len(checked.problems)
        account = Account(
            name=row["name"],
            domain=row.get("domain", ""),
            segment=row.get("segment") or Segment.SMB,
            industry=row.get("industry", ""),
            region=row.get("region", ""),
            lifecycle=row.get("lifecycle") or Account.Lifecycle.PROSPECT,
        )
        try:
            account.arr = Decimal(row.get("arr") or "0")
        except InvalidOperation:
            checked.problems.append((line, "arr", f"“{row['arr']}” is not a number."))
            account.arr = Decimal("0")
        if row.get("owner"):
            account.owner = _user(row["owner"])
            if account.owner is None:
                checked.problems.append((line, "owner", f"No active user “{row['owner']}”."))
        if row.get("region") and row["region"] not in Region.values:
            checked.problems.append((line, "region", f"One of: {', '.join(Region.values)}."))
        try:
            account.full_clean()
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                column = "domain" if column == "__all__" else column
                checked.problems.extend((line, column, m) for m in messages)
        key = account.domain.lower()
        if key and key in seen:
            checked.problems.append((line, "domain", "Appears twice in this file."))
        seen.add(key)
        if len(checked.problems) == before:
            checked.rows.append({"account": account})
    return checked


def check_deals(text: str, *, user) -> Checked:
    checked = Checked("deals")
    competitors = {c.name.lower(): c for c in Competitor.objects.all()}
    for line, row in _read("deals", text, checked):
        before = len(checked.problems)
        account = _account(row["account"])
        if account is None:
            checked.problems.append((line, "account", f"No account “{row['account']}”."))
        stage = row.get("stage") or Stage.PROSPECTING
        if stage not in Stage.values:
            checked.problems.append((line, "stage", f"One of: {', '.join(Stage.values)}."))
        owner = _user(row["owner"]) if row.get("owner") else None
        if row.get("owner") and owner is None:
            checked.problems.append((line, "owner", f"No active user “{row['owner']}”."))
        competitor = None
        if row.get("competitor"):
            competitor = competitors.get(row["competitor"].lower())
            if competitor is None:
                checked.problems.append((line, "competitor", "Unknown competitor."))
        close = None
        if row.get("expected_close_date"):
            close = _date(row["expected_close_date"], line, "expected_close_date", checked)
        opened = None
        if row.get("opened_on"):
            opened = _date(row["opened_on"], line, "opened_on", checked)
            if opened and opened > timezone.localdate():
                checked.problems.append((line, "opened_on", "Cannot be in the future."))
        if row.get("loss_reason") and stage != Stage.CLOSED_LOST:
            checked.problems.append((line, "loss_reason", "Only a closed-lost deal has one."))
        deal = Deal(
            account=account,
            name=row["name"],
            amount=row["amount"],
            stage=stage,
            owner=owner,
            competitor=competitor,
            expected_close_date=close,
            loss_reason=row.get("loss_reason", ""),
            **({"opened_on": opened} if opened else {}),
        )
        # The same rules as the API (amount bounds, whose account): deals.services.
        reported = {column for _, column, _ in checked.problems[before:]}
        try:
            deal_check(deal=deal, user=user)
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                if column not in reported:
                    checked.problems.extend((line, column, m) for m in messages)
        except PermissionDenied as exc:
            checked.problems.append((line, "account", str(exc)))
        if len(checked.problems) == before:
            checked.rows.append({"deal": deal})
    return checked


CHECKERS = {"notes": check_notes, "accounts": check_accounts, "deals": check_deals}


def check(kind: str, text: str, *, user) -> Checked:
    if kind != "notes" and not user.has_perm(f"deals.change_any_{kind[:-1]}"):
        raise PermissionDenied("Only admins import accounts and deals.")
    if kind == "notes" and not user.has_perm("insights.add_callnote"):
        raise PermissionDenied("Only sales reps and admins import call notes.")
    return CHECKERS[kind](text, user=user)


@transaction.atomic
def run_import(kind: str, text: str, *, user) -> int:
    """Check again and write every row, or nothing; returns how many rows were written."""
    checked = check(kind, text, user=user)
    if not checked.ok:
        raise ValidationError(f"{len(checked.problems)} problem(s) found; nothing was imported.")
    for row in checked.rows:
        if kind == "notes":
            note_create(author=user, source="csv", **row)
        elif kind == "accounts":
            row["account"].save()
        else:
            row["deal"].save()
    return len(checked.rows)
