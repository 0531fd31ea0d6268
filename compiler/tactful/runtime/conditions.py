"""Conditions: compile the bundle's condition data into Python code, once, at load.

A condition in the bundle is data (a tree discriminated on `op`). `ConditionCompiler` turns each
tree into a Python expression; the library writes one function per framework (every guard, every
escalation, the reply choice) and one per signal, and compiles them all with one `compile()` at load
(see "code generation" below for why that is safe). Decisions:

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
- Signals are compiled once and shared by every condition that names them; within one message a
  signal is evaluated at most once, as is each message feature (only those a condition reaches) and
  each field's set scan. A cycle of signals, an unknown signal or an unknown field is a BundleError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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
from tactful.runtime.features import COMPUTE, FEATURES, letters_and_capitals

_CMP = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!="}  # the only operators written
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




# --- code generation --------------------------------------------------------------------------------
#
# A condition becomes a Python *expression* over `values` (one message's context values, every
# declared field present). What a message may need several times is memoized in local variables of
# the generated function, computed on first use with `:=`: each signal (`s_<n>`), each field's RE2
# set scan (`h_<n>`), each message feature (`f_<n>`; `lc` holds letters and capitals together). The
# source contains only names this module makes up, operators from _CMP and repr() of strings; every
# other value (numbers, RE2 objects, sets of allowed values) is a constant in the namespace the code
# runs in, referred to by a generated name. Nothing a message or a slot holds ever reaches the source.


def _message(values: dict) -> str:
    message = values.get("message")
    return message if isinstance(message, str) else ""


def _ratio(letters_capitals: tuple[int, int]) -> float:
    letters, capitals = letters_capitals
    return capitals / letters if letters else 0.0


def _scanner(s: "re2.Set") -> Callable[[object], Sequence[int]]:
    """The indices of the set's patterns that occur in a text (none for a non-text or empty value)."""
    inner = getattr(getattr(s, "_set", None), "Match", None)  # the binding's own Match: no wrapper

    if inner is None:  # pragma: no cover - another version of the re2 binding
        def scan(text: object) -> Sequence[int]:
            return (s.Match(text) or ()) if isinstance(text, str) and text else ()

        return scan

    def scan_fast(text: object) -> Sequence[int]:
        return (inner(text.encode()) or ()) if isinstance(text, str) and text else ()

    return scan_fast


MAX_DEPTH = 64  # the compiler allows 32 (T1405); a bundle deeper than this was not made by it


def _check_depth(cond: Condition, where: str) -> None:
    """Refuse a condition nested deeper than MAX_DEPTH before compiling it (which recurses), measured
    without recursion."""
    stack = [(cond, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BundleError(f"{where}: the condition is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, (AllOf, AnyOf)):
            stack.extend((c, depth + 1) for c in node.of)
        elif isinstance(node, Not):
            stack.append((node.of, depth + 1))


@dataclass(frozen=True, slots=True)
class Code:
    """A condition as a Python expression, and the memo locals it reads (to initialize to None)."""

    expr: str
    memos: frozenset[str]


_FALSE = Code("False", frozenset())
_TRUE = Code("True", frozenset())


def function_source(name: str, params: str, codes: Iterable[Code], body: Iterable[str]) -> str:
    """`def name(params):`, its memo locals set to None, then the body lines (indented here)."""
    memos = sorted(set().union(*(c.memos for c in codes)))
    lines = [f"def {name}({params}):"]
    if memos:
        lines.append("    " + " = ".join(memos) + " = None")
    lines.extend("    " + line for line in body)
    if len(lines) == 1:
        lines.append("    pass")
    return "\n".join(lines) + "\n"


class ConditionCompiler:
    """Compiles the condition trees of one bundle to expressions; holds the RE2 sets they share.

    `compile()` validates a condition and returns its Code; `constant()` names a value for the
    generated source; `run()` compiles generated source once and returns its namespace.
    """

    def __init__(self, signals: Iterable[Signal], fields: Iterable[str]):
        self._signals = {s.name: s for s in signals}
        self._signal_numbers = {name: i for i, name in enumerate(self._signals)}
        self._fields = set(fields) | set(COMPUTE)
        self._compiled_signals: dict[str, Code] = {}
        self._compiling: list[str] = []
        self._set_builders: dict[str, "re2.Set"] = {}
        self._set_names: dict[str, str] = {}  # field -> memo local of its scan
        self._set_indices: dict[tuple[str, str], int] = {}
        self._sets: dict[str, "re2.Set"] | None = None
        self._constants: dict[int, str] = {}  # id(value) -> name, for values shared by conditions
        self.namespace: dict[str, object] = {
            "__builtins__": {"isinstance": isinstance, "str": str, "bool": bool},
            "_message": _message,
            "_lc": letters_and_capitals,
            "_ratio": _ratio,
        }
        for i, name in enumerate(FEATURES):
            self.namespace[f"_feature_{i}"] = COMPUTE[name]

    # --- public ---------------------------------------------------------------------------------

    def compile(self, cond: Condition, where: str) -> Code:
        """The expression for cond; `where` names the element in error messages."""
        _check_depth(cond, where)
        return self._compile(cond, where)

    def signal(self, name: str, where: str) -> Code:
        signal = self._signals.get(name)
        if signal is not None:
            _check_depth(signal.when, f"signal `{name}`")
        return self._signal(name, where)

    def constant(self, value: object) -> str:
        """A generated name under which value is in the namespace of the generated code."""
        name = self._constants.get(id(value))
        if name is None:
            name = self._constants[id(value)] = f"_k{len(self._constants)}"
            self.namespace[name] = value
        return name

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

    def run(self, source: str) -> dict[str, object]:
        """Compile and run generated source (function definitions only) in the namespace, once."""
        self.finish()
        try:
            code = compile(source, "<tactful conditions>", "exec")
        except (SyntaxError, RecursionError, MemoryError):
            raise BundleError("the bundle's conditions are nested too deeply to compile") from None
        exec(code, self.namespace)  # noqa: S102 - generated by this module from validated data
        return self.namespace

    # --- compilation ----------------------------------------------------------------------------

    def _field(self, field: str, where: str, *, features: bool = True) -> str:
        if field not in self._fields:
            raise BundleError(f"{where}: the condition uses `{field}`, which is neither a context field nor a feature")
        if not features and field in COMPUTE:
            raise BundleError(f"{where}: the message feature `{field}` is a number; only comparisons apply to it")
        return field

    def _text(self, field: str, pattern: str, where: str) -> tuple[int, str]:
        """The pattern's index in the field's set, and the memo local holding the field's scan."""
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
                memo = self._set_names[field] = f"h_{len(self._set_names)}"
                self.namespace[f"_scan{memo}"] = _scanner(builder)
            try:
                index = builder.Add(pattern)
            except re2.error as e:
                raise BundleError(f"{where}: RE2 rejects the pattern /{pattern}/: {e}") from None
            self._set_indices[key] = index
        return index, self._set_names[field]

    def _hits(self, field: str, memo: str) -> str:
        return f"({memo} if {memo} is not None else ({memo} := _scan{memo}(values[{field!r}])))"

    def _signal(self, name: str, where: str) -> Code:
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
            inner = self._compile(signal.when, f"signal `{name}`")
        finally:
            self._compiling.pop()
        memo = f"s_{self._signal_numbers[name]}"
        compiled = Code(f"({memo} if {memo} is not None else ({memo} := bool({inner.expr})))", inner.memos | {memo})
        self._compiled_signals[name] = compiled
        return compiled

    def _feature(self, name: str) -> Code:
        if name in ("letter_count", "caps_ratio"):  # one pass gives both
            both = "(lc if lc is not None else (lc := _lc(_message(values))))"
            return Code(f"{both}[0]" if name == "letter_count" else f"_ratio({both})", frozenset({"lc"}))
        i = FEATURES.index(name)
        return Code(f"(f_{i} if f_{i} is not None else (f_{i} := _feature_{i}(_message(values))))", frozenset({f"f_{i}"}))

    def _compile(self, cond: Condition, where: str) -> Code:  # noqa: C901 - one case per op
        match cond:
            case AllOf(of=parts) | AnyOf(of=parts):
                codes = [self._compile(c, where) for c in parts]
                if not codes:
                    return _TRUE if isinstance(cond, AllOf) else _FALSE
                joiner = " and " if isinstance(cond, AllOf) else " or "
                return Code("(" + joiner.join(c.expr for c in codes) + ")", frozenset().union(*(c.memos for c in codes)))
            case Not(of=inner):
                code = self._compile(inner, where)
                return Code(f"(not {code.expr})", code.memos)
            case SignalRef(name=name):
                return self._signal(name, where)
            case FieldTrue(field=field):
                field = self._field(field, where, features=False)
                return Code(f"(values[{field!r}] is True)", frozenset())
            case Mentions(field=field, phrases=phrases):
                field = self._field(field, where, features=False)
                if not any(p.split() for p in phrases):
                    return _FALSE
                index, memo = self._text(field, mentions_prefilter(phrases), where)
                confirm = self.constant(_compile_big(mentions_pattern(phrases), where).search)
                return Code(
                    f"({index} in {self._hits(field, memo)} and {confirm}(values[{field!r}]) is not None)",
                    frozenset({memo}),
                )
            case Matches(field=field, pattern=pattern):
                field = self._field(field, where, features=False)
                index, memo = self._text(field, pattern, where)
                return Code(f"({index} in {self._hits(field, memo)})", frozenset({memo}))
            case Compare(field=field, cmp=cmp, value=value):
                field = self._field(field, where)
                op, k = _CMP[cmp], self.constant(value)
                if field in COMPUTE:
                    feature = self._feature(field)
                    return Code(f"({feature.expr} {op} {k})", feature.memos)
                return Code(f"((_v := values[{field!r}]) is not None and _v {op} {k})", frozenset())
            case Is(field=field, value=value):
                if field == "channel" and value in ("public", "private"):
                    field = "visibility"
                field = self._field(field, where, features=False)
                return Code(f"(values[{field!r}] == {value!r})", frozenset())
            case In(field=field, values=values):
                field = self._field(field, where, features=False)
                return Code(f"(values[{field!r}] in {self.constant(frozenset(values))})", frozenset())
            case _:
                assert_never(cond)
