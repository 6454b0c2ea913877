"""A link carrying a filter value the page does not know says so, and keeps the other filters."""

import pytest
from django.urls import reverse

from tests.factories import CompetitorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"period": "7"}, "period “7”"),
        ({"competitor": "999999", "segment": "bogus"}, "segment “bogus”, competitor “999999”"),
    ],
)
def test_the_dashboard_names_the_filter_values_it_ignored(pm_client, params, named):
    page = pm_client.get(reverse("dashboard"), params).content.decode()
    assert f"Ignored {named}: not a value this page knows" in page


def test_the_dashboard_keeps_the_valid_filters_next_to_an_ignored_one(pm_client):
    rival = CompetitorFactory(name="Productboard")
    page = pm_client.get(
        reverse("dashboard"), {"competitor": rival.pk, "segment": "bogus"}
    ).content.decode()
    assert "Ignored segment “bogus”" in page
    assert f'<option value="{rival.pk}" selected>' in page


def test_an_unknown_ranking_says_how_the_themes_are_ranked_instead(pm_client):
    page = pm_client.get(reverse("dashboard"), {"sort": "bogus", "segment": "nope"}).content
    page = page.decode()
    assert (
        "Ignored segment “nope”: not a value this page knows, "
        "so the figures below are not filtered by it." in page
    )
    assert (
        "Ignored rank by “bogus”: not a value this page knows, "
        "so the themes are ranked by open pipeline." in page
    )


def test_valid_filters_give_no_notice(pm_client):
    page = pm_client.get(reverse("dashboard"), {"period": "30"}).content.decode()
    assert "Ignored" not in page


def test_the_overview_says_which_period_it_shows_instead_of_an_unknown_one(pm_client):
    page = pm_client.get(reverse("overview"), {"period": "bogus"}).content.decode()
    assert "Ignored period “bogus”: not a value this page knows, so this shows the last" in page
    assert "Ignored" not in pm_client.get(reverse("overview"), {"period": "30"}).content.decode()
