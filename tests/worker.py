"""A real Celery worker process on the local Redis, for tests whose behaviour
depends on one (late acknowledgement, a killed worker, tasks after commit).

The worker uses the test database (tests that use it need
`transactional_db`, so that what they write is committed and visible to it)
and the test Redis database from feedbackhub.settings_test.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


class WorkerProcess:
    def __init__(
        self,
        *,
        concurrency: int = 1,
        extra_env: dict[str, str] | None = None,
        beat: bool = False,
        hooks: bool = False,
    ):
        self.concurrency = concurrency
        self.extra_env = extra_env or {}
        self.beat = beat  # also run beat's schedule (the reconcilers) in this worker
        self.hooks = hooks  # load tests.worker_hooks (pause a run at a step; see there)
        self.proc: subprocess.Popen | None = None
        self.log_path = ROOT / "var-test-worker.log"

    def _env(self) -> dict[str, str]:
        db = connection.settings_dict
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "feedbackhub.settings_test",
            "DATABASE_URL": url,
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "PYTHONUNBUFFERED": "1",
        }
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 30) -> "WorkerProcess":
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "feedbackhub",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--pool=prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
                *(["--beat", f"--schedule={self._beat_schedule()}"] if self.beat else []),
                *(["--include=tests.worker_hooks"] if self.hooks else []),
            ],
            cwd=ROOT,
            env=self._env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready(timeout)
        return self

    def _beat_schedule(self) -> Path:
        path = ROOT / "var-test-beat" / f"schedule-{os.getpid()}-{time.monotonic_ns()}"
        path.parent.mkdir(exist_ok=True)
        return path

    def _wait_ready(self, timeout: float) -> None:
        from celery import Celery

        from feedbackhub.celery import app

        if "REDIS_URL" in self.extra_env:  # a private Redis of the test's own
            app = Celery(broker=self.extra_env["REDIS_URL"], set_as_current=False)

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Celery worker exited early; see {self.log_path}")
            replies = app.control.ping(timeout=0.5)
            if replies:
                return
        raise RuntimeError(f"Celery worker did not answer within {timeout}s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), like an OOM kill."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def signal_group(self, sig: int) -> None:
        """Send `sig` to the whole worker (main process and pool children), as systemd does."""
        os.killpg(self.proc.pid, sig)

    def freeze(self, timeout: float = 30) -> None:
        """SIGSTOP the whole worker, and return once every process of it is stopped."""
        self.signal_group(signal.SIGSTOP)
        deadline = time.monotonic() + timeout
        while any(state != "T" for state in self._group_states()):
            if time.monotonic() > deadline:
                raise RuntimeError("the worker's processes did not stop")
            time.sleep(0.05)

    def _group_states(self) -> list[str]:
        states = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after it.
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # exited meanwhile
            if int(fields[2]) == self.proc.pid:
                states.append(fields[0])
        return states

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGCONT)  # in case a test froze it
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "log", None):
            self.log.close()
