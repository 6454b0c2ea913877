"""A theme's timeline line in words, the same on every page that shows one."""

from django import template

from insights.themes.admin_text import event_words as _event_words
from insights.themes.models import ThemeEvent

register = template.Library()


@register.filter
def event_words(event: ThemeEvent) -> str:
    """ "Status changed: New → Shipped", "Merged: “SSO” merged in (8 notes)"."""
    return _event_words(event)
