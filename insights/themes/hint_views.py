"""The log-a-call form's hint: "this need is already known", from the theme engine.

A web request never waits on a worker. Typing queues the look-up under a new
random token and returns at once with a placeholder that polls for the answer
(`draft_hint`); the worker leaves the answer in the cache. When Redis or the
worker is away the placeholder gives up quietly and the form works as before.

On log a call the rep can pick one of the themes ("this is that need"): the
pick is a plain `theme` field of the note form, kept across re-renders of the
hint, and applied by the themes area when the note is saved (see
insights.themes.receivers.join_the_named_need).
"""

import logging
import secrets

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from redis.exceptions import RedisError

from feedbackhub.queue import enqueue_now
from insights.themes.models import Theme
from insights.themes.pipeline import similar

log = logging.getLogger(__name__)

MIN_DRAFT = 20  # characters before a draft says enough to compare
HINTS = 3
MIN_SIMILARITY = 0.5  # cosine; for MiniLM sentences, "about the same topic"
POLL_TRIES = 20  # with POLL_EVERY, how long the page waits for a worker
POLL_EVERY = "750ms"


def _picked(request) -> int | None:
    value = request.GET.get("theme", "")
    return int(value) if value.isdigit() else None


def _context(request, **extra) -> dict:
    return {
        "picked": _picked(request),
        "pick": request.GET.get("pick") == "1",
        "poll_every": POLL_EVERY,
        **extra,
    }


# Only people who log calls see the hint; it makes a worker embed the text.
@permission_required("insights.add_callnote", raise_exception=True)
@require_GET
def similar_to_draft(request):
    """Queue the look-up for the draft and answer at once with a placeholder that polls."""
    body = request.GET.get("body", "").strip()
    if len(body) < MIN_DRAFT:
        return render(request, "insights/_similar.html", _context(request))
    token = secrets.token_urlsafe(16)
    if enqueue_now(similar.HINT_TASK, token, body[:2000], HINTS) is None:
        # The queue is unavailable (logged there): no hint, the form works without.
        return render(request, "insights/_similar.html", _context(request))
    return render(request, "insights/_similar.html", _context(request, token=token, tries=1))


@permission_required("insights.add_callnote", raise_exception=True)
@require_GET
def draft_hint(request, token: str):
    """The answer for a token if the worker left it, else the placeholder again (a while)."""
    try:
        tries = max(1, int(request.GET.get("tries", "1")))
    except ValueError:
        tries = 1
    try:
        found = similar.hint_answer(token)
    except (RedisError, OSError):
        found = []  # no cache: no hint, quietly
    if found is None:
        if tries >= POLL_TRIES:
            return render(request, "insights/_similar.html", _context(request))
        return render(
            request, "insights/_similar.html", _context(request, token=token, tries=tries + 1)
        )
    wanted = {t["theme_id"]: t["similarity"] for t in found if t["similarity"] >= MIN_SIMILARITY}
    picked = _picked(request)
    shown = Theme.objects.filter(pk__in={*wanted, picked or 0}, merged_into__isnull=True)
    themes = sorted(
        ((theme, wanted.get(theme.pk)) for theme in shown),
        key=lambda pair: (pair[1] is None, -(pair[1] or 0)),  # a pick no longer close goes last
    )
    return render(request, "insights/_similar.html", _context(request, themes=themes))
