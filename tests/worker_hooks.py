"""Test-only hooks loaded into a real worker (`celery worker --include tests.worker_hooks`).

They stop a theme run at an exact step, so that a test can kill, freeze or
stop the worker there and not somewhere near it. Nothing here ships: the
product never imports `tests`, and without FH_TEST_PAUSE_AT this module
changes nothing.

FH_TEST_PAUSE_AT:
- "mid_embedding": at least one batch of embeddings is committed, more to come;
- "grouping": the run has its vectors and is about to group them;
- "before_write": the run computed its result and is about to write it;
- "mid_write": inside the writing transaction, themes written, assignments not yet.

At that step the worker writes `<FH_TEST_PAUSE_FILE>.reached` (JSON: the pid,
and the number of themes its own transaction sees) and waits until
`<FH_TEST_PAUSE_FILE>.go` exists. Each execution of a run also leaves
`<FH_TEST_PAUSE_FILE>.returned` with what it returned, or the error it raised.
"""

import functools
import json
import os
import time
from pathlib import Path

from celery.signals import worker_process_init

PAUSE_AT = os.environ.get("FH_TEST_PAUSE_AT", "")
PAUSE_FILE = os.environ.get("FH_TEST_PAUSE_FILE", "")
MAX_PAUSE_SECONDS = 300  # a test that died never leaves a worker waiting for ever


def _pause_here() -> None:
    from insights.themes.models import Theme

    reached = Path(PAUSE_FILE + ".reached")
    if reached.exists():
        return  # once per worker: a retry goes straight through
    reached.write_text(json.dumps({"pid": os.getpid(), "themes_seen": Theme.objects.count()}))
    go = Path(PAUSE_FILE + ".go")
    deadline = time.monotonic() + MAX_PAUSE_SECONDS
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def _install() -> None:
    from insights.themes.pipeline import regroup

    original_execute = regroup.execute_full_run

    @functools.wraps(original_execute)
    def execute_full_run(**kwargs):
        try:
            result = original_execute(**kwargs)
        except BaseException as exc:
            Path(PAUSE_FILE + ".returned").write_text(type(exc).__name__)
            raise
        Path(PAUSE_FILE + ".returned").write_text(str(result))
        return result

    regroup.execute_full_run = execute_full_run

    if PAUSE_AT == "mid_embedding":
        original_ensure = regroup.vectors.ensure_embeddings
        calls = []

        def ensure_embeddings(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:  # the first batch is written
                _pause_here()
            return original_ensure(*args, **kwargs)

        regroup.vectors.ensure_embeddings = ensure_embeddings
    elif PAUSE_AT == "grouping":
        original_group = regroup.core.group

        def group(*args, **kwargs):
            _pause_here()
            return original_group(*args, **kwargs)

        regroup.core.group = group
    elif PAUSE_AT == "before_write":
        original_write = regroup._write

        def _write(*args, **kwargs):
            _pause_here()
            return original_write(*args, **kwargs)

        regroup._write = _write
    elif PAUSE_AT == "mid_write":
        original_batches = regroup._batches

        def _batches(*args, **kwargs):
            # First called for the assignments, after the themes are written.
            _pause_here()
            yield from original_batches(*args, **kwargs)

        regroup._batches = _batches


@worker_process_init.connect(dispatch_uid="tests-worker-hooks")
def install_hooks(**kwargs) -> None:
    if PAUSE_FILE:
        _install()
