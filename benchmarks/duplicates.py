"""Are split needs suggested as duplicates, and are the suggestions one need?

    .venv/bin/python benchmarks/duplicates.py demo banking /work/grain-data/clinc150_test.csv

A benchmark, not the engine (issue 10, session 8; docs/theme-engine.md). Each set is
grouped as the product groups it (`grouping.group_with_phrasings`, labels unseen), then
the "probably one need" rule runs on the themes exactly as a run applies it
(`duplicates.suggest`: centres, each theme's own bar, the tags' veto). The ground truth
is read only here, to score: a theme's need is the label most of its notes carry (the
demo: the need `seed_demo` made each note from; a CSV: its label or category).

- split pairs: two themes with the same need. Recall: the share of them suggested.
- suggested pairs that are not one need: false suggestions (precision = the rest).

Reads the embeddings `engine_benchmark` cached in `benchmarks/.cache` (run it once on
each set first). `--detail` lists every split pair and every suggestion with its
similarity, the two bars, how unusual the pair is and the tag test's p-value.
"""

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.second_pass import BANKING, load  # noqa: E402  (sets Django up)
from demo.seed import builder  # noqa: E402
from insights.themes.engine import (  # noqa: E402
    duplicates,
    embeddings,
    grouping,
    naming,
    phrases,
    placement,
    tag_partners,
)
from insights.themes.engine.csv_io import read_rows  # noqa: E402


def texts_of(name: str) -> list[str]:
    if name == "demo":
        return [
            builder.note_spec(builder.Options.seed, i, dt.date(2000, 1, 1))["body"]
            for i in range(builder.Options.notes)
        ]
    return [row["text"] or "" for row in read_rows(BANKING if name == "banking" else Path(name))[1]]


def themes_of(vectors: np.ndarray, tags, truth, texts):
    labels, _ = grouping.group_with_phrasings(vectors, tags, texts=texts)
    groups = sorted(int(g) for g in set(labels.tolist()) if g >= 0)
    rows = {g: np.flatnonzero(labels == g) for g in groups}
    truth = np.asarray(truth)
    need = {g: Counter(truth[rows[g]].tolist()).most_common(1)[0][0] for g in groups}
    return groups, rows, need


def evaluate(vectors: np.ndarray, tags, truth, texts, *, detail: bool, before: bool) -> dict:
    groups, rows, need = themes_of(vectors, tags, truth, texts)
    centres = np.vstack([placement.centroid(vectors[rows[g]]) for g in groups])
    typical = np.asarray([duplicates.typical_similarity(vectors[rows[g]]) for g in groups])
    theme_tags = [[tags[r] for r in duplicates.every_kth(rows[g])] for g in groups]
    if before:  # session 7's rule: the bars, and the tags' veto on every pair
        suggested = {
            (i, j)
            for i, j, _ in duplicates.probable_duplicates(centres, typical)
            if not tag_partners.told_apart(theme_tags[i], theme_tags[j], seed=(i, j))
        }
    else:
        found = duplicates.suggest(
            centres,
            typical,
            lambda rows: {r: theme_tags[r] for r in rows},
            all_tags=Counter(t for row in tags for t in set(row)),
        )
        suggested = {(i, j) for i, j, _ in found}
    split = [
        (i, j)
        for i in range(len(groups))
        for j in range(i + 1, len(groups))
        if need[groups[i]] == need[groups[j]]
    ]
    false = [(i, j) for i, j in suggested if need[groups[i]] != need[groups[j]]]
    hit = [pair for pair in split if pair in suggested]
    figures = {
        "themes": len(groups),
        "needs": len(set(truth)),
        "split_needs": len({need[groups[i]] for i, _ in split}),
        "split_pairs": len(split),
        "split_suggested": len(hit),
        "suggested": len(suggested),
        "false_suggestions": len(false),
    }
    if detail:
        sims = centres @ centres.T
        twins = {(i, j) for i, j, _ in duplicates.twins(centres)}

        def line(i, j, mark):
            p = tag_partners.tag_p_value(theme_tags[i], theme_tags[j], seed=(i, j))
            size = f"{len(rows[groups[i]])}+{len(rows[groups[j]])}"
            p_text = "-" if p is None else f"{p:.3f}"
            print(
                f"  {mark} {need[groups[i]]:>22} ~ {need[groups[j]]:<22} notes {size:>9} "
                f"sim {sims[i, j]:.3f} bars {typical[i]:.3f}/{typical[j]:.3f} "
                f"twins {int((i, j) in twins)} "
                f"tags p {p_text}"
            )

        for i, j in split:
            line(i, j, "S+" if (i, j) in suggested else "S-")
        for i, j in sorted(false):
            line(i, j, "F ")
    return figures


def titles(vectors: np.ndarray, tags, truth, texts) -> None:
    """Each theme's title, its need, and the share of its notes that say the title
    (in their words or tags, by the phrase rules): a title most notes do not say
    names part of the need (one product, one phrasing)."""
    labels, phrasings = grouping.group_with_phrasings(vectors, tags, texts=texts)
    groups = sorted(int(g) for g in set(labels.tolist()) if g >= 0)
    centres = {g: placement.centroid(vectors[labels == g]) for g in groups}
    names = naming.name_groups(
        texts, labels, centres=centres, embed=embeddings.embed, tags=tags, phrasings=phrasings
    )
    said = [phrases.phrases(t) | phrases.tag_phrases(tg) for t, tg in zip(texts, tags, strict=True)]
    truth = np.asarray(truth)
    shares = []
    for g in groups:
        rows = np.flatnonzero(labels == g)
        title = names[g][0]
        words = tuple(w.lower() for w in phrases._WORD.findall(title))
        share = np.mean([words in said[r] for r in rows])
        shares.append((share, len(rows)))
        need, count = Counter(truth[rows].tolist()).most_common(1)[0]
        print(f"  {share:5.0%} of {len(rows):4d} say it  {need:>22}  {title}")
    weights = np.asarray([n for _, n in shares], dtype=np.float64)
    mean = float(np.dot([s for s, _ in shares], weights) / weights.sum())
    print(f"  notes saying their theme's title (size-weighted): {mean:.0%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", help="demo, banking, or a CSV (text,category)")
    parser.add_argument("--detail", action="store_true")
    parser.add_argument("--before", action="store_true", help="session 7's rule instead")
    parser.add_argument("--titles", action="store_true", help="also each theme's title")
    args = parser.parse_args()
    for name in args.sets:
        tags, truth, vectors = load(name)
        print(f"{name}:")
        texts = texts_of(name)  # the engine groups by the notes' words as well as their meaning
        if args.titles:
            titles(vectors, tags, truth, texts)
        figures = evaluate(vectors, tags, truth, texts, detail=args.detail, before=args.before)
        recall = figures["split_suggested"] / max(figures["split_pairs"], 1)
        precision = 1 - figures["false_suggestions"] / max(figures["suggested"], 1)
        print(
            f"  {figures['themes']} themes for {figures['needs']} needs; "
            f"{figures['split_needs']} needs split over 2+ themes "
            f"({figures['split_pairs']} pairs); "
            f"{figures['split_suggested']} of those pairs suggested (recall {recall:.0%}); "
            f"{figures['suggested']} suggestions, {figures['false_suggestions']} not one need "
            f"(precision {precision:.0%})"
        )


if __name__ == "__main__":
    main()
