"""Hand work to the Celery workers by task name, once the current transaction commits.

Services enqueue through here instead of importing task modules: the task
modules import the services they call, so a service importing a task would
close an import loop. Looking the task up by its registered name keeps the
dependency one way (tasks → services) and still honours every setting of the
real task (eager mode in tests, retries, routing). An unknown name fails
loudly: `tests/test_task_registration.py` checks every name used here.
"""

from celery import current_app, group, signature


def _task(task_name: str):
    if task_name not in current_app.tasks:
        # A web process imports no task module by itself: load them as a
        # worker does when it starts (the app's autodiscovery), once.
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name]  # an unknown name raises NotRegistered


def enqueue_on_commit(task_name: str, *args) -> None:
    """Queue `task_name(*args)` after the surrounding transaction commits (now if none)."""
    _task(task_name).delay_on_commit(*args)


def enqueue_now(task_name: str, *args):
    """Queue `task_name(*args)` at once; for work that no transaction waits on."""
    return _task(task_name).delay(*args)


def enqueue_group(task_name: str, arg_lists: list[tuple]) -> None:
    """Queue one `task_name(*args)` per item, as a group (spread over the workers)."""
    _task(task_name)
    group(signature(task_name, args=args) for args in arg_lists).apply_async()
