# A name's rows keyed by deal stage too: a competitor with a stage read all of the
# competitor's rows to keep the stage's eighth (docs/performance.md, session 11).
# Built CONCURRENTLY: every note placed in a theme writes these rows (through the
# triggers on NoteFacts), so reps' saves go on while it builds over the table.

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
                # models.facts.NAME_COVERED without the stage, as it was when this was written.
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
                ),
                name="facts_name_stage_day_cover",
            ),
        ),
    ]
