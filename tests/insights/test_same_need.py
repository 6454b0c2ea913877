"""Acting on "possibly the same need" from the dashboard and the theme page."""

import pytest
from django.urls import reverse

from insights.themes.models import DistinctThemes, DuplicateSuggestion, Theme, ThemeAssignment
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pair(rep):
    """#planned (a PM set its status) and its younger, bigger twin, suggested as one need."""
    planned = ThemeFactory(title="Okta single sign-on", status="planned")
    twin = ThemeFactory(title="SAML login for their IdP")
    for theme, count in ((planned, 2), (twin, 3)):
        for _ in range(count):
            ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
        Theme.objects.filter(pk=theme.pk).update(note_count=count)
    DuplicateSuggestion.objects.create(first=planned, second=twin, similarity=0.93)
    return planned, twin


def test_merge_from_the_suggestion_asks_for_confirmation_then_merges(pm_client, pair):
    planned, twin = pair
    url = reverse("same_need_merge", args=[twin.pk, planned.pk])

    confirmation = pm_client.get(url, **HTMX)
    html = confirmation.content.decode()
    assert confirmation.status_code == 200 and "<html" not in html
    assert "Merge these two themes into one?" in html
    # The theme a PM already planned survives, though it has fewer notes.
    assert f"Merge into #{planned.pk} Okta single sign-on" in html
    twin.refresh_from_db()
    assert twin.merged_into_id is None  # asking merges nothing

    done = pm_client.post(url, {"into": planned.pk}, **HTMX)
    assert done["HX-Redirect"] == reverse("theme_page", args=[planned.pk])
    twin.refresh_from_db()
    assert twin.merged_into_id == planned.pk
    assert ThemeAssignment.objects.filter(theme=planned).count() == 5
    assert planned.events.filter(kind="merged").exists()


def test_the_confirmation_lets_the_other_theme_survive_instead(pm_client, pair):
    planned, twin = pair
    url = reverse("same_need_merge", args=[planned.pk, twin.pk])
    page = pm_client.get(url).content.decode()  # without htmx: a page of its own
    assert "<html" in page and f"Keep #{twin.pk} instead" in page
    response = pm_client.post(url, {"into": twin.pk})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.merged_into_id == twin.pk


def test_not_the_same_is_one_click_and_the_suggestion_goes(pm_client, pm, pair):
    planned, twin = pair
    response = pm_client.post(reverse("same_need_distinct", args=[planned.pk, twin.pk]), **HTMX)
    assert "Noted: not the same need as" in response.content.decode()
    assert DistinctThemes.objects.filter(first=planned, second=twin, decided_by=pm).exists()
    assert not DuplicateSuggestion.objects.exists()
    assert "Possibly the same need" not in pm_client.get(reverse("dashboard")).content.decode()
    # Saying it twice changes nothing.
    pm_client.post(reverse("same_need_distinct", args=[twin.pk, planned.pk]), **HTMX)
    assert DistinctThemes.objects.count() == 1
    assert twin.events.filter(kind="distinct").count() == 1


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "same_need_merge", {}),
        ("post", "same_need_merge", {"into": "first"}),
        ("post", "same_need_distinct", {}),
    ],
)
def test_reps_cannot_merge_or_tell_themes_apart(rep_client, pair, method, name, data):
    planned, twin = pair
    data = {"into": planned.pk} if data else data
    response = getattr(rep_client, method)(reverse(name, args=[twin.pk, planned.pk]), data)
    assert response.status_code == 403
    twin.refresh_from_db()
    assert twin.merged_into_id is None and not DistinctThemes.objects.exists()
    assert DuplicateSuggestion.objects.count() == 1


def test_reps_see_the_suggestion_without_the_buttons(rep_client, pair):
    planned, twin = pair
    page = rep_client.get(reverse("theme_page", args=[twin.pk])).content.decode()
    assert f'Possibly the same need as <a href="/themes/{planned.pk}/">#{planned.pk}' in page
    assert "— 0.93 similar" in page
    assert "Merge…" not in page and "Not the same" not in page


def test_a_merged_theme_is_no_longer_suggested(pm_client, pm, pair):
    from insights.themes import triage

    planned, twin = pair
    triage.theme_merge(source=twin, target=planned, actor=pm)
    page = pm_client.get(reverse("theme_page", args=[planned.pk])).content.decode()
    assert "Possibly the same need" not in page
