import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

from insights.migrations import _note_facts as note_facts


class Migration(migrations.Migration):
    """The facts of each themed note, for the dashboard's filter combinations.

    In this order, in one transaction: the table, its triggers, every themed
    note's row in one INSERT ... SELECT, then the indexes, built once over the
    filled table (faster than growing them row by row, the GIN ones above all).
    Writers of notes, assignments, deals and accounts wait for the commit, so
    none is missed between the backfill and the triggers.
    """

    dependencies = [
        ("insights", "0028_note_author_account_recent_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="NoteFacts",
            fields=[
                ("note_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("theme_id", models.BigIntegerField()),
                ("call_date", models.DateField()),
                ("account_id", models.BigIntegerField()),
                ("author_id", models.BigIntegerField()),
                ("deal_id", models.BigIntegerField(null=True)),
                (
                    "deal_amount",
                    models.DecimalField(decimal_places=2, max_digits=14, null=True),
                ),
                ("deal_stage", models.CharField(max_length=20, null=True)),
                ("deal_competitor_id", models.BigIntegerField(null=True)),
                ("segment", models.CharField(max_length=12)),
                ("region", models.CharField(max_length=10)),
                (
                    "tag_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, size=None
                    ),
                ),
                (
                    "competitor_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, size=None
                    ),
                ),
            ],
        ),
        migrations.RunPython(note_facts.install, note_facts.uninstall),
        migrations.RunSQL(note_facts.BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="notefacts",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["tag_ids"], name="facts_tags_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["competitor_ids"], name="facts_competitors_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(
                condition=models.Q(deal_competitor_id__isnull=False),
                fields=["deal_competitor_id"],
                name="facts_deal_competitor_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(fields=["deal_stage"], name="facts_stage_idx"),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(fields=["segment"], name="facts_segment_idx"),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(fields=["region"], name="facts_region_idx"),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(fields=["author_id"], name="facts_author_idx"),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(fields=["call_date"], name="facts_call_date_idx"),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(fields=["theme_id"], name="facts_theme_idx"),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(fields=["deal_id"], name="facts_deal_idx"),
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(fields=["account_id"], name="facts_account_idx"),
        ),
    ]
