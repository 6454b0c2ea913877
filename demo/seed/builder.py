"""Build the demo organisation: deterministic, idempotent, and fast at scale.

Every row is generated from the seed and its own index (a Random seeded with
"seed:kind:index"), never from what exists already, so the same options give
the same data and a larger --notes keeps the first notes as they were. Rows
are found again by natural keys (usernames, team names, account domains, deal
names, note external ids) and only missing ones are inserted, in chunks of one
transaction each: an interrupted run leaves whole chunks and a re-run finishes.
"""

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from deals.models import Account, Competitor, Deal
from demo.seed import needs as N
from demo.seed.organisation import (
    Options,
    build_accounts,
    build_competitors,
    build_deals,
    build_people,
    rng_for,
)
from insights.notes.models import CallNote, Importance, Tag

SOURCE = CallNote.Source.DEMO
NOTE_CHUNK = 10_000

# --- notes ---------------------------------------------------------------------


_WEIGHTS = [need.popularity for need in N.NEEDS]


def _call_date(rng: random.Random, need: N.Need, today: dt.date) -> dt.date:
    # Days ago in [0, 365); growing needs lean recent, fading ones lean old.
    u = rng.random()
    if need.trend == "growing":
        u = u**1.8
    elif need.trend == "fading":
        u = u**0.55
    return today - dt.timedelta(days=int(u * 365))


def _fill(template: str, rng: random.Random, competitor: str) -> str:
    values = {slot: rng.choice(options) for slot, options in N.SLOTS.items()}
    values["competitor"] = competitor
    values["role"] = rng.choice(N.ROLES)
    return template.format(**values)


def note_spec(seed: int, index: int, today: dt.date) -> dict:
    """Everything about demo note `index` except which account/deal/author (see build)."""
    rng = rng_for(seed, "note", index)
    need = rng.choices(N.NEEDS, weights=_WEIGHTS)[0]
    pool = need.competitors or N.COMPETITORS
    competitor = rng.choice(pool)
    body = (
        _fill(rng.choice(N.FRAMINGS), rng, competitor)
        + _fill(rng.choice(need.phrasings), rng, competitor)
        + _fill(rng.choice(N.ENDINGS), rng, competitor)
    )
    # Reps tag inconsistently: often one or two of the need's tags, sometimes none,
    # sometimes a tag that has nothing to do with it.
    tags = set()
    roll = rng.random()
    if roll > 0.2:
        tags.update(rng.sample(need.tags, k=min(len(need.tags), 1 if roll < 0.7 else 2)))
    if rng.random() < 0.12:
        tags.add(rng.choice(N.NOISE_TAGS))
    if rng.random() < 0.05:
        tags.add(rng.choice(rng.choice(N.NEEDS).tags))
    mentioned = []
    if rng.random() < (0.35 if need.competitors else 0.1):
        mentioned.append(competitor)
    quote = _fill(rng.choice(need.quotes), rng, competitor) if rng.random() < 0.3 else ""
    roll = rng.random()
    importance = (
        Importance.DEAL_BLOCKER
        if roll < need.blocker_rate
        else Importance.IMPORTANT
        if roll < need.blocker_rate + 0.5
        else Importance.NICE_TO_HAVE
    )
    return {
        "need": need.key,
        "body": body,
        "tags": sorted(tags),
        "competitors": mentioned,
        "quote": quote,
        "importance": importance,
        "call_date": _call_date(rng, need, today),
        "pick": (rng.random(), rng.random(), rng.random(), rng.random()),
    }


def need_of_notes(*, seed: int, count: int) -> dict[str, str]:
    """Ground truth for quality checks: external id → the need a demo note is about."""
    today = dt.date(2000, 1, 1)  # the need does not depend on dates
    return {f"demo-{i:07d}": note_spec(seed, i, today)["need"] for i in range(count)}


def build_notes(
    options: Options,
    accounts: list[Account],
    deals: list[Deal],
    reps: list[User],
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Insert the missing demo notes; returns how many were added."""
    today = options.today
    deals_of: dict[int, list[Deal]] = {}
    for deal in deals:
        deals_of.setdefault(deal.account_id, []).append(deal)
    for account_deals in deals_of.values():
        account_deals.sort(key=lambda d: (not d.is_open, d.pk))
    tags = {}
    all_tags = {t for need in N.NEEDS for t in need.tags} | set(N.NOISE_TAGS)
    for name in sorted(all_tags):
        tags[name] = Tag.objects.get_or_create(name=Tag.normalise(name))[0]
    competitors = {c.name: c for c in Competitor.objects.filter(name__in=N.COMPETITORS)}
    NoteTag = CallNote.tags.through
    NoteCompetitor = CallNote.competitors.through

    added = 0
    for start in range(0, options.notes, NOTE_CHUNK):
        stop = min(start + NOTE_CHUNK, options.notes)
        ids = [f"demo-{i:07d}" for i in range(start, stop)]
        existing = set(
            CallNote.objects.filter(source=SOURCE, external_id__in=ids).values_list(
                "external_id", flat=True
            )
        )
        if len(existing) == len(ids):
            if progress:
                progress(stop, options.notes)
            continue
        notes, extra = [], []
        for i, external_id in zip(range(start, stop), ids, strict=True):
            spec = note_spec(options.seed, i, today)
            if external_id in existing:
                continue
            p_account, p_deal, p_author, p_which = spec["pick"]
            account = accounts[int(p_account * len(accounts))]
            account_deals = deals_of.get(account.pk, [])
            deal = None
            if account_deals and p_deal < 0.75:
                # Open deals first: most notes are about deals being worked.
                deal = account_deals[int((p_which**2) * len(account_deals))]
            author = (
                account.owner
                if (p_author < 0.8 and account.owner)
                else reps[int(p_author * 997) % len(reps)]
            )
            notes.append(
                CallNote(
                    author=author,
                    account=account,
                    deal=deal,
                    call_date=spec["call_date"],
                    body=spec["body"],
                    importance=spec["importance"],
                    quote=spec["quote"],
                    source=SOURCE,
                    external_id=external_id,
                )
            )
            extra.append((spec["tags"], spec["competitors"]))
        with transaction.atomic():
            CallNote.objects.bulk_create(notes, batch_size=5000)
            NoteTag.objects.bulk_create(
                [
                    NoteTag(callnote_id=note.pk, tag_id=tags[t].pk)
                    for note, (note_tags, _) in zip(notes, extra, strict=True)
                    for t in note_tags
                ],
                batch_size=10_000,
            )
            NoteCompetitor.objects.bulk_create(
                [
                    NoteCompetitor(callnote_id=note.pk, competitor_id=competitors[c].pk)
                    for note, (_, mentioned) in zip(notes, extra, strict=True)
                    for c in mentioned
                ],
                batch_size=10_000,
            )
        added += len(notes)
        if progress:
            progress(stop, options.notes)
    return added


def build(options: Options, progress=None) -> dict:
    """Build (or complete) the whole demo organisation; returns what it did."""
    if options.today is None:
        options.today = dt.date.today()
    if options.accounts < 1 or options.deals < 0 or options.notes < 0:
        raise ValueError("--accounts must be at least 1; --deals and --notes at least 0")
    Group.objects.get_or_create(name=Role.SALES_REP)  # roles exist after migrate
    people = build_people(options)
    reps = [r for region in people["reps_by_region"].values() for r in region]
    accounts = build_accounts(options, people["reps_by_region"])
    competitors = build_competitors()
    deals = build_deals(options, accounts, competitors)
    added = build_notes(options, accounts, deals, reps, progress)
    return {"logins": people["logins"], "notes_added": added}
