"""Real processes to break on purpose: a private Redis, and the web app under gunicorn.

The fault tests stop, freeze and restart Redis; they do it to a redis-server
of their own on a free port (never the shared test Redis), and run the web
app and the worker against it, as in production.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.db import connection
from django.test import Client

from tests.worker import WorkerProcess

ROOT = Path(__file__).resolve().parent.parent


# The fault tests shorten the reconcile interval and the run's stale-after;
# FAULT_TESTS_WITH_DEFAULTS=1 keeps the production intervals instead (slower;
# that is how the figures in docs/reliability.md were measured).
FAST_RECONCILE = (
    {}
    if os.environ.get("FAULT_TESTS_WITH_DEFAULTS") == "1"
    else {
        "RECONCILE_EVERY_SECONDS": "2",
        "RECONCILE_OVERDUE_SECONDS": "3",
        "THEME_RUN_HEARTBEAT_SECONDS": "1",
        "THEME_RUN_STALE_SECONDS": "5",
    }
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(message)


class PrivateRedis:
    """A redis-server of this test's own; stopping it loses everything in it, as a crash would."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "PrivateRedis":
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self._answers, 10, "the private redis-server did not start")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # in case it was frozen
            self.proc.kill()
            self.proc.wait(timeout=10)

    def freeze(self) -> None:
        """SIGSTOP: connections are accepted by the kernel, nothing ever answers."""
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.proc.send_signal(signal.SIGCONT)


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WebServer:
    """The app under gunicorn (2 workers, 30 s timeout as deployed), on the given Redis.

    Threads per worker as gunicorn.conf.py says, unless `threads` is given.
    """

    def __init__(self, redis_url: str, *, workers: int = 2, threads: int | None = None):
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.base = f"http://{self.address}"
        self.redis_url = redis_url
        self.workers, self.threads = workers, threads
        self.log_path = ROOT / "var-test-web.log"

    def start(self) -> "WebServer":
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "feedbackhub.settings_test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DB_CONN_MAX_AGE": "0",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "feedbackhub.wsgi", f"--workers={self.workers}"]
            + ([f"--threads={self.threads}"] if self.threads else [])
            + [f"--bind={self.address}", "--timeout=30"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._answers, 30, f"gunicorn did not start; see {self.log_path}")
        return self

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.base}/healthz", timeout=1).status_code in (200, 503)
        except requests.RequestException:
            return False

    def session_for(self, user) -> requests.Session:
        """A browser-like session logged in as `user` (session cookie and CSRF token)."""
        client = Client()
        client.force_login(user)
        session = requests.Session()
        csrf = "f" * 32
        session.cookies.set("sessionid", client.cookies["sessionid"].value)
        session.cookies.set("csrftoken", csrf)
        session.headers.update({"X-CSRFToken": csrf, "Referer": self.base + "/"})
        return session

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


def fault_worker(redis_url: str, *, beat: bool = True, hooks: bool = False, **env) -> WorkerProcess:
    """A real worker on the private Redis, with the fault tests' short intervals.

    `beat` runs the reconcilers in it; `hooks` loads tests.worker_hooks (pausing
    a run at a step given by FH_TEST_PAUSE_AT in `env`).
    """
    return WorkerProcess(
        beat=beat, hooks=hooks, extra_env={"REDIS_URL": redis_url, **FAST_RECONCILE, **env}
    )


class Pause:
    """Where a hooked worker stops its run, and how the test lets it go on."""

    def __init__(self, tmp_path: Path, at: str):
        self.prefix = tmp_path / "run-pause"
        self.env = {"FH_TEST_PAUSE_AT": at, "FH_TEST_PAUSE_FILE": str(self.prefix)}

    def _file(self, suffix: str) -> Path:
        return self.prefix.with_name(self.prefix.name + suffix)

    def reached(self) -> dict | None:
        text = self._file(".reached").read_text() if self._file(".reached").exists() else ""
        return json.loads(text) if text else None

    def go(self) -> None:
        self._file(".go").write_text("go")

    def returned(self) -> str | None:
        path = self._file(".returned")
        return path.read_text() or None if path.exists() else None
