from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from insights.themes.models import ClusteringRun
from insights.themes.pipeline import regroup
from insights.themes.pipeline.runs import RunAlreadyActive, request_full_run


class Command(BaseCommand):
    help = "Request a full theme run (a worker picks it up), or run it here with --here."

    def add_arguments(self, parser):
        parser.add_argument(
            "--here", action="store_true", help="run in this process instead of a worker"
        )

    def handle(self, *args, here: bool, **options):
        try:
            with transaction.atomic():
                # With --here, the task queued after commit finds the run taken
                # (or finished) by this process and returns quietly.
                run = request_full_run(trigger=ClusteringRun.Trigger.MANUAL)
        except RunAlreadyActive as exc:
            raise CommandError(str(exc)) from None
        if not here:
            run.refresh_from_db()
            if run.state == ClusteringRun.State.QUEUED:
                self.stdout.write(f"Theme run #{run.pk} queued; a worker will pick it up.")
            else:  # no Redis: the task ran in this process already
                self.stdout.write(
                    f"Theme run #{run.pk} {run.state}: {run.themes_count} themes. {run.error}"
                )
            return
        regroup.execute_full_run(run_id=run.pk)
        run.refresh_from_db()
        if run.state != ClusteringRun.State.SUCCEEDED:
            raise CommandError(f"Theme run #{run.pk} {run.state}: {run.error}")
        self.stdout.write(
            f"Theme run #{run.pk} done in {run.changes.get('seconds')} s: "
            f"{run.notes_count} notes, {run.themes_count} themes; changes: {run.changes}"
        )
