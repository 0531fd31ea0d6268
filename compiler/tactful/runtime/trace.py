"""Why a condition held or not, for people: the condition tree walked against one message's values.

The library evaluates conditions through generated code (conditions.py), which is fast and says
nothing. When an example's `expect guard X` or `expect escalate T` fails, `tactful test` shows this
trace instead: each part of the condition, whether it held, and the value it read. The walk uses the
same definitions as the generated code (the same RE2 patterns for `mentions`, the same features), so
the trace and the draft agree; a signal is expanded where it is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_never

from tactful.runtime.bundle import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    FieldTrue,
    In,
    Is,
    Matches,
    Mentions,
    Not,
    Signal,
    SignalRef,
)
from tactful.runtime.conditions import mentions_pattern, quiet_regex
from tactful.runtime.features import COMPUTE

_OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
        "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
_SHOWN_PHRASES = 3
_SHOWN_PATTERN = 60


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0")


def _phrases(phrases: list[str]) -> str:
    shown = ", ".join(f'"{p}"' for p in phrases[:_SHOWN_PHRASES])
    more = len(phrases) - _SHOWN_PHRASES
    return shown + (f", … ({more} more)" if more > 0 else "")


def _pattern(pattern: str) -> str:
    return pattern if len(pattern) <= _SHOWN_PATTERN else pattern[: _SHOWN_PATTERN - 1] + "…"


class Tracer:
    """Evaluates conditions over one message's values and records, per part, what it read."""

    def __init__(self, signals: Mapping[str, Signal], values: Mapping[str, Any]):
        self.signals = signals
        self.values = values
        self._features: dict[str, float | int] = {}

    def feature(self, name: str) -> float | int:
        if name not in self._features:
            message = self.values.get("message")
            self._features[name] = COMPUTE[name](message if isinstance(message, str) else "")
        return self._features[name]

    def value(self, field: str) -> Any:
        return self.feature(field) if field in COMPUTE else self.values.get(field)

    def lines(self, cond: Condition, depth: int = 0, seen: tuple[str, ...] = ()) -> tuple[bool, list[str]]:
        """(whether cond holds, one line per part, indented by depth)."""
        holds, text, children = self._node(cond, depth, seen)
        mark = "yes" if holds else "no "
        return holds, [f"{'  ' * depth}{mark}  {text}", *children]

    def _node(self, cond: Condition, depth: int, seen: tuple[str, ...]) -> tuple[bool, str, list[str]]:  # noqa: C901
        match cond:
            case AllOf(of=parts) | AnyOf(of=parts):
                results = [self.lines(c, depth + 1, seen) for c in parts]
                oks = [ok for ok, _ in results]
                holds = all(oks) if isinstance(cond, AllOf) else any(oks)
                return holds, "all of:" if isinstance(cond, AllOf) else "any of:", [ln for _, lines in results for ln in lines]
            case Not(of=inner):
                ok, lines = self.lines(inner, depth + 1, seen)
                return not ok, "not:", lines
            case SignalRef(name=name):
                signal = self.signals.get(name)
                if signal is None or name in seen:
                    return False, f"signal `{name}` (not traced)", []
                ok, lines = self.lines(signal.when, depth + 1, (*seen, name))
                return ok, f"signal `{name}`" + (f": {signal.about}" if signal.about else ""), lines
            case FieldTrue(field=field):
                v = self.values.get(field)
                return v is True, f"`{field}` is true ({'not given' if v is None else f'it is {v!r}'})", []
            case Mentions(field=field, phrases=phrases):
                text = self.values.get(field)
                found = None
                if isinstance(text, str) and any(p.split() for p in phrases):
                    m = quiet_regex(mentions_pattern(phrases)).search(text)
                    found = m.group(0).strip(" \t\n.,;:!?") if m else None
                what = f'found "{found}"' if found else "none found"
                return found is not None, f"{field} mentions {_phrases(phrases)} ({what})", []
            case Matches(field=field, pattern=pattern):
                text = self.values.get(field)
                m = quiet_regex(pattern).search(text) if isinstance(text, str) else None
                what = f'matched "{m.group(0)}"' if m else "no match"
                return m is not None, f"{field} matches /{_pattern(pattern)}/ ({what})", []
            case Compare(field=field, cmp=cmp, value=value):
                v = self.value(field)
                ok = v is not None and _OPS[cmp](v, value)
                got = "not given" if v is None else f"{field} is {_number(v)}"
                return ok, f"{field} {cmp} {_number(value)} ({got})", []
            case Is(field=field, value=value):
                if field == "channel" and value in ("public", "private"):
                    field = "visibility"
                v = self.values.get(field)
                return v == value, f"{field} is {value} ({'not given' if v is None else f'it is {v}'})", []
            case In(field=field, values=allowed):
                v = self.values.get(field)
                return v in allowed, f"{field} in ({', '.join(allowed)}) ({'not given' if v is None else f'it is {v}'})", []
            case _:
                assert_never(cond)


def trace(signals: Mapping[str, Signal], cond: Condition, values: Mapping[str, Any]) -> tuple[bool, list[str]]:
    """Whether cond holds for one message's context values, and the lines that say why."""
    return Tracer(signals, values).lines(cond)
