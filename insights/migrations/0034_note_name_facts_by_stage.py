# The rows per name (NoteNameFacts) found by deal stage too (docs/performance.md,
# session 11). A competitor with a stage read every one of the competitor's rows to keep
# the stage's eighth (118,499 for 16,265 at a million notes); keyed by the stage, it reads
# those. Holding the note, the index also gives the top tags and competitors of the
# themes shown their notes (figures._with_names). Built CONCURRENTLY: every note placed
# in a theme writes these rows (the triggers on NoteFacts), so reps' saves go on while it
# builds.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("insights", "0033_note_name_facts"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="notenamefacts",
            index=models.Index(
                fields=["kind", "name_id", "deal_stage", "call_date"],
                # models.facts.NAME_COVERED without the stage, and the note, as they were.
                include=(
                    "segment",
                    "region",
                    "author_id",
                    "theme_id",
                    "account_id",
                    "deal_id",
                    "deal_amount",
                    "deal_competitor_id",
                    "competitor_ids",
                    "note_id",
                ),
                name="facts_name_stage_day_cover",
            ),
        ),
    ]
