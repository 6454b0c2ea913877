"""My customers' requests reads each rep's figures per theme as the statistics task stored
them, counts live only the themes changed since, and never shows one rep another's."""

import datetime as dt
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.notes.services import note_create
from insights.themes import rep_figures
from insights.themes.models import RepThemeFigures, ThemeAssignment
from insights.themes.note_moves import notes_move
from insights.themes.pipeline import stats
from insights.themes.pipeline.stats import store_theme_stats
from insights.themes.tasks import refresh_all_theme_stats, refresh_theme_stats
from insights.themes.triage import theme_merge
from tests.factories import AccountFactory, CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rep, other_rep):
    """Four themes; the rep has notes in three over several accounts and dates, the other
    rep in the first (shared) and the fourth (only theirs)."""
    rng = random.Random(5)
    today = dt.date.today()
    themes = [ThemeFactory(title=f"Need {name}") for name in ("shared", "two", "three", "theirs")]
    accounts = [AccountFactory() for _ in range(5)]
    for author, mine, count in ((rep, themes[:3], 40), (other_rep, [themes[0], themes[3]], 25)):
        for _ in range(count):
            note = CallNoteFactory(
                author=author,
                account=rng.choice(accounts),
                call_date=today - dt.timedelta(days=rng.randrange(0, 400)),
            )
            ThemeAssignment.objects.create(note=note, theme=rng.choice(mine))
    refresh_all_theme_stats()  # beat's full refresh, reps' figures included
    return themes


def _run_refreshes(queued) -> None:
    for name, args in queued:
        if name == stats.REFRESH_TASK:
            refresh_theme_stats(*args)


def _live(author) -> dict[int, dict]:
    return {row["theme_id"]: row for row in rep_figures.live_figures(author=author)}


def _stored(author) -> dict[int, dict]:
    return {
        row["theme_id"]: row
        for row in RepThemeFigures.objects.filter(author=author).values(*rep_figures.FIGURES)
    }


def _rows_on(html: str) -> dict[int, tuple[int, int]]:
    """The page's rows: theme id -> (your notes, your accounts)."""
    found = re.findall(
        r'href="/themes/(\d+)/".*?<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>',
        html,
        re.S,
    )
    return {int(pk): (int(notes), int(accounts)) for pk, notes, accounts in found}


def _as_shown(figures: dict[int, dict]) -> dict[int, tuple[int, int]]:
    return {pk: (row["note_count"], row["account_count"]) for pk, row in figures.items()}


def test_the_stored_figures_equal_the_live_ones_for_every_rep(world, rep, other_rep):
    for author in (rep, other_rep):
        assert _stored(author) == _live(author)
        assert len(_stored(author)) in (2, 3)


def test_the_page_shows_the_stored_figures_without_counting_the_notes(world, rep, rep_client):
    assert rep_figures.themes_counted_live() == []
    with CaptureQueriesContext(connection) as captured:
        page = rep_client.get(reverse("my_requests")).content.decode()
    assert _rows_on(page) == _as_shown(_live(rep))
    assert not [q for q in captured if "COUNT(DISTINCT" in q["sql"]]  # read, not counted


def test_a_moved_note_shows_at_once_and_after_the_refresh(
    world, rep, pm, rep_client, queued, django_capture_on_commit_callbacks
):
    shared, two = world[0], world[1]
    note_id = ThemeAssignment.objects.filter(theme=shared, note__author=rep).values_list(
        "note_id", flat=True
    )[0]
    with django_capture_on_commit_callbacks(execute=True):
        notes_move(note_ids=[note_id], target=two, actor=pm)  # its refresh is queued, not run
    assert set(rep_figures.themes_counted_live()) == {shared.pk, two.pk}
    moved = _rows_on(rep_client.get(reverse("my_requests")).content.decode())
    assert moved == _as_shown(_live(rep))

    _run_refreshes(queued)
    assert rep_figures.themes_counted_live() == []
    assert _stored(rep) == _live(rep)
    assert _rows_on(rep_client.get(reverse("my_requests")).content.decode()) == moved


def test_a_new_note_counts_in_its_theme_after_the_refresh(
    world, rep, rep_client, queued, django_capture_on_commit_callbacks
):
    three = world[2]
    before = _stored(rep)[three.pk]["note_count"]
    with django_capture_on_commit_callbacks(execute=True):
        note_create(
            author=rep,
            account=AccountFactory(),
            body="They asked again for the export to run every night.",
            call_date=dt.date.today(),
            need_theme_id=three.pk,
        )
    _run_refreshes(queued)
    assert _stored(rep)[three.pk]["note_count"] == before + 1
    assert _stored(rep)[three.pk]["last_call_on"] == dt.date.today()
    page = _rows_on(rep_client.get(reverse("my_requests")).content.decode())
    assert page[three.pk][0] == before + 1


def test_page_statistics_stored_without_the_reps_figures_make_the_page_count_live(
    world, rep, rep_client
):
    """A path that stores theme statistics but not the reps' (a direct call) never leaves the
    page showing figures older than the theme's."""
    two = world[1]
    ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=two)  # no signal
    store_theme_stats(theme_ids=[two.pk])
    assert rep_figures.themes_counted_live() == [two.pk]
    page = _rows_on(rep_client.get(reverse("my_requests")).content.decode())
    assert page == _as_shown(_live(rep))


def test_a_merged_theme_shows_once_with_the_notes_of_both(
    world, rep, pm, rep_client, queued, django_capture_on_commit_callbacks
):
    shared, two = world[0], world[1]
    with django_capture_on_commit_callbacks(execute=True):
        theme_merge(source=two, target=shared, actor=pm)
    _run_refreshes(queued)
    page = _rows_on(rep_client.get(reverse("my_requests")).content.decode())
    assert two.pk not in page
    assert page == _as_shown(_live(rep))
    assert two.pk not in _stored(rep)


def test_a_rep_never_sees_another_reps_figures(world, rep, other_rep, rep_client):
    shared, theirs = world[0], world[3]
    assert _stored(other_rep)[theirs.pk]["note_count"] > 0  # stored, and refused below
    for query in ({}, {"author": other_rep.pk}, {"user": other_rep.pk}):
        page = rep_client.get(reverse("my_requests"), query).content.decode()
        rows = _rows_on(page)
        assert theirs.pk not in rows and "Need theirs" not in page
        assert rows[shared.pk] == _as_shown(_live(rep))[shared.pk]
        assert rows[shared.pk][0] != _live(other_rep)[shared.pk]["note_count"]
