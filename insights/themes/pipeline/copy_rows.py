"""Writing many stored rows at once with PostgreSQL's COPY.

The statistics task replaces hundreds of thousands of stored figures on a
full refresh (ThemeFacetFigures: one row per theme, tag or competitor and
period). Django's bulk_create sends them as INSERT parameters and builds a
model instance per row; at 100,000 notes that took 36 s for 81,000 rows on a
busy machine. COPY streams one CSV, which PostgreSQL parses without planning
anything per row. Elsewhere (SQLite, the local fallback) it is bulk_create.
"""

import csv
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
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv(row[key]) for key in keys])
    buffer.seek(0)
    names = ", ".join(f'"{columns[key]}"' for key in keys)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f'COPY "{model._meta.db_table}" ({names}) FROM STDIN WITH (FORMAT csv)', buffer
        )


def _csv(value):
    # An empty unquoted field is NULL in COPY's CSV; no stored text value is empty.
    if value is None:
        return None
    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value
