"""The log-a-call form's hint: "this need is already known", from the theme engine.

A web request never waits on a worker. Typing queues the look-up under a new
random token and returns at once with a placeholder that polls for the answer
(`draft_hint`); the worker leaves the answer in the cache. When Redis or the
worker is away the placeholder gives up quietly and the form works as before.

On log a call the rep can pick one of the themes ("this is that need"): the
pick is a plain `theme` field of the note form, applied by the themes area
when the note is saved (see insights.themes.receivers.join_the_named_need).
A pick belongs to the words it was made about: it travels with the
fingerprint of that draft (`theme_for`), survives a new hint only if the new
text still suggests that theme, and is otherwise cleared with a visible
notice. The form refuses a pick whose fingerprint is not the saved text's, so
saving before the hint caught up asks instead of pinning the note wrongly.
"""

import logging
import secrets

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from redis.exceptions import RedisError

from feedbackhub.queue import enqueue_now
from insights.notes.forms import draft_fingerprint
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
        "picked_for": request.GET.get("theme_for", "")[:32],
        "pick": request.GET.get("pick") == "1",
        "poll_every": POLL_EVERY,
        **extra,
    }


def _dropped(request) -> dict:
    """No hint to check the pick against the text: the pick goes, and the rep is told."""
    picked = _picked(request)
    theme = Theme.objects.filter(pk=picked).first() if picked else None
    return _context(request, picked=None, dropped=theme)


# Only people who log calls see the hint; it makes a worker embed the text.
@permission_required("insights.add_callnote", raise_exception=True)
@require_GET
def similar_to_draft(request):
    """Queue the look-up for the draft and answer at once with a placeholder that polls."""
    body = request.GET.get("body", "").strip()
    if len(body) < MIN_DRAFT:
        return render(request, "insights/_similar.html", _dropped(request))
    token = secrets.token_urlsafe(16)
    if enqueue_now(similar.HINT_TASK, token, body[:2000], HINTS) is None:
        # The queue is unavailable (logged there): no hint, the form works without.
        return render(request, "insights/_similar.html", _dropped(request))
    draft = draft_fingerprint(body)
    context = _context(request, token=token, tries=1, draft=draft)
    return render(request, "insights/_similar.html", context)


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
    draft = request.GET.get("draft", "")[:32]
    if found is None:
        if tries >= POLL_TRIES:
            return render(request, "insights/_similar.html", _dropped(request))
        context = _context(request, token=token, tries=tries + 1, draft=draft)
        return render(request, "insights/_similar.html", context)
    wanted = {t["theme_id"]: t["similarity"] for t in found if t["similarity"] >= MIN_SIMILARITY}
    shown = Theme.objects.filter(pk__in=wanted, merged_into__isnull=True)
    themes = sorted(((theme, wanted[theme.pk]) for theme in shown), key=lambda pair: -pair[1])
    if _picked(request) not in {theme.pk for theme, _ in themes}:
        # The new text no longer suggests the picked need: never keep it silently.
        context = _dropped(request)
    else:
        context = _context(request)
    context.update(themes=themes, draft=draft)
    return render(request, "insights/_similar.html", context)
