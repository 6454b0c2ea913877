"""A web process, which imports no task module of its own, can still queue work by name."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_a_fresh_process_finds_every_queued_task_without_importing_task_modules():
    # In a new interpreter (as gunicorn starts), set up Django and look the
    # engine's tasks up by name, as a saved note's receiver does.
    code = (
        "import django; django.setup();"
        "from feedbackhub import queue;"
        "from insights.themes.pipeline import placement, stats;"
        "print(queue._task(placement.PLACE_TASK).name, queue._task(stats.REFRESH_TASK).name)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "feedbackhub.settings_test"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [
        "insights.tasks.place_note",
        "insights.tasks.refresh_theme_stats",
    ]
