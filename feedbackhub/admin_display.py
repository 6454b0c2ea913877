"""How Django admin shows stored values to a person: money as money, lists as
words, JSON indented and read-only. Code names and raw figures stay out of admin."""

import json

from django.contrib import admin
from django.utils.html import format_html

from feedbackhub.money import money


def pretty_json(value) -> str:
    """A JSON value indented for reading, or a dash when there is nothing."""
    if value in (None, "", [], {}):
        return "—"
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    return format_html('<pre class="readable-json">{}</pre>', text)


def word_list(values) -> str:
    return ", ".join(str(value) for value in values or []) or "—"


def money_column(field: str, description: str):
    """A read-only admin column (or field) showing `field` as money: "$11,316,571"."""

    @admin.display(description=description, ordering=field)
    def show(self, obj) -> str:
        return money(getattr(obj, field))

    show.__name__ = f"{field}_money"
    return show


def json_field(field: str, description: str):
    """A read-only admin field showing the JSON `field` indented."""

    @admin.display(description=description)
    def show(self, obj) -> str:
        return pretty_json(getattr(obj, field))

    show.__name__ = f"{field}_readable"
    return show


def titled(field: str, description: str, *, boolean: bool = False):
    """A column showing `field` as stored, under a title a person reads ("Notes",
    not "Note count"), still sortable by the field."""

    @admin.display(description=description, ordering=field, boolean=boolean)
    def show(self, obj):
        return getattr(obj, field)

    show.__name__ = f"{field}_titled"
    return show
