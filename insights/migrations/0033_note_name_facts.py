import django.contrib.postgres.fields
from django.db import migrations, models

from insights.migrations import _note_name_facts as name_facts

VACUUM_SOONER = (
    "ALTER TABLE insights_notenamefacts SET ("
    "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01)"
)


class Migration(migrations.Migration):
    """Each themed note's facts again under each of its tags and competitors.

    For the dashboard's combinations that start from a tag or a competitor
    (models.facts.NoteNameFacts). In this order, in one transaction, as NoteFacts
    was made (0029): the table, its triggers on NoteFacts, every row in one
    INSERT ... SELECT in the index's order, then the index over the filled table.
    The table is read through index-only scans, so it is vacuumed as soon as 1%
    of it changed, like NoteFacts (0032).
    """

    dependencies = [
        ('insights', '0032_note_facts_filters_cover_figures'),
    ]

    operations = [
        migrations.CreateModel(
            name='NoteNameFacts',
            fields=[
                ('pk', models.CompositePrimaryKey('note_id', 'kind', 'name_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('note_id', models.BigIntegerField()),
                ('kind', models.CharField(choices=[('tag', 'Tag'), ('competitor', 'Competitor')], max_length=10)),
                ('name_id', models.BigIntegerField()),
                ('theme_id', models.BigIntegerField()),
                ('call_date', models.DateField()),
                ('account_id', models.BigIntegerField()),
                ('author_id', models.BigIntegerField()),
                ('deal_id', models.BigIntegerField(null=True)),
                ('deal_amount', models.DecimalField(decimal_places=2, max_digits=14, null=True)),
                ('deal_stage', models.CharField(max_length=20, null=True)),
                ('deal_competitor_id', models.BigIntegerField(null=True)),
                ('segment', models.CharField(max_length=12)),
                ('region', models.CharField(max_length=10)),
                ('competitor_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None)),
            ],
        ),
        migrations.RunPython(name_facts.install, name_facts.uninstall),
        migrations.RunSQL(name_facts.BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="notenamefacts",
            index=models.Index(
                fields=["kind", "name_id", "call_date"],
                include=(
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
                ),
                name="facts_name_day_cover",
            ),
        ),
        migrations.RunSQL(VACUUM_SOONER, migrations.RunSQL.noop),
    ]
