"""Numbers and same-period comparisons written the way the user's language writes them."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from wardsecurity.period_spec import change as change_from

# 1.234.567 and 72,2 in both languages, as the portal's pages write them
# (wardsecurity/portal_formats): the figures are reported in Vietnamese formats.
THOUSANDS, POINT = ".", ","


def format_number(value, decimals: int | None = None) -> str:
    """``value`` with thousands separators; ``decimals`` fixed, or up to 3 with no trailing 0."""
    number = Decimal(str(value))
    if decimals is None:
        rounded = number.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        text = f"{rounded:f}".rstrip("0").rstrip(".")
    else:
        text = f"{number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"
    sign = "-" if text.startswith("-") else ""
    whole, _dot, fraction = text.lstrip("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + THOUSANDS.join(groups)
    if fraction:
        text += POINT + fraction
    return "0" if text in {"-0", ""} else text


def format_percent(value, *, signed: bool = False) -> str:
    """``72,2%`` (one decimal); ``+10,0%`` when ``signed`` and positive."""
    text = format_number(value, decimals=1) + "%"
    if signed and Decimal(str(value)) > 0:
        text = "+" + text
    return text


class Unit:
    """How a figure is counted: a noun (vụ, buổi, hộ), money, a percentage or a quantity."""

    def __init__(self, noun=None, *, kind="count", decimals=None):
        # ``noun(n)`` is the translated word for n of them (an npgettext call).
        self.noun, self.kind, self.decimals = noun, kind, decimals

    def word(self, amount) -> str:
        if self.kind == "money":
            return _("VND")
        if self.kind == "percent" or self.noun is None:
            return ""
        return self.noun(1 if Decimal(str(amount)) == 1 else 2)

    def amount(self, value) -> str:
        """The number alone, in this unit's precision."""
        if self.kind == "percent":
            return format_number(value, decimals=1)
        return format_number(value, self.decimals)

    def format(self, value) -> str:
        """``5 vụ``, ``1.234.567 đồng``, ``72,2%``."""
        if value is None:
            return ""
        if self.kind == "percent":
            return format_percent(value)
        word = self.word(value)
        return f"{self.amount(value)} {word}".strip()


def change_of(value, previous):
    """``(change, change_pct)`` as the statistics compute them (``period_spec.change``), with
    ``change_pct`` None when the same period had nothing."""
    found = change_from(value, previous)
    return found["change"], found["change_pct"]


# Why the statistics give no same-period figure (reports.statistics.compute.NO_PREVIOUS):
# nothing recorded for it, or a rate of nothing (a ratio over zero).
NO_SAME_PERIOD_DATA = ("no_data", "undefined")


def comparison(value, previous, unit: Unit, change=None, change_pct=None, no_previous=None) -> str:
    """The same-period comparison as a phrase: "giảm 13 vụ (72,2%) so với cùng kỳ", or "chưa
    có số liệu cùng kỳ" when the same period has no data (``no_previous``)."""
    if previous is None and no_previous in NO_SAME_PERIOD_DATA:
        return _("no data for the same period")
    if value is None or previous is None:
        return ""
    if change is None:
        change, change_pct = change_of(value, previous)
    change = Decimal(str(change))
    if unit.kind == "percent":
        # A rate moves by percentage points; a percentage of a percentage misleads.
        points = format_number(abs(change), decimals=1)
        if change == 0:
            return _("the same as the same period")
        if change > 0:
            return _("up %(points)s percentage points on the same period") % {"points": points}
        return _("down %(points)s percentage points on the same period") % {"points": points}
    if change == 0:
        return _("the same as the same period")
    amount = f"{unit.amount(abs(change))} {unit.word(abs(change))}".strip()
    if Decimal(str(previous)) == 0:
        return _("up %(amount)s (none in the same period)") % {"amount": amount}
    if change_pct is None:
        change_pct = change_of(value, previous)[1]
    if change > 0:
        return _("up %(amount)s (%(pct)s) on the same period") % {
            "amount": amount,
            "pct": format_percent(abs(Decimal(str(change_pct))), signed=True),
        }
    return _("down %(amount)s (%(pct)s) on the same period") % {
        "amount": amount,
        "pct": format_percent(abs(Decimal(str(change_pct)))),
    }
