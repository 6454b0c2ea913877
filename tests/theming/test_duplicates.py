"""Two themes that are one need, from the product manager's side: a run finds
them and says so; "not the same" is remembered and no run folds them together."""

import numpy as np
import pytest
from django.urls import reverse

from insights.notes.models import CallNote, Tag
from insights.themes.models import (
    DistinctThemes,
    DuplicateSuggestion,
    Theme,
    ThemeAssignment,
    ThemeEvent,
)
from insights.themes.pipeline import core, duplicates, vectors
from tests.theming.conftest import run_now

pytestmark = pytest.mark.django_db


def _sso_theme(notes) -> Theme:
    first_sso = next(n for n in notes if "SAML single sign-on through Okta" in n.body)
    return ThemeAssignment.objects.get(note=first_sso).theme


def _recentre(theme: Theme, *, threshold: float | None = None) -> None:
    """Give a theme the centre of its notes, as a run would."""
    note_ids = list(theme.assignments.values_list("note_id", flat=True))
    _ids, matrix = vectors.load_matrix(note_ids)
    centre = core.centroid(matrix)
    theme.centroid = vectors.to_bytes(centre)
    theme.placement_threshold = (
        core.placement_threshold(matrix, centre) if threshold is None else threshold
    )
    theme.save()


@pytest.fixture
def twins(themed):
    """The single sign-on need as two engine-made themes: three of its notes
    were grouped on their own in some earlier run."""
    sso = _sso_theme(themed)
    members = list(sso.assignments.order_by("note_id"))
    assert len(members) >= 6, "the corpus's sign-on notes should make one theme"
    twin = Theme.objects.create(title="Login via identity provider", auto_title="Login")
    ThemeAssignment.objects.filter(pk__in=[a.pk for a in members[1:7:2]]).update(theme=twin)
    _recentre(sso)
    _recentre(twin)
    return sso, twin


def _pair(a: Theme, b: Theme):
    first, second = sorted([a.pk, b.pk])
    return DuplicateSuggestion.objects.filter(first_id=first, second_id=second).first()


def test_the_duplicate_suggestion_appears_for_two_themes_built_from_the_same_need(twins, pm_client):
    sso, twin = twins
    run_now()
    suggestion = _pair(sso, twin)
    assert suggestion is not None and 0 < suggestion.similarity < 1
    # Only that pair: the corpus's six needs are different needs.
    assert DuplicateSuggestion.objects.count() == 1

    sso.refresh_from_db()
    page = pm_client.get(reverse("dashboard")).content.decode()
    assert f'Possibly the same need as <a href="/themes/{twin.pk}/">#{twin.pk}' in page
    assert f"{suggestion.similarity:.2f} similar" in page
    page = pm_client.get(reverse("theme_page", args=[twin.pk])).content.decode()
    assert f"#{sso.pk} {sso.title}" in page and "Not the same" in page and "Merge…" in page


def test_a_run_leaves_different_needs_unsuggested(themed):
    run_now()
    assert not DuplicateSuggestion.objects.exists()


def test_without_a_decision_a_run_folds_a_twin_whose_notes_no_longer_fit_it(twins):
    # The control for the next test: its notes fit nowhere but the bigger
    # twin, so the run moves them there and the smaller twin empties.
    sso, twin = twins
    _recentre(twin, threshold=1.0)
    run_now()
    assert not twin.assignments.exists()


def test_not_the_same_keeps_two_themes_apart_through_runs_and_removes_the_suggestion(
    twins, pm_client, pm
):
    sso, twin = twins
    run_now()
    assert _pair(sso, twin) is not None
    twin.refresh_from_db()
    twin_title = twin.title  # as the product manager saw it when deciding
    twin_notes = set(twin.assignments.values_list("note_id", flat=True))

    response = pm_client.post(reverse("same_need_distinct", args=[twin.pk, sso.pk]))
    assert response.status_code == 302
    decision = DistinctThemes.objects.get()
    assert decision.decided_by == pm and {decision.first_id, decision.second_id} == {
        sso.pk,
        twin.pk,
    }
    assert _pair(sso, twin) is None
    for theme in (sso, twin):
        assert theme.events.filter(kind=ThemeEvent.Kind.DISTINCT, actor=pm).count() == 1

    # Even when the twin's notes no longer clear its own bar, only the
    # decision keeps them there (the test above shows a run folds them otherwise).
    _recentre(twin, threshold=1.0)
    for _ in range(2):
        run_now()
        assert set(twin.assignments.values_list("note_id", flat=True)) == twin_notes
        assert _pair(sso, twin) is None
    page = pm_client.get(reverse("theme_page", args=[sso.pk])).content.decode()
    assert "Possibly the same need" not in page
    assert f"Marked as a different need: from “{twin_title}”" in page


def test_suggestions_are_found_from_the_run_matrix_the_same_as_from_stored_vectors(twins):
    note_ids, matrix = vectors.load_matrix()
    shuffled = np.random.default_rng(0).permutation(len(note_ids))
    from_run = duplicates.find_suggestions(note_ids=note_ids[shuffled], matrix=matrix[shuffled])
    assert from_run == duplicates.find_suggestions()
    assert len(from_run) == 1


def test_themes_alike_in_words_but_tagged_as_different_needs_are_not_suggested(twins):
    sso, twin = twins
    assert any({sso.pk, twin.pk} == {a, b} for a, b, _ in duplicates.find_suggestions())
    pricing = [Tag.objects.get_or_create(name=name)[0] for name in ("pricing", "discount")]
    for note in CallNote.objects.filter(assignment__theme=twin):
        note.tags.set(pricing)
    for note in CallNote.objects.filter(assignment__theme=sso):
        note.tags.set([Tag.objects.get_or_create(name="sso")[0]])
    assert not any({sso.pk, twin.pk} == {a, b} for a, b, _ in duplicates.find_suggestions())


@pytest.fixture
def two_phrasings(themed):
    """The sign-on need as two engine-made themes, one per phrasing, that reps
    tagged in their own proportions: "single sign-on" / "SAML" notes sso + saml,
    the log-in notes sso + okta (half of them)."""
    sso = _sso_theme(themed)
    members = list(sso.assignments.select_related("note").order_by("note_id"))
    assert len(members) >= 8, "the corpus's sign-on notes should make one theme"
    said_sso = [a for a in members if "single sign-on" in a.note.body or "SAML" in a.note.body]
    logins = [a for a in members if a not in said_sso]
    login = Theme.objects.create(title="Log in with their identity provider", auto_title="Log in")
    ThemeAssignment.objects.filter(pk__in=[a.pk for a in logins]).update(theme=login)
    tag = {name: Tag.objects.get_or_create(name=name)[0] for name in ("sso", "saml", "okta")}
    for a in said_sso:
        a.note.tags.set([tag["sso"], tag["saml"]])
    for i, a in enumerate(logins):
        a.note.tags.set([tag["sso"], tag["okta"]] if i % 2 else [tag["okta"]])
    _recentre(sso)
    _recentre(login)
    return sso, login


def test_two_phrasings_of_one_need_tagged_differently_are_suggested_as_one_need(
    two_phrasings, pm_client
):
    sso, login = two_phrasings
    run_now()
    suggestion = _pair(sso, login)
    assert suggestion is not None
    assert DuplicateSuggestion.objects.count() == 1  # the other needs are other needs
    page = pm_client.get(reverse("theme_page", args=[login.pk])).content.decode()
    assert f"#{sso.pk} " in page and "Not the same" in page
