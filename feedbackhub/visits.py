"""When a person last opened a page, for "new since my last visit"."""

import datetime as dt

from django.utils import timezone


def last_visit(request, page: str, *, record: bool = True) -> dt.datetime | None:
    """The previous visit to `page` in this session (None the first time); with
    `record`, this visit becomes the previous one for next time."""
    key = f"{page}_last_visit"
    previous = request.session.get(key)
    if record:
        request.session[key] = timezone.now().isoformat()
    return dt.datetime.fromisoformat(previous) if previous else None
