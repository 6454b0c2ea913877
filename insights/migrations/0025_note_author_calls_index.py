# My notes lists a rep's notes most recent call first (keyset paging by call
# date, creation time, id). Built CONCURRENTLY: on a table of a million notes a
# plain CREATE INDEX blocks reps' saves for as long as it takes to build.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("insights", "0024_theme_facet_figures"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="callnote",
            index=models.Index(
                fields=["author", "-call_date", "-created_at", "-id"],
                name="note_author_calls_idx",
            ),
        ),
    ]
