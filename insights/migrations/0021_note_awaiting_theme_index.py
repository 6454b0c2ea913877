# Built CONCURRENTLY: reps keep saving notes while it is built over the whole table.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("insights", "0020_stored_statistics_exports_and_waiting_notes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="callnote",
            index=models.Index(
                condition=models.Q(("awaiting_theme", True)),
                fields=["-created_at", "-id"],
                name="note_awaiting_theme_idx",
            ),
        ),
    ]
