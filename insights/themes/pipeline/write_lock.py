"""One lock for everything that writes note-to-theme assignments.

A full run rewrites up to millions of assignments in one transaction, while
people move, merge, split and remove notes, and placement files new ones.
Row locks taken in different orders by these paths can deadlock, and locking
a million rows one by one costs gigabytes. Instead each writer first takes
one PostgreSQL advisory lock, held until its transaction ends: writers take
turns (a person's edit waits for the run's write, a few seconds, and then
applies on top, so it still wins), and readers never wait. A person waits at
most PERSON_LOCK_WAIT (`waits_briefly`): when a run writes longer than that,
the page says so instead of hanging until the web server gives up.
"""

import functools

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction

# An arbitrary application-wide key ("FH" + 1).
ASSIGNMENT_WRITES = 0x4648_0001


def hold_assignment_writes() -> None:
    """Wait for, then hold until the end of the transaction, the assignment-writing turn."""
    if connection.vendor != "postgresql":
        return  # SQLite (local fallback) locks the whole database on a write anyway
    if not connection.in_atomic_block:
        raise RuntimeError("hold_assignment_writes() must be called inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ASSIGNMENT_WRITES])


# How long a person's edit waits for the run's turn (and for the theme rows a
# run's write holds) before being told, well inside gunicorn's 30 s timeout.
PERSON_LOCK_WAIT = "2s"
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's lock_timeout error


class EngineBusy(ValidationError):
    """A run is writing its result; the person's change was not applied."""

    def __init__(self):
        super().__init__(
            "The theme engine is writing a run right now, so nothing was changed. "
            "Try again in a minute."
        )


def _lock_timed_out(exc: OperationalError) -> bool:
    cause = exc.__cause__
    return (getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)) == (
        _LOCK_NOT_AVAILABLE
    )


def waits_briefly(service):
    """A person's edit waits at most PERSON_LOCK_WAIT for any lock, then raises EngineBusy.

    Wraps the service in its own transaction (a savepoint when nested) with a
    local `lock_timeout`, put back afterwards, so an enclosing transaction
    keeps its own setting; workers (placement, runs) still wait as long as
    it takes.
    """

    @functools.wraps(service)
    def call(*args, **kwargs):
        if connection.vendor != "postgresql":
            return service(*args, **kwargs)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT current_setting('lock_timeout')")
                    before = cursor.fetchone()[0]
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, true)", [PERSON_LOCK_WAIT]
                    )
                result = service(*args, **kwargs)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
                return result
        except OperationalError as exc:
            if _lock_timed_out(exc):
                raise EngineBusy() from exc
            raise

    return call
