"""Theme events and theme runs as one readable line each: for Django admin, and the
timeline's words wherever it is shown (theme page, My requests, `event_words`).

Events and runs store ids and counts for the product's own use (undoing a
merge needs every note id); a person reading admin needs what happened, in
words, with counts instead of id lists.
"""

from django.template.defaultfilters import pluralize
from django.utils.formats import date_format
from django.utils.timezone import localtime

from insights.themes.models import ClusteringRun, ThemeEvent, ThemeStatus


def _notes(count) -> str:
    return f"{count} note{pluralize(count)}"


def _status(value) -> str:
    return ThemeStatus(value).label if value in ThemeStatus.values else str(value or "—")


def _what(kind: str, data: dict) -> str:
    """The event's particulars after its kind ("into “SSO” (80 notes)"), or ""."""
    Kind = ThemeEvent.Kind
    if kind == Kind.STATUS:
        return f"{_status(data.get('old'))} → {_status(data.get('new'))}"
    if kind == Kind.RENAMED:
        return f"“{data.get('old', '')}” → “{data.get('new', '')}”"
    if kind == Kind.OWNER:
        return data.get("new") or "nobody"
    if kind == Kind.LINKED:
        return data.get("url") or "removed"
    if kind == Kind.DECISION:
        text = data.get("text", "")
        return f"“{text[:80]}{'…' if len(text) > 80 else ''}”"
    if kind in (Kind.MERGED, Kind.UNMERGED) and "into_title" in data:
        moved = len(data["note_ids"]) if "note_ids" in data else None
        count = f" ({_notes(moved)})" if moved is not None else ""
        word = "into" if kind == Kind.MERGED else "out of"
        return f"{word} “{data['into_title']}”{count}"
    if kind in (Kind.MERGED, Kind.UNMERGED) and "source_title" in data:
        word = "merged in" if kind == Kind.MERGED else "is its own theme again"
        return f"“{data['source_title']}” {word} ({_notes(data.get('notes', 0))})"
    if kind == Kind.SPLIT:
        return f"{_notes(data.get('notes', 0))} into “{data.get('into_title', '')}”"
    if kind == Kind.NOTES_MOVED:
        return f"{_notes(data.get('notes', 0))} to “{data.get('to_title', '')}”"
    if kind == Kind.DISTINCT and "other_title" in data:
        return f"from “{data['other_title']}”"
    if kind == Kind.ENGINE:
        before, after = data.get("notes_before", 0), data.get("notes_after", 0)
        return f"run #{data.get('run')}: {_notes(before)} → {after}"
    if "notes" in data:
        return _notes(data["notes"])
    return ""


def event_words(event: ThemeEvent) -> str:
    """ "Status changed: New → Shipped — “why”": what happened, without who and when."""
    what = _what(event.kind, event.data or {})
    reason = (event.data or {}).get("reason")
    return f"{event.get_kind_display()}{': ' + what if what else ''}" + (
        f" — “{reason}”" if reason else ""
    )


def event_summary(event: ThemeEvent) -> str:
    """ "Merged: into “Rate limits” (80 notes) — Alex Morgan, 26 Nov 2026 09:10"."""
    who = event.actor.display_name if event.actor else "Theme engine"
    when = date_format(localtime(event.created_at), "DATETIME_FORMAT") if event.created_at else ""
    return f"{event_words(event)} — {who}, {when}"


# The run summary's keys as a person reads them, in this order.
_RUN_COUNTS = (
    ("created", "theme{} created"),
    ("grown", "grown"),
    ("shrunk", "shrunk"),
    ("emptied", "emptied"),
    ("retitled", "retitled"),
    ("moved", "note{} moved"),
    ("newly_themed", "newly themed"),
)


def run_changes(changes: dict) -> str:
    """ "12 themes created, 3 grown, …; took 33.1 s", or "—" before a run finishes."""
    if not changes:
        return "—"
    parts = []
    for key, words in _RUN_COUNTS:
        if key in changes:
            count = changes[key]
            parts.append(f"{count:,} {words.format(pluralize(count))}")
    text = ", ".join(parts)
    if "seconds" in changes:
        text += f"; took {float(changes['seconds']):.1f} s"
    return text or "—"


def run_started_how(run: ClusteringRun) -> str:
    """Why the run started, naming the person when there was one."""
    if run.trigger == ClusteringRun.Trigger.MANUAL:
        if run.requested_by is not None:
            return f"Started by {run.requested_by.display_name} on the engine panel"
        # `run_themes` (and the demo's scripts) start runs with nobody signed in.
        return "Started from the command line (manage.py run_themes)"
    return run.get_trigger_display()
