"""How long the dashboard's cache takes to write and read a live filter's figures.

A combination at a million notes has figures for most themes (1,948 of 2,000 in
docs/performance.md's benchmark database); the dashboard keeps them in Redis for
DASHBOARD_FILTER_CACHE_SECONDS. This times pickling them as Figures (Decimals and dates)
against the packed form the dashboard stores (insights.themes.figures.packed), with the
same values, best of five rounds of twenty.

    python benchmarks/figures_cache.py [--themes 1948]
"""

import argparse
import datetime as dt
import os
import pickle
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedbackhub.settings")

import django  # noqa: E402

django.setup()

from insights.themes.figures import Figures, packed, unpacked  # noqa: E402


def _figures(themes: int) -> dict[int, Figures]:
    return {
        theme_id: Figures(
            note_count=40 + theme_id % 300,
            account_count=20 + theme_id % 90,
            last_mentioned_on=dt.date(2026, 11, 1) - dt.timedelta(days=theme_id % 60),
            open_revenue=Decimal(f"{1_250_000 + theme_id * 17}.50"),
            lost_revenue=Decimal(f"{80_000 + theme_id}.00"),
            won_revenue=Decimal(f"{310_000 + theme_id * 3}.25"),
            weighted_revenue=Decimal(f"{640_000 + theme_id * 7}.3750"),
            weekly_mentions=[(theme_id + week) % 9 for week in range(12)],
        )
        for theme_id in range(1, themes + 1)
    }


def _best_ms(work, rounds: int = 5, repeat: int = 20) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(repeat):
            work()
        best = min(best, (time.perf_counter() - started) / repeat)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--themes", type=int, default=1948)
    themes = parser.parse_args().themes
    figures = _figures(themes)
    assert unpacked(packed(figures)) == figures  # the same figures come back
    print(f"figures of {themes} themes, best of 5 x 20, load {os.getloadavg()[0]:.2f}")
    for name, value in [("as Figures", figures), ("packed", packed(figures))]:
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        write = _best_ms(lambda value=value: pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        read = _best_ms(lambda data=data: pickle.loads(data))
        print(f"{name:11} write {write:5.2f} ms  read {read:5.2f} ms  {len(data):,} bytes")
    pack = _best_ms(lambda: packed(figures))
    unpack_ms = _best_ms(lambda: unpacked(packed(figures))) - pack
    print(f"packing {pack:.2f} ms, unpacking {unpack_ms:.2f} ms")


if __name__ == "__main__":
    main()
