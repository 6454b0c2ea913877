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
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(
                fields=["deal_stage", "call_date"],
                include=(
                    "segment",
                    "region",
                    "author_id",
                    "theme_id",
                    "account_id",
                    "deal_id",
                    "deal_amount",
                ),
                name="facts_stage_day_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(
                fields=["segment", "call_date"],
                include=(
                    "region",
                    "deal_stage",
                    "author_id",
                    "theme_id",
                    "account_id",
                    "deal_id",
                    "deal_amount",
                ),
                name="facts_segment_day_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(
                fields=["region", "call_date"],
                include=(
                    "segment",
                    "deal_stage",
                    "author_id",
                    "theme_id",
                    "account_id",
                    "deal_id",
                    "deal_amount",
                ),
                name="facts_region_day_cover",
            ),
        ),
        migrations.RunSQL(VACUUM_SOONER, VACUUM_AS_DEFAULT),
    ]
