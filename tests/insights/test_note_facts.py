"""The dashboard's filter combinations read one narrow row per themed note (NoteFacts).

They give the figures the notes themselves give (assignments joined to notes, deals and
accounts: the reference), for every combination of filters; and every kind of change —
to a note, its tags or competitors, its deal, its account, its theme — shows in them at
once, whichever path made it.
"""

import datetime as dt
import itertools
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.models import Stage
from deals.services import account_update, competitor_delete, deal_update
from feedbackhub import periods
from insights.notes.models import CallNote, Tag
from insights.notes.services import note_delete, note_update
from insights.themes.dashboard import SPARK_WEEKS, Filters, theme_rows
from insights.themes.figures import (
    ASSIGNMENTS,
    FACTS,
    NAMED,
    NoteFilter,
    facts_for,
    theme_figures,
    theme_figures_by_period,
    theme_top_names,
)
from insights.themes.merge_undo import theme_merge_undo
from insights.themes.models import NoteFacts, Theme, ThemeAssignment
from insights.themes.note_moves import notes_move, notes_remove, theme_split
from insights.themes.pipeline.stats import forget_cached_figures, store_theme_stats
from insights.themes.triage import theme_merge
from tests.insights.facts_check import assert_facts_are_exact
from tests.insights.sales_floor import varied_sales_floor

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def world(rep):
    """Notes of every shape: on deals of every stage (some against a competitor they also
    name), without a deal, naming a competitor or none, with zero to three tags, dated on
    both sides of every period's start; accounts in every segment, with and without a
    region; authors in one team, two, none; notes in no theme, and one taken out of its
    theme by a person."""
    world = varied_sales_floor(
        rep,
        seed=12,
        today=TODAY,
        themes=5,
        accounts=8,
        deals=14,
        notes=160,
        segments=["smb", "mid_market", "enterprise"],
        ages=[40, 120, 500],
        most_tags=4,
    )
    ThemeAssignment.objects.filter(pk=ThemeAssignment.objects.first().pk).update(
        theme=None, locked=True, assigned_by="person"
    )
    return world


def _values(world) -> dict[str, list]:
    """Two values of each filter (a period, a segment, ...), so combinations vary."""
    return {
        "period": ["90", "365"],
        "segment": ["enterprise", "smb"],
        "region": ["emea", "apac"],
        "team": [t.pk for t in world["teams"]],
        "tag": [t.name for t in world["tags"][:2]],
        "stage": [Stage.NEGOTIATION, Stage.CLOSED_LOST],
        "competitor": [r.pk for r in world["rivals"]],
    }


def _combinations(world) -> list[dict]:
    """Every pair of filters and every triple, each value of the first filter in turn."""
    values = _values(world)
    found = []
    for size in (2, 3):
        for n, kinds in enumerate(itertools.combinations(values, size)):
            found.append({kind: values[kind][(n + i) % 2] for i, kind in enumerate(kinds)})
    return found


def _reference(filters: dict, weeks: int) -> dict[int, dict]:
    """The figures from the notes themselves: assignments joined to notes, deals, accounts,
    tags and competitors; every note read (the all-time figures asked for alongside)."""
    asked = dict(filters)
    start = periods.since(asked.pop("period", ""), today=TODAY)
    found = theme_figures_by_period(
        themes=Theme.objects.all(),
        notes=NoteFilter(**asked),
        starts={"asked": start, "all": None},
        weeks=weeks,
        today=TODAY,
        top_names=True,
        rows=ASSIGNMENTS,
    )["asked"]
    return {theme_id: vars(figures) for theme_id, figures in found.items()}


def _from_facts(filters: dict, weeks: int = SPARK_WEEKS, rows=FACTS) -> dict[int, dict]:
    found = theme_figures(
        themes=Theme.objects.all(),
        notes=NoteFilter(**filters),
        weeks=weeks,
        today=TODAY,
        top_names=True,
        rows=rows,
    )
    return {theme_id: vars(figures) for theme_id, figures in found.items()}


def test_every_combination_of_filters_gives_the_figures_of_the_notes_themselves(world):
    combinations = _combinations(world)
    assert len(combinations) == 21 + 35
    answered = 0
    for filters in combinations:
        for weeks in (SPARK_WEEKS, 26):
            found = _from_facts(filters, weeks)
            assert found == _reference(filters, weeks), (filters, weeks)
            if facts_for(NoteFilter(**filters)) is NAMED:  # with a tag or a competitor
                by_name = _from_facts(filters, weeks, rows=NAMED)
                assert by_name == found, (filters, weeks)
        answered += bool(found)
    assert answered > len(combinations) // 2  # most combinations match some notes


@pytest.mark.parametrize("kind", ["period", "segment", "region", "team", "tag", "stage"])
def test_each_filter_alone_gives_the_figures_of_the_notes_themselves(world, kind):
    for value in _values(world)[kind]:
        assert _from_facts({kind: value}) == _reference({kind: value}, SPARK_WEEKS)


def test_a_competitor_counts_a_note_that_names_it_or_whose_deal_is_against_it_once(world):
    rival = world["rivals"][0]
    both = CallNote.objects.filter(competitors=rival, deal__competitor=rival)
    assert both.exists()  # such notes are in the world, and counted once
    found = _from_facts({"competitor": rival.pk, "segment": "enterprise"})
    assert found == _reference({"competitor": rival.pk, "segment": "enterprise"}, SPARK_WEEKS)
    by_name = _from_facts({"competitor": rival.pk, "segment": "enterprise"}, rows=NAMED)
    assert by_name == found


def test_an_unknown_tag_matches_no_note(world):
    assert _from_facts({"tag": "no-such-tag", "segment": "smb"}) == {}
    assert _from_facts({"tag": "no-such-tag", "segment": "smb"}, rows=NAMED) == {}


def test_the_dashboard_answers_a_combination_from_the_facts_without_joining_the_notes(world, pm):
    store_theme_stats()  # the themes' note counts, which pick the dashboard's candidates
    forget_cached_figures()
    tag, rival = world["tags"][0], world["rivals"][0]
    filters = {"tag": tag.name, "competitor": rival.pk, "period": "365"}
    with CaptureQueriesContext(connection) as captured:
        rows = theme_rows(filters=Filters(**filters), sort="notes")
    statements = " ".join(q["sql"] for q in captured)
    assert "insights_notefacts" in statements and "insights_notenamefacts" in statements
    assert "insights_themeassignment" not in statements and '"deals_deal"' not in statements
    # Top names from the rows' own arrays, not the tables linking notes to names.
    assert "insights_callnote_tags" not in statements
    assert "insights_callnote_competitors" not in statements
    expected = _reference(filters, SPARK_WEEKS)
    assert rows and {r.theme.pk for r in rows} == set(expected)
    for row in rows:
        want = expected[row.theme.pk]
        assert (row.notes, row.accounts, row.open_revenue, row.lost_revenue, row.weekly) == (
            want["note_count"],
            want["account_count"],
            want["open_revenue"],
            want["lost_revenue"],
            want["weekly_mentions"],
        )
        assert (row.tags, row.competitors) == (want["top_tags"], want["top_competitors"])


@pytest.mark.parametrize(
    "filters",
    [{"segment": "enterprise", "stage": Stage.NEGOTIATION}, {"tag": "first", "region": "apac"}],
    ids=["segment + stage", "tag + region"],
)
def test_a_combination_shown_again_comes_from_the_cache_unchanged(world, pm, filters):
    """The dashboard keeps a combination's figures briefly, packed as plain text and numbers
    (figures.packed): shown again, the rows are the same, money to the last decimal, and
    no facts are read."""
    if filters.get("tag") == "first":
        filters = {**filters, "tag": world["tags"][0].name}
    store_theme_stats()
    forget_cached_figures()
    first = theme_rows(filters=Filters(**filters), sort="revenue")
    with CaptureQueriesContext(connection) as captured:
        again = theme_rows(filters=Filters(**filters), sort="revenue")
    assert "facts" not in " ".join(q["sql"] for q in captured)
    assert first and [vars(row) for row in again] == [vars(row) for row in first]


@pytest.mark.parametrize(
    "combination",
    [
        "segment + 90 days + stage",
        "region + stage",
        "segment + region + 365 days",
        "stage + team",
        "tag + segment",
        "competitor + stage",
        "tag + competitor",
        "tag + 365 days + region",
    ],
)
def test_a_combination_reads_only_what_one_covering_index_holds(world, combination):
    """At a million notes a matching note costs a table page (or two) when the index that
    finds it does not hold what the figures read: the growth issue 12 names. Every column a
    combination's statement reads of a row is in one covering index led by one of its
    filters: a stage, segment or region index of NoteFacts, or the rows kept per name
    for a tag or a competitor. Then PostgreSQL can answer it from that index alone (it
    does at 1M notes, docs/performance.md, session 10: which index it takes in a test
    database of a few rows depends on its statistics, so the test reads the columns)."""
    tag, rival = world["tags"][0].name, world["rivals"][0].pk
    filters = {
        "segment + 90 days + stage": {
            "segment": "enterprise",
            "period": "90",
            "stage": Stage.NEGOTIATION,
        },
        "region + stage": {"region": "apac", "stage": Stage.NEGOTIATION},
        "segment + region + 365 days": {"segment": "smb", "region": "apac", "period": "365"},
        "stage + team": {"stage": Stage.NEGOTIATION, "team": world["teams"][0].pk},
        "tag + segment": {"tag": tag, "segment": "enterprise"},
        "competitor + stage": {"competitor": rival, "stage": Stage.NEGOTIATION},
        "tag + competitor": {"tag": tag, "competitor": rival},
        "tag + 365 days + region": {"tag": tag, "period": "365", "region": "apac"},
    }[combination]
    notes = NoteFilter(**filters)
    rows = facts_for(notes)
    with CaptureQueriesContext(connection) as captured:
        found = theme_figures(themes=Theme.objects.all(), notes=notes, today=TODAY, rows=rows)
    assert found  # the statement ran and matched notes
    table = rows.model._meta.db_table
    (statement,) = [q["sql"] for q in captured if f'"{table}"' in q["sql"]]
    read = set(re.findall(rf'"{table}"\."(\w+)"', statement))
    leading = {"stage": "deal_stage", "segment": "segment", "region": "region"}
    leading = {leading.get(kind, "kind") for kind in filters}  # a tag or competitor: a name
    covering = [
        {*index.fields, *index.include}
        for index in rows.model._meta.indexes
        if index.include and index.fields[0] in leading
    ]
    assert covering, f"no covering index leads with {leading}"
    assert any(read <= columns for columns in covering), read


def _named(world, filters: dict) -> dict:
    """The filters with "first" read as the world's first tag or competitor."""
    names = {"tag": world["tags"][0].name, "competitor": world["rivals"][0].pk}
    return {kind: names[kind] if value == "first" else value for kind, value in filters.items()}


def _plan_by_indexes(statement: str) -> str:
    """The statement's plan (JSON) with every way to the rows but an index switched off: which
    index answers it in a test database of a few rows depends on its statistics, so what
    this shows is that an index that answers it exists."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE insights_notenamefacts")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}")
        return json.dumps(cursor.fetchone()[0])


def _index_scans(plan: str) -> list[tuple[str, str]]:
    return re.findall(r'"Node Type": "(Index Only Scan|Index Scan)".*?"Index Name": "(\w+)"', plan)


@pytest.mark.parametrize(
    "filters",
    [
        {"competitor": "first", "stage": Stage.NEGOTIATION},
        {"tag": "first", "stage": Stage.CLOSED_LOST, "period": "365"},
    ],
    ids=["competitor + stage", "tag + stage + 365 days"],
)
def test_a_name_with_a_stage_reads_only_that_stage_of_the_names_rows(world, filters):
    """A stage holds about an eighth of a competitor's notes. Found by the name alone, the
    rows of every stage were read to keep one (118,499 for 16,265 at a million notes,
    docs/performance.md, session 10); found by name and stage, only the stage's rows are.
    """
    filters = _named(world, filters)
    notes = NoteFilter(**filters)
    assert facts_for(notes) is NAMED
    with CaptureQueriesContext(connection) as captured:
        assert theme_figures(themes=Theme.objects.all(), notes=notes, today=TODAY, rows=NAMED)
    (statement,) = [q["sql"] for q in captured if '"insights_notenamefacts"' in q["sql"]]
    plan = _plan_by_indexes(statement)
    assert ("Index Only Scan", "facts_name_stage_day_cover") in _index_scans(plan), plan
    assert re.search(r'"Index Cond": "[^"]*deal_stage', plan), plan  # a key, not a filter


@pytest.mark.parametrize(
    "filters",
    [
        {"competitor": "first", "stage": Stage.NEGOTIATION},
        {"tag": "first", "stage": Stage.CLOSED_LOST, "segment": "enterprise"},
    ],
    ids=["competitor + stage", "tag + stage + segment"],
)
def test_the_top_names_of_a_name_with_a_stage_find_their_notes_through_the_rows_per_name(
    world, filters
):
    """The top tags and competitors of the fifty themes shown intersected bitmaps of every
    note of those themes, of the name and of the stage: 250,000 entries for 564 notes at a
    million notes (docs/performance.md, session 11). The rows per name, keyed by name and
    stage, hold the note: its notes are read from that index and their tags from NoteFacts
    by primary key. And they are the names of the notes themselves."""
    filters = _named(world, filters)
    notes = NoteFilter(**filters)
    shown = sorted(_reference(filters, SPARK_WEEKS))[:3]
    with CaptureQueriesContext(connection) as captured:
        found = theme_top_names(themes=shown, notes=notes, rows=NAMED)
    assert found == theme_top_names(themes=shown, notes=notes, rows=ASSIGNMENTS)
    assert any(found[0].values())
    (statement,) = [q["sql"] for q in captured]
    plan = _plan_by_indexes(statement)
    scans = _index_scans(plan)
    assert ("Index Only Scan", "facts_name_stage_day_cover") in scans, plan
    assert ("Index Scan", "insights_notefacts_pkey") in scans, plan


def test_the_top_names_of_a_name_without_a_stage_read_the_facts_rows(world):
    """Keyed by the name alone, the rows per name would read every row of a busy tag to
    find the few hundred notes of the themes shown; the bitmaps of NoteFacts cost no more."""
    filters = {"tag": world["tags"][0].name, "segment": "enterprise"}
    shown = sorted(_reference(filters, SPARK_WEEKS))[:3]
    with CaptureQueriesContext(connection) as captured:
        found = theme_top_names(themes=shown, notes=NoteFilter(**filters), rows=NAMED)
    assert found == theme_top_names(themes=shown, notes=NoteFilter(**filters), rows=ASSIGNMENTS)
    (statement,) = [q["sql"] for q in captured]
    assert "insights_notefacts" in statement and "insights_notenamefacts" not in statement


def test_the_rows_per_name_refuse_a_filter_without_a_tag_or_competitor(world):
    """A note has a row per tag and competitor: without one of them to pick the rows, a note
    would be counted once per name."""
    with pytest.raises(ValueError):
        _from_facts({"segment": "smb"}, rows=NAMED)
    with pytest.raises(ValueError):
        theme_figures(themes=Theme.objects.all(), today=TODAY, rows=NAMED)


# --- every kind of change shows at once -------------------------------------------------


def _count(**filters) -> int:
    return sum(f["note_count"] for f in _from_facts(filters).values())


def _combination_agrees(**filters) -> None:
    assert _from_facts(filters) == _reference(filters, SPARK_WEEKS)


def test_the_facts_start_equal_to_the_notes(world):
    assert_facts_are_exact()
    assert NoteFacts.objects.count() == ThemeAssignment.objects.filter(theme__isnull=False).count()


def _themed_note(world, **where) -> CallNote:
    return CallNote.objects.filter(assignment__theme__isnull=False, **where).first()


def test_editing_a_notes_date_account_and_deal_shows_at_once(world):
    note = _themed_note(world, call_date__lt=TODAY - dt.timedelta(days=100), deal__isnull=True)
    deal = next(d for d in world["deals"] if d.stage == Stage.NEGOTIATION)
    filters = {"period": "90", "stage": Stage.NEGOTIATION, "segment": deal.account.segment}
    before = _count(**filters)
    note_update(note=note, user=note.author, call_date=TODAY, account=deal.account, deal=deal)
    assert _count(**filters) == before + 1
    _combination_agrees(**filters)
    assert_facts_are_exact()


def test_changing_a_notes_tags_and_competitors_shows_at_once(world):
    rival = world["rivals"][1]
    note = _themed_note(world)
    note_update(note=note, user=note.author, tags="", competitors=[])
    before = _count(tag="export", competitor=rival.pk)
    note_update(note=note, user=note.author, tags="export, sso", competitors=[rival.pk])
    assert _count(tag="export", competitor=rival.pk) == before + 1
    _combination_agrees(tag="export", competitor=rival.pk)
    assert_facts_are_exact()
    note.tags.clear()  # the links removed another way than the service
    _combination_agrees(tag="export", competitor=rival.pk)
    assert_facts_are_exact()


def test_a_deal_changing_stage_amount_or_competitor_shows_at_once(world, admin_user):
    deal = next(d for d in world["deals"] if d.call_notes.filter(assignment__theme__isnull=False))
    tag_of_its_notes = Tag.objects.filter(notes__deal=deal).first()
    filters = {"stage": Stage.CLOSED_LOST, "tag": tag_of_its_notes.name}
    deal_update(deal=deal, user=admin_user, stage=Stage.NEGOTIATION)
    before = _count(**filters)
    deal_update(deal=deal, user=admin_user, stage=Stage.CLOSED_LOST, amount=Decimal("77777"))
    assert _count(**filters) > before
    _combination_agrees(**filters)
    deal_update(deal=deal, user=admin_user, competitor=world["rivals"][1])
    _combination_agrees(competitor=world["rivals"][1].pk, stage=Stage.CLOSED_LOST)
    assert_facts_are_exact()


def test_an_account_changing_segment_or_region_shows_at_once(world, admin_user):
    account = next(
        a for a in world["accounts"] if a.call_notes.filter(assignment__theme__isnull=False)
    )
    account_update(account=account, user=admin_user, segment="smb", region="apac")
    before = _count(segment="enterprise", region="emea")
    account_update(account=account, user=admin_user, segment="enterprise", region="emea")
    assert _count(segment="enterprise", region="emea") > before
    _combination_agrees(segment="enterprise", region="emea")
    assert_facts_are_exact()


def test_moving_removing_and_splitting_notes_shows_at_once(world, pm):
    first, second = world["themes"][:2]
    moved = list(first.assignments.values_list("note_id", flat=True)[:3])
    notes_move(note_ids=moved, target=second, actor=pm)
    assert_facts_are_exact()
    notes_remove(theme=second, note_ids=moved[:1], actor=pm)
    assert not NoteFacts.objects.filter(note_id=moved[0]).exists()
    theme_split(theme=second, note_ids=moved[1:], title="Split off", actor=pm)
    assert_facts_are_exact()
    _combination_agrees(segment="enterprise", period="365")


def test_merging_and_undoing_the_merge_shows_at_once(world, pm):
    source, target = world["themes"][2:4]
    in_source = source.assignments.count()
    filters = {"tag": "sso", "period": "365"}
    theme_merge(source=source, target=target, actor=pm)
    assert not NoteFacts.objects.filter(theme_id=source.pk).exists()
    assert_facts_are_exact()
    _combination_agrees(**filters)
    theme_merge_undo(source=source, actor=pm)
    assert NoteFacts.objects.filter(theme_id=source.pk).count() == in_source
    assert_facts_are_exact()
    _combination_agrees(**filters)


def test_deleting_a_note_a_tag_or_a_competitor_shows_at_once(world, admin_user):
    note = _themed_note(world)
    note_delete(note=note, user=admin_user)
    assert not NoteFacts.objects.filter(note_id=note.pk).exists()
    Tag.objects.get(name="sso").delete()
    competitor_delete(competitor=world["rivals"][0], user=admin_user)
    assert_facts_are_exact()
    _combination_agrees(tag="pricing", segment="smb")
