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
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Team, TeamMembership, User
from accounts.roles import Role
from accounts.services import user_set_role
from deals.models import Account, Competitor, Deal, Segment, Stage
from demo.seed import needs as N
from demo.seed.people import (
    ADMIN,
    DEMO_PASSWORD,
    PRODUCT_MANAGERS,
    PRODUCT_TEAM,
    REPS,
    SALES_TEAMS,
    rep_region,
)
from insights.notes.models import CallNote, Importance, Tag

SOURCE = CallNote.Source.DEMO
NOTE_CHUNK = 10_000

PREFIXES = (
    "Northwind",
    "Bluepeak",
    "Ironclad",
    "Silverline",
    "Brightwave",
    "Evergreen",
    "Redstone",
    "Skyline",
    "Quantum",
    "Harbor",
    "Summit",
    "Lumen",
    "Cobalt",
    "Granite",
    "Nimbus",
    "Orchid",
    "Pioneer",
    "Riverbend",
    "Sterling",
    "Tidal",
    "Vertex",
    "Willow",
    "Zephyr",
    "Atlas",
    "Beacon",
    "Cascade",
    "Delta",
    "Ember",
    "Falcon",
    "Helix",
    "Juniper",
    "Keystone",
    "Maple",
    "Nova",
    "Onyx",
    "Polaris",
    "Sequoia",
    "Trident",
    "Unity",
    "Vantage",
)
SUFFIXES = (
    "Analytics",
    "Logistics",
    "Health",
    "Foods",
    "Energy",
    "Bank",
    "Insurance",
    "Retail",
    "Software",
    "Systems",
    "Labs",
    "Manufacturing",
    "Media",
    "Telecom",
    "Pharma",
    "Motors",
    "Capital",
    "Airlines",
    "Hotels",
    "Education",
    "Robotics",
    "Security",
    "Consulting",
    "Networks",
    "Biotech",
    "Shipping",
    "Textiles",
    "Games",
    "Realty",
    "Agritech",
)
INDUSTRY = {
    "Analytics": "Software",
    "Software": "Software",
    "Systems": "Software",
    "Labs": "Software",
    "Games": "Software",
    "Networks": "Telecommunications",
    "Telecom": "Telecommunications",
    "Bank": "Financial services",
    "Capital": "Financial services",
    "Insurance": "Insurance",
    "Health": "Healthcare",
    "Pharma": "Healthcare",
    "Biotech": "Healthcare",
}
SEGMENT_AMOUNTS = {  # (median, spread) of deal amounts, log-normal
    Segment.SMB: (15_000, 0.5),
    Segment.MID_MARKET: (70_000, 0.5),
    Segment.ENTERPRISE: (350_000, 0.6),
}
PRODUCTS = ("Platform", "Analytics add-on", "Expansion", "Renewal", "Pilot", "Enterprise plan")
LOSS_REASONS = (
    "Went with a competitor",
    "Missing a must-have feature",
    "Price too high",
    "No decision / budget frozen",
    "Security review failed",
)


@dataclass
class Options:
    seed: int = 42
    notes: int = 3000
    accounts: int = 300
    deals: int = 800
    today: dt.date | None = None


def _rng(seed: int, kind: str, index: int) -> random.Random:
    return random.Random(f"{seed}:{kind}:{index}")


# --- people ------------------------------------------------------------------


def build_people(options: Options) -> dict:
    """Users, roles and teams; returns the reps by region and everyone for printing."""
    logins = []
    teams = {}
    for region, name in SALES_TEAMS.items():
        teams[region], _ = Team.objects.get_or_create(
            name=name, defaults={"kind": Team.Kind.SALES, "region": region}
        )
    product, _ = Team.objects.get_or_create(name=PRODUCT_TEAM, defaults={"kind": Team.Kind.PRODUCT})

    def person(username, first, last, role, team, title):
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "title": title},
        )
        user.email = f"{username}@feedbackhub.example"
        user.set_password(DEMO_PASSWORD)
        user.save()
        user_set_role(user=user, role=role)
        if team is not None:
            TeamMembership.objects.get_or_create(team=team, user=user)
        logins.append((username, role, team.name if team else "—"))
        return user

    admin = person(*ADMIN, Role.ADMIN, None, "Sales operations")
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
    for username, first, last in PRODUCT_MANAGERS:
        person(f"pm.{username}", first, last, Role.PRODUCT_MANAGER, product, "Product manager")
    reps_by_region: dict[str, list[User]] = {r: [] for r in SALES_TEAMS}
    for index, (username, first, last) in enumerate(REPS):
        region = rep_region(index)
        rep = person(
            f"rep.{username}", first, last, Role.SALES_REP, teams[region], "Account executive"
        )
        reps_by_region[region].append(rep)
    return {"reps_by_region": reps_by_region, "logins": logins}


# --- accounts, competitors, deals -----------------------------------------------


def account_spec(seed: int, index: int) -> dict:
    rng = _rng(seed, "account", index)
    prefix = PREFIXES[index % len(PREFIXES)]
    suffix = SUFFIXES[(index // len(PREFIXES)) % len(SUFFIXES)]
    generation = index // (len(PREFIXES) * len(SUFFIXES))
    name = f"{prefix} {suffix}" + (f" {generation + 1}" if generation else "")
    domain = f"{prefix}-{suffix}{generation + 1 if generation else ''}.example".lower()
    segment = rng.choices(list(Segment), weights=[5, 3, 2])[0]
    median, _ = SEGMENT_AMOUNTS[segment]
    return {
        "name": name,
        "domain": domain,
        "segment": segment,
        "industry": INDUSTRY.get(suffix, suffix if rng.random() < 0.5 else "Services"),
        "region": rng.choice(list(SALES_TEAMS)),
        "lifecycle": rng.choices(list(Account.Lifecycle), weights=[4, 5, 1])[0],
        "arr": Decimal(int(median * rng.uniform(0.3, 2.5))).quantize(Decimal("1.00")),
        "owner_pick": rng.random(),
    }


def build_accounts(options: Options, reps_by_region) -> list[Account]:
    existing = {a.domain: a for a in Account.objects.filter(domain__endswith=".example")}
    new = []
    for index in range(options.accounts):
        spec = account_spec(options.seed, index)
        if spec["domain"] in existing:
            continue
        reps = reps_by_region[spec["region"]]
        owner = reps[int(spec.pop("owner_pick") * len(reps))]
        new.append(Account(owner=owner, **{k: v for k, v in spec.items() if k != "owner_pick"}))
    with transaction.atomic():
        Account.objects.bulk_create(new, batch_size=2000)
    domains = [account_spec(options.seed, i)["domain"] for i in range(options.accounts)]
    by_domain = {a.domain: a for a in Account.objects.filter(domain__in=domains)}
    return [by_domain[d] for d in domains]


def build_competitors() -> list[Competitor]:
    return [Competitor.objects.get_or_create(name=name)[0] for name in N.COMPETITORS]


def build_deals(options: Options, accounts: list[Account], competitors) -> list[Deal]:
    today = options.today
    names = []
    new = []
    existing = set(
        Deal.objects.filter(account__in=accounts).values_list("name", flat=True)
        if len(accounts) <= 5000
        else Deal.objects.filter(account__domain__endswith=".example").values_list(
            "name", flat=True
        )
    )
    for index in range(options.deals):
        rng = _rng(options.seed, "deal", index)
        account = accounts[rng.randrange(len(accounts))]
        name = f"{account.name} — {rng.choice(PRODUCTS)} #{index + 1}"
        names.append(name)
        if name in existing:
            continue
        median, spread = SEGMENT_AMOUNTS[account.segment]
        amount = Decimal(int(rng.lognormvariate(0, spread) * median)).quantize(Decimal("1.00"))
        stage = rng.choices(list(Stage), weights=[14, 14, 14, 13, 20, 25])[
            0
        ]  # ~55% open, 20% won, 25% lost
        created = today - dt.timedelta(days=rng.randrange(10, 400))
        closed_at = None
        loss_reason = ""
        competitor = None
        if stage in (Stage.CLOSED_WON, Stage.CLOSED_LOST):
            closed_day = min(today, created + dt.timedelta(days=rng.randrange(20, 180)))
            closed_at = dt.datetime.combine(closed_day, dt.time(12), tzinfo=dt.UTC)
        if stage == Stage.CLOSED_LOST:
            loss_reason = rng.choice(LOSS_REASONS)
            if loss_reason == LOSS_REASONS[0] or rng.random() < 0.3:
                competitor = rng.choice(competitors)
        elif rng.random() < 0.25:
            competitor = rng.choice(competitors)
        new.append(
            Deal(
                account=account,
                name=name,
                owner=account.owner,
                amount=amount,
                stage=stage,
                opened_on=created,
                expected_close_date=created + dt.timedelta(days=rng.randrange(30, 200)),
                closed_at=closed_at,
                loss_reason=loss_reason,
                competitor=competitor,
            )
        )
    with transaction.atomic():
        Deal.objects.bulk_create(new, batch_size=2000)
    by_name = {}
    for start in range(0, len(names), 10_000):
        chunk = names[start : start + 10_000]
        by_name.update({d.name: d for d in Deal.objects.filter(name__in=chunk)})
    return [by_name[n] for n in names]


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
    rng = _rng(seed, "note", index)
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
