"""Date formats of the product, one for every page, email and admin screen (FORMAT_MODULE_PATH).

Django formats dates by the locale ("Jan. 17, 2026" in English), which mixed
with our pages' "17 Jan 2026". Templates write `|date` (DATE_FORMAT) or
`|date:"DATETIME_FORMAT"`; Python code calls `django.utils.formats.date_format`.
See docs/design.md.
"""
