"""Filters carried in a URL: a value the page does not know is ignored out loud.

A shared or hand-edited link can carry a period, segment or competitor that
does not exist (?period=7, ?competitor=999). Answering with the unfiltered
figures as if nothing happened misleads; so the other filters still apply, and
the page names what it ignored (`ignored_notice`).
"""

from django import forms


def without_invalid(form: forms.Form) -> tuple[forms.Form, dict[str, str]]:
    """The form with its invalid fields dropped, and a description of each one dropped,
    by field name (a page may say something else of a field that is not a filter)."""
    if not form.is_bound or form.is_valid():
        return form, {}
    bad = [name for name in form.errors if name in form.fields]
    ignored = {name: f"{form[name].label.lower()} “{form.data.get(name, '')}”" for name in bad}
    data = form.data.copy()
    for name in bad:
        data.pop(name, None)
    valid = type(form)(data)
    valid.is_valid()
    return valid, ignored


def ignored_notice(
    ignored: list[str], *, instead: str = "so the figures below are not filtered by it"
) -> str:
    """What the page says above figures computed without the values it did not know."""
    if not ignored:
        return ""
    return f"Ignored {', '.join(ignored)}: not a value this page knows, {instead}."
