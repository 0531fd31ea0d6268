"""Conditions: names resolve, operators fit their field's type, regexes are RE2, values exist."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic
from tactful.semantics.checks.common import regex_error
from tactful.runtime.types import MAX_WITHIN, is_one_emoji
from tactful.semantics.model import FEATURES, VISIBILITIES, Model, atoms, did_you_mean, field_hint
from tactful.syntax import ast

_TYPE_WORDS = {"number": "a number", "text": "a text", "bool": "a yes/no field", "channel": "a channel",
               "visibility": "a visibility", "enum": "a list of choices"}


def all_conditions(model: Model) -> Iterator[Diagnostic]:
    for name, module in model.program.modules.items():
        for e in module.entries:
            slots = frozenset(model.slots_of(e)) if isinstance(e, ast.FrameworkDecl) else frozenset()
            for cond, leaves in model.conditions(e):
                yield from check_condition(model, cond, name, slots, leaves)


def check_condition(model: Model, cond: ast.Cond, module: str, slots: frozenset[str] = frozenset(),
                    leaves: tuple[ast.Cond, ...] | None = None) -> Iterator[Diagnostic]:
    """A condition's diagnostics (leaves: its atoms, when the caller has them already)."""
    yield from _counts(cond)
    for a in atoms(cond) if leaves is None else leaves:
        yield from _atom(model, a, module, slots)


def _counts(cond: ast.Cond) -> Iterator[Diagnostic]:
    """T1408 for an `at least N of (…)` whose N is not a whole number from 1 to its number of items.
    Without recursion: a stack."""
    stack = [cond]
    while stack:
        node = stack.pop()
        match node:
            case ast.Or(items=items) | ast.And(items=items):
                stack.extend(items)
            case ast.Not(item=item):
                stack.append(item)
            case ast.AtLeast(count=count, items=items):
                stack.extend(items)
                n = len(items)
                if count != int(count) or not 1 <= count <= n:
                    shown = int(count) if count == int(count) else count
                    yield Diagnostic(
                        Code.BAD_COUNT, f"`at least {shown} of` a list of {n} condition{'s' if n != 1 else ''} "
                        f"is not a whole number from 1 to {n}", node.span, label="count out of range",
                        hint=f"use a whole number from 1 to {n} (the number of conditions between the parentheses, "
                        "separated by `;`)")


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
        case ast.Scores(field=field, at_least=at_least, scorer=scorer):
            yield from _expect_type(model, field, module, ("text",), "`scores`", slots)
            if not 0 <= at_least <= 1:
                yield Diagnostic(Code.BAD_SCORE, f"`scores at least {at_least:g}` asks for a score outside 0 to 1", a.span,
                                 label="score out of range",
                                 hint="a score is a number from 0 to 1: use one such as the weights file's "
                                 "`suggested_at_least`")
            if scorer.value not in lib.scorers:
                guess = did_you_mean(scorer.value, lib.scorers)
                declared = ", ".join(f"`{n}`" for n in sorted(lib.scorers)) or "none"
                yield Diagnostic(Code.UNKNOWN_SCORER, f"`{scorer.value}` is not a scorer", scorer.span,
                                 label="unknown scorer",
                                 hint=f"{guess} (scorers: {declared})" if guess else
                                 f"scorers: {declared}; declare one with `scorer {scorer.value}` and a `weights` file")
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


# --- depth (T1407) --------------------------------------------------------------------------------


def _shape(cond: ast.Cond) -> tuple[int, list[tuple[int, str]]]:
    """A condition's own depth (an atom is 1; `not`, `and`, `or` add one), and each bare name in
    it with the number of `not`/`and`/`or` above it. Without recursion: a stack."""
    own, names, stack = 0, [], [(cond, 0)]
    while stack:
        node, above = stack.pop()
        match node:
            case ast.Or(items=items) | ast.And(items=items) | ast.AtLeast(items=items):
                stack.extend((c, above + 1) for c in items)
            case ast.Not(item=item):
                stack.append((item, above + 1))
            case ast.NameCond(name=name):
                own = max(own, above + 1)
                names.append((above, name.value))
            case _:
                own = max(own, above + 1)
    return own, names


def _signal_depths(model: Model) -> dict[str, int]:
    """Each signal's depth with the signals it names counted (a name adds one level and its signal's
    depth). Without recursion; a cycle (reported as T1113) counts as nothing."""
    shapes = {n: _shape(decl.when[0]) if decl.when else (1, []) for n, (_, decl) in model.decls.signals.items()}
    depth: dict[str, int] = {}
    for start in shapes:
        if start in depth:
            continue
        stack, visiting = [start], {start}
        while stack:
            name = stack[-1]
            pending = [m for _, m in shapes[name][1] if m in shapes and m not in depth and m not in visiting]
            if pending:
                visiting.add(pending[0])
                stack.append(pending[0])
                continue
            own, names = shapes[name]
            depth[name] = max([own, *(above + 1 + depth.get(m, 0) for above, m in names if m in shapes)])
            visiting.discard(name)
            stack.pop()
    return depth


def condition_depth(model: Model) -> Iterator[Diagnostic]:
    """T1407 for a condition deeper than the limit once the signals it names are counted. (One too
    deep by itself is reported by the builder, which also keeps its tree from growing deeper.)"""
    limit = ast.MAX_CONDITION_DEPTH
    signal_depth = _signal_depths(model)
    for module in model.program.modules.values():
        for e in module.entries:
            for cond, _ in model.conditions(e):
                own, names = _shape(cond)
                if own > limit or any(signal_depth.get(m, 0) > limit for _, m in names):
                    continue  # reported by the builder, or on the signal itself
                depth = max([own, *(above + 1 + signal_depth[m] for above, m in names if m in signal_depth)])
                if depth > limit:
                    yield Diagnostic(
                        Code.CONDITION_TOO_DEEP,
                        f"counting the signals it names, this condition nests {depth} levels deep (the limit is {limit})",
                        cond.span, label="nested too deeply with its signals",
                        hint="simplify the condition or the signals it names")
