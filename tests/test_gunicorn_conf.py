"""gunicorn.conf.py: a pool's CPU priority comes from WEB_NICE, and a wrong value stops it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Runs the configuration as gunicorn does, then the hook gunicorn calls first, in a child
# process (a priority once lowered cannot be raised again) that prints how it ended up.
_START = (
    "import os, runpy; before = os.nice(0); conf = runpy.run_path('gunicorn.conf.py'); "
    "conf['on_starting'](None); print(os.nice(0) - before)"
)


def _start(nice: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WEB_NICE"}
    if nice is not None:
        env["WEB_NICE"] = nice
    return subprocess.run(
        [sys.executable, "-c", _START], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_a_pool_runs_at_normal_priority_unless_told():
    assert _start(None).stdout.strip() == "0"


def test_web_nice_lowers_the_pools_priority():
    assert _start("10").stdout.strip() == "10"


def test_it_refuses_a_priority_out_of_range():
    for wrong in ("20", "-5"):
        started = _start(wrong)
        assert started.returncode != 0
        assert "WEB_NICE must be 0 (normal) to 19" in started.stderr
