"""One lock for everything that writes note-to-theme assignments.

A full run rewrites up to millions of assignments in one transaction, while
people move, merge, split and remove notes, and placement files new ones.
Row locks taken in different orders by these paths can deadlock, and locking
a million rows one by one costs gigabytes. Instead each writer first takes
one PostgreSQL advisory lock, held until its transaction ends: writers take
turns (a person's edit waits for the run's write, a few seconds, and then
applies on top, so it still wins), and readers never wait.
"""

from django.db import connection

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
