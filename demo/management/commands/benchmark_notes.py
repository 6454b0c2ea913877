"""Server-side latency of the rep's pages, the notes API and saving a note, with query counts.

Runs in-process through Django's test client against the configured database
(seed it first, e.g. `seed_demo --notes 1000000 --accounts 5000 --deals 50000`).
The notes it creates are deleted at the end.
"""

import itertools
import time
from base64 import b64encode
from statistics import quantiles
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from deals.models import Account
from feedbackhub.keyset import Position
from insights.notes.models import CallNote
from insights.themes.models import RepThemeFigures, ThemePageStats


def _p(values: list[float], pct: int) -> float:
    return quantiles(values, n=100)[pct - 1] if len(values) > 1 else values[0]


class Command(BaseCommand):
    help = (
        "Measure p50/p95 of saving a note (form, API), My notes (first and a deep page), "
        "My requests, the account page, the inbox and pages of the notes API."
    )

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=200)
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="NAME",
            help='Measure only this request (by its name, e.g. "My requests"); repeatable.',
        )

    def handle(self, *args, iterations: int, only: list[str], **options):
        busiest = CallNote.objects.values("author").annotate(n=Count("id")).order_by("-n").first()
        if busiest is None:
            raise CommandError("No notes: run seed_demo first.")
        rep = get_user_model().objects.get(pk=busiest["author"])
        account = (
            Account.objects.filter(owner=rep).annotate(n=Count("call_notes")).order_by("-n").first()
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(rep)
        api = Client(
            HTTP_HOST="localhost",
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=rep)[0].key}",
        )
        total = CallNote.objects.count()
        self.stdout.write(
            f"{total:,} notes; rep {rep.username} has {busiest['n']:,}; "
            f"account {account.name} has {account.n:,}"
        )
        started_at = timezone.now()
        form_data = {
            "account": account.name,
            "call_date": timezone.localdate().isoformat(),
            "body": "Benchmark: they need SAML SSO with Okta before the rollout.",
            "tags": "sso, benchmark",
            "importance": "important",
        }
        api_data = {
            "account": account.pk,
            "body": "Benchmark: API note about CSV exports.",
            "tags": ["export", "benchmark"],
        }
        # A position deep in the rep's notes and one deep in the table, as a
        # client that paged that far would hold it.
        deep_mine = CallNote.objects.filter(author=rep).order_by("-created_at", "-id")[
            busiest["n"] * 3 // 4
        ]
        deep = CallNote.objects.order_by("-created_at", "-id")[total * 9 // 10]
        cursor = b64encode(urlencode({"p": str(deep.created_at)}).encode()).decode()
        # Each save a different text: the same note twice within 30 minutes is asked about
        # (form) or refused with 409 (API), which is not a save (docs/definitions.md).
        saves = itertools.count(1)

        def numbered(data: dict) -> dict:
            return data | {"body": f"{data['body']} (call {next(saves)})"}

        cases = {
            "save via form": lambda: client.post(reverse("log_call"), numbered(form_data)),
            "save via API": lambda: api.post(
                "/api/v1/notes/", numbered(api_data), content_type="application/json"
            ),
            "My notes": lambda: client.get(reverse("my_notes")),
            "My notes, deep": lambda: client.get(
                reverse("my_notes"), {"older": Position.of(deep_mine).token}
            ),
            "My requests": lambda: client.get(reverse("my_requests")),
            # Right after a change to two of the rep's biggest themes, before
            # the refresh has run: those two are counted live.
            "My requests, 2 changed": lambda: client.get(reverse("my_requests")),
            "inbox": lambda: client.get(reverse("inbox")),
            "API notes p.1": lambda: api.get("/api/v1/notes/"),
            "API notes, deep": lambda: api.get("/api/v1/notes/", {"cursor": cursor}),
            "API, by account": lambda: api.get("/api/v1/notes/", {"account": account.pk}),
            "account page": lambda: client.get(reverse("account_detail", args=[account.pk])),
        }
        unknown = set(only) - set(cases)
        if unknown:
            raise CommandError(
                f"No such request: {', '.join(sorted(unknown))}; one of {list(cases)}"
            )
        changed: list[int] = []
        try:
            for name, call in cases.items():
                if only and name not in only:
                    continue
                timings, queries = [], set()
                if name == "My requests, 2 changed":
                    changed = self._mark_two_themes_changed(rep)
                for _ in range(iterations):
                    reset_queries()
                    with CaptureQueriesContext(connection) as captured:
                        start = time.perf_counter()
                        response = call()
                        timings.append((time.perf_counter() - start) * 1000)
                    if response.status_code >= 400:
                        raise CommandError(f"{name}: HTTP {response.status_code}")
                    queries.add(len(captured))
                self.stdout.write(
                    f"{name:<22} p50 {_p(timings, 50):6.1f} ms   p95 {_p(timings, 95):6.1f} ms   "
                    f"queries {sorted(queries)}"
                )
        finally:
            CallNote.objects.filter(author=rep, created_at__gte=started_at).delete()
            if changed:
                ThemePageStats.objects.filter(theme_id__in=changed).update(stale_since=None)

    @staticmethod
    def _mark_two_themes_changed(rep) -> list[int]:
        """Mark two of the rep's biggest fresh themes stale, as a change does (undone after)."""
        changed = list(
            RepThemeFigures.objects.filter(author=rep, theme__page_stats__stale_since__isnull=True)
            .order_by("-note_count")
            .values_list("theme_id", flat=True)[:2]
        )
        ThemePageStats.objects.filter(theme_id__in=changed).update(stale_since=timezone.now())
        return changed
