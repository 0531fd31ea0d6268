"""Conditions: names resolve, operators fit their field's type, regexes are RE2, values exist."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from tactful.diagnostics import Diagnostic
from tactful.runtime.types import compile_re2, re2_reason
from tactful.semantics.checks.context import Context
from tactful.semantics.checks.walk import atoms, conditions
from tactful.semantics.scope import FEATURES, VISIBILITIES, did_you_mean
from tactful.syntax import ast

_TYPE_WORDS = {"number": "a number", "text": "a text", "bool": "a yes/no field", "channel": "a channel",
               "visibility": "a visibility", "enum": "a list of choices"}


def all_conditions(ctx: Context) -> Iterator[Diagnostic]:
    for name, module in ctx.program.modules.items():
        for e in module.entries:
            for cond in conditions(e):
                yield from check_condition(ctx, cond, name)


def check_condition(ctx: Context, cond: ast.Cond, module: str) -> Iterator[Diagnostic]:
    for a in atoms(cond):
        yield from _atom(ctx, a, module)


def _unknown(ctx: Context, name: ast.Name, module: str, what: str) -> Diagnostic:
    n = name.value
    if n in ctx.lib.signals and what == "condition":
        owner = ctx.lib.signals[n][0]
        return Diagnostic("T1112", f"signal `{n}` is declared in `{owner}`, which this file does not use", name.span,
                          label="not visible here", hint=f"add `use {owner}` at the top of the file")
    candidates = set(ctx.lib.fields) | set(FEATURES)
    if what == "condition":
        candidates |= set(ctx.lib.visible(module, "signal"))
    return Diagnostic("T1104", f"`{n}` is not a {'signal or ' if what == 'condition' else ''}field", name.span,
                      label="unknown name", hint=did_you_mean(n, candidates))


def _atom(ctx: Context, a: ast.Cond, module: str) -> Iterator[Diagnostic]:
    lib = ctx.lib
    match a:
        case ast.NameCond(name=name):
            n = name.value
            if n in lib.visible(module, "signal"):
                return
            t = lib.field_type(n)
            if t is None:
                yield _unknown(ctx, name, module, "condition")
            elif t != "bool":
                example = {"number": f"`{n} >= 3`", "text": f"`{n} mentions \"…\"`"}.get(t, f"`{n} is …`")
                yield Diagnostic("T1401", f"`{n}` is {_TYPE_WORDS.get(t, t)}, not a condition", name.span,
                                 label="needs an operator", hint=f"compare it, for example {example}")
        case ast.Mentions(field=field, phrases=phrases):
            yield from _expect_type(ctx, field, module, ("text",), "`mentions`")
            for p in phrases:
                if not p.value.strip():
                    yield Diagnostic("T1307", "this phrase is empty", p.span)
                elif p.slots():
                    yield Diagnostic("T1004", "`mentions` phrases are plain words, not templates", p.span,
                                     hint="remove the `{…}`")
        case ast.Matches(field=field, regex=regex):
            yield from _expect_type(ctx, field, module, ("text",), "`matches`")
            yield from regex_error(regex)
        case ast.Compare(field=field):
            yield from _expect_type(ctx, field, module, ("number",), f"`{a.op}`")
        case ast.Is(field=field, value=value):
            yield from _membership(ctx, field, (value,), module, "`is`")
        case ast.In(field=field, values=values):
            yield from _membership(ctx, field, values, module, "`in`")
        case _:  # pragma: no cover - atoms() yields only leaves
            raise AssertionError(f"unexpected condition node {a!r}")


def regex_error(regex: ast.Regex) -> Iterator[Diagnostic]:
    reason = _rejection(regex.pattern)
    if reason is not None:
        yield Diagnostic("T1402", f"RE2 rejects this pattern: {reason}", regex.span, label="not accepted by RE2",
                         hint="RE2 runs in linear time and has no backreferences or lookaround; rewrite without them")


@lru_cache(maxsize=4096)
def _rejection(pattern: str) -> str | None:
    """Why RE2 rejects a pattern, or None: each distinct pattern is compiled once (libraries repeat
    their case-number patterns)."""
    import re2

    try:
        compile_re2(pattern)
    except re2.error as e:
        return re2_reason(e)
    return None


def _expect_type(ctx, field: ast.Name, module: str, types: tuple[str, ...], op: str) -> Iterator[Diagnostic]:
    t = ctx.lib.field_type(field.value)
    if t is None:
        yield _unknown(ctx, field, module, "field")
    elif t not in types:
        need = " or ".join(_TYPE_WORDS.get(x, x) for x in types)
        yield Diagnostic("T1401", f"{op} needs {need}, but `{field.value}` is {_TYPE_WORDS.get(t, t)}", field.span,
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


def allowed_values(ctx: Context, field: str) -> tuple[str, ...] | None:
    """The values an `is`/`in` comparison may name, or None when any value is fine."""
    t = ctx.lib.field_type(field)
    if t == "channel":
        return tuple(ctx.lib.channels) + VISIBILITIES
    if t == "visibility":
        return VISIBILITIES
    if t == "enum":
        return tuple(v.value for v in ctx.lib.fields[field].type.values)
    return None


def _membership(ctx, field: ast.Name, values, module: str, op: str) -> Iterator[Diagnostic]:
    t = ctx.lib.field_type(field.value)
    if t is None:
        yield _unknown(ctx, field, module, "field")
        return
    if t not in ("channel", "visibility", "enum", "text"):
        yield Diagnostic("T1401", f"{op} compares choices, but `{field.value}` is {_TYPE_WORDS.get(t, t)}",
                         field.span, label=_TYPE_WORDS.get(t, t), hint=_hint_for(t, field.value))
        return
    allowed = allowed_values(ctx, field.value)
    if allowed is None:
        return
    for v in values:
        if v.value not in allowed:
            code = "T1108" if t == "channel" else "T1403"
            what = "channel" if t == "channel" else f"value of `{field.value}`"
            shown = [x for x in allowed if x not in VISIBILITIES] if t == "channel" else list(allowed)
            yield Diagnostic(code, f"`{v.value}` is not a {what}", v.span, label="unknown value",
                             hint=did_you_mean(v.value, allowed) or "one of: " + ", ".join(f"`{x}`" for x in shown))
