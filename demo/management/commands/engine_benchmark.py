import json as json_module
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from insights.themes.engine.quality import run_quality_benchmark

DEFAULT_CSV = settings.BASE_DIR.parent / "shared/datasets/banking77/banking77_tagged.csv"
CACHE = settings.BASE_DIR / "benchmarks/.cache"


class Command(BaseCommand):
    help = "Theme engine quality on a labelled CSV (default: Banking77 tagged): NMI, ARI, themes."

    def add_arguments(self, parser):
        parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
        parser.add_argument(
            "--no-cache", action="store_true", help="embed every row again (slower)"
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, csv: Path, no_cache: bool, json: bool, **options):
        if not csv.exists():
            raise CommandError(f"{csv}: no such file")
        started = time.perf_counter()
        figures = run_quality_benchmark(csv, cache_dir=None if no_cache else CACHE)
        figures["wall_seconds"] = time.perf_counter() - started
        if json:
            self.stdout.write(json_module.dumps(figures, indent=2))
            return
        self.stdout.write(
            f"rows            {figures['rows']}\n"
            f"NMI             {figures['nmi']:.3f}\n"
            f"ARI             {figures['ari']:.3f}\n"
            f"themes          {figures['themes']} (unthemed rows: {figures['unthemed']})\n"
            f"grouping        {figures['group_seconds']:.1f} s\n"
            f"embedding       {figures['embedding_notes_per_second']:.0f} notes/s\n"
            f"stability       {figures['stability']:.1%} of notes keep their theme "
            f"when 5% new notes arrive\n"
            f"wall time       {figures['wall_seconds']:.1f} s\n"
            f"peak memory     {figures['peak_memory_mb']:.0f} MB (RSS high-water mark)"
        )
