"""When a person last opened a page, stored per user, for "new since my last visit".

"My last visit" is the latest visit on an *earlier day* (in the site's time
zone): every load during today compares with the same moment, so reloading the
dashboard, or opening it in a new session, does not empty the list. A person
who has never opened the page before today has no last visit (None), and the
page says so instead of showing an empty list.
"""

import datetime as dt

from django.utils import timezone

from accounts.models import PageVisit


def last_visit(user, page: str, *, record: bool = True, now=None) -> dt.datetime | None:
    """The user's latest visit to `page` before today; with `record`, count this visit."""
    now = now or timezone.now()
    # Two queries a load, no lock: two tabs loading at once both record "now", which is right.
    visit = PageVisit.objects.filter(user=user, page=page).first()
    if visit is None:
        if record:
            PageVisit.objects.bulk_create(
                [PageVisit(user=user, page=page, visited_at=now)], ignore_conflicts=True
            )
        return None
    today = timezone.localdate(now)
    if timezone.localdate(visit.visited_at) < today:
        since = visit.visited_at  # the latest visit was on an earlier day
    else:
        since = visit.earlier_day_visit
    if record:
        PageVisit.objects.filter(pk=visit.pk).update(earlier_day_visit=since, visited_at=now)
    return since
