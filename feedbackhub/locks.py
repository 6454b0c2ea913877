"""Try-locks for work that must run one at a time across all workers (PostgreSQL)."""

from django.db import connection


def try_transaction_lock(key: int) -> bool:
    """Take the advisory lock `key` until the transaction ends, if free; never waits."""
    if connection.vendor != "postgresql":
        return True  # SQLite (local fallback): one process, nothing to share
    if not connection.in_atomic_block:
        raise RuntimeError("try_transaction_lock() must be called inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return bool(cursor.fetchone()[0])


def transaction_lock_pair(first: int, second: int) -> None:
    """Wait for the advisory lock on the pair (first, second) and hold it until the
    transaction ends. Pairs live in PostgreSQL's two-key space, apart from the
    single keys above, so they never collide with them."""
    if connection.vendor != "postgresql":
        return  # SQLite (local fallback): writes are serialised anyway
    if not connection.in_atomic_block:
        raise RuntimeError("transaction_lock_pair() must be called inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [first, second])
