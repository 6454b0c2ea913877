"""A web process, which imports no task module of its own, can still queue work by name."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _in_a_fresh_process(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter, as gunicorn starts one."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "feedbackhub.settings_test"},
    )


def test_a_fresh_process_finds_every_queued_task_without_importing_task_modules():
    # In a new interpreter (as gunicorn starts), set up Django and look the
    # engine's tasks up by name, as a saved note's receiver does.
    code = (
        "import django; django.setup();"
        "from feedbackhub import queue;"
        "from insights.themes.pipeline import placement, stats;"
        "print(queue._task(placement.PLACE_TASK).name, queue._task(stats.REFRESH_TASK).name)"
    )
    done = _in_a_fresh_process(code)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [
        "insights.tasks.place_note",
        "insights.tasks.refresh_theme_stats",
    ]


def test_threads_of_a_fresh_process_that_queue_at_once_all_find_the_task():
    # gunicorn's threads: the first saves after a start arrive together, and
    # each must wait for the task modules the first one is importing.
    code = (
        "import threading, django; django.setup();"
        "from feedbackhub import queue;"
        "from insights.themes.pipeline import placement;"
        "barrier = threading.Barrier(8); found = [];"
        "go = lambda: (barrier.wait(), found.append(queue._task(placement.PLACE_TASK).name));"
        "threads = [threading.Thread(target=go) for _ in range(8)];"
        "[t.start() for t in threads]; [t.join() for t in threads];"
        "print(len(found))"
    )
    done = _in_a_fresh_process(code)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["8"], done.stderr[-2000:]
