"""Conditions: compile the bundle's condition data into predicates, once, at load.

A condition in the bundle is data (a tree discriminated on `op`). `ConditionCompiler` turns each
tree into a plain Python closure over an `Evaluation` (one message's context values and features).
Decisions:

- Every `mentions` and `matches` of a library that looks at the same text field is added to one
  RE2 set (`re2.Set`), compiled at load. A message is then scanned once per field, on the first
  condition that needs it, and every text condition is a membership test on the indices that
  matched. RE2 keeps matching linear in the message length, whatever the patterns. A `mentions`
  enters the set without its word boundaries (Unicode-aware boundaries make a set of stdlib's size
  too big for RE2's memory budget); when the set says its phrases occur, the condition's own RE2
  pattern, with boundaries, confirms it. Most messages mention none of the phrases, so the
  confirmation rarely runs.
- `mentions` means whole words or phrases, case-insensitive: a phrase must not be preceded or
  followed by a letter, digit or mark (so "sue" matches "I'll sue!" but not "issue" or "Suez").
  Spaces inside a phrase match any run of whitespace; a straight apostrophe also matches a curly one.
- `matches` is an RE2 search, case-sensitive unless the pattern says `(?i)`.
- A condition on a field the caller did not pass is false (`not` of it is true): `contact_count >= 3`
  does not hold when contact_count is unknown.
- `channel is public` is the shorthand for `visibility is public`.
- Signals are compiled once and shared by every condition that names them; a cycle of signals, an
  unknown signal or an unknown field is a BundleError.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import assert_never

import re2

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
from tactful.runtime.errors import BundleError
from tactful.runtime.features import COMPUTE, letters_and_capitals

_LETTER_FEATURES = frozenset({"letter_count", "caps_ratio"})


class Evaluation:
    """One message's context values, with its features and text-set scans computed on first use."""

    __slots__ = ("values", "_sets", "_hits", "_features")

    def __init__(self, values: dict, sets: dict[str, "re2.Set"]):
        self.values = values
        self._sets = sets
        self._hits: dict[str, frozenset[int]] = {}
        self._features: dict[str, float | int] = {}

    def feature(self, name: str) -> float | int:
        """A message feature (see tactful.runtime.features), computed once per message."""
        value = self._features.get(name)
        if value is None:
            message = self.values.get("message")
            message = message if isinstance(message, str) else ""
            if name in _LETTER_FEATURES:  # one pass gives both
                letters, capitals = letters_and_capitals(message)
                self._features["letter_count"] = letters
                self._features["caps_ratio"] = capitals / letters if letters else 0.0
                return self._features[name]
            value = self._features[name] = COMPUTE[name](message)
        return value

    def hits(self, field: str) -> frozenset[int]:
        """Indices of the field's set patterns that occur in its text (scanned once)."""
        found = self._hits.get(field)
        if found is None:
            text = self.values.get(field)
            matched = self._sets[field].Match(text) if isinstance(text, str) and text else None
            found = self._hits[field] = frozenset(matched or ())
        return found


Predicate = Callable[[Evaluation], bool]

_CMP = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_WORDISH = r"[\pL\pN\pM_]"


def _word_pattern(word: str) -> str:
    pieces = word.replace("’", "'").split("'")
    return "['’]".join(re2.escape(p) for p in pieces)


def mentions_prefilter(phrases: Iterable[str]) -> str:
    """Any of the phrases anywhere, case-insensitive: a superset of what mentions_pattern matches."""
    return "(?i)(?:" + "|".join(r"\s+".join(map(_word_pattern, p.split())) for p in phrases if p.split()) + ")"


def mentions_pattern(phrases: Iterable[str]) -> str:
    """The RE2 pattern for `mentions`: any of the phrases, as whole words, case-insensitive."""
    alternatives = []
    for phrase in phrases:
        words = phrase.split()
        if not words:
            continue
        body = r"\s+".join(_word_pattern(w) for w in words)
        before = rf"(?:^|[^\pL\pN\pM_])" if re2.match(_WORDISH, words[0][0]) else ""
        after = rf"(?:[^\pL\pN\pM_]|$)" if re2.match(_WORDISH, words[-1][-1]) else ""
        alternatives.append(before + body + after)
    return "(?i)(?:" + "|".join(alternatives) + ")"


def _compile_big(pattern: str, where: str):
    options = re2.Options()
    options.max_mem = 64 << 20  # Unicode word boundaries over many phrases need more than the default 8 MiB
    options.log_errors = False  # errors come back as re2.error; RE2's own stderr logging is noise
    try:
        return re2.compile(pattern, options)
    except re2.error as e:
        raise BundleError(f"{where}: RE2 cannot compile the phrases of a `mentions`: {e}") from None


class ConditionCompiler:
    """Compiles condition trees of one bundle; holds the per-field RE2 sets they share."""

    def __init__(self, signals: Iterable[Signal], fields: Iterable[str]):
        self._signals = {s.name: s for s in signals}
        self._fields = set(fields) | set(COMPUTE)
        self._compiled_signals: dict[str, Predicate] = {}
        self._compiling: list[str] = []
        self._set_builders: dict[str, "re2.Set"] = {}
        self._set_indices: dict[tuple[str, str], int] = {}
        self._sets: dict[str, "re2.Set"] | None = None

    # --- public ---------------------------------------------------------------------------------

    def compile(self, cond: Condition, where: str) -> Predicate:
        """A predicate for cond; `where` names the element in error messages."""
        return self._compile(cond, where)

    def signal(self, name: str, where: str) -> Predicate:
        return self._signal(name, where)

    def finish(self) -> dict[str, "re2.Set"]:
        """Compile the RE2 sets; call once, after every condition has been compiled."""
        if self._sets is None:
            for field, s in self._set_builders.items():
                try:
                    s.Compile()
                except re2.error:
                    raise BundleError(f"RE2 could not compile the patterns on field `{field}` together") from None
            self._sets = dict(self._set_builders)
        return self._sets

    # --- compilation ----------------------------------------------------------------------------

    def _field(self, field: str, where: str, *, features: bool = True) -> str:
        if field not in self._fields:
            raise BundleError(f"{where}: the condition uses `{field}`, which is neither a context field nor a feature")
        if not features and field in COMPUTE:
            raise BundleError(f"{where}: the message feature `{field}` is a number; only comparisons apply to it")
        return field

    def _text(self, field: str, pattern: str, where: str) -> int:
        key = (field, pattern)
        index = self._set_indices.get(key)
        if index is None:
            if self._sets is not None:
                raise BundleError("internal: condition compiled after the text sets were finished")
            try:
                re2.compile(pattern)  # for its error message; Set.Add's is less helpful
            except re2.error as e:
                raise BundleError(f"{where}: RE2 rejects the pattern /{pattern}/: {e}") from None
            builder = self._set_builders.get(field)
            if builder is None:
                builder = self._set_builders[field] = re2.Set.SearchSet(re2.Options())
            try:
                index = builder.Add(pattern)
            except re2.error as e:
                raise BundleError(f"{where}: RE2 rejects the pattern /{pattern}/: {e}") from None
            self._set_indices[key] = index
        return index

    def _signal(self, name: str, where: str) -> Predicate:
        compiled = self._compiled_signals.get(name)
        if compiled is not None:
            return compiled
        signal = self._signals.get(name)
        if signal is None:
            raise BundleError(f"{where}: the condition uses the signal `{name}`, which the bundle does not declare")
        if name in self._compiling:
            cycle = " → ".join([*self._compiling[self._compiling.index(name):], name])
            raise BundleError(f"signals refer to each other in a cycle: {cycle}")
        self._compiling.append(name)
        try:
            compiled = self._compile(signal.when, f"signal `{name}`")
        finally:
            self._compiling.pop()
        self._compiled_signals[name] = compiled
        return compiled

    def _compile(self, cond: Condition, where: str) -> Predicate:  # noqa: C901 - one case per op
        match cond:
            case AllOf(of=parts):
                preds = tuple(self._compile(c, where) for c in parts)

                def all_of(ev: Evaluation) -> bool:
                    for p in preds:
                        if not p(ev):
                            return False
                    return True

                return all_of
            case AnyOf(of=parts):
                preds = tuple(self._compile(c, where) for c in parts)

                def any_of(ev: Evaluation) -> bool:
                    for p in preds:
                        if p(ev):
                            return True
                    return False

                return any_of
            case Not(of=inner):
                pred = self._compile(inner, where)
                return lambda ev: not pred(ev)
            case SignalRef(name=name):
                return self._signal(name, where)
            case FieldTrue(field=field):
                field = self._field(field, where, features=False)
                return lambda ev: ev.values.get(field) is True
            case Mentions(field=field, phrases=phrases):
                field = self._field(field, where, features=False)
                if not any(p.split() for p in phrases):
                    return lambda ev: False
                index = self._text(field, mentions_prefilter(phrases), where)
                confirm = _compile_big(mentions_pattern(phrases), where)

                def mentions(ev: Evaluation) -> bool:
                    return index in ev.hits(field) and confirm.search(ev.values[field]) is not None

                return mentions
            case Matches(field=field, pattern=pattern):
                field = self._field(field, where, features=False)
                index = self._text(field, pattern, where)
                return lambda ev: index in ev.hits(field)
            case Compare(field=field, cmp=cmp, value=value):
                field = self._field(field, where)
                fn = _CMP[cmp]
                if field in COMPUTE:
                    return lambda ev: fn(ev.feature(field), value)

                def compare(ev: Evaluation) -> bool:
                    v = ev.values.get(field)
                    return v is not None and fn(v, value)

                return compare
            case Is(field=field, value=value):
                if field == "channel" and value in ("public", "private"):
                    field = "visibility"
                field = self._field(field, where, features=False)
                return lambda ev: ev.values.get(field) == value
            case In(field=field, values=values):
                field = self._field(field, where, features=False)
                allowed = frozenset(values)
                return lambda ev: ev.values.get(field) in allowed
            case _:
                assert_never(cond)
