"""The theme page's triage takes what a PM types and, when refused, keeps it."""

import pytest
from django.urls import reverse

from insights.themes.models import Theme, ThemeAssignment
from tests.factories import CallNoteFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes():
    source = ThemeFactory(title="API throttling")
    target = ThemeFactory(title="Rate limits on the public API")
    ThemeFactory(title="SSO with Okta")
    ThemeFactory(title="SSO with Azure AD")
    return source, target


def _confirm(client, source, typed):
    url = reverse("theme_merge_confirm", args=[source.pk])
    return client.get(url, {"target_text": typed}).content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        "rate limits",
        "Rate limits on the public API",
        "RATE LIMITS ON THE PUBLIC API",
        "#{pk}",
        "{pk}",
    ],
)
def test_it_accepts_a_part_of_the_title_the_title_or_the_number(pm_client, themes, typed):
    source, target = themes
    page = _confirm(pm_client, source, typed.format(pk=target.pk))
    assert "Merge these two themes?" in page and target.title in page


def test_an_ambiguous_title_lists_the_themes_it_could_be_and_keeps_the_text(pm_client, themes):
    source, _ = themes
    page = _confirm(pm_client, source, "sso with")
    assert "Merge these two themes?" not in page
    assert "fits several themes" in page
    assert "SSO with Okta" in page and "SSO with Azure AD" in page
    assert 'value="sso with"' in page and 'aria-describedby="merge-error"' in page


def test_a_title_that_fits_nothing_is_refused_with_the_text_kept(pm_client, themes):
    source, _ = themes
    page = _confirm(pm_client, source, "billing")
    assert "No other active theme has “billing” in its title." in page
    assert 'value="billing"' in page


def test_a_theme_cannot_be_picked_to_merge_into_itself(pm_client, themes):
    source, _ = themes
    page = _confirm(pm_client, source, f"#{source.pk}")
    assert (
        "Merge these two themes?" not in page and f"No other active theme is #{source.pk}" in page
    )


def test_a_rep_cannot_open_the_merge_confirmation(rep_client, themes):
    source, target = themes
    url = reverse("theme_merge_confirm", args=[source.pk])
    assert rep_client.get(url, {"target_text": f"#{target.pk}"}).status_code == 403


def test_a_decline_without_reason_keeps_declined_and_the_edits_and_points_at_reason(
    pm_client, themes
):
    source, _ = themes
    response = pm_client.post(
        reverse("theme_action", args=[source.pk]),
        {"action": "save", "version": source.version, "title": "Throttling", "status": "declined"},
    )
    page = response.content.decode()
    assert '<option value="declined" selected>' in page
    assert '<option value="new" selected>' not in page
    assert 'value="Throttling"' in page
    assert 'aria-invalid="true" aria-describedby="reason-error"' in page
    assert 'id="reason-error">Say why it is declined' in page
    source.refresh_from_db()
    assert (source.title, source.status) == ("API throttling", "new")


def test_a_merge_says_it_merged_once(pm_client, themes):
    source, target = themes
    page = pm_client.post(
        reverse("theme_action", args=[source.pk]),
        {"action": "merge", "target": target.pk, "confirm": "yes"},
        follow=True,
    ).content.decode()
    assert Theme.objects.get(pk=source.pk).merged_into_id == target.pk
    assert page.count("Merged “API throttling” into this theme") == 1


def test_the_refused_panel_page_links_back_to_the_theme_page(pm_client, rep, themes):
    source, _ = themes
    for _ in range(11):  # two pages of notes
        ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=source)
    page = pm_client.post(
        reverse("theme_action", args=[source.pk]),
        {"action": "save", "version": source.version, "title": source.title, "status": "declined"},
    ).content.decode()
    assert f'href="{reverse("theme_page", args=[source.pk])}?page=2"' in page
