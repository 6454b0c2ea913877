"""CSV import of accounts and deals (admins), written through deals.services.

This module turns CSV text into the services' arguments (numbers, dates,
users, competitors by name) and reports what it cannot read; the services'
`*_build` functions judge the rest, the same way before and during the import.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Region
from deals import services
from deals.models import Account, Competitor, Segment, Stage
from deals.selectors import account_by_domain_or_name
from feedbackhub.csv_rows import Checked, CsvKind, add_validation_errors, parse_date, parse_decimal


def _user(username: str):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def _one_of(values: list[str]) -> str:
    return f"One of: {', '.join(values)}."


def check_accounts(rows: list[tuple[int, dict]], checked: Checked, user) -> None:
    seen_domains = set()
    for line, row in rows:
        before = len(checked.problems)
        fields = {
            "name": row["name"],
            "domain": row.get("domain", ""),
            "segment": row.get("segment") or Segment.SMB,
            "industry": row.get("industry", ""),
            "region": row.get("region", ""),
            "lifecycle": row.get("lifecycle") or Account.Lifecycle.PROSPECT,
            "arr": parse_decimal(row.get("arr") or "0", line, "arr", checked) or Decimal("0"),
            "owner": None,
        }
        if row.get("owner"):
            fields["owner"] = _user(row["owner"])
            if fields["owner"] is None:
                checked.add(line, "owner", f"No active user “{row['owner']}”.")
        if fields["region"] and fields["region"] not in Region.values:
            checked.add(line, "region", _one_of(Region.values))
        # Built even after a problem above, so that the row's every problem shows at once.
        try:
            domain = services.account_build(**fields).domain
        except ValidationError as exc:
            add_validation_errors(checked, line, exc, non_field_column="domain")
            domain = fields["domain"].lower()
        if domain and domain in seen_domains:
            checked.add(line, "domain", "Appears twice in this file.")
        seen_domains.add(domain)
        if len(checked.problems) == before:
            checked.rows.append(fields)


def check_deals(rows: list[tuple[int, dict]], checked: Checked, user) -> None:
    competitors = {c.name.lower(): c for c in Competitor.objects.all()}
    for line, row in rows:
        before = len(checked.problems)
        account = account_by_domain_or_name(row["account"])
        if account is None:
            checked.add(line, "account", f"No account “{row['account']}”.")
        stage = row.get("stage") or Stage.PROSPECTING
        if stage not in Stage.values:
            checked.add(line, "stage", _one_of(Stage.values))
        owner = _user(row["owner"]) if row.get("owner") else None
        if row.get("owner") and owner is None:
            checked.add(line, "owner", f"No active user “{row['owner']}”.")
        competitor = None
        if row.get("competitor"):
            competitor = competitors.get(row["competitor"].lower())
            if competitor is None:
                checked.add(line, "competitor", "Unknown competitor.")
        fields = {
            "account": account,
            "name": row["name"],
            "amount": parse_decimal(row["amount"], line, "amount", checked),
            "stage": stage,
            "owner": owner,
            "competitor": competitor,
            "loss_reason": row.get("loss_reason", ""),
        }
        for column in ("opened_on", "expected_close_date"):
            if row.get(column):
                fields[column] = parse_date(row[column], line, column, checked)
        if len(checked.problems) > before:
            continue
        try:
            # The same rules as the API: the deal's values, then who may open it where.
            services.deal_check(deal=services.deal_build(**fields), user=user)
        except ValidationError as exc:
            add_validation_errors(checked, line, exc, non_field_column="name")
            continue
        except PermissionDenied as exc:
            checked.add(line, "account", str(exc))
            continue
        checked.rows.append(fields)


ACCOUNTS = CsvKind(
    name="accounts",
    required=["name"],
    optional=["domain", "segment", "industry", "region", "lifecycle", "arr", "owner"],
    example={
        "name": "Globex Corporation",
        "domain": "globex.example",
        "segment": "enterprise",
        "industry": "Manufacturing",
        "region": "emea",
        "lifecycle": "prospect",
        "arr": "0",
        "owner": "rep.sam",
    },
    permission="deals.change_any_account",
    refusal="Only admins import accounts and deals.",
    check_rows=check_accounts,
    write_row=services.account_create,
)

DEALS = CsvKind(
    name="deals",
    required=["account", "name", "amount"],
    optional=["stage", "opened_on", "expected_close_date", "owner", "competitor", "loss_reason"],
    example={
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
    permission="deals.change_any_deal",
    refusal="Only admins import accounts and deals.",
    check_rows=check_deals,
    write_row=services.deal_create,
)
