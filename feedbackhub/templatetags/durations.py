"""How long something took, as people say it: "33 s", "2 min 5 s", "1 h 4 min"."""

import datetime as dt

from django import template

register = template.Library()


def duration_text(value) -> str:
    """A timedelta or a number of seconds, rounded to the second; "—" for none."""
    if value is None or value == "":
        return "—"
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    whole = max(round(seconds), 0)
    if seconds < 1:
        return "under 1 s" if seconds > 0 else "0 s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


register.filter("duration", duration_text)
