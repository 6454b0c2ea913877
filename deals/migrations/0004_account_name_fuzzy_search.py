"""The fuzzy account search: PostgreSQL's pg_trgm and a trigram index on account names.

On SQLite (the local fallback of `make run`) both steps do nothing; the search
there falls back to "every word contained".
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class AddIndexOnPostgres(migrations.AddIndex):
    """AddIndex for an index only PostgreSQL can build (a GIN trigram index)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("deals", "0003_money_at_most_a_billion")]

    operations = [
        TrigramExtension(),
        AddIndexOnPostgres(
            model_name="account",
            index=GinIndex(fields=["name"], name="account_name_trgm", opclasses=["gin_trgm_ops"]),
        ),
    ]
