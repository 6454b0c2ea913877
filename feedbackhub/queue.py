"""Hand work to the Celery workers by task name, once the current transaction commits.

Services enqueue through here instead of importing task modules: the task
modules import the services they call, so a service importing a task would
close an import loop. Looking the task up by its registered name keeps the
dependency one way (tasks → services) and still honours every setting of the
real task (eager mode in tests, retries, routing). An unknown name fails
loudly: `tests/test_task_registration.py` checks every name used here.

This is also the one place that decides what a broker failure means: nothing
the person sees. The database already records what must happen (a note
without a placement, a status change without its fan-out, a run still
queued), so when Redis is down or frozen the message is logged and dropped,
the request that committed the write still succeeds, and the reconcilers
(`insights.themes.reconcile`, `insights.loop.reconcile`) re-drive the work
within a minute or two of Redis coming back. See docs/reliability.md.
"""

import logging
import threading

import redis.exceptions
from celery import current_app, group, signature
from celery.result import AsyncResult
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

from feedbackhub import redis_breaker

log = logging.getLogger(__name__)

# What publishing raises when Redis is down (refused), frozen (socket timeout)
# or drops the connection: kombu wraps most as its OperationalError, the Redis
# client and the socket layer raise the rest.
BROKER_ERRORS = (
    BrokerOperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)


# Threads of one web process (gunicorn gthread) share the first import of the
# task modules: without the lock, a second thread arrived mid-import finds the
# modules already in sys.modules but their tasks not yet registered, and a
# rep's save failed with NotRegistered (seen once in the load test).
_IMPORTING_TASKS = threading.Lock()


def _task(task_name: str):
    if task_name not in current_app.tasks:
        # A web process imports no task module by itself: load them as a
        # worker does when it starts (the app's autodiscovery), once.
        with _IMPORTING_TASKS:
            current_app.loader.import_default_modules()
    return current_app.tasks[task_name]  # an unknown name raises NotRegistered


def _publish(task, args: tuple) -> AsyncResult | None:
    if current_app.conf.task_always_eager:
        # In-process mode runs the task here: its own errors are not the broker's.
        return task.delay(*args)
    if redis_breaker.is_open():
        log.warning("Redis failed moments ago; not queueing %s%r now.", task.name, args)
        return None
    try:
        return task.delay(*args)
    except BROKER_ERRORS as exc:
        redis_breaker.trip()
        log.warning(
            "Could not queue %s%r (%s: %s); the reconciler will re-drive it.",
            task.name,
            args,
            type(exc).__name__,
            exc,
        )
        return None


def enqueue_on_commit(task_name: str, *args) -> None:
    """Queue `task_name(*args)` after the surrounding transaction commits (now if none).

    Never raises for a broker failure: the committed write stands.
    """
    task = _task(task_name)
    transaction.on_commit(lambda: _publish(task, args))


def enqueue_now(task_name: str, *args) -> AsyncResult | None:
    """Queue `task_name(*args)` at once; None when the broker could not take it."""
    return _publish(_task(task_name), args)


def enqueue_group(task_name: str, arg_lists: list[tuple]) -> bool:
    """Queue one `task_name(*args)` per item, as a group; False when the broker refused."""
    _task(task_name)
    try:
        group(signature(task_name, args=args) for args in arg_lists).apply_async()
    except BROKER_ERRORS as exc:
        log.warning("Could not queue a group of %s (%s); carrying on without it.", task_name, exc)
        return False
    return True


# Options for tasks that must not be acknowledged as done when the database
# was unreachable (a restart, a failover): retried after 2, 4, 8 … s up to 5
# minutes, ten times (about 25 minutes in all); what is still undone after
# that is found by the reconcilers.
RETRY_ON_DATABASE_ERRORS = {
    "autoretry_for": (DatabaseOperationalError, DatabaseInterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 10,
}
