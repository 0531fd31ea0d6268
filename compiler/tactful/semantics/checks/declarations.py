"""Library declarations: duplicates, field types, signals, phrase banks, style rules, policies."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic, Related
from tactful.runtime.types import FIELD_TYPES, compile_re2, re2_reason
from tactful.semantics.model import RESERVED, Model, did_you_mean, entry_name
from tactful.semantics.scorers import WeightsProblem
from tactful.syntax import ast

_KINDS = (
    (ast.TeamDecl, "team"), (ast.ChannelDecl, "channel"), (ast.FieldDecl, "field"), (ast.SignalDecl, "signal"),
    (ast.PhraseBank, "phrase bank"), (ast.StyleDecl, "style rule"), (ast.ScorerDecl, "scorer"), (ast.PolicyDecl, "policy"),
)


def duplicate_declarations(model: Model) -> Iterator[Diagnostic]:
    for kind, word in _KINDS:
        first: dict[str, object] = {}
        for _, e in model.entries(kind):
            n = e.name.value
            if n in first:
                yield Diagnostic(Code.DUPLICATE_DECLARATION, f"the {word} `{n}` is declared twice", e.name.span,
                                 label="second declaration",
                                 related=(Related(first[n].name.span, "first declared here"),),
                                 hint="rename or remove one of them")
            else:
                first[n] = e


def field_types(model: Model) -> Iterator[Diagnostic]:
    for _, f in model.entries(ast.FieldDecl):
        t = f.type.name.value
        if t not in FIELD_TYPES:
            yield Diagnostic(Code.UNKNOWN_TYPE, f"`{t}` is not a field type", f.type.span, label="unknown type",
                             hint=did_you_mean(t, FIELD_TYPES) or "field types: " + ", ".join(FIELD_TYPES))
        if f.name.value in RESERVED:
            yield Diagnostic(Code.RESERVED_NAME, f"`{f.name.value}` is a reserved word", f.name.span, hint="choose another name")


def signals(model: Model) -> Iterator[Diagnostic]:
    for _, s in model.entries(ast.SignalDecl):
        if len(s.when) != 1:
            where = s.name.span if not s.when else s.when[1].span
            msg = f"signal `{s.name.value}` has no `when`" if not s.when else f"signal `{s.name.value}` has more than one `when`"
            yield Diagnostic(Code.INVALID_SIGNAL, msg, where, hint="combine conditions with `or` in one `when` line")


def scorers(model: Model) -> Iterator[Diagnostic]:
    """T1118 for a scorer whose weights file is missing or not valid (at its `weights` text)."""
    for _, s in model.entries(ast.ScorerDecl):
        if model.decls.scorers.get(s.name.value, (None, None))[1] is not s:
            continue  # a second declaration of the name: reported as T1110
        found = model.weights_of(s.name.value)
        if isinstance(found, WeightsProblem):
            yield Diagnostic(Code.BAD_WEIGHTS, found.message, s.weights.span, label="weights file", hint=found.hint)


def phrase_banks(model: Model) -> Iterator[Diagnostic]:
    for _, b in model.entries(ast.PhraseBank):
        for p in b.phrases:
            if not p.value.strip():
                yield Diagnostic(Code.EMPTY_TEXT, "this phrase is empty", p.span, hint="write the phrase, or remove the line")


def style_rules(model: Model) -> Iterator[Diagnostic]:
    import re2

    for _, s in model.entries(ast.StyleDecl):
        for a in s.avoid:
            if isinstance(a, ast.Regex):
                try:
                    compile_re2(a.pattern)
                except re2.error as e:
                    yield Diagnostic(Code.INVALID_REGEX, f"RE2 rejects this pattern: {re2_reason(e)}", a.span, label="invalid regex",
                                     hint="RE2 has no backreferences or lookaround")
            elif not a.value.strip():
                yield Diagnostic(Code.EMPTY_TEXT, "this phrase is empty", a.span)
        if s.severity is not None and s.severity.value not in ("error", "warning"):
            yield Diagnostic(Code.UNKNOWN_VALUE, f"`{s.severity.value}` is not a severity", s.severity.span,
                             hint="write `severity error` or `severity warning`")


def policies(model: Model) -> Iterator[Diagnostic]:
    seen: dict[tuple[str, str], ast.Name | ast.Cond] = {}
    for _, p in model.entries(ast.PolicyDecl):
        for item in p.items:
            name = entry_name(item.when, item.alias)
            kind = "guard" if isinstance(item, ast.Guard) else "escalation"
            if name is None:
                yield Diagnostic(Code.UNNAMED_POLICY_ENTRY, f"this policy {kind} has no name", item.when.span,
                                 label="not a single signal",
                                 hint="add `as <name>` after the condition so frameworks can opt out of it")
                continue
            where = item.alias or item.when
            if (kind, name) in seen:
                yield Diagnostic(Code.DUPLICATE_ENTRY_NAME, f"two policy {kind}s are named `{name}`", where.span,
                                 related=(Related(seen[(kind, name)].span, "the first one"),),
                                 hint="give one of them another name with `as <name>`")
            else:
                seen[(kind, name)] = where
