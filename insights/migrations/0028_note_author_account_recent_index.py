# The duplicate guard runs on every save: the author's notes on one account in
# the last half hour. Without this index PostgreSQL intersected a bitmap of all
# the author's notes (58,000 for the busiest rep at 1M notes, 10-14 ms) with the
# account's. Built CONCURRENTLY, so that reps' saves go on while it builds.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("insights", "0027_note_by_id_cover"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="callnote",
            index=models.Index(
                fields=["author", "account", "-created_at"],
                name="note_author_account_recent_idx",
            ),
        ),
    ]
