"""A small organisation with something on every page, and the pages each person uses.

The browser walk (test_every_page.py) and `make screenshots` read these lists:
to check a new page, add its URL name to the roles that use it (and, if it
takes an id, say where the id comes from in `URL_ARGS`).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insights.loop.models import Notification
from insights.loop.status_changes import fan_out_status_change
from insights.themes import triage
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import (
    AccountFactory,
    AdminFactory,
    CallNoteFactory,
    CompetitorFactory,
    DealFactory,
    ProductManagerFactory,
    RepFactory,
    ThemeFactory,
    UserFactory,
)

# The main pages of each person, by URL name, in the order they use them.
ROLE_PAGES: dict[str, list[str]] = {
    "rep": [
        "home",
        "log_call",
        "my_notes",
        "my_requests",
        "winback",
        "notifications",
        "notification_open",
        "notification_settings",
        "account_detail",
        "deal_detail",
        "note_edit",
        "note_delete",
        "import_csv",
        "dashboard",
        "theme_page",
        "overview",
        "competitors",
        "competitor_page",
        "pmf",
        "password_change",
    ],
    "pm": [
        "dashboard",
        "theme_page",
        "inbox",
        "engine_panel",
        "overview",
        "competitors",
        "competitor_page",
        "pmf",
        "notifications",
        "notification_settings",
        "account_detail",
    ],
    "admin": [
        "home",
        "import_csv",
        "admin:index",
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_team_add",
        "admin:deals_deal_changelist",
        "admin:insights_theme_change",
    ],
    # Someone whose account has no role yet: their home, and a page they may not open.
    "none": ["home", "dashboard"],
    "anonymous": ["login", "password_reset"],
}


@dataclass
class Org:
    """The people and the rows the pages are about."""

    rep: object
    pm: object
    admin: object
    nobody: object
    theme: object
    account: object
    deal: object
    competitor: object
    notification: object
    note: object

    def user(self, role: str):
        return {"rep": self.rep, "pm": self.pm, "admin": self.admin, "none": self.nobody}.get(role)


# Where the id of each page that needs one comes from.
URL_ARGS = {
    "account_detail": lambda org: [org.account.pk],
    "deal_detail": lambda org: [org.deal.pk],
    "theme_page": lambda org: [org.theme.pk],
    "competitor_page": lambda org: [org.competitor.pk],
    "notification_open": lambda org: [org.notification.pk],
    "note_edit": lambda org: [org.note.pk],
    "note_delete": lambda org: [org.note.pk],
    "admin:insights_theme_change": lambda org: [org.theme.pk],
}


def sign_in(page, live_server, user) -> None:
    """Give the browser a logged-in session without going through the login form.

    The login form has its own tests; here it would only add a page load to
    each of the walk's many cases.
    """
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )


def page_path(org: Org, name: str) -> str:
    args = URL_ARGS.get(name)
    return reverse(name, args=args(org) if args else None)


def seed_org() -> Org:
    """A rep with notes on deals in every stage and segment, a shipped theme, news and win-back."""
    rep, pm = RepFactory(first_name="Sam", last_name="Rivera"), ProductManagerFactory()
    admin = AdminFactory(first_name="Ada", last_name="Admin")
    nobody = UserFactory()
    rival = CompetitorFactory(name="Dovetail")
    theme = ThemeFactory(title="Audit log export")
    notes = []
    for name, segment, stage, amount in [
        ("Globex", "mid_market", "closed_won", "3517232.10"),
        ("Initech", "smb", "closed_lost", "14929"),
        ("Umbrella", "enterprise", "negotiation", "1250000"),
    ]:
        account = AccountFactory(owner=rep, segment=segment, name=name)
        deal = DealFactory(
            account=account, name=f"{name} deal", stage=stage, amount=Decimal(amount)
        )
        if stage == "closed_lost":
            deal.closed_at = timezone.now() - dt.timedelta(days=20)
            deal.loss_reason = "Chose Dovetail for its audit log"
            deal.save(update_fields=["closed_at", "loss_reason"])
        note = CallNoteFactory(
            author=rep,
            account=account,
            deal=deal,
            importance="deal_blocker",
            body="They need every admin action in an exportable audit log " * 6,
            quote="We cannot pass the audit without it.",
            tags=["audit", "compliance"],
        )
        note.competitors.add(rival)
        ThemeAssignment.objects.create(note=note, theme=theme)
        notes.append((note, deal))
    # One note the engine has not placed yet: the inbox has something to show.
    CallNoteFactory(author=rep, account=account, body="Wants a dark mode for the dashboard.")
    store_theme_stats()
    triage.theme_set_status(theme=theme, status="shipped", actor=pm)
    # What the worker does after a status change: the rep's notification and win-back list.
    fan_out_status_change(theme.events.latest("created_at").pk)
    return Org(
        rep=rep,
        pm=pm,
        admin=admin,
        nobody=nobody,
        theme=theme,
        account=notes[0][1].account,
        deal=notes[0][1],
        competitor=rival,
        notification=Notification.objects.get(recipient=rep),
        note=notes[0][0],
    )
