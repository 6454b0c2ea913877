"""Split a theme by its own words, only when its vocabulary separates more than chance.

    .venv/bin/python benchmarks/word_split.py banking demo /path/to/clinc150_test.csv

An experiment (issue 10, session 9; docs/theme-engine.md). The engine's grouping
is built once per set and seed (graph, Leiden at 1, density split, tag join), then
each variant post-processes the themes that are one community:

- `engine`: nothing more (the engine as it is).
- `words-perm`: inside a theme, the best two-way split of its notes' TF-IDF rows
  (words of the theme seen in two of its notes; 2-means from the first principal
  axis) against the same split of the theme with each word's occurrences shuffled
  among its notes (a word keeps how many notes use it, co-occurrence is destroyed:
  the null "one need, words drawn independently"); split when the real cluster index
  beats all 19 draws (p = 0.05), recursing into the sides.
- `words-once`: the same, the sides not tested again.
- `words-far`, `words-far-once`: the same, and a split is kept only when the sides'
  centres (in the engine's features) are no closer than neighbouring themes usually
  are (the median, over themes, of the cosine to the nearest other theme's centre):
  two needs are as far apart as two themes the engine already tells apart; two
  phrasings of one need are closer.
- `meaning`: no word test; each theme's 2-means halves in the engine's features,
  kept under the same "as far apart as neighbouring themes" rule, recursing
  (`meaning-once`: the sides not tested again).

Prints NMI / ARI / themes (scored as `engine_benchmark` scores them) and seconds
(the shared grouping plus the variant); `--purity`: how many themes each variant
split, and the mean purity (share of the majority label) of those and of the rest.
Reads the embeddings `engine_benchmark` cached in `benchmarks/.cache`.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scipy.sparse as sp  # noqa: E402

from benchmarks.lexical import scored, texts_of  # noqa: E402
from benchmarks.second_pass import load, two_means_sides, within_share  # noqa: E402  (sets Django up)
from insights.themes.engine import density_split, grouping, tag_partners  # noqa: E402
from insights.themes.engine import words as words_module  # noqa: E402

DRAWS = 19  # (0 + 1) / (19 + 1) = 0.05: the real split must beat every shuffle
FLOOR = 6  # comb(6, 3) = 20 ways to halve six notes, the tag join's floor
MAX_NOTES_TESTED = 400  # as the tag join: a test reads at most this many notes


def _cluster_index(x: np.ndarray) -> tuple[float, np.ndarray | None]:
    """Within / total sum of squares of the 2-means split started on the first
    principal axis, and the side of each row (None when it does not split)."""
    xc = x - x.mean(axis=0)
    if float((xc * xc).sum()) <= 1e-12:
        return 1.0, None
    side = two_means_sides(xc, xc @ _first_axis(xc) > 0, 30)
    if side is None:
        return 1.0, None
    return within_share(xc, side), side


def _first_axis(xc: np.ndarray) -> np.ndarray:
    """The first principal axis by power iteration (a full SVD per shuffle costs
    far more, and only the sign of each note's projection is used)."""
    axis = xc.sum(axis=0) + xc[0]  # a fixed start: the same notes give the same axis
    axis = np.abs(axis) + 1e-3
    for _ in range(50):
        new = xc.T @ (xc @ axis)
        norm = np.linalg.norm(new)
        if norm <= 1e-12:
            break
        new /= norm
        if np.abs(new - axis).max() < 1e-6:
            axis = new
            break
        axis = new
    return axis


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _theme_words(words: sp.csr_matrix, notes: np.ndarray) -> np.ndarray:
    rows = words[notes]
    used = np.asarray((rows > 0).sum(axis=0)).ravel() >= 2
    return rows[:, np.flatnonzero(used)].toarray()


def _shuffled(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each word's column permuted among the notes on its own."""
    order = np.argsort(rng.random(x.shape), axis=0)
    return np.take_along_axis(x, order, axis=0)


def separates(x: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    """Side of each row when the rows' words split more than chance; else None."""
    if len(x) < 2 * FLOOR or x.shape[1] < 2:
        return None
    index, side = _cluster_index(_unit(x))
    if side is None or min(side.sum(), (~side).sum()) < FLOOR:
        return None
    for _ in range(DRAWS):
        if _cluster_index(_unit(_shuffled(x, rng)))[0] <= index:
            return None
    return side


def _split_notes(
    notes, vectors, words, rng, depth=0, max_depth=8, apart=None, by_meaning=False
) -> list[np.ndarray]:
    tested = notes
    if len(notes) > MAX_NOTES_TESTED:
        tested = np.sort(rng.choice(notes, MAX_NOTES_TESTED, replace=False))
    if by_meaning:
        has_words = np.ones(len(tested), dtype=bool)
        index, side = _cluster_index(vectors[tested])
        if side is not None and min(side.sum(), (~side).sum()) < FLOOR:
            side = None
    else:
        x = _theme_words(words, tested)
        has_words = x.any(axis=1)
        side = separates(x[has_words], rng)
    if side is None or depth >= max_depth:
        return [notes]
    # Every note (untested, or with no word of the theme's) joins the side whose
    # meaning it is closest to.
    tested = tested[has_words]
    centres = _unit(np.vstack([vectors[tested[side]].mean(0), vectors[tested[~side]].mean(0)]))
    first = (vectors[notes] @ centres.T).argmax(axis=1) == 0
    known = np.searchsorted(notes, tested)
    first[known] = side
    if apart is not None and first.any() and not first.all():
        a, b = _unit(np.vstack([vectors[notes[first]].mean(0), vectors[notes[~first]].mean(0)]))
        if float(a @ b) > apart:
            return [notes]  # the sides are closer than neighbouring themes: phrasings
    out = []
    for part in (notes[first], notes[~first]):
        out.extend(_split_notes(part, vectors, words, rng, depth + 1, max_depth, apart, by_meaning))
    return out


def split(labels, phrasings, communities, vectors, words, seed, mode="perm"):
    """(labels, phrasings) with themes that are one community split by their words."""
    labels = np.asarray(labels, dtype=np.int64).copy()
    phrasings = np.asarray(phrasings, dtype=np.int64).copy()
    if words is None:
        return labels, phrasings
    rng = np.random.default_rng(seed)
    next_label = int(max(labels.max(initial=-1), phrasings.max(initial=-1))) + 1
    far = mode.startswith(("far", "meaning"))
    apart = _neighbour_closeness(labels, vectors) if far else None
    for theme in np.unique(labels):
        notes = np.flatnonzero(labels == theme)
        if len(np.unique(communities[notes])) > 1:
            continue  # joined by the tags from several phrasings
        depth = 1 if mode.endswith("once") else 8
        parts = _split_notes(
            notes,
            vectors,
            words,
            rng,
            max_depth=depth,
            apart=apart,
            by_meaning=mode.startswith("meaning"),
        )
        for part in parts[1:]:
            labels[part] = next_label
            phrasings[part] = next_label
            next_label += 1
    return labels, phrasings


def _neighbour_closeness(labels, vectors) -> float:
    """Median cosine between a theme's centre and its nearest other theme's centre."""
    themes = [t for t in np.unique(labels) if (labels == t).sum() >= 2]
    if len(themes) < 2:
        return -1.0
    centres = _unit(np.vstack([vectors[labels == t].mean(0) for t in themes]))
    sims = centres @ centres.T
    np.fill_diagonal(sims, -np.inf)
    return float(np.median(sims.max(axis=1)))


def base(text_vectors, tags, texts, seed):
    vectors = grouping._features(text_vectors, tags, seed)
    words = words_module.word_rows(texts)
    communities, pieces = grouping._communities(vectors, seed, words)
    joined = tag_partners.join(communities, tags)
    labels, phrasings = density_split.split_unjoined(communities, pieces, joined)
    return vectors, words, communities, labels, phrasings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--variants", nargs="+", default=["engine", "words-perm"])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--purity", action="store_true")
    args = parser.parse_args()
    for name in args.sets:
        tags, truth, text_vectors = load(name)
        texts = texts_of(name)
        truth_arr = np.asarray(truth)
        stem = Path(name).stem
        results = {v: [] for v in args.variants}
        seconds = {v: 0.0 for v in args.variants}
        for seed in range(args.seeds):
            started = time.perf_counter()
            vectors, words, communities, labels, phrasings = base(text_vectors, tags, texts, seed)
            base_seconds = time.perf_counter() - started
            for variant in args.variants:
                started = time.perf_counter()
                if variant == "engine":
                    out = labels
                else:
                    out, _ = split(
                        labels,
                        phrasings,
                        communities,
                        vectors,
                        words,
                        seed,
                        mode=variant.removeprefix("words-"),
                    )
                seconds[variant] += time.perf_counter() - started + base_seconds
                final = grouping._tidy(out)
                results[variant].append(scored(truth, final))
                if args.purity and variant != "engine":
                    split_p, kept_p = [], []
                    for theme in np.unique(labels):
                        members = labels == theme
                        _, counts = np.unique(truth_arr[members], return_counts=True)
                        purity = counts.max() / counts.sum()
                        (split_p if len(np.unique(out[members])) > 1 else kept_p).append(purity)
                    print(
                        f"  {variant}: split {len(split_p)} purity "
                        f"{np.mean(split_p) if split_p else float('nan'):.3f}; "
                        f"kept {len(kept_p)} purity {np.mean(kept_p):.3f}"
                    )
        for variant in args.variants:
            r = np.asarray(results[variant])
            mean = r.mean(axis=0)
            sd = r.std(axis=0, ddof=1) if len(r) > 1 else np.zeros(3)
            print(
                f"{stem:16} {variant:12} NMI {mean[0]:.3f}±{sd[0]:.3f} "
                f"ARI {mean[1]:.3f}±{sd[1]:.3f} "
                f"themes {mean[2]:.0f}  ({seconds[variant] / args.seeds:.1f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
