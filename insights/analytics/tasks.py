"""Celery tasks of the analytics pages: snapshots kept fresh by beat."""

from celery import shared_task

from insights.analytics import competitor_snapshots, overview


@shared_task(name=overview.REFRESH_TASK, ignore_result=True)
def refresh_overview() -> None:
    """Recompute the overview's snapshots (beat, every few minutes)."""
    overview.refresh()


@shared_task(name=competitor_snapshots.REFRESH_TASK, ignore_result=True)
def refresh_competitors() -> int:
    """Recompute the competitor pages' snapshots (beat, every few minutes)."""
    return competitor_snapshots.refresh()
