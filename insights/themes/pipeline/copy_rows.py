"""Writing many stored rows at once with PostgreSQL's COPY.

The statistics task replaces hundreds of thousands of stored figures on a
full refresh (ThemeFacetFigures: one row per theme, tag or competitor and
period). Django's bulk_create sends them as INSERT parameters and builds a
model instance per row; at 100,000 notes that took 36 s for 81,000 rows on a
busy machine. COPY streams the rows in its text format (tab-separated, for
PostgreSQL only — not a CSV file anyone opens, so no spreadsheet escaping),
which PostgreSQL parses without planning anything per row. Elsewhere
(SQLite, the local fallback) it is bulk_create.
"""

import datetime as dt
import io
import json
from decimal import Decimal

from django.db import connection


def copy_rows(model, rows: list[dict]) -> None:
    """Insert `rows` (attribute name -> value, the same keys in each) into `model`'s table."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        return
    keys = list(rows[0])
    columns = {f.attname: f.column for f in model._meta.concrete_fields}
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_text(row[key]) for key in keys) + "\n")
    buffer.seek(0)
    names = ", ".join(f'"{columns[key]}"' for key in keys)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN', buffer)


# COPY's text format: backslash escapes for the characters that delimit fields and rows.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, list | dict):
        value = json.dumps(value)
    elif isinstance(value, dt.date | Decimal):
        value = str(value)
    return str(value).translate(_ESCAPES)
