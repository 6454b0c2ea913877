"""Run the repository's nginx configuration locally, in front of two gunicorns.

docker-compose.yml serves FeedbackHub through `deploy/nginx.conf.template`
(the official nginx image fills in its placeholders). This does the same with
Debian's nginx for the load test and the tests, or by hand:

    python -m deploy.proxy --listen 127.0.0.1:8000 --main 127.0.0.1:8001 --reports 127.0.0.1:8002

It writes a small main configuration (pid file, logs, temporary files under
one working directory) around the template, runs nginx in the foreground as
its own process group, and stops it with the caller.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
PLACEHOLDER = re.compile(r"\$\{(FH_[A-Z_]+)\}")

MAIN_CONF = """\
worker_processes 1;
pid nginx.pid;
error_log logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    include {site};
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def render(*, listen: str, main: str, reports: str, access_log: str) -> str:
    """The site configuration, as the nginx image's envsubst fills it in."""
    values = {
        "FH_LISTEN": listen,
        "FH_MAIN_POOL": main,
        "FH_REPORT_POOL": reports,
        "FH_ACCESS_LOG": access_log,
    }
    template = TEMPLATE.read_text()
    missing = set(PLACEHOLDER.findall(template)) - values.keys()
    if missing:
        raise ValueError(f"{TEMPLATE.name} has placeholders nobody fills: {sorted(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


class Proxy:
    """nginx with the repository's configuration, in a working directory of its own."""

    def __init__(self, *, listen: str, main: str, reports: str, workdir: Path | None = None):
        self.listen, self.main, self.reports = listen, main, reports
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="fh-proxy-"))
        self.access_log = self.workdir / "logs" / "feedbackhub-access.log"
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{self.listen}"

    def start(self, timeout: float = 10) -> "Proxy":
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
        for sub in ("logs", "tmp"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        site = self.workdir / "feedbackhub.conf"
        site.write_text(
            render(
                listen=self.listen,
                main=self.main,
                reports=self.reports,
                access_log=str(self.access_log),
            )
        )
        conf = self.workdir / "nginx.conf"
        conf.write_text(MAIN_CONF.format(site=site))
        self.proc = subprocess.Popen(
            [binary, "-p", str(self.workdir), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "logs" / "stderr.log").open("wb"),
            start_new_session=True,
        )
        self._wait_listening(timeout)
        return self

    def _wait_listening(self, timeout: float) -> None:
        host, _, port = self.listen.rpartition(":")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.workdir / "logs" / "stderr.log").read_text()
                raise RuntimeError(f"nginx exited ({self.proc.returncode}): {log}")
            try:
                socket.create_connection((host or "127.0.0.1", int(port)), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not listen on {self.listen} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)

    def __enter__(self) -> "Proxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:8000")
    parser.add_argument("--main", default="127.0.0.1:8001", help="the main gunicorn")
    parser.add_argument("--reports", default="127.0.0.1:8002", help="the report gunicorn")
    args = parser.parse_args()
    proxy = Proxy(listen=args.listen, main=args.main, reports=args.reports).start()
    print(f"nginx on {args.listen}: reports → {args.reports}, the rest → {args.main}")
    print(f"access log: {proxy.access_log}")
    try:
        proxy.proc.wait()
    except KeyboardInterrupt:
        proxy.stop()


if __name__ == "__main__":
    main()
