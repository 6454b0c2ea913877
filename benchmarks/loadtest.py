"""Load test: the mixed workload of issue 12 against gunicorn, served as in production.

    DATABASE_URL=postgres://…/fh_bench .venv/bin/python benchmarks/loadtest.py --users 8

It prepares sessions for the demo product managers and reps and API tokens
(in the database DATABASE_URL names: run it against a benchmark database
seeded with `seed_demo`, never production), starts gunicorn with
`gunicorn.conf.py` on 127.0.0.1 only, with DEBUG off, runs locust headless
(`benchmarks/locustfile.py`) for a bounded time with a bounded number of
users, stops gunicorn and prints p50 / p95 / errors per kind of request.
Extra environment for the server (WEB_THREADS=…, REPORT_CONCURRENCY=…) is
passed through.

`--report-pool N` serves the report pages from a second gunicorn of N
processes (REPORT_POOL_THREADS threads each, default 8; CPU priority lowered by
REPORT_POOL_NICE, default 10, as compose does), as a proxy routing
the report paths (/themes/, /overview/, /competitors/, /pmf/) there would:
product managers' requests go to it, reps' and API clients' to the main one
(docs/performance.md, "Saves under load").

`--proxy` serves it as docker-compose.yml does: nginx with
deploy/nginx.conf.template on --port routes the report pages to the report
pool (--report-pool N processes, default 1) and everything else to the main
gunicorn, and locust drives the one address, as people would.
"""

import argparse
import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from deploy.proxy import Proxy  # noqa: E402 - the repository's root is on the path only now


def prepare(fixture: Path) -> None:
    """Sessions, tokens and ids for the workload, written as JSON (runs Django once)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedbackhub.settings")
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from deals.models import Account, Competitor
    from insights.notes.forms import account_label
    from insights.notes.models import Tag
    from insights.themes.models import Theme

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    pms = list(User.objects.filter(username__startswith="pm.").order_by("username"))
    reps = list(User.objects.filter(username__startswith="rep.").order_by("username"))
    if not pms or not reps:
        sys.exit("No demo users: seed the database with `manage.py seed_demo` first.")
    themes = list(
        Theme.objects.filter(merged_into__isnull=True)
        .order_by("-note_count", "pk")
        .values_list("pk", flat=True)[:200]
    )
    if not themes:
        sys.exit("No themes: run `manage.py benchmark_dashboard --themes 2000` (or a theme run).")
    data = {
        "today": dt.date.today().isoformat(),
        "pm_sessions": [session(u) for u in pms],
        "reps": [
            {
                "session": session(rep),
                "accounts": [
                    account_label(a) for a in Account.objects.filter(owner=rep).order_by("pk")[:20]
                ],
            }
            for rep in reps
        ],
        "api_tokens": [Token.objects.get_or_create(user=u)[0].key for u in pms[:1] + reps[:3]],
        "tags": list(
            Tag.objects.annotate(n=Count("notes"))
            .order_by("-n")
            .values_list("name", flat=True)[:10]
        ),
        "competitors": list(Competitor.objects.order_by("pk").values_list("pk", flat=True)),
        "themes": themes,
        "biggest_theme": themes[0],
    }
    data["reps"] = [r for r in data["reps"] if r["accounts"]]
    fixture.write_text(json.dumps(data))


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def summary(stats_csv: Path) -> str:
    lines = [f"{'request':<28}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}"]
    with stats_csv.open() as f:
        for row in csv.DictReader(f):
            lines.append(
                f"{row['Name']:<28}{row['Request Count']:>8}{row['50%']:>9}{row['95%']:>9}"
                f"{float(row['Max Response Time']):>9.0f}{row['Failure Count']:>8}"
            )
    return "\n".join(lines)


def _gunicorn(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "feedbackhub.wsgi:application", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", type=Path, default=None, help="keep locust's CSVs here")
    parser.add_argument(
        "--report-pool",
        type=int,
        default=0,
        metavar="N",
        help="serve report pages from a second gunicorn of N processes",
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="serve through nginx in front of the two pools, as docker-compose.yml does",
    )
    args = parser.parse_args()
    if args.proxy and not args.report_pool:
        args.report_pool = 1
    if not 1 <= args.users <= 200 or not 1 <= args.duration <= 1800:
        sys.exit("--users 1..200 and --duration 1..1800 seconds")

    work = Path(tempfile.mkdtemp(prefix="fh-loadtest-"))
    out = args.out or work
    out.mkdir(parents=True, exist_ok=True)
    fixture = work / "fixture.json"
    host = f"127.0.0.1:{args.port}"
    # As in production (DEBUG off), but over plain HTTP on loopback. The
    # sessions are signed with this key, so the preparation uses it too.
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "load-test-only-" + "x" * 40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
        }
    )
    # With the proxy, nginx listens on the port and the pools on the next two.
    main_host = f"127.0.0.1:{args.port + 1}" if args.proxy else host
    env = {**os.environ, "WEB_BIND": main_host}
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    prepare(fixture)
    log = (out / "gunicorn.log").open("w")
    servers = [_gunicorn(env, log)]
    report_host = main_host
    if args.report_pool:
        report_host = f"127.0.0.1:{args.port + (2 if args.proxy else 1)}"
        threads = os.environ.get("REPORT_POOL_THREADS", "8")
        pool = {
            "WEB_BIND": report_host,
            "WEB_CONCURRENCY": str(args.report_pool),
            "WEB_THREADS": threads,
            # As compose runs it: the report pool at a lower CPU priority (gunicorn.conf.py).
            "WEB_NICE": os.environ.get("REPORT_POOL_NICE", "10"),
        }
        servers.append(_gunicorn({**env, **pool}, log))
    if args.report_pool and not args.proxy:
        data = json.loads(fixture.read_text())
        fixture.write_text(json.dumps({**data, "report_host": f"http://{report_host}"}))
    proxy = None
    try:
        for server_host in {main_host, report_host}:
            wait_for(f"http://{server_host}/healthz", 60)
        if args.proxy:
            proxy = Proxy(listen=host, main=main_host, reports=report_host, workdir=out / "nginx")
            proxy.start()
            wait_for(f"http://{host}/healthz", 10)
        locust = [
            PYTHON, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")),
            "--headless", "--host", f"http://{host}",
            "-u", str(args.users), "-r", str(args.users), "-t", f"{args.duration}s",
            "--stop-timeout", "30", "--csv", str(out / "run"), "--only-summary",
            "--loglevel", "WARNING",
        ]  # fmt: skip
        subprocess.run(
            locust,
            cwd=ROOT,
            env={**os.environ, "FH_LOADTEST_FIXTURE": str(fixture)},
            timeout=args.duration + 120,
            stdout=subprocess.DEVNULL,
            check=False,
        )
    finally:
        if proxy:
            proxy.stop()
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=60)
        log.close()
    served = f"gunicorn.conf.py on {main_host}"
    if args.report_pool:
        served += (
            f", report pages on {report_host} ({args.report_pool} processes, "
            f"nice {pool['WEB_NICE']}, REPORT_CONCURRENCY "
            f"{os.environ.get('REPORT_CONCURRENCY', 'default')})"
        )
    if args.proxy:
        served = f"nginx on {host} (access log {proxy.access_log}) in front of " + served
    print(f"{args.users} users, {args.duration} s, server: {served}")
    print(summary(out / "run_stats.csv"))
    failures = out / "run_failures.csv"
    if failures.exists() and failures.read_text().count("\n") > 1:
        print("\nerrors:\n" + failures.read_text())


if __name__ == "__main__":
    main()
