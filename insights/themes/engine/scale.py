"""Speed and memory of the engine at scale, on synthetic embeddings.

Synthetic notes: unit vectors scattered around a few hundred random "needs"
(cosine to their need's centre ~0.6, like real paraphrases), each with the
need's tags, made noisy. Real embeddings would cost an hour of CPU per
100,000 notes to compute first; the grouping cost does not depend on where
the vectors came from, only on their number and dimension.
"""

import resource
import time

import numpy as np

from insights.themes.engine import embeddings, grouping, lookup, placement


def synthetic_notes(n: int, *, needs: int, dim: int = 384, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(needs, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    sizes = rng.zipf(1.6, size=needs).astype(np.float64)
    need_of = rng.choice(needs, size=n, p=sizes / sizes.sum())
    vectors = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        stop = min(start + 100_000, n)
        noise = rng.normal(size=(stop - start, dim)).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        block = 0.6 * centres[need_of[start:stop]] + 0.8 * noise
        vectors[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    tag_names = [[f"tag{i}a", f"tag{i}b"] for i in range(needs)]
    tags = []
    for i in range(n):
        roll = rng.random()
        tags.append([] if roll < 0.3 else tag_names[need_of[i]][: 1 + (roll > 0.7)])
    return vectors, tags, need_of


def synthetic_texts(need_of: np.ndarray, *, seed: int = 0) -> list[str]:
    """A text per note: four words of its need's own dozen and six common words
    (Zipf-distributed over 2,000), so the word channel costs what real notes cost."""
    rng = np.random.default_rng(seed)
    n = len(need_of)
    own = rng.integers(0, 12, size=(n, 4))
    common = np.minimum(rng.zipf(1.3, size=(n, 6)), 2000)
    return [
        " ".join([f"need{need}word{w}" for w in own[i]] + [f"word{c}" for c in common[i]])
        for i, need in enumerate(need_of.tolist())
    ]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_regroup(n: int, *, needs: int | None = None) -> dict:
    needs = needs or max(20, min(2000, n // 200))
    vectors, tags, truth = synthetic_notes(n, needs=needs)
    texts = synthetic_texts(truth)
    started = time.perf_counter()
    labels = grouping.group(vectors, tags, texts=texts)
    seconds = time.perf_counter() - started
    from sklearn.metrics import normalized_mutual_info_score

    return {
        "notes": n,
        "true_needs": needs,
        "themes": int(labels.max() + 1),
        "regroup_seconds": seconds,
        "nmi_vs_synthetic_truth": float(normalized_mutual_info_score(truth, labels)),
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_lookups(*, notes: int = 100_000, themes: int = 2000, queries: int = 200) -> dict:
    """p50/p95 of placing a new note and of the similar-notes look-up, model included."""
    vectors, _, _ = synthetic_notes(notes, needs=themes)
    rng = np.random.default_rng(1)
    centroids = vectors[rng.choice(notes, themes, replace=False)]
    thresholds = np.full(themes, placement.DEFAULT_PLACEMENT_THRESHOLD, dtype=np.float32)
    texts = [
        f"Customer {i} asked for single sign-on with Okta before rollout." for i in range(queries)
    ]
    embeddings.embed(texts[:2])  # load the model first
    place_ms, similar_ms = [], []
    for text in texts:
        started = time.perf_counter()
        vector = embeddings.embed([text])[0]
        placement.place(vector, centroids, thresholds)
        place_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        vector = embeddings.embed([text])[0]
        lookup.top_k(centroids, vector, 5)
        lookup.top_k(vectors, vector, 5)
        similar_ms.append((time.perf_counter() - started) * 1000)
    sample = [f"Note {i}: they need to export reports to Excel and CSV." for i in range(1000)]
    started = time.perf_counter()
    embeddings.embed(sample)
    per_second = len(sample) / (time.perf_counter() - started)
    return {
        "lookup_notes": notes,
        "lookup_themes": themes,
        "place_p50_ms": float(np.percentile(place_ms, 50)),
        "place_p95_ms": float(np.percentile(place_ms, 95)),
        "similar_p50_ms": float(np.percentile(similar_ms, 50)),
        "similar_p95_ms": float(np.percentile(similar_ms, 95)),
        "embedding_notes_per_second": per_second,
    }
