import csv
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.corpus import rows

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, header: list[str], body: list[list[str]]) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(body)


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def notes_csv(tmp_path):
    path = tmp_path / "notes.csv"
    body = [[f"n{i}", text, ";".join(tags), need] for i, (text, tags, need) in enumerate(rows())]
    _write(path, ["id", "text", "tags", "label"], body)
    return path


def test_it_writes_every_row_back_with_its_theme_and_keeps_other_columns(notes_csv, tmp_path):
    out = tmp_path / "out.csv"
    call_command("cluster_csv", str(notes_csv), str(out))
    result = _read(out)
    source = _read(notes_csv)
    assert len(result) == len(source)
    assert list(result[0]) == ["id", "text", "tags", "label", "theme_id", "theme_title"]
    for before, after in zip(source, result, strict=True):
        assert {k: after[k] for k in before} == before
        assert (after["theme_id"] == "") == (after["theme_title"] == "")
    assert len({r["theme_id"] for r in result if r["theme_id"]}) >= 4


def test_it_never_reads_the_label_column(notes_csv, tmp_path):
    scrambled = tmp_path / "scrambled.csv"
    source = _read(notes_csv)
    _write(
        scrambled,
        ["id", "text", "tags", "label"],
        [[r["id"], r["text"], r["tags"], "x"] for r in source],
    )
    call_command("cluster_csv", str(notes_csv), str(tmp_path / "a.csv"))
    call_command("cluster_csv", str(scrambled), str(tmp_path / "b.csv"))
    themes_a = [r["theme_id"] for r in _read(tmp_path / "a.csv")]
    themes_b = [r["theme_id"] for r in _read(tmp_path / "b.csv")]
    assert themes_a == themes_b


def test_a_csv_without_a_text_column_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "bad.csv"
    _write(path, ["body", "tags"], [["hello", ""]])
    with pytest.raises(CommandError, match="needs a 'text' column; found: body, tags"):
        call_command("cluster_csv", str(path), str(tmp_path / "out.csv"))


def test_the_command_runs_from_the_shell_without_a_database(notes_csv, tmp_path):
    out = tmp_path / "out.csv"
    result = subprocess.run(
        [sys.executable, "manage.py", "cluster_csv", str(notes_csv), str(out)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "themes" in result.stdout and out.exists()
