"""Celery tasks of the theme engine. Each takes ids, re-reads the world, and
returns quietly when there is nothing left to do, so running one twice is safe.
"""

from celery import shared_task


@shared_task(name="insights.tasks.place_note", acks_late=True, ignore_result=True)
def place_note(note_id: int) -> None:
    """Place a freshly saved note into the best existing theme, or leave it unthemed."""
    from .theming import placement

    placement.place_note(note_id=note_id)
