"""The main menu says which page you are on, to the eye and to a screen reader."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def current(context, url_name: str) -> str:
    """` aria-current="page"` on the menu link of the page being shown, else nothing."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match and match.view_name == url_name:
        return mark_safe(' aria-current="page"')
    return ""
