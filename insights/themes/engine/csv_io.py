"""`cluster_csv`: group the rows of a CSV into themes, without any database.

Reads only the `text` and `tags` columns (tags `;`-separated, may be empty);
every other column is carried through untouched; writes `theme_id` (empty for
an unthemed row) and `theme_title`.
"""

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from insights.themes.engine import embeddings, grouping, naming, placement


class CsvInputError(ValueError):
    """The input is not a CSV the engine can read; the message says why."""


@dataclass
class ClusterResult:
    labels: np.ndarray
    names: dict[int, tuple[str, list[str]]]
    embed_seconds: float
    group_seconds: float


def split_tags(raw: str | None) -> list[str]:
    return [t.strip() for t in (raw or "").split(";") if t.strip()]


def cluster_texts(
    texts: list[str],
    tags: list[list[str]],
    *,
    embed: Callable[[list[str]], np.ndarray] = embeddings.embed,
) -> ClusterResult:
    started = time.perf_counter()
    vectors = embed(texts)
    embedded = time.perf_counter()
    labels, phrasings = grouping.group_with_phrasings(vectors, tags, texts=texts)
    centres = {int(g): placement.centroid(vectors[labels == g]) for g in set(labels) if g >= 0}
    names = naming.name_groups(
        texts, labels, centres=centres, embed=embed, tags=tags, phrasings=phrasings
    )
    return ClusterResult(labels, names, embedded - started, time.perf_counter() - embedded)


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
    except FileNotFoundError:
        raise CsvInputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise CsvInputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if "text" not in fields:
        raise CsvInputError(f"{path}: needs a 'text' column; found: {', '.join(fields) or 'none'}")
    for line, row in enumerate(rows, start=2):
        if None in row:
            raise CsvInputError(f"{path}, line {line}: more values than header columns")
    return fields, rows


def cluster_csv(input_path: Path, output_path: Path, **kwargs) -> ClusterResult:
    fields, rows = read_rows(Path(input_path))
    texts = [row["text"] or "" for row in rows]
    tags = [split_tags(row.get("tags")) for row in rows]
    result = cluster_texts(texts, tags, **kwargs)
    out_fields = fields + [f for f in ("theme_id", "theme_title") if f not in fields]
    with open(output_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=out_fields)
        writer.writeheader()
        for row, label in zip(rows, result.labels, strict=True):
            label = int(label)
            row["theme_id"] = str(label + 1) if label >= 0 else ""
            row["theme_title"] = result.names[label][0] if label >= 0 else ""
            writer.writerow(row)
    return result
