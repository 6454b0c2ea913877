"""How gunicorn serves FeedbackHub (read by gunicorn from the working directory).

Threads, not processes, carry the concurrency: a web process spends most of a
request waiting for PostgreSQL, and a waiting thread costs a few MB where a
sync worker costs a whole process (about 150 MB here) and serves one request
at a time. One process per core keeps both cores busy despite the GIL; many
threads per process mean a rep's save always finds a free thread even while
reports run, because reports take at most REPORT_CONCURRENCY threads of a
process (feedbackhub/report_guard.py) and wait for a seat without touching
the database. The gthread worker is never killed for a long request (its
main thread keeps reporting in), so `timeout` only catches a stuck process.

Every value can be overridden by the environment (WEB_CONCURRENCY,
WEB_THREADS, WEB_TIMEOUT, WEB_BIND, WEB_NICE; WEB_WORKER_CLASS only to compare
with other worker classes) or on the command line.
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", 16))
timeout = int(os.environ.get("WEB_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Bounded memory: a process is replaced after this many requests (jittered so
# that the processes are not all replaced at the same moment).
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"


def _nice() -> int:
    value = int(os.environ.get("WEB_NICE", 0))
    if not 0 <= value <= 19:
        raise ValueError(f"WEB_NICE must be 0 (normal) to 19 (lowest CPU priority), not {value}")
    return value


# The pool's CPU priority, lowered by WEB_NICE (0-19, default 0): compose gives the
# report pool a lower one than the main pool, so that when both want the CPU, the
# kernel runs a rep's save before a report's Python (docs/performance.md, session 9).
# Lowering needs no privilege; the workers inherit it from the master.
WEB_NICE = _nice()


def on_starting(server):
    if WEB_NICE:
        os.nice(WEB_NICE)
