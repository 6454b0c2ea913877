"""Server-side latency of the product pages at scale, with query counts.

Needs a seeded database (`seed_demo --notes 1000000 --accounts 5000 --deals 50000`).
With `--themes N` it first makes sure N themes exist, giving the unthemed
notes to synthetic themes round-robin (a full engine run over a million
notes is benchmarked separately), and refreshes their statistics.

With `--filters` it measures only the dashboard under each note filter alone
and a few combinations, every request a cache miss (the filtered figures'
cache is emptied before each), which is what a product manager trying a new
filter waits for.

With `--exports` it measures only the CSV exports, every request a miss of
the export cache (insights.themes.export_cache: its key carries the statistics
generation, bumped before each), so each writes its rows; without it, the
exports after the first of each view are usually served from that cache.
"""

import time
from statistics import quantiles

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Team
from deals.models import Account, Competitor
from feedbackhub import periods
from insights.analytics import competitor_snapshots, overview
from insights.notes.models import CallNote, Tag
from insights.themes import rep_figures
from insights.themes.models import Theme, ThemeAssignment
from insights.themes.pipeline.stats import forget_cached_figures, store_theme_stats


def _p(values, pct):
    return quantiles(values, n=100)[pct - 1] if len(values) > 1 else values[0]


def _busiest() -> tuple[Competitor, str]:
    """The competitor named in most notes and the name of the tag on most notes."""
    rival = Competitor.objects.annotate(n=Count("call_notes")).order_by("-n").first()
    tag = Tag.objects.annotate(n=Count("notes")).order_by("-n").values_list("name", flat=True)
    return rival, tag.first()


class Command(BaseCommand):
    help = "Measure p50/p95 of the dashboard, a filtered dashboard, a theme page and the overview."

    def add_arguments(self, parser):
        parser.add_argument("--themes", type=int, default=0)
        parser.add_argument("--iterations", type=int, default=100)
        parser.add_argument(
            "--filters",
            action="store_true",
            help="Only the dashboard under each filter and some combinations, on cache misses.",
        )
        parser.add_argument(
            "--exports",
            action="store_true",
            help="Only the CSV exports, `--iterations` requests each, on export cache misses.",
        )

    def handle(self, *args, themes: int, iterations: int, filters: bool, exports: bool, **options):
        if themes:
            self._ensure_themes(themes)
        pm = get_user_model().objects.filter(groups__name="Product manager").first()
        if pm is None:
            raise CommandError("No product manager: run seed_demo first.")
        client = Client(HTTP_HOST="localhost")
        client.force_login(pm)
        if filters:
            self._measure_filters(client, iterations)
            return
        if exports:
            self._measure_exports(client, iterations, before_each=forget_cached_figures)
            return
        biggest = Theme.objects.filter(merged_into__isnull=True).order_by("-note_count").first()
        self.stdout.write(
            f"{CallNote.objects.count():,} notes, {Theme.objects.count():,} themes; "
            f"theme page: “{biggest.title}” with {biggest.note_count:,} notes"
        )
        # The overview reads the snapshot the worker keeps fresh (beat, every
        # few minutes); what that costs the worker is measured here.
        for days in (p.days for p in periods.PERIODS):
            start = time.perf_counter()
            overview.refresh([days])
            self.stdout.write(
                f"overview snapshot, {days:>3} days: computed by the worker in "
                f"{(time.perf_counter() - start) * 1000:7.1f} ms"
            )
        start = time.perf_counter()
        stored = competitor_snapshots.refresh()
        self.stdout.write(
            f"competitor snapshots ({stored}): computed by the worker in "
            f"{(time.perf_counter() - start) * 1000:7.1f} ms"
        )
        busiest, busiest_tag = _busiest()
        cases = {
            "dashboard": (reverse("dashboard"), {}),
            "dashboard, filtered": (
                reverse("dashboard"),
                {"segment": "enterprise", "period": "90", "stage": "negotiation"},
            ),
            "dashboard, 365 days": (reverse("dashboard"), {"period": "365"}),
            "dashboard, tag": (reverse("dashboard"), {"tag": busiest_tag}),
            "dashboard, competitor": (reverse("dashboard"), {"competitor": busiest.pk}),
            "theme page": (reverse("theme_page", args=[biggest.pk]), {}),
            "overview": (reverse("overview"), {}),
            "competitors": (reverse("competitors"), {}),
            "competitor page": (reverse("competitor_page", args=[busiest.pk]), {}),
            "win/loss (pmf)": (reverse("pmf"), {}),
        }
        for name, (url, params) in cases.items():
            self._measure(client, name, url, params, iterations)

        self._measure_exports(client, max(1, iterations // 4))

    def _measure(self, client, name, url, params, iterations, before_each=None) -> None:
        timings, counts = [], set()
        for _ in range(iterations):
            if before_each:
                before_each()
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url, params)
                timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{name}: HTTP {response.status_code}")
            counts.add(len(captured))
        self.stdout.write(
            f"{name:<30} p50 {_p(timings, 50):7.1f} ms   p95 {_p(timings, 95):7.1f} ms   "
            f"queries {sorted(counts)}"
        )

    def _measure_filters(self, client, iterations: int) -> None:
        """The dashboard under every note filter alone and some combinations, each request
        on a cache miss."""
        rival = Competitor.objects.annotate(n=Count("call_notes")).order_by("-n").first().pk
        tag = (
            Tag.objects.annotate(n=Count("notes")).order_by("-n").values_list("name", flat=True)[0]
        )
        cases = {f"period {p.key}": {"period": p.key} for p in periods.PERIODS}
        cases |= {
            "segment": {"segment": "enterprise"},
            "region": {"region": Account.objects.values_list("region", flat=True).first()},
            "team": {"team": Team.objects.values_list("pk", flat=True).first()},
            "tag (busiest)": {"tag": tag},
            "stage": {"stage": "negotiation"},
            "competitor (busiest)": {"competitor": rival},
            "tag + 90 days": {"tag": tag, "period": "90"},
            "competitor + 365 days": {"competitor": rival, "period": "365"},
            "segment + 90 days + stage": {
                "segment": "enterprise",
                "period": "90",
                "stage": "negotiation",
            },
            "tag + segment": {"tag": tag, "segment": "enterprise"},
            "competitor + stage": {"competitor": rival, "stage": "negotiation"},
            "tag + competitor": {"tag": tag, "competitor": rival},
        }
        self.stdout.write(f"dashboard on a cache miss, {iterations} requests each:")
        for name, params in cases.items():
            self._measure(
                client, name, reverse("dashboard"), params, iterations, forget_cached_figures
            )

    def _measure_exports(self, client, runs: int, before_each=None) -> None:
        """A streamed CSV export: until its first chunk (the header) and until its last."""
        for name, params in {
            "export csv, all time": {"format": "csv"},
            "export csv, 365 days": {"format": "csv", "period": "365"},
            "export csv, tag": {
                "format": "csv",
                "tag": Tag.objects.values_list("name", flat=True).first(),
            },
        }.items():
            first, total, counts = [], [], set()
            for _ in range(runs):
                if before_each:
                    before_each()
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get(reverse("dashboard"), params)
                    if response.status_code != 200:
                        raise CommandError(f"{name}: HTTP {response.status_code}")
                    chunks = iter(response.streaming_content)
                    # A kept export (export_cache) comes as one chunk: count its rows too.
                    head = next(chunks)
                    first.append((time.perf_counter() - start) * 1000)
                    rows = head.count(b"\n") - 1 + sum(chunk.count(b"\n") for chunk in chunks)
                    total.append((time.perf_counter() - start) * 1000)
                counts.add(len(captured))
            self.stdout.write(
                f"{name:<22} first chunk p50 {_p(first, 50):7.1f} ms   "
                f"all {rows:,} rows p50 {_p(total, 50):7.1f} ms   p95 {_p(total, 95):7.1f} ms   "
                f"queries {sorted(counts)}"
            )

    def _ensure_themes(self, wanted: int) -> None:
        have = Theme.objects.count()
        if have < wanted:
            Theme.objects.bulk_create(
                [
                    Theme(title=f"Benchmark theme {i}", auto_title=f"Benchmark theme {i}")
                    for i in range(have, wanted)
                ]
            )
        ids = list(Theme.objects.order_by("id").values_list("id", flat=True)[:wanted])
        unthemed = list(
            CallNote.objects.filter(assignment__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
        for start in range(0, len(unthemed), 50_000):
            chunk = unthemed[start : start + 50_000]
            with transaction.atomic():
                ThemeAssignment.objects.bulk_create(
                    [
                        ThemeAssignment(note_id=note_id, theme_id=ids[(note_id * 7919) % len(ids)])
                        for note_id in chunk
                    ],
                    batch_size=10_000,
                )
        started = time.perf_counter()
        refreshed = store_theme_stats()
        self.stdout.write(
            f"{len(unthemed):,} notes given to {len(ids):,} themes; statistics of {refreshed:,} "
            f"themes refreshed in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        rep_figures.store_rep_figures()
        self.stdout.write(
            f"reps' figures per theme stored in {time.perf_counter() - started:.1f} s"
        )
        with connection.cursor() as cursor:
            # The stored figures too: a freshly filled table has no planner statistics.
            # And the notes: assigning them rewrote every row (`awaiting_theme`, kept by
            # a trigger), and a million dead rows made My notes read 46,000 pages. The notes'
            # facts, and their rows per name, were written by triggers too, after the
            # migrations analysed the tables; they are read through index-only scans,
            # which a visibility map made by VACUUM spares the table pages.
            for table in (
                "insights_callnote",
                "insights_themeassignment",
                "insights_notefacts",
                "insights_notenamefacts",
                "insights_theme",
                "insights_themeperiodfigures",
                "insights_themefacetfigures",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
