"""Celery tasks of the theme engine.

Each takes ids, re-reads the world, and returns quietly when there is nothing
left to do, so a task delivered twice (late acknowledgement after a worker
died) does no harm. A task's name belongs to the module whose work it runs
(services queue it by that name, see feedbackhub.queue); the names are kept
from before the areas moved, so messages already queued still find their task.
"""

import logging
import threading
import time

from celery import shared_task
from celery.signals import worker_process_init, worker_shutting_down
from django.conf import settings

from feedbackhub.queue import RETRY_ON_DATABASE_ERRORS
from insights.themes import exports, reconcile, rep_figures
from insights.themes.models import ClusteringRun
from insights.themes.pipeline import core, placement, regroup, runs, similar, stats, vectors

log = logging.getLogger(__name__)


@shared_task(name=placement.PLACE_TASK, ignore_result=True, **RETRY_ON_DATABASE_ERRORS)
def place_note(note_id: int) -> None:
    """Place a freshly saved note into the best existing theme, or leave it unthemed."""
    placement.place_note(note_id=note_id)


@shared_task(name=vectors.EMBED_TASK, ignore_result=True)
def embed_notes(note_ids: list[int]) -> int:
    """Compute and store the embeddings of these notes that are missing or stale."""
    return vectors.ensure_embeddings(note_ids=note_ids)


@shared_task(
    bind=True,
    name=runs.RUN_TASK,
    ignore_result=True,
    **{**RETRY_ON_DATABASE_ERRORS, "max_retries": None},
)
def run_full_regroup(self, run_id: int) -> None:
    """Execute a recorded full run (see insights.themes.pipeline.runs).

    When the run is still marked running by a worker that may have died (this
    task came back from Redis after a kill), look again once its heartbeat
    would have gone stale, and take it over then. When the database went away
    mid-run, the run is back in the queue and this task retries with backoff.
    """
    claim = regroup.execute_full_run(run_id=run_id, holder=self.request.hostname or "")
    if claim == runs.Claim.BUSY:
        raise self.retry(countdown=settings.THEME_RUN_STALE_SECONDS + 1)


@shared_task(name="insights.tasks.scheduled_full_run", ignore_result=True)
def scheduled_full_run() -> None:
    """Beat's nightly run; skipped quietly when a run is already on."""
    try:
        runs.request_full_run(trigger=ClusteringRun.Trigger.SCHEDULE)
    except runs.RunAlreadyActive as exc:
        log.info("Nightly theme run skipped: %s", exc)


@shared_task(name=stats.REFRESH_TASK, ignore_result=True, **RETRY_ON_DATABASE_ERRORS)
def refresh_theme_stats(theme_ids: list[int]) -> int:
    """Store fresh statistics for these themes (those gone meanwhile are skipped)."""
    refreshed = stats.store_theme_stats(theme_ids=theme_ids)
    rep_figures.store_rep_figures(theme_ids=theme_ids)  # after: see RepFiguresStored
    return refreshed


@shared_task(name=stats.REFRESH_ALL_TASK, ignore_result=True)
def refresh_all_theme_stats() -> int:
    """Beat's safety net: every theme's statistics, in case an event was missed."""
    refreshed = stats.store_theme_stats()
    rep_figures.store_rep_figures()
    return refreshed


@shared_task(name="insights.tasks.similar_to_text")
def similar_to_text(text: str, tags: list[str] | None = None, limit: int = 5) -> dict:
    """Notes and themes most like a draft text (the model lives in the worker only)."""
    return similar.similar_to_text(text=text, tags=tags or [], limit=limit)


@shared_task(name=similar.HINT_TASK, ignore_result=True)
def answer_draft_hint(token: str, text: str, limit: int = 3) -> None:
    """Leave the themes most like a draft in the cache under `token`, for the page to poll."""
    similar.answer_hint(token=token, text=text, limit=limit)


@worker_process_init.connect(dispatch_uid="load-embedding-model-at-start")
def load_embedding_model(**kwargs) -> None:
    """Each worker process loads the model as it starts, so the first hint of the
    day finds it ready. In a thread: Celery gives a starting process a few
    seconds before it counts it as hung, and loading torch can take longer; a
    task needing the model meanwhile just waits for the load to finish."""
    if settings.THEME_PRELOAD_MODEL:
        threading.Thread(target=_warm_up, name="load-embedding-model", daemon=True).start()


def _warm_up() -> None:
    started = time.monotonic()
    core.warm_up()
    log.info("Embedding model loaded in %.1f s", time.monotonic() - started)


@worker_shutting_down.connect(dispatch_uid="hand-back-theme-runs")
def hand_back_theme_runs(sender=None, sig=None, **kwargs) -> None:
    """The worker is stopping (SIGTERM from systemd or docker, Ctrl-C): the runs its
    pool is computing go back to the queue at once, under a new lease, for the next
    worker, instead of waiting for their heartbeat to go stale. Runs in the main
    process, whose pool children may be dying (SIGTERM to the process group) or
    still computing (SIGTERM to the main process only; they stop at their next
    step, finding their lease gone)."""
    try:
        handed = runs.hand_back_runs_of(
            holder=str(sender or ""), reason=f"its worker was stopped ({sig or 'shutdown'})"
        )
    except Exception:  # a shutdown must go on; the heartbeat and reconciler remain
        log.exception("Could not hand back the theme runs of %s", sender)
        return
    if handed:
        log.warning("Worker %s stopping: theme runs %s handed back", sender, handed)


@shared_task(name=reconcile.RECONCILE_TASK, ignore_result=True)
def reconcile_theme_work() -> dict:
    """Beat, every minute: re-drive notes never placed and runs whose worker was lost."""
    return reconcile.reconcile()


@shared_task(name=exports.EXPORT_TASK, ignore_result=True, **RETRY_ON_DATABASE_ERRORS)
def build_theme_export(export_id: int) -> str | None:
    """Build a big themes export the person asked for (see insights.themes.exports)."""
    return exports.build_export(export_id=export_id)


@shared_task(name=exports.EXPIRE_TASK, ignore_result=True)
def expire_theme_exports() -> int:
    """Beat, hourly: delete the files of built exports past their keeping time."""
    return exports.expire_exports()
