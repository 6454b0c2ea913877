from decimal import Decimal

import pytest
from django.template import Context, Template

from feedbackhub.money import money, money_short


@pytest.mark.parametrize(
    ("value", "exact", "short"),
    [
        (Decimal("950"), "$950", "$950"),
        (Decimal("1500"), "$1,500", "$1.5K"),
        (Decimal("9960"), "$9,960", "$10K"),
        (Decimal("14929"), "$14,929", "$15K"),
        (Decimal("20269.50"), "$20,270", "$20K"),
        (Decimal("32428"), "$32,428", "$32K"),
        (Decimal("378000"), "$378,000", "$378K"),
        (Decimal("999500"), "$999,500", "$1M"),
        (Decimal("350000"), "$350,000", "$350K"),
        (Decimal("1234567.00"), "$1,234,567", "$1.2M"),
        (Decimal("999960"), "$999,960", "$1M"),
        (Decimal("2500000000"), "$2,500,000,000", "$2.5B"),
        (Decimal("-1500000"), "−$1,500,000", "−$1.5M"),
        ("11316571.00", "$11,316,571", "$11M"),
        (None, "—", "—"),
    ],
)
def test_amounts_read_as_money_with_thousands_separators(value, exact, short):
    assert money(value) == exact
    assert money_short(value) == short


def test_the_currency_comes_from_the_setting(settings):
    settings.CURRENCY = "EUR"
    assert money(1200) == "€1,200"
    settings.CURRENCY = "CHF"
    assert money_short(2_400_000) == "CHF 2.4M"


def test_a_table_cell_shows_the_compact_amount_with_the_exact_one_on_hover():
    html = Template("{% load money %}{{ a|money_cell }}|{{ b|money_cell }}").render(
        Context({"a": Decimal("3517232.10"), "b": Decimal("14929")})
    )
    assert html == ('<span title="$3,517,232">$3.5M</span>|<span title="$14,929">$15K</span>')


def test_raw_choice_values_render_as_their_labels():
    html = Template(
        "{% load money %}{{ 'closed_won'|stage_label }}, {{ 'mid_market'|segment_label }}, "
        "{{ 'emea'|region_label }}, {{ 'retired_value'|stage_label }}"
    ).render(Context())
    assert html == "Closed won, Mid-market, EMEA, Retired value"
