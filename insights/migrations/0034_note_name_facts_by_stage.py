# The rows per name (NoteNameFacts) found by deal stage too, and both indexes holding the
# note (docs/performance.md, session 11):
# - a competitor with a stage read every one of the competitor's rows to keep the stage's
#   eighth (118,499 for 16,265 at a million notes); keyed by the stage, it reads those;
# - the top tags and competitors of the themes shown intersected bitmaps of every note of
#   the theme, the name and the stage (250,000 entries at a million notes for 564 notes);
#   with the note in the index they find their notes from it.
# Built CONCURRENTLY, the new ones before the old one goes: every note placed in a theme
# writes these rows (the triggers on NoteFacts), so reps' saves go on meanwhile, and a
# combination with a name always has an index to read.

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

# models.facts.NAME_COVERED as it was when this was written.
_HELD = (
    "segment",
    "region",
    "deal_stage",
    "author_id",
    "theme_id",
    "account_id",
    "deal_id",
    "deal_amount",
    "deal_competitor_id",
    "competitor_ids",
    "note_id",
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("insights", "0033_note_name_facts"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="notenamefacts",
            index=models.Index(
                fields=["kind", "name_id", "call_date"],
                include=_HELD,
                name="facts_name_day_note_cover",
            ),
        ),
        AddIndexConcurrently(
            model_name="notenamefacts",
            index=models.Index(
                fields=["kind", "name_id", "deal_stage", "call_date"],
                include=tuple(c for c in _HELD if c != "deal_stage"),
                name="facts_name_stage_day_cover",
            ),
        ),
        RemoveIndexConcurrently(model_name="notenamefacts", name="facts_name_day_cover"),
    ]
