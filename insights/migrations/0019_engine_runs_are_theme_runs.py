"""Engine runs are called theme runs wherever people see them (admin, permissions).

The model keeps its class and table name (ClusteringRun), so nothing else moves.
Permissions are created with the model's name; existing ones are renamed here.
"""

from django.db import migrations

_ACTIONS = ("add", "change", "delete", "view")


def _rename_permissions(apps, schema_editor, *, name: str) -> None:
    Permission = apps.get_model("auth", "Permission")
    for action in _ACTIONS:
        Permission.objects.filter(
            content_type__app_label="insights", codename=f"{action}_clusteringrun"
        ).update(name=f"Can {action} {name}")


def to_theme_runs(apps, schema_editor):
    _rename_permissions(apps, schema_editor, name="theme run")


def to_clustering_runs(apps, schema_editor):
    _rename_permissions(apps, schema_editor, name="clustering run")


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0018_theme_event_merge_undone"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="clusteringrun",
            options={
                "ordering": ["-created_at"],
                "verbose_name": "theme run",
                "verbose_name_plural": "theme runs",
            },
        ),
        migrations.RunPython(to_theme_runs, to_clustering_runs),
    ]
