"""Fixtures shared by the closing-the-loop tests."""

from decimal import Decimal

import pytest

from deals.models import Stage
from insights.themes.models import ThemeAssignment
from tests.factories import AccountFactory, CallNoteFactory, DealFactory, RepFactory, ThemeFactory


def note_in_theme(theme, author, account, deal=None):
    note = CallNoteFactory(author=author, account=account, deal=deal)
    ThemeAssignment.objects.create(note=note, theme=theme)
    return note


@pytest.fixture
def sso(rep, other_rep):
    """A theme with notes from two reps; the first has two accounts and deals on them."""
    theme = ThemeFactory(title="Enterprise SSO")
    acme = AccountFactory(name="Acme", owner=rep)
    globex = AccountFactory(name="Globex", owner=rep)
    initech = AccountFactory(name="Initech", owner=other_rep)
    acme_deal = DealFactory(account=acme, name="Acme renewal", amount=Decimal("50000"))
    DealFactory(account=acme, name="Acme lost", amount=Decimal("7000"), stage=Stage.CLOSED_LOST)
    globex_deal = DealFactory(account=globex, name="Globex pilot", amount=Decimal("12000"))
    DealFactory(account=globex, name="Globex other", amount=Decimal("900"))  # no note: not listed
    note_in_theme(theme, rep, acme, acme_deal)
    note_in_theme(theme, rep, acme, acme_deal)
    note_in_theme(theme, rep, globex, globex_deal)
    note_in_theme(theme, other_rep, initech)
    CallNoteFactory(author=RepFactory(), account=AccountFactory())  # not in the theme
    return theme
