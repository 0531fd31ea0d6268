"""Slot value types: what a value of each slot type looks like, checked before rendering.

A SlotChecker says whether a value fits a slot (`fits`, the fast test) and, in plain words, why not
(`problem`: its type, then its pattern). The compiler checks `example` values (T1205) with the same
class, so that an example the compiler accepts is a value the runtime accepts.

Types: `text` (anything), `money` ("$49.00", "49 EUR", "€1,234.50", "-£5"), `number` ("3", "-2.5",
"1,200"), `date` (ISO 8601, "2024-03-01"), `email`, `phone` (digits with optional +, spaces, dots,
dashes and parentheses; 6 to 15 digits), `url` (http or https), `enum` (one of its values). A `pattern`
must match the whole value (RE2). An unknown type accepts any text, so that a newer compiler's
type never breaks an older runtime.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import re2

from tactful.runtime.types import compile_re2

if TYPE_CHECKING:  # the compiler checks example values without loading pydantic
    from tactful.runtime.bundle import Slot

_AMOUNT = r"[0-9]{1,3}(?:,[0-9]{3})*(?:[.,][0-9]{1,2})?|[0-9]+(?:[.,][0-9]{1,2})?"
# The type patterns are ours, fixed and free of nested repetition, so the stdlib `re` (much cheaper
# to call on short values than the re2 binding) is safe; a slot's own `pattern` is RE2.
_CURRENCY = "[$€£¥₹₩₽₺₪₫₴₦₱฿¢]"
_MONEY = re.compile(
    rf"-?(?:{_CURRENCY}|[A-Z]{{3}} ?)?-?(?:{_AMOUNT})(?: ?(?:[A-Z]{{3}}|{_CURRENCY}))?"
)
_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_PHONE = re.compile(r"\+?[0-9 ().\-]+")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*")


def _date(value: str) -> bool:
    import datetime  # here: a cold start that checks no date does not import it

    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _phone(value: str) -> bool:
    return _PHONE.fullmatch(value) is not None and 6 <= sum(c.isdigit() for c in value) <= 15


_CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "money": (lambda v: _MONEY.fullmatch(v) is not None, "an amount of money, such as $49.00"),
    "number": (lambda v: _NUMBER.fullmatch(v) is not None, "a number, such as 3 or 2.5"),
    "date": (_date, "a date written as YYYY-MM-DD"),
    "email": (lambda v: _EMAIL.fullmatch(v) is not None, "an email address"),
    "phone": (_phone, "a phone number"),
    "url": (lambda v: _URL.fullmatch(v) is not None, "a web address starting with http:// or https://"),
}


_FITS: dict[str, Callable[[str], object]] = {  # truthy when the value fits the type
    "money": _MONEY.fullmatch,
    "number": _NUMBER.fullmatch,
    "date": _date,
    "email": _EMAIL.fullmatch,
    "phone": _phone,
    "url": _URL.fullmatch,
}


def _quiet_options() -> "re2.Options":
    options = re2.Options()
    options.log_errors = False  # a rejected pattern comes back as re2.error; RE2's stderr log is noise
    return options


class SlotChecker:
    """A compiled check for one slot: type first, then pattern.

    `fits` is the fast test (truthy when a value fits; None when every text fits), `problem` says why
    a value does not fit.
    """

    __slots__ = ("slot", "_pattern", "fits")

    def __init__(self, slot: Slot):
        self.slot = slot
        self._pattern = None
        if slot.pattern:
            compile_re2(slot.pattern)  # raises re2.error with a useful message
            # A one-pattern full-match set: the cheapest way to call RE2 from Python.
            self._pattern = re2.Set.FullMatchSet(_quiet_options())
            self._pattern.Add(slot.pattern)
            self._pattern.Compile()
        type_fits = frozenset(slot.values).__contains__ if slot.type == "enum" else _FITS.get(slot.type)
        pattern_fits = self._pattern.Match if self._pattern is not None else None
        if type_fits is not None and pattern_fits is not None:
            self.fits = lambda value: type_fits(value) and pattern_fits(value)
        else:
            self.fits = type_fits or pattern_fits

    def problem(self, value: str) -> str | None:
        slot = self.slot
        if slot.type == "enum":
            if value not in slot.values:
                return f"slot `{slot.name}` must be one of {', '.join(slot.values)}, not {value!r}"
        elif slot.type in _CHECKS:
            ok, what = _CHECKS[slot.type]
            if not ok(value):
                return f"slot `{slot.name}` must be {what}, not {value!r}"
        if self._pattern is not None and not self._pattern.Match(value):
            return f"slot `{slot.name}` must match /{slot.pattern}/, not {value!r}"
        return None

