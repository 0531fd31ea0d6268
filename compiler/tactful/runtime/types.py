"""Type names and RE2 compilation shared by the compiler and the runtime.

What a value of each slot type looks like lives in values.py (slot_value_problem), which the
compiler also uses for example values, so the two always agree.
"""

from __future__ import annotations

SLOT_TYPES = ("text", "money", "number", "date", "email", "phone", "url", "enum")
FIELD_TYPES = ("text", "number", "bool", "channel", "visibility", "enum")


def compile_re2(pattern: str, *, max_mem: int | None = None):
    """re2.compile without RE2's own logging to stderr (errors come back as re2.error)."""
    import re2

    options = re2.Options()
    options.log_errors = False
    if max_mem is not None:
        options.max_mem = max_mem
    return re2.compile(pattern, options)


def re2_reason(e: Exception) -> str:
    """RE2's own words: its errors carry bytes, which must not reach a message as b'…'."""
    reason = e.args[0] if e.args else str(e)
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
