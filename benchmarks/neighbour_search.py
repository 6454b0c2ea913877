"""How many of the exact nearest notes the bucketed search finds, and what each costs.

    .venv/bin/python benchmarks/neighbour_search.py banking synthetic:100000

A benchmark, not the engine (issue 10, session 9; docs/theme-engine.md). On the
vectors the graph is built from (`grouping._features`: PCA to 128 dimensions, tags
appended), each note's 51 nearest other notes (the words' re-ranking pool) are found
exactly and with `neighbour_search`'s buckets, forced on whatever the size. Prints
recall of the exact 10 and 51 nearest, the inner products each search computed and
their CPU seconds (load-independent, unlike wall time). `banking` reads the
embeddings `engine_benchmark` cached; `synthetic:N` makes the scale benchmark's notes.
"""

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.second_pass import load  # noqa: E402  (sets Django up)
from insights.themes.engine import grouping, neighbour_search, scale  # noqa: E402

WIDTH = 52  # 10 · POOL candidates + the note itself, as a run asks


def _vectors(name: str) -> np.ndarray:
    if name.startswith("synthetic:"):
        n = int(name.split(":")[1])
        raw, tags, _ = scale.synthetic_notes(n, needs=max(20, min(2000, n // 200)))
    else:
        tags, _, raw = load(name)
    return np.ascontiguousarray(grouping._features(raw, tags, 0), dtype=np.float32)


def _others(found: np.ndarray, width: int) -> list[set]:
    return [set(row[row != i][:width].tolist()) for i, row in enumerate(found)]


def _recall(found, exact, width) -> float:
    pairs = zip(_others(found, width), _others(exact, width), strict=True)
    return float(np.mean([len(a & b) / len(b) for a, b in pairs]))


def main(names: list[str]) -> None:
    import faiss

    for name in names:
        data = _vectors(name)
        n = len(data)
        with grouping._search_threads(2):
            started = time.process_time()
            _, exact = neighbour_search._exact(data, data, WIDTH)
            exact_cpu = time.process_time() - started
            neighbour_search.APPROXIMATE_FROM = 0
            faiss.cvar.indexIVF_stats.reset()
            started = time.process_time()
            _, found = neighbour_search.search(data, WIDTH)
            bucket_cpu = time.process_time() - started
        scanned = faiss.cvar.indexIVF_stats.ndis
        buckets = round(4 * math.sqrt(n))
        print(
            f"{name}: {n:,} notes, {buckets:,} buckets, {neighbour_search.PROBED} probed\n"
            f"  recall of the exact 10 nearest {_recall(found, exact, 10):.3f}, "
            f"of the exact 51 {_recall(found, exact, 51):.3f}\n"
            f"  inner products: exact {n * n:,}; bucketed search {scanned:,} "
            f"+ training about {neighbour_search._ROUNDS * n * buckets:,}\n"
            f"  CPU seconds (2 threads): exact {exact_cpu:.1f}, bucketed {bucket_cpu:.1f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:] or ["banking"])
