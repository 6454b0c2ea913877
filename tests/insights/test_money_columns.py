"""A money column reads in one format: "$32K" beside "$378K", never "$32,428"
beside "$378K"; the exact amount is on hover."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from deals.models import Stage
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import CallNoteFactory, CompetitorFactory, DealFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _theme_with_deal(rep, amount, title, **deal):
    theme = ThemeFactory(title=title)
    deal = DealFactory(amount=Decimal(amount), **deal)
    note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
    ThemeAssignment.objects.create(note=note, theme=theme)
    return theme


def _cells(page: str) -> set[str]:
    return set(re.findall(r'<span title="(\$[\d,]+)">(\$[\d.]+[KMB])</span>', page))


def test_the_dashboard_shows_small_and_large_amounts_in_one_format(pm_client, rep):
    _theme_with_deal(rep, "32428", "Audit log", stage=Stage.PROPOSAL)
    _theme_with_deal(rep, "378000", "Single sign-on", stage=Stage.PROPOSAL)
    store_theme_stats()
    page = pm_client.get(reverse("dashboard")).content.decode()
    assert {("$32,428", "$32K"), ("$378,000", "$378K")} <= _cells(page)
    assert ">$32,428<" not in page


def test_the_competitors_page_shows_small_and_large_amounts_in_one_format(pm_client, rep):
    rival = CompetitorFactory(name="Delta")
    _theme_with_deal(rep, "32428", "Audit log", stage=Stage.CLOSED_LOST, competitor=rival)
    _theme_with_deal(rep, "1234567", "Single sign-on", stage=Stage.CLOSED_LOST, competitor=rival)
    page = pm_client.get(reverse("competitors")).content.decode()
    assert {("$32,428", "$32K"), ("$1,234,567", "$1.2M")} <= _cells(page)
    assert ">$32,428<" not in page
