from django.db import migrations, models

# Read by index-only scans: how soon the visibility map learns that new and changed rows
# are visible to everyone. PostgreSQL's defaults wait for a fifth of the table (200,000
# notes at a million), and the rows waiting are the newest, the very ones a period's
# combination reads: each would cost a table page again. One per cent keeps that tail
# short; vacuuming an insert-mostly table skips the pages already marked.
VACUUM_SOONER = (
    "ALTER TABLE insights_notefacts SET ("
    "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01)"
)
VACUUM_AS_DEFAULT = (
    "ALTER TABLE insights_notefacts RESET ("
    "autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor)"
)

# models.facts.COVERED as it was when this migration was written.
_COVERED = (
    "segment",
    "region",
    "deal_stage",
    "author_id",
    "theme_id",
    "account_id",
    "deal_id",
    "deal_amount",
)


def _covering(column: str, short: str) -> models.Index:
    return models.Index(
        fields=[column, "call_date"],
        include=tuple(c for c in _COVERED if c != column),
        name=f"facts_{short}_day_cover",
    )


class Migration(migrations.Migration):
    """Stage, segment and region indexes that answer a filter combination alone.

    At a million notes a combination led by one of these filters (segment + 90
    days + stage) read the value's period from its index, then one table page
    per matching note or two to check the other filters and read the figures'
    columns: 17,919 pages for 7,775 matches (docs/performance.md, session 9),
    the one page whose time grew more than 2× from 100,000 notes. With the
    other scalar filters and the figures' columns in the index
    (models.facts.COVERED), the same rows are read from the index's own pages,
    where they sit side by side. The narrow indexes on the same keys stay for
    the top tags and competitors of the rows shown, which read the table's tag
    arrays: the planner ANDs their keys with the themes' and a tag's index.
    """

    dependencies = [
        ("insights", "0031_note_facts_theme_by_call_date"),
    ]

    operations = [
        migrations.AddIndex(model_name="notefacts", index=_covering("deal_stage", "stage")),
        migrations.AddIndex(model_name="notefacts", index=_covering("segment", "segment")),
        migrations.AddIndex(model_name="notefacts", index=_covering("region", "region")),
        migrations.RunSQL(VACUUM_SOONER, VACUUM_AS_DEFAULT),
    ]
