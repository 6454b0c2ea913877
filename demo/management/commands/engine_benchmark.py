import datetime as dt
import json as json_module
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import builder
from insights.themes.engine.quality import run_quality_benchmark, score_rows

DATASETS = Path(
    os.environ.get("FEEDBACKHUB_DATASETS", settings.BASE_DIR.parent / "shared/datasets")
)
if not DATASETS.exists():  # a git worktree sits one level deeper than the main checkout
    DATASETS = settings.BASE_DIR.parent.parent / "shared/datasets"
DEFAULT_CSV = DATASETS / "banking77/banking77_tagged.csv"
CACHE = settings.BASE_DIR / "benchmarks/.cache"


class Command(BaseCommand):
    help = (
        "Theme engine quality on labelled notes: a CSV (default: Banking77 tagged) or, with "
        "--demo, the notes `seed_demo` writes, scored against the need each was made from."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
        parser.add_argument(
            "--demo", action="store_true", help="the seed_demo notes (as `make run` seeds them)"
        )
        parser.add_argument("--seed", type=int, default=builder.Options.seed)
        parser.add_argument("--notes", type=int, default=builder.Options.notes)
        parser.add_argument(
            "--no-cache", action="store_true", help="embed every row again (slower)"
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, csv: Path, demo: bool, seed: int, notes: int, no_cache, json, **o):
        cache = None if no_cache else CACHE
        started = time.perf_counter()
        if demo:
            # The need behind each note is ground truth for scoring only; the
            # engine sees what the product sees: the text and the rep's tags.
            specs = [builder.note_spec(seed, i, dt.date(2000, 1, 1)) for i in range(notes)]
            figures = score_rows(
                [s["body"] for s in specs],
                [s["tags"] for s in specs],
                [s["need"] for s in specs],
                cache_dir=cache,
            )
        else:
            if not csv.exists():
                raise CommandError(f"{csv}: no such file")
            figures = run_quality_benchmark(csv, cache_dir=cache)
        figures["wall_seconds"] = time.perf_counter() - started
        if json:
            self.stdout.write(json_module.dumps(figures, indent=2))
            return
        lines = [
            f"rows            {figures['rows']} ({figures['labels']} labels)",
            f"NMI             {figures['nmi']:.3f}",
            f"ARI             {figures['ari']:.3f}",
            f"themes          {figures['themes']} ({figures['themes_per_label']:.2f} per label; "
            f"unthemed rows: {figures['unthemed']})",
            f"grouping        {figures['group_seconds']:.1f} s",
            f"titles          {figures['title_comma_share']:.0%} comma lists, "
            f"{figures['title_phrase_share']:.0%} phrases of 2-6 words; "
            f"title ~ label name cosine {figures['title_label_cosine']:.3f} (size-weighted); "
            f"naming {figures['naming_seconds']:.1f} s",
        ]
        if "embedding_notes_per_second" in figures:
            lines.append(f"embedding       {figures['embedding_notes_per_second']:.0f} notes/s")
        lines += [
            f"stability       {figures['stability']:.1%} of notes keep their theme "
            f"when 5% new notes arrive",
            f"wall time       {figures['wall_seconds']:.1f} s",
            f"peak memory     {figures['peak_memory_mb']:.0f} MB (RSS high-water mark)",
            "sample titles   "
            + "; ".join(f"{label} → {title}" for label, title in figures["sample_titles"][:6]),
        ]
        self.stdout.write("\n".join(lines))
