"""Remember, for a few seconds, that Redis just failed, so one request waits once.

A request may touch Redis several times (the API throttle reads and writes
the cache, then the saved note's task is queued). With Redis frozen each call
would wait its full socket timeout; after the first failure the others in this
process skip Redis for BREAK_SECONDS and carry on as if it were down.
"""

import time

BREAK_SECONDS = 5.0
_open_until = 0.0


def is_open() -> bool:
    """True while a recent failure says: do not try Redis now."""
    return time.monotonic() < _open_until


def trip() -> None:
    global _open_until
    _open_until = time.monotonic() + BREAK_SECONDS
