"""Spreadsheet cells that cannot carry a formula (GUARANTEES G14)."""

from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    """Text a spreadsheet shows as typed: a leading ``=``, ``+``, ``-``, ``@``, tab or CR is
    quoted with an apostrophe, so ``=HYPERLINK(...)`` stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def plain_number(value):
    """A number as a CSV writes it for machines: no thousands separator, ``.`` for decimals."""
    if value is None:
        return ""
    text = f"{value:f}" if isinstance(value, Decimal) else f"{value}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
