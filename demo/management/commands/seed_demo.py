import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.seed import builder
from demo.seed.people import DEMO_PASSWORD


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2026-11-24, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Build a believable demo organisation (teams, reps, product managers, accounts, "
        "deals, call notes). Deterministic with --seed; running it twice adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--notes", type=int, default=3000)
        parser.add_argument("--accounts", type=int, default=300)
        parser.add_argument("--deals", type=int, default=800)
        parser.add_argument("--today", type=_date, default=None, help="anchor for dates")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, seed, notes, accounts, deals, today, quiet, **options):
        started = time.monotonic()
        options_ = builder.Options(
            seed=seed, notes=notes, accounts=accounts, deals=deals, today=today
        )

        def progress(done: int, total: int) -> None:
            if not quiet:
                self.stdout.write(
                    f"  notes {done:,}/{total:,} ({time.monotonic() - started:.0f} s)"
                )

        try:
            result = builder.build(options_, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if result["notes_added"]:
            self._analyse()
        self.stdout.write(
            f"Demo data ready in {time.monotonic() - started:.1f} s: "
            f"{result['notes_added']:,} new notes (of {notes:,})."
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, team in result["logins"]:
            self.stdout.write(f"  {username:<14} {role:<16} {team}")

    def _analyse(self) -> None:
        """Refresh PostgreSQL's statistics and visibility map after a bulk load.

        Autovacuum would get there within minutes; until then counts and plans
        on the freshly loaded tables are needlessly slow.
        """
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for table in (
                "insights_callnote",
                "insights_callnote_tags",
                "insights_callnote_competitors",
                "deals_deal",
                "deals_account",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
