from django.db import migrations, models


class Migration(migrations.Migration):
    """Stored dashboard figures per segment, region, team and deal stage too.

    The value column becomes text (`facet`), so a segment or stage value fits
    as well as a tag, competitor or team id. The stored rows are recomputed,
    not converted: they are deleted here, and so are the page statistics they
    are computed with, which makes every theme due at the next refresh (the
    dashboard computes live meanwhile, as after 0024).
    """

    dependencies = [
        ("insights", "0025_note_author_calls_index"),
    ]

    operations = [
        migrations.RunSQL("DELETE FROM insights_themefacetfigures", migrations.RunSQL.noop),
        migrations.RemoveConstraint(model_name="themefacetfigures", name="theme_facet_unique"),
        migrations.RemoveField(model_name="themefacetfigures", name="facet_id"),
        migrations.AddField(
            model_name="themefacetfigures",
            name="facet",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="themefacetfigures",
            name="kind",
            field=models.CharField(
                choices=[
                    ("tag", "Tag"),
                    ("competitor", "Competitor"),
                    ("segment", "Segment"),
                    ("region", "Region"),
                    ("team", "Team"),
                    ("stage", "Deal stage"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="themefacetfigures",
            constraint=models.UniqueConstraint(
                fields=("kind", "facet", "period_days", "theme"), name="theme_facet_value_unique"
            ),
        ),
        migrations.RunSQL("DELETE FROM insights_themepagestats", migrations.RunSQL.noop),
    ]
