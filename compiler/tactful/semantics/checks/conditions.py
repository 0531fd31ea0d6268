"""Conditions: names resolve, operators fit their field's type, regexes are RE2, values exist."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic
from tactful.semantics.checks.common import atoms, conditions, regex_error
from tactful.runtime.types import MAX_WITHIN, is_one_emoji
from tactful.semantics.model import FEATURES, VISIBILITIES, Model, did_you_mean, field_hint
from tactful.syntax import ast

_TYPE_WORDS = {"number": "a number", "text": "a text", "bool": "a yes/no field", "channel": "a channel",
               "visibility": "a visibility", "enum": "a list of choices"}


def all_conditions(model: Model) -> Iterator[Diagnostic]:
    for name, module in model.program.modules.items():
        for e in module.entries:
            slots = frozenset(model.slots_of(e)) if isinstance(e, ast.FrameworkDecl) else frozenset()
            for cond in conditions(e):
                yield from check_condition(model, cond, name, slots)


def check_condition(model: Model, cond: ast.Cond, module: str, slots: frozenset[str] = frozenset()) -> Iterator[Diagnostic]:
    for a in atoms(cond):
        yield from _atom(model, a, module, slots)


def _unknown(model: Model, name: ast.Name, module: str, what: str, slots: frozenset[str] = frozenset()) -> Diagnostic:
    n = name.value
    if n in slots:
        return Diagnostic(Code.UNKNOWN_NAME, f"`{n}` is a slot, and conditions cannot read slots", name.span,
                          label="a slot, not a field",
                          hint="conditions read context fields, not slots (a slot fills the reply's text); to decide on "
                          f"it, declare a `field {n} text` that the caller passes with the message")
    if n in model.decls.signals and what == "condition":
        owner = model.decls.signals[n][0]
        return Diagnostic(Code.NAME_NOT_IMPORTED, f"signal `{n}` is declared in `{owner}`, which this file does not use", name.span,
                          label="not visible here", hint=f"add `use {owner}` at the top of the file")
    candidates = set(model.decls.fields) | set(FEATURES)
    if what == "condition":
        candidates |= set(model.decls.visible(module, "signal"))
    hint = did_you_mean(n, candidates) if what == "condition" else field_hint(n, model.decls.fields)
    return Diagnostic(Code.UNKNOWN_NAME, f"`{n}` is not a {'signal or ' if what == 'condition' else ''}field", name.span,
                      label="unknown name", hint=hint)


def _atom(model: Model, a: ast.Cond, module: str, slots: frozenset[str] = frozenset()) -> Iterator[Diagnostic]:
    lib = model.decls
    match a:
        case ast.NameCond(name=name):
            n = name.value
            if n in lib.visible(module, "signal"):
                return
            t = lib.field_type(n)
            if t is None:
                yield _unknown(model, name, module, "condition", slots)
            elif t != "bool":
                example = {"number": f"`{n} >= 3`", "text": f"`{n} mentions \"…\"`"}.get(t, f"`{n} is …`")
                yield Diagnostic(Code.TYPE_MISMATCH, f"`{n}` is {_TYPE_WORDS.get(t, t)}, not a condition", name.span,
                                 label="needs an operator", hint=f"compare it, for example {example}")
        case ast.Mentions(field=field, phrases=phrases, near=near, within=within, asserted=asserted):
            yield from _expect_type(model, field, module, ("text",), "`says`" if asserted else "`mentions`", slots)
            if within is not None and not 1 <= within <= MAX_WITHIN:
                yield Diagnostic(Code.BAD_DISTANCE, f"`within {within} words` is outside 1 to {MAX_WITHIN}", a.span,
                                 label="distance out of range", hint="use a whole number of words from 1 to 30")
            for p in (*phrases, *near):
                if not p.value.strip():
                    yield Diagnostic(Code.EMPTY_TEXT, "this phrase is empty", p.span)
                elif p.slots():
                    yield Diagnostic(Code.TEMPLATE_IN_PHRASE, "`mentions` phrases are plain words, not templates", p.span,
                                     hint="remove the `{…}`")
        case ast.HasEmoji(field=field, emoji=emoji):
            yield from _expect_type(model, field, module, ("text",), "`has emoji`")
            for e in emoji:
                if not is_one_emoji(e.value):
                    yield Diagnostic(Code.NOT_AN_EMOJI, f"{e.value!r} is not one emoji", e.span, label="not one emoji",
                                     hint="write one emoji per text (\"🙃\", \"🤡\"); use `mentions` for words")
        case ast.Matches(field=field, regex=regex):
            yield from _expect_type(model, field, module, ("text",), "`matches`", slots)
            yield from regex_error(regex)
        case ast.Compare(field=field):
            yield from _expect_type(model, field, module, ("number",), f"`{a.op}`", slots)
        case ast.Is(field=field, value=value):
            yield from _membership(model, field, (value,), module, "`is`", slots)
        case ast.In(field=field, values=values):
            yield from _membership(model, field, values, module, "`in`", slots)
        case _:  # pragma: no cover - atoms() yields only leaves
            raise AssertionError(f"unexpected condition node {a!r}")


def _expect_type(model, field: ast.Name, module: str, types: tuple[str, ...], op: str, slots: frozenset[str] = frozenset()) -> Iterator[Diagnostic]:
    t = model.decls.field_type(field.value)
    if t is None:
        yield _unknown(model, field, module, "field", slots)
    elif t not in types:
        need = " or ".join(_TYPE_WORDS.get(x, x) for x in types)
        yield Diagnostic(Code.TYPE_MISMATCH, f"{op} needs {need}, but `{field.value}` is {_TYPE_WORDS.get(t, t)}", field.span,
                         label=f"{_TYPE_WORDS.get(t, t)}", hint=_hint_for(t, field.value))


def _hint_for(t: str, name: str) -> str:
    return {
        "number": f"compare numbers: `{name} >= 3`",
        "text": f"use `{name} mentions \"…\"` or `{name} matches /…/`",
        "bool": f"use the name alone: `{name}` or `not {name}`",
        "channel": f"use `{name} is x` or `{name} in (x, instagram)`",
        "visibility": f"use `{name} is public`",
        "enum": f"use `{name} is <value>`",
    }.get(t, "")


def allowed_values(model: Model, field: str) -> tuple[str, ...] | None:
    """The values an `is`/`in` comparison may name, or None when any value is fine."""
    t = model.decls.field_type(field)
    if t == "channel":
        return tuple(model.decls.channels) + VISIBILITIES
    if t == "visibility":
        return VISIBILITIES
    if t == "enum":
        return tuple(v.value for v in model.decls.fields[field].type.values)
    return None


def _membership(model, field: ast.Name, values, module: str, op: str, slots: frozenset[str] = frozenset()) -> Iterator[Diagnostic]:
    t = model.decls.field_type(field.value)
    if t is None:
        yield _unknown(model, field, module, "field", slots)
        return
    if t not in ("channel", "visibility", "enum", "text"):
        yield Diagnostic(Code.TYPE_MISMATCH, f"{op} compares choices, but `{field.value}` is {_TYPE_WORDS.get(t, t)}",
                         field.span, label=_TYPE_WORDS.get(t, t), hint=_hint_for(t, field.value))
        return
    allowed = allowed_values(model, field.value)
    if allowed is None:
        return
    for v in values:
        if v.value not in allowed:
            code = Code.UNKNOWN_CHANNEL if t == "channel" else Code.UNKNOWN_VALUE
            what = "channel" if t == "channel" else f"value of `{field.value}`"
            shown = [x for x in allowed if x not in VISIBILITIES] if t == "channel" else list(allowed)
            yield Diagnostic(code, f"`{v.value}` is not a {what}", v.span, label="unknown value",
                             hint=did_you_mean(v.value, allowed) or "one of: " + ", ".join(f"`{x}`" for x in shown))
