import json
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from insights.themes.engine import scale


class Command(BaseCommand):
    help = (
        "Theme engine speed and memory: full regroup at the given sizes (each in a fresh "
        "process, so peak memory is its own), placement and similar-notes latency."
    )

    def add_arguments(self, parser):
        parser.add_argument("--notes", type=int, nargs="+", default=[100_000])
        parser.add_argument("--skip-lookups", action="store_true")
        parser.add_argument("--one", type=int, help="internal: measure one size here")

    def handle(self, *args, notes, skip_lookups, one, **options):
        if one:
            self.stdout.write(json.dumps(scale.measure_regroup(one)))
            return
        for n in notes:
            out = subprocess.run(
                [sys.executable, "manage.py", "engine_scale_benchmark", "--one", str(n)],
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            self.stdout.write(
                f"regroup {figures['notes']:>9,} notes: {figures['regroup_seconds']:6.1f} s, "
                f"peak {figures['peak_rss_mb']:,.0f} MB, {figures['themes']} themes "
                f"({figures['true_needs']} synthetic needs, "
                f"NMI {figures['nmi_vs_synthetic_truth']:.3f})"
            )
        if not skip_lookups:
            f = scale.measure_lookups()
            self.stdout.write(
                f"placement (embed + nearest of {f['lookup_themes']:,} themes): "
                f"p50 {f['place_p50_ms']:.1f} ms, p95 {f['place_p95_ms']:.1f} ms\n"
                f"similar notes ({f['lookup_notes']:,} notes, embed included): "
                f"p50 {f['similar_p50_ms']:.1f} ms, p95 {f['similar_p95_ms']:.1f} ms\n"
                f"embedding: {f['embedding_notes_per_second']:.0f} notes/s"
            )
