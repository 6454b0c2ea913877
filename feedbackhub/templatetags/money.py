"""Template helpers for money, counts and choice labels: `{% load money %}`.

- `{{ amount|money }}` the exact amount, "$14,929" (facts, emails, lists);
- `{{ amount|money_cell }}` the compact amount for tables, "$1.2M", with the
  exact figure on hover (`title`);
- `{{ value|stage_label }}`, `segment_label`, `region_label`: the human label
  of a stored choice value, for figures that carry raw values ("closed_won"
  reads "Closed won"). Model instances use `get_FOO_display` instead.
"""

from django import template
from django.utils.html import format_html

from accounts.models import Region
from deals.models import Segment, Stage
from feedbackhub import money as m

register = template.Library()


@register.filter
def money(value) -> str:
    return m.money(value)


@register.filter
def money_short(value) -> str:
    return m.money_short(value)


@register.filter
def money_cell(value):
    exact, short = m.money(value), m.money_short(value)
    if exact == short:
        return exact
    return format_html('<span title="{}">{}</span>', exact, short)


def _label(choices, value) -> str:
    if value in (None, ""):
        return "—"
    try:
        return str(choices(value).label)
    except ValueError:
        # A value no longer among the choices still reads like words.
        return str(value).replace("_", " ").capitalize()


@register.filter
def stage_label(value) -> str:
    return _label(Stage, value)


@register.filter
def segment_label(value) -> str:
    return _label(Segment, value)


@register.filter
def region_label(value) -> str:
    return _label(Region, value)
