# Built CONCURRENTLY: on a table of a million notes a plain CREATE INDEX blocks
# reps' saves for as long as it takes to build.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("insights", "0013_reliability_reconcile_markers"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="callnote",
            index=models.Index(fields=["-created_at", "-id"], name="note_newest_first_idx"),
        ),
    ]
