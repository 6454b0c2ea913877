"""Celery tasks of the analytics pages: snapshots kept fresh by beat."""

from celery import shared_task

from insights.analytics import overview


@shared_task(name=overview.REFRESH_TASK, ignore_result=True)
def refresh_overview() -> None:
    """Recompute the overview's snapshots (beat, every few minutes)."""
    overview.refresh()
