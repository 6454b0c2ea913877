"""A run taken over while its worker was writing keeps nothing of that worker's write.

The fence is the last statement of the result's transaction: a conditional
UPDATE on the run's lease. Here the takeover happens in the middle of the
write (as when a worker froze inside its transaction), from another database
connection, as the reconciler and the next worker would do it.
"""

import pytest
from django.db import connections

from insights.themes.models import ClusteringRun, Theme, ThemeAssignment, ThemeEvent
from insights.themes.pipeline import regroup, runs
from tests.theming.conftest import make_notes

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_write_whose_run_was_taken_over_meanwhile_is_rolled_back(rep, no_broker, monkeypatch):
    make_notes(rep)
    run = ClusteringRun.objects.create(state=ClusteringRun.State.QUEUED)
    original_batches = regroup._batches
    taken_over = []

    def taken_over_midway(*args, **kwargs):
        if not taken_over:
            # Themes are written in this transaction by now; another worker claims the run.
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute(
                        "UPDATE insights_clusteringrun SET lease = lease + 1 WHERE id = %s",
                        [run.pk],
                    )
            finally:
                other.close()
            taken_over.append(True)
        yield from original_batches(*args, **kwargs)

    monkeypatch.setattr(regroup, "_batches", taken_over_midway)
    assert regroup.execute_full_run(run_id=run.pk) == runs.Claim.DONE
    assert not Theme.objects.exists() and not ThemeAssignment.objects.exists()
    assert not ThemeEvent.objects.exists()
    run.refresh_from_db()
    assert run.state == ClusteringRun.State.RUNNING  # the new holder's, untouched
    assert run.lease == 2


def test_the_holder_of_the_lease_writes_and_finishes(rep, no_broker):
    make_notes(rep)
    run = ClusteringRun.objects.create(state=ClusteringRun.State.QUEUED)
    assert regroup.execute_full_run(run_id=run.pk) == runs.Claim.TAKEN
    run.refresh_from_db()
    assert run.state == ClusteringRun.State.SUCCEEDED and run.lease == 1
    assert Theme.objects.exists()
    # A second claim (a message delivered again) finds nothing to do.
    assert runs.claim_run(run.pk) == (runs.Claim.DONE, None)
