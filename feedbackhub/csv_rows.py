"""CSV imports, whatever they import: check every row, then write all or nothing.

Each kind of import (call notes, accounts, deals) is a `CsvKind`, defined by
the area that owns what it writes. `check` reads the file and returns the rows
ready to write plus every problem by line and column, writing nothing;
`run_import` checks again and writes the rows through the kind's service in
one transaction, only when there was no problem at all.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from feedbackhub import csv_safe

MAX_ROWS = 5000


@dataclass
class Checked:
    kind: str
    rows: list[dict] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, column, message)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def add(self, line: int, column: str, message: str | None) -> None:
        """Record a problem; a None message (a rule that holds) records nothing."""
        if message:
            self.problems.append((line, column, message))


@dataclass(frozen=True)
class CsvKind:
    """One kind of import: its columns, who may run it, how rows are checked and written.

    `check_rows(rows, checked, user)` appends each valid row to `checked.rows`
    as keyword arguments for `write_row(user=…, **row)`, and each problem to
    `checked.problems`.
    """

    name: str
    required: list[str]
    optional: list[str]
    example: dict[str, str]
    permission: str
    refusal: str
    check_rows: Callable[[list[tuple[int, dict]], Checked, object], None]
    write_row: Callable[..., object]

    @property
    def columns(self) -> list[str]:
        return self.required + self.optional


def template_csv(kind: CsvKind) -> str:
    out = io.StringIO()
    writer = csv_safe.DictWriter(out, fieldnames=kind.columns)
    writer.writeheader()
    writer.writerow(kind.example)
    return out.getvalue()


def read_rows(kind: CsvKind, text: str, checked: Checked) -> list[tuple[int, dict]]:
    """The file's rows as (line, {column: stripped text}); header problems go to `checked`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in kind.required if c not in header]
    unknown = [c for c in header if c not in kind.columns]
    if missing:
        checked.add(1, ", ".join(missing), "Missing required column(s).")
    if unknown:
        checked.add(1, ", ".join(unknown), "Unknown column(s); see the template.")
    if missing or unknown:
        return []
    rows = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            checked.add(line, "—", "More values than columns in the header.")
            continue
        cells = {k.strip(): (v or "").strip() for k, v in row.items()}
        # PostgreSQL cannot hold or even look up text with NUL in it.
        with_nul = [column for column, value in cells.items() if "\x00" in value]
        if with_nul:
            for column in with_nul:
                checked.add(line, column, "Contains a NUL character (\\x00); remove it.")
            continue
        rows.append((line, cells))
        if len(rows) > MAX_ROWS:
            checked.add(line, "—", f"At most {MAX_ROWS:,} rows per import.")
            break
    if not rows:
        checked.add(2, "—", "The file has no rows.")
    return rows


def parse_date(value: str, line: int, column: str, checked: Checked) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        checked.add(line, column, f"“{value}” is not a date like 2026-11-20.")
        return None


def parse_decimal(value: str, line: int, column: str, checked: Checked) -> Decimal | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():  # NaN, sNaN and Infinity parse, too
        checked.add(line, column, f"“{value}” is not a number.")
        return None
    return number


def add_validation_errors(
    checked: Checked, line: int, exc: ValidationError, *, non_field_column: str
) -> None:
    """A service's refusal, one problem per message, by column."""
    for column, messages in exc.message_dict.items():
        column = non_field_column if column == "__all__" else column
        checked.problems.extend((line, column, m) for m in messages)


def check(kind: CsvKind, text: str, *, user) -> Checked:
    if not user.has_perm(kind.permission):
        raise PermissionDenied(kind.refusal)
    checked = Checked(kind.name)
    kind.check_rows(read_rows(kind, text, checked), checked, user)
    return checked


@transaction.atomic
def run_import(kind: CsvKind, text: str, *, user) -> int:
    """Check again and write every row, or nothing; returns how many rows were written."""
    checked = check(kind, text, user=user)
    if not checked.ok:
        raise ValidationError(f"{len(checked.problems)} problem(s) found; nothing was imported.")
    for row in checked.rows:
        kind.write_row(user=user, **row)
    return len(checked.rows)
