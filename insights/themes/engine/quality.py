"""The engine's quality benchmark on a labelled CSV (text, tags, label).

Runs exactly what `cluster_csv` runs — the label column is never shown to the
engine — and scores the themes against the labels with NMI and ARI, counting
each unthemed row as a theme of its own. Also measures stability: themes from
95% of the rows, then from all of them, matched by the run's identity rule;
the share of the first 95% that kept their theme.
"""

import hashlib
import resource
import time
from collections import Counter
from pathlib import Path

import numpy as np

from insights.themes.engine import embeddings, grouping, naming, placement
from insights.themes.engine.csv_io import read_rows, split_tags
from insights.themes.engine.identity import decide


def _scorable(labels: np.ndarray) -> np.ndarray:
    out = labels.copy()
    singles = np.where(out < 0)[0]
    out[singles] = out.max(initial=-1) + 1 + np.arange(len(singles))
    return out


def _embeddings(texts: list[str], cache_dir: Path | None) -> np.ndarray:
    if cache_dir is None:
        return embeddings.embed(texts)
    digest = hashlib.sha256(("\n".join(texts) + embeddings.MODEL_NAME).encode("utf-8")).hexdigest()[
        :16
    ]
    path = cache_dir / f"embeddings-{digest}.npy"
    if path.exists():
        return np.load(path)
    vectors = embeddings.embed(texts)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def stability(
    vectors: np.ndarray, tags: list[list[str]], *, texts: list[str] | None = None, seed: int = 1
) -> float:
    """Share of notes that keep their theme when 5% new notes arrive and a run regroups."""
    n = len(vectors)
    rng = np.random.default_rng(seed)
    old = np.sort(rng.choice(n, int(n * 0.95), replace=False))
    before = grouping.group(
        vectors[old],
        [tags[i] for i in old],
        texts=None if texts is None else [texts[i] for i in old],
    )
    previous = {int(i): int(label) for i, label in zip(old, before, strict=True) if label >= 0}
    centres, thresholds = {}, {}
    for theme in set(previous.values()):
        members = vectors[old[before == theme]]
        centres[theme] = placement.centroid(members)
        thresholds[theme] = placement.placement_threshold(members, centres[theme])

    def still_fits(note: int, theme: int) -> bool:
        return float(vectors[note] @ centres[theme]) >= thresholds[theme]

    after = grouping.group(vectors, tags, texts=texts)
    decision = decide(
        note_ids=list(range(n)),
        labels=after.tolist(),
        previous=previous,
        locked={},
        active_themes=set(previous.values()),
        still_fits=still_fits,
    )
    kept = sum(1 for i, theme in previous.items() if decision.note_theme[i] == theme)
    return kept / max(len(previous), 1)


def title_figures(
    texts: list[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    truth: list[str],
    *,
    tags: list[list[str]] | None = None,
    phrasings: np.ndarray | None = None,
):
    """How the titles read: share of comma lists and of 2-6 word phrases, and the
    size-weighted cosine between a theme's title and the name of its majority label
    (`card_arrival` → "card arrival"), both embedded with the notes' model."""
    groups = sorted(int(g) for g in set(labels.tolist()) if g >= 0)
    if not groups:
        return {"title_comma_share": 0.0, "title_phrase_share": 0.0, "title_label_cosine": 0.0}
    centres = {g: placement.centroid(vectors[labels == g]) for g in groups}
    started = time.perf_counter()
    names = naming.name_groups(
        texts, labels, centres=centres, embed=embeddings.embed, tags=tags, phrasings=phrasings
    )
    seconds = time.perf_counter() - started
    truth_array = np.asarray(truth)
    titles = [names[g][0] for g in groups]
    label_names = [
        Counter(truth_array[labels == g].tolist()).most_common(1)[0][0].replace("_", " ")
        for g in groups
    ]
    sizes = np.asarray([(labels == g).sum() for g in groups], dtype=np.float64)
    cosine = (embeddings.embed(titles) * embeddings.embed(label_names)).sum(axis=1)
    return {
        "title_comma_share": float(np.mean([", " in t or "," in t for t in titles])),
        "title_phrase_share": float(np.mean([naming.is_phrase(t) for t in titles])),
        "title_label_cosine": float((cosine * sizes).sum() / sizes.sum()),
        "naming_seconds": seconds,
        "sample_titles": [
            [label, title] for label, title in sorted(zip(label_names, titles, strict=True))
        ][:12],
    }


def score_rows(
    texts: list[str],
    tags: list[list[str]],
    truth: list[str],
    *,
    cache_dir: Path | None = None,
    with_stability: bool = True,
) -> dict:
    """Group labelled rows as the product would (labels unseen) and score the result."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    vectors = _embeddings(texts, cache_dir)
    started = time.perf_counter()
    labels, phrasings = grouping.group_with_phrasings(vectors, tags, texts=texts)
    group_seconds = time.perf_counter() - started
    scorable = _scorable(labels)
    themes = int(len(set(labels[labels >= 0].tolist())))
    figures = {
        "rows": len(texts),
        "labels": len(set(truth)),
        "nmi": normalized_mutual_info_score(truth, scorable),
        "ari": adjusted_rand_score(truth, scorable),
        "themes": themes,
        "themes_per_label": themes / max(len(set(truth)), 1),
        "unthemed": int((labels < 0).sum()),
        "group_seconds": group_seconds,
    }
    figures.update(title_figures(texts, vectors, labels, truth, tags=tags, phrasings=phrasings))
    if with_stability:
        figures["stability"] = stability(vectors, tags, texts=texts)
    figures["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def embedding_throughput(texts: list[str]) -> float:
    sample = texts[:2000]
    embeddings.embed(sample[:64])  # load the model outside the timing
    started = time.perf_counter()
    embeddings.embed(sample)
    return len(sample) / (time.perf_counter() - started)


def run_quality_benchmark(csv_path: Path, *, cache_dir: Path | None = None) -> dict:
    """Banking77-style CSV: `text`, optional `tags`, and the label in `label` or `category`."""
    fields, rows = read_rows(Path(csv_path))
    column = "label" if "label" in fields else "category"
    texts = [row["text"] or "" for row in rows]
    tags = [split_tags(row.get("tags")) for row in rows]
    truth = [row[column] for row in rows]  # for scoring only
    notes_per_second = embedding_throughput(texts)
    figures = score_rows(texts, tags, truth, cache_dir=cache_dir)
    figures["embedding_notes_per_second"] = notes_per_second
    return figures
