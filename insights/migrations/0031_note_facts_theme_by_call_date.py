from django.db import migrations, models


class Migration(migrations.Migration):
    """A theme's NoteFacts rows indexed with their call dates and notes.

    The theme page lists a theme's notes latest call first, ten a page. Joined
    through the assignments, PostgreSQL read each of the theme's notes and
    deals to keep ten (5,217 buffers for a 500-note theme at a million notes),
    or walked the notes by call date, probing each one's assignment until ten
    were the theme's (docs/performance.md, session 9). With the call date and note in the index
    the page's ids are sorted from the index alone. It replaces the theme-only
    index (the same key, so the top names of the dashboard's rows are found as
    before).
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
                fields=["theme_id"], include=["call_date", "note_id"], name="facts_theme_cover"
            ),
        ),
    ]
