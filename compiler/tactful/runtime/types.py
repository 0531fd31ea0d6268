"""Slot and field types: which values each type accepts.

Shared by the compiler (examples must fit their slots) and the runtime (slot values passed to
`draft` must fit), so both agree on what `money` or `email` means.
"""

from __future__ import annotations

import datetime
import re

SLOT_TYPES = ("text", "money", "number", "date", "email", "phone", "url", "enum")
FIELD_TYPES = ("text", "number", "bool", "channel", "visibility", "enum")

_MONEY = re.compile(r"^(?:[A-Z]{3} ?)?[$€£¥₹]? ?-?\d{1,3}(?:[,.\u00a0 ]?\d{3})*(?:[.,]\d{1,2})?(?: ?[A-Z]{3})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]{5,19}$")
_URL = re.compile(r"^https?://\S+$")

DESCRIPTIONS = {
    "text": "any text",
    "money": "an amount such as `$49.00`, `49.00 EUR` or `€12`",
    "number": "a number such as `3` or `2.5`",
    "date": "an ISO date such as `2026-03-14`",
    "email": "an email address",
    "phone": "a phone number such as `+44 20 7946 0000`",
    "url": "an http(s) address",
    "enum": "one of the listed values",
}


def type_error(type_: str, value: str, values: list[str] | tuple[str, ...] = ()) -> str | None:
    """Why value does not fit type_, or None when it does."""
    if type_ == "text":
        return None if value.strip() else "it is empty"
    if type_ == "enum":
        return None if value in values else "it is not one of " + ", ".join(f"`{v}`" for v in values)
    if type_ == "number":
        try:
            float(value)
            return None
        except ValueError:
            return f"it is not {DESCRIPTIONS['number']}"
    if type_ == "date":
        try:
            datetime.date.fromisoformat(value)
            return None
        except ValueError:
            return f"it is not {DESCRIPTIONS['date']}"
    pattern = {"money": _MONEY, "email": _EMAIL, "phone": _PHONE, "url": _URL}.get(type_)
    if pattern is None:
        return f"`{type_}` is not a type"
    return None if pattern.match(value) else f"it is not {DESCRIPTIONS[type_]}"
