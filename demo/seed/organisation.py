"""The demo organisation: people and teams, customer accounts, competitors and deals.

Generated from the seed and each row's own index, and inserted only where
missing (see demo.seed.builder for how the whole build stays idempotent).
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

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


def rng_for(seed: int, kind: str, index: int) -> random.Random:
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
    rng = rng_for(seed, "account", index)
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
        rng = rng_for(options.seed, "deal", index)
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
            # At the latest yesterday: noon today may still be ahead, and a deal
            # closed in the future would count as "closed since" a theme shipped now.
            latest = today - dt.timedelta(days=1)
            closed_day = min(latest, created + dt.timedelta(days=rng.randrange(20, 180)))
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
