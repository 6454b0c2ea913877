from django.db import migrations, models


class Migration(migrations.Migration):
    """A theme's NoteFacts rows indexed by call date (and note) within the theme.

    The theme page lists a theme's notes latest call first, ten a page. Joined
    through the assignments, PostgreSQL walked every note by call date and
    kept the theme's: about (notes ÷ the theme's notes) × 10 probes, 20,000 for
    a 500-note theme at a million notes (docs/performance.md, session 9). This
    index hands the page's note ids over in order; it replaces the theme-only
    index, whose look-ups (the top names of the dashboard's rows) it serves too.
    """

    dependencies = [
        ("insights", "0030_note_facts_filters_with_call_date"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="notefacts",
            name="facts_theme_idx",
        ),
        migrations.AddIndex(
            model_name="notefacts",
            index=models.Index(
                fields=["theme_id", "call_date", "note_id"], name="facts_theme_day_idx"
            ),
        ),
    ]
