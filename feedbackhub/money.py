"""How money and counts read, everywhere: pages, emails, admin and exports.

Every amount in FeedbackHub is in one currency, `settings.CURRENCY`. Tables
show a compact figure ("$32K", "$1.2M") with the exact one on hover; facts, emails
and admin show the exact figure ("$14,929"). Both round to whole units:
cents never decide anything here.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
# Below this an amount has no thousands to compact: "$950" is already short.
_COMPACT_FROM = Decimal(1_000)
_UNITS = ((Decimal(10**3), "K"), (Decimal(10**6), "M"), (Decimal(10**9), "B"))


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _with_symbol(digits: str, negative: bool) -> str:
    code = settings.CURRENCY
    symbol = _SYMBOLS.get(code)
    text = f"{symbol}{digits}" if symbol else f"{code} {digits}"
    return f"−{text}" if negative else text


def money(value) -> str:
    """The exact amount in whole units with thousands separators: "$14,929"."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    whole = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return _with_symbol(f"{abs(whole):,.0f}", whole < 0)


def money_short(value) -> str:
    """A compact amount for tables: "$950", "$32K", "$378K", "$1.2M".

    Every amount from 1,000 up is compacted, so a column reads in one format
    (never "$32,428" above "$378K"); figures under 10 units keep one decimal
    ("$1.2M"), larger ones none ("$32K"). The exact amount goes on hover
    (`money_cell`) and in exports.
    """
    amount = _decimal(value)
    if amount is None:
        return "—"
    if abs(amount) < _COMPACT_FROM:
        return money(amount)
    # The smallest unit that keeps the figure under 1,000 once rounded, so
    # 999,960 reads "$1M", not "$1,000K".
    for size, unit in _UNITS:
        scaled = abs(amount) / size
        rounded = scaled.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if rounded >= 10:
            rounded = scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if rounded < 1000 or unit == _UNITS[-1][1]:
            break
    digits = f"{rounded:,.0f}" if rounded >= 10 else f"{rounded.normalize():f}"
    return _with_symbol(f"{digits}{unit}", amount < 0)
