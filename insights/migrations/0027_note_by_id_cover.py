from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking out writes: reps keep saving notes while it is built.
    atomic = False

    dependencies = [
        ("insights", "0026_stored_figures_for_every_filter"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="callnote",
            index=models.Index(
                fields=["id"],
                include=["account", "deal", "call_date", "author"],
                name="note_by_id_cover",
            ),
        ),
    ]
