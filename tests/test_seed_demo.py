"""seed_demo builds a believable organisation, the same one every time, once."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Team, User
from accounts.roles import Role
from deals.models import Account, Deal, Stage
from demo.seed.builder import need_of_notes
from insights.notes.models import CallNote

pytestmark = pytest.mark.django_db

SMALL = {"notes": 400, "accounts": 30, "deals": 60, "today": dt.date(2026, 6, 1)}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", quiet=True, stdout=out, **{**SMALL, **options})
    return out.getvalue()


def dump() -> list[tuple]:
    """The seeded data by natural key, for comparing two runs."""
    return sorted(
        (
            n.external_id,
            n.body,
            n.account.domain,
            n.deal.name if n.deal else None,
            n.author.username,
            str(n.call_date),
            n.importance,
            n.quote,
            tuple(sorted(t.name for t in n.tags.all())),
            tuple(sorted(c.name for c in n.competitors.all())),
        )
        for n in CallNote.objects.select_related("account", "deal", "author").prefetch_related(
            "tags", "competitors"
        )
    )


def test_it_builds_an_organisation_with_every_role_and_team():
    seed()
    roles = {u.username: u.role for u in User.objects.all()}
    assert roles["admin"] == Role.ADMIN and User.objects.get(username="admin").is_staff
    assert sum(r == Role.PRODUCT_MANAGER for r in roles.values()) == 3
    assert sum(r == Role.SALES_REP for r in roles.values()) == 20
    assert Team.objects.filter(kind=Team.Kind.SALES).count() == 4
    assert Team.objects.filter(kind=Team.Kind.PRODUCT).count() == 1
    assert Account.objects.count() == 30
    assert {a.segment for a in Account.objects.all()} == {"smb", "mid_market", "enterprise"}
    assert set(Deal.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert not Deal.objects.filter(amount__lt=0).exists()
    assert Deal.objects.filter(stage=Stage.CLOSED_LOST).exclude(loss_reason="").exists()


def test_no_seeded_deal_closes_after_the_day_before_today():
    # Noon of "today" may still be ahead: a deal closed then would count as
    # "closed since" a theme shipped this morning.
    seed(today=dt.date.today())
    last = Deal.objects.exclude(closed_at=None).latest("closed_at").closed_at
    assert last.date() < dt.date.today()


def test_notes_read_like_call_notes_with_noisy_tags_quotes_and_competitors():
    seed()
    notes = CallNote.objects.all()
    assert notes.count() == 400
    assert notes.exclude(quote="").count() > 60
    assert notes.filter(competitors__isnull=False).distinct().count() > 20
    assert notes.filter(tags__isnull=True).count() > 20  # some reps don't tag
    assert len({n.body for n in notes}) > 300  # many different phrasings
    assert len(set(need_of_notes(seed=42, count=400).values())) >= 20
    for note in notes.select_related("deal"):
        assert note.deal is None or note.deal.account_id == note.account_id
        assert note.call_date <= SMALL["today"]


def test_running_it_twice_duplicates_nothing():
    seed()
    counts = (User.objects.count(), Account.objects.count(), Deal.objects.count())
    before = dump()
    out = seed()
    assert "0 new notes" in out
    assert (User.objects.count(), Account.objects.count(), Deal.objects.count()) == counts
    assert dump() == before


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    seed()
    first = dump()
    CallNote.objects.all().delete()
    seed()
    assert dump() == first
    CallNote.objects.all().delete()
    seed(seed=7)
    assert [row[1] for row in dump()] != [row[1] for row in first]


def test_scaling_up_keeps_the_first_notes_as_they_were():
    seed(notes=100)
    small = dump()
    seed(notes=300)
    assert CallNote.objects.count() == 300
    assert dump()[:100] == small


def test_it_prints_the_demo_logins():
    out = seed()
    assert "demo-password-2026" in out
    for username in ("admin", "pm.alex", "rep.sam"):
        assert username in out


def test_bad_options_get_a_clear_error():
    with pytest.raises(CommandError, match="--accounts must be at least 1"):
        seed(accounts=0)
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("seed_demo", "--today", "yesterday")
