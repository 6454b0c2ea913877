from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from insights.themes.engine.csv_io import CsvInputError, cluster_csv


class Command(BaseCommand):
    help = (
        "Group the rows of a CSV (columns `text` and `tags`, tags ;-separated) into themes "
        "without touching the database; writes every row back with theme_id and theme_title."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path)
        parser.add_argument("output", type=Path)

    def handle(self, *args, input: Path, output: Path, **options):
        try:
            result = cluster_csv(input, output)
        except CsvInputError as exc:
            raise CommandError(str(exc)) from None
        themed = int((result.labels >= 0).sum())
        self.stdout.write(
            f"{len(result.labels)} rows, {len(result.names)} themes, "
            f"{len(result.labels) - themed} unthemed → {output}"
        )
