"""What one row of the themes export says, column by column.

Kept apart from how the file is written (and paged or streamed), so the
columns and their formats are defined in this one place. Numbers are plain
numbers a spreadsheet reads as numbers: amounts in whole cents with no
separators or symbol (the currency is in the column name), growth as a
percentage number in `growth_pct`. Choice values are written as the labels
people read on the pages. Text cells still go through csv_safe.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from insights.themes.figures import GROWTH_MIN_BASE


def header() -> list[str]:
    currency = settings.CURRENCY.lower()
    return [
        "theme_id",
        "title",
        "status",
        "owner",
        "notes",
        "accounts",
        f"open_pipeline_{currency}",
        f"weighted_pipeline_{currency}",
        f"lost_revenue_{currency}",
        "mentions_last_4_weeks",
        "mentions_4_weeks_before",
        "growth_pct",
        "growth_note",
    ]


def _amount(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def growth_columns(ratio: float | None, before: int) -> tuple[float | str, str]:
    """(growth_pct, growth_note): a number when it means something, else a word why not."""
    if ratio == float("inf"):
        return "", "new"
    if ratio is None:
        note = "no mentions" if before == 0 else f"fewer than {GROWTH_MIN_BASE} mentions before"
        return "", note
    return round(ratio * 100, 1), ""


def theme_row(row) -> list:
    """One dashboard row (insights.themes.dashboard.Row, its theme a ShownTheme) as export
    cells."""
    theme = row.theme
    weekly = list(row.weekly)
    recent, before = sum(weekly[-4:]), sum(weekly[-8:-4])
    pct, note = growth_columns(row.growth, before)
    return [
        theme.pk,
        theme.title,
        theme.status_label,
        theme.owner_name,
        row.notes,
        row.accounts,
        _amount(row.open_revenue),
        _amount(row.weighted),
        _amount(row.lost_revenue),
        recent,
        before,
        pct,
        note,
    ]
