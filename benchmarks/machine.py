"""How fast is this machine? Fixed work, timed, so figures from two sessions can be compared.

Each session runs on its own machine of the same kind, and the timed targets
(docs/performance.md, docs/theme-engine.md) moved by up to 2× between sessions
with the same code. Run this beside any timing you publish:

    python benchmarks/machine.py            # DATABASE_URL picks the PostgreSQL server

It times, best of five: pure Python (the interpreter, as Django's views and
templates use it), a float32 matrix product on one thread and on all cores (as
faiss's exact search and PCA use them), and PostgreSQL aggregating ten million
generated rows (as the reports' statements do, without touching any table).
Nothing it does depends on the project's data.
"""

import os
import time

import numpy as np
import psycopg2

REPEATS = 5


def best(work) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def python_loop() -> None:
    total = 0
    for i in range(3_000_000):
        total += i % 7
    assert total > 0


def matmul(threads: int):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2000, 2000), dtype=np.float32)

    def work():
        from threadpoolctl import threadpool_limits

        with threadpool_limits(threads):
            a @ a

    return work


def postgres(url: str):
    connection = psycopg2.connect(url)
    connection.autocommit = True

    def work():
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute(
                "SELECT sum(i % 7), count(DISTINCT i % 1000) FROM generate_series(1, 10000000) i"
            )
            cursor.fetchone()

    return work


def main() -> None:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    print(f"load average at start: {os.getloadavg()[0]:.2f}, cores: {os.cpu_count()}")
    print(f"python loop, 3M iterations: {best(python_loop):8.1f} ms")
    print(f"float32 2000² matmul, 1 thread: {best(matmul(1)):8.1f} ms")
    print(f"float32 2000² matmul, all cores: {best(matmul(os.cpu_count() or 1)):8.1f} ms")
    print(f"PostgreSQL, 10M generated rows aggregated: {best(postgres(url)):8.1f} ms")


if __name__ == "__main__":
    main()
