"""What backs a theme: its top accounts, and how solid its evidence is (by deal stage,
account segment and competitor, with warnings), for many themes in a few queries.

The statistics task stores these with the figures, a chunk of themes at a
time; the theme page computes one theme the same way while a change has not
reached what is stored. Ties go to the lower id or the first name, so the
stored and the live answer agree.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Max, Min

from deals.models import Account, Deal
from insights.notes.models import CallNote
from insights.themes.models import ThemeAssignment

TOP_ACCOUNTS = 10
TOP_COMPETITORS = 8
_ZERO = Decimal("0")


def top_accounts_by_theme(theme_ids: list[int], limit: int = TOP_ACCOUNTS) -> dict[int, list]:
    """The accounts with most notes in each theme: [{"account_id", "account__name",
    "account__segment", "notes"}], most notes first. One query."""
    assignment = ThemeAssignment._meta.db_table
    note = CallNote._meta.db_table
    sql = f"""
        SELECT theme_id, account_id, notes FROM (
            SELECT a.theme_id, n.account_id, COUNT(*) AS notes,
                   ROW_NUMBER() OVER (PARTITION BY a.theme_id
                                      ORDER BY COUNT(*) DESC, n.account_id) AS place
            FROM {assignment} a JOIN {note} n ON n.id = a.note_id
            WHERE {_theme_in(len(theme_ids))}
            GROUP BY a.theme_id, n.account_id) t
        WHERE place <= %s
        ORDER BY theme_id, place
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_theme_params(theme_ids), limit])
        rows = [{"theme_id": t, "note__account_id": a, "notes": n} for t, a, n in cursor.fetchall()]
    accounts = Account.objects.in_bulk({r["note__account_id"] for r in rows})
    found: dict[int, list] = defaultdict(list)
    for row in rows:
        account = accounts[row["note__account_id"]]
        found[row["theme_id"]].append(
            {
                "account_id": account.pk,
                "account__name": account.name,
                "account__segment": account.segment,
                "notes": row["notes"],
            }
        )
    return found


def evidence_by_theme(note_counts: dict[int, int]) -> dict[int, dict]:
    """For each theme id (→ its current number of notes): {"warnings", "by_stage": [(stage,
    amount)], "segments": [(segment, accounts)], "competitors": [(name, notes)]}.

    Revenue counts each deal of the theme's notes once. Four queries.
    """
    ids = list(note_counts)
    by_stage, top_account = _deal_figures(ids)
    segments: dict[int, list] = defaultdict(list)
    authors: dict[int, tuple[int, int]] = {}
    for theme_id, segment, n, first, last in (
        ThemeAssignment.objects.filter(theme_id__in=ids)
        .values_list("theme_id", "note__account__segment")
        .annotate(
            n=Count("note__account_id", distinct=True),
            first=Min("note__author_id"),
            last=Max("note__author_id"),
        )
        .order_by()
    ):
        segments[theme_id].append((segment, n))
        low, high = authors.get(theme_id, (first, last))
        authors[theme_id] = (min(low, first), max(high, last))
    competitors: dict[int, list] = defaultdict(list)
    for theme_id, name, n in (
        ThemeAssignment.objects.filter(theme_id__in=ids, note__competitors__isnull=False)
        .values_list("theme_id", "note__competitors__name")
        .annotate(n=Count("note_id"))
        .order_by("theme_id", "-n", "note__competitors__name")
    ):
        if len(competitors[theme_id]) < TOP_COMPETITORS:
            competitors[theme_id].append((name, n))
    names = Account.objects.in_bulk([a for a, _amount, _n in top_account.values()])
    found = {}
    for theme_id, note_count in note_counts.items():
        stages = sorted(by_stage[theme_id].items(), key=lambda kv: (-kv[1], kv[0]))
        warnings = _warnings(
            total=sum((amount for _stage, amount in stages), _ZERO),
            top=top_account.get(theme_id),
            names=names,
            note_count=note_count,
            one_author=theme_id in authors and authors[theme_id][0] == authors[theme_id][1],
        )
        found[theme_id] = {
            "warnings": warnings,
            "by_stage": stages,
            "segments": sorted(segments[theme_id], key=lambda kv: (-kv[1], kv[0])),
            "competitors": competitors[theme_id],
        }
    return found


def _deal_figures(ids: list[int]):
    """Per theme: the amounts of its distinct deals by stage, and its account with most of
    that revenue as (account id, amount, number of accounts with a deal). One query."""
    assignment = ThemeAssignment._meta.db_table
    note = CallNote._meta.db_table
    deal = Deal._meta.db_table
    sql = f"""
        WITH d AS (SELECT DISTINCT a.theme_id, n.deal_id FROM {assignment} a
                   JOIN {note} n ON n.id = a.note_id
                   WHERE {_theme_in(len(ids))} AND n.deal_id IS NOT NULL),
             x AS (SELECT d.theme_id, deal.stage, deal.account_id, deal.amount
                   FROM d JOIN {deal} deal ON deal.id = d.deal_id)
        SELECT 'stage', theme_id, stage, NULL, SUM(amount), NULL FROM x GROUP BY theme_id, stage
        UNION ALL
        SELECT 'account', theme_id, NULL, account_id, total, accounts FROM (
            SELECT theme_id, account_id, SUM(amount) AS total,
                   COUNT(*) OVER (PARTITION BY theme_id) AS accounts,
                   ROW_NUMBER() OVER (PARTITION BY theme_id
                                      ORDER BY SUM(amount) DESC, account_id) AS place
            FROM x GROUP BY theme_id, account_id) t
        WHERE place = 1
    """
    params = _theme_params(ids)
    by_stage: dict[int, dict[str, Decimal]] = defaultdict(dict)
    top: dict[int, tuple[int, Decimal, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, theme_id, stage, account_id, amount, accounts in cursor:
            amount = amount if isinstance(amount, Decimal) else Decimal(str(amount or 0))
            if kind == "stage":
                by_stage[theme_id][stage] = amount
            else:
                top[theme_id] = (account_id, amount, accounts)
    return by_stage, top


def _theme_in(count: int) -> str:
    # PostgreSQL takes the ids as one array parameter (one statement shape for any
    # number); SQLite (the local fallback) has no arrays.
    if connection.vendor == "postgresql":
        return "a.theme_id = ANY(%s)"
    return f"a.theme_id IN ({', '.join(['%s'] * max(count, 1))})"


def _theme_params(ids: list[int]) -> list:
    if connection.vendor == "postgresql":
        return [list(ids)]
    return list(ids) or [0]


def _warnings(*, total, top, names, note_count: int, one_author: bool) -> list[str]:
    warnings = []
    if total and top:
        account_id, amount, accounts = top
        name = names[account_id].name
        share = amount / total
        if share >= Decimal("0.5") and accounts > 1:
            warnings.append(f"{share:.0%} of the revenue comes from one account ({name}).")
        elif accounts == 1:
            warnings.append(f"All the revenue comes from one account ({name}).")
    if note_count and one_author:
        warnings.append("All notes come from one rep.")
    if 0 < note_count < 5:
        warnings.append(f"Thin evidence: only {note_count} notes.")
    return warnings
