"""When two people edit a theme at once: keep what the second one typed.

The triage panel posts, beside each field, the value it showed (`was_<field>`).
When a save is refused because someone else changed the theme meanwhile
(triage.StaleEdit), the panel is shown again *re-based* on the theme as it is
now: a field only the other person changed takes their new value, a field
only this person changed keeps what they typed, and a field both changed
keeps what this person typed and says what the other one wrote, so saving
again overwrites it knowingly. Nothing typed is lost; nothing the other
person did is silently undone.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from insights.themes.models import Theme, ThemeStatus

# The panel's fields that a stale save re-bases, with the words a person reads.
FIELDS = {
    "title": "Title",
    "status": "Status",
    "owner": "Owner",
    "external_url": "Roadmap / issue link",
    "description": "Description",
    "decision": "Decision",
}


@dataclass(frozen=True)
class Rebased:
    """The panel to show again and what the other person changed meanwhile."""

    panel: dict
    changes: list[str]


def _now(theme: Theme, field: str) -> str:
    if field == "owner":
        return str(theme.owner_id or "")
    return getattr(theme, field) or ""


def _same(first: str, second: str) -> bool:
    # A textarea posts \r\n and trailing spaces; those are not a change.
    return " ".join(first.split()) == " ".join(second.split())


def _readable(field: str, value: str) -> str:
    if not value:
        return "empty" if field != "owner" else "nobody"
    if field == "status":
        return str(ThemeStatus(value).label) if value in ThemeStatus.values else value
    if field == "owner":
        owner = get_user_model().objects.filter(pk=value).first() if value.isdigit() else None
        return owner.display_name if owner else value
    return f"“{value if len(value) <= 80 else value[:79] + '…'}”"


def rebase_panel(*, theme: Theme, submitted) -> Rebased:
    """The submitted panel merged with the theme's current values (see the module's doc)."""
    panel = {"reason": submitted.get("reason", "")}
    changes = []
    for field, label in FIELDS.items():
        now = _now(theme, field)
        typed = submitted.get(field, now)
        was = submitted.get(f"was_{field}")
        if was is None or _same(now, was):
            panel[field] = typed  # nobody else touched it (or the form predates was_*)
        elif _same(typed, was):
            panel[field] = now  # only the other person changed it: take theirs
            changes.append(f"{label} is now {_readable(field, now)}.")
        else:
            panel[field] = typed  # both changed it: keep what this person typed
            changes.append(
                f"{label} was changed to {_readable(field, now)}; "
                "yours is kept below and replaces it if you save."
            )
    return Rebased(panel=panel, changes=changes)
