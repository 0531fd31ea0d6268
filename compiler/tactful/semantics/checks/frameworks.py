"""Framework headers, slots, guards, escalations and policy opt-outs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from tactful.diagnostics import Diagnostic, Related
from tactful.runtime.types import SLOT_TYPES
from tactful.semantics.checks.conditions import regex_error
from tactful.semantics.checks.context import Context, slot_type
from tactful.semantics.checks.declarations import RESERVED
from tactful.semantics.scope import did_you_mean, framework_entry_name
from tactful.syntax import ast

INTENT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_SLOT_FLAGS = ("required", "private")


def intents(ctx: Context) -> Iterator[Diagnostic]:
    first: dict[str, ast.FrameworkDecl] = {}
    for _, fw in ctx.all_frameworks():
        intent = fw.intent.value
        if not INTENT.match(intent):
            yield Diagnostic("T1106", f"`{intent}` is not a valid intent id", fw.intent.span,
                             label="expected lowercase dotted words",
                             hint="write it like `" + (re.sub(r"[^a-z0-9_.]+", "_", intent.lower()).strip("._") or "family")
                             + ("" if "." in intent else ".name") + "`")
        if intent in first:
            yield Diagnostic("T1105", f"intent `{intent}` already has a framework", fw.intent.span,
                             label="second framework", related=(Related(first[intent].intent.span, "the first one"),),
                             hint="each intent has exactly one framework: rename or merge them")
        else:
            first[intent] = fw


def owners_and_tags(ctx: Context) -> Iterator[Diagnostic]:
    teams = ctx.lib.teams
    for _, fw in ctx.frameworks():
        for kind, word in ((ast.Owner, "owner"), (ast.Serves, "serves"), (ast.About, "about"), (ast.Tags, "tags")):
            items = fw.of(kind)
            for extra in items[1:]:
                yield Diagnostic("T1110", f"`{word}` is set twice in `{fw.intent.value}`", extra.span,
                                 related=(Related(items[0].span, "first set here"),), hint="keep one line")
        for o in fw.of(ast.Owner):
            if o.team.value not in teams:
                yield _unknown_team(ctx, o.team)
        for s in fw.of(ast.Serves):
            names = [v.value for v in s.visibilities]
            for v in s.visibilities[1:]:
                if names.count(v.value) > 1 and names.index(v.value) != s.visibilities.index(v):
                    yield Diagnostic("T1110", f"`{v.value}` is listed twice", v.span)


def _unknown_team(ctx: Context, name: ast.Name) -> Diagnostic:
    return Diagnostic("T1107", f"`{name.value}` is not a team", name.span, label="unknown team",
                      hint=did_you_mean(name.value, ctx.lib.teams) or
                      "declared teams: " + ", ".join(f"`{t}`" for t in sorted(ctx.lib.teams)))


def slots(ctx: Context) -> Iterator[Diagnostic]:
    for _, fw in ctx.frameworks():
        seen: dict[str, ast.Slot] = {}
        for s in fw.of(ast.Slot):
            n = s.name.value
            if n in seen:
                yield Diagnostic("T1110", f"slot `{n}` is declared twice in `{fw.intent.value}`", s.name.span,
                                 related=(Related(seen[n].name.span, "first declared here"),), hint="remove one")
                continue
            seen[n] = s
            if n in RESERVED:
                yield Diagnostic("T1114", f"`{n}` is a reserved word", s.name.span, hint="choose another name for the slot")
            if n in ("message", "channel", "visibility"):
                yield Diagnostic("T1110", f"slot `{n}` hides the context field of the same name", s.name.span,
                                 hint="choose another name for the slot")
            types = []
            for f in s.flags:
                if isinstance(f, ast.TypeRef):
                    types.append(f)
                elif f.value not in _SLOT_FLAGS:
                    if f.value in SLOT_TYPES and f.value != "enum":
                        types.append(f)
                    else:
                        yield Diagnostic("T1111", f"`{f.value}` is not a slot type or flag", f.span,
                                         label="unknown word",
                                         hint=did_you_mean(f.value, SLOT_TYPES + _SLOT_FLAGS) or
                                         "types: " + ", ".join(SLOT_TYPES) + "; flags: required, private")
            for extra in types[1:]:
                yield Diagnostic("T1111", f"slot `{n}` has two types", extra.span, hint="keep one type")
            for kind, items in (("pattern", s.patterns), ("example", s.examples), ("about", s.abouts)):
                for extra in items[1:]:
                    yield Diagnostic("T1110", f"slot `{n}` has two `{kind}` lines", extra.span, hint="keep one")
            bad_pattern = False
            for p in s.patterns[:1]:
                for d in regex_error(p):
                    bad_pattern = True
                    yield d
            for ex in s.examples[:1]:
                problem = value_problem(s, ex.value, check_pattern=not bad_pattern)
                if problem:
                    yield Diagnostic("T1205", f"the example does not fit: {problem}", ex.span,
                                     label="example value", hint="fix the example, or the slot's type or pattern")


def value_problem(slot: ast.Slot, value: str, *, check_pattern: bool = True) -> str | None:
    """Why value does not fit slot, in the runtime's own words (the compiler and runtime agree)."""
    import re2

    t = slot_type(slot)
    tname = t.name.value if t else "text"
    if tname not in SLOT_TYPES:
        return None  # reported as T1111
    pattern = slot.patterns[0].pattern if check_pattern and slot.patterns else None
    values = tuple(v.value for v in t.values) if t else ()
    try:
        return _checker(slot.name.value, tname, values, pattern).problem(value)
    except re2.error:  # an invalid pattern is reported as T1402 on its own
        return None


@lru_cache(maxsize=4096)
def _checker(name: str, type_: str, values: tuple[str, ...], pattern: str | None):
    from types import SimpleNamespace

    from tactful.runtime.values import SlotChecker

    # SlotChecker reads these four attributes of a bundle Slot; no need to build the pydantic model.
    return SlotChecker(SimpleNamespace(name=name, type=type_, values=list(values), pattern=pattern))


def guards_and_escalations(ctx: Context) -> Iterator[Diagnostic]:
    for _, p in ctx.entries(ast.PolicyDecl):
        for item in p.items:
            yield from _entry(ctx, item)
    for _, fw in ctx.frameworks():
        names: dict[tuple[str, str], ast.Guard | ast.Escalate] = {}
        for m in fw.members:
            if not isinstance(m, (ast.Guard, ast.Escalate)):
                continue
            yield from _entry(ctx, m)
            kind = "guard" if isinstance(m, ast.Guard) else "escalation"
            name = framework_entry_name(m, ctx.cond_source)
            if (kind, name) in names:
                yield Diagnostic("T1504", f"two {kind}s of `{fw.intent.value}` are named `{name}`", (m.alias or m.when).span,
                                 related=(Related(names[(kind, name)].span, "the first one"),),
                                 hint="name one of them with `as <name>` after its condition")
            else:
                names[(kind, name)] = m


def _entry(ctx: Context, m: ast.Guard | ast.Escalate) -> Iterator[Diagnostic]:
    if isinstance(m, ast.Guard):
        if not m.reason.value.strip():
            yield Diagnostic("T1501", "this guard gives no reason", m.reason.span,
                             hint="say what the person sending the draft should do instead")
        return
    if m.team.value not in ctx.lib.teams:
        yield _unknown_team(ctx, m.team)
    if m.handoff is None:
        yield Diagnostic("T1503", f"the escalation to `{m.team.value}` has no handoff note", m.span,
                         label="no handoff",
                         hint="add an indented `handoff` with the customer's words ({message}) and the key facts")
    elif not m.handoff.value.strip():
        yield Diagnostic("T1307", "this handoff is empty", m.handoff.span)


def opt_outs(ctx: Context) -> Iterator[Diagnostic]:
    lib = ctx.lib
    names = set(lib.policy_guards) | set(lib.policy_escalations)
    for _, fw in ctx.frameworks():
        seen: dict[str, ast.Except] = {}
        for ex in fw.of(ast.Except):
            n = ex.name.value
            if n not in names:
                yield Diagnostic("T1502", f"no policy guard or escalation is named `{n}`", ex.name.span,
                                 label="unknown policy entry",
                                 hint=did_you_mean(n, names) or "policy entries: " + ", ".join(f"`{x}`" for x in sorted(names)))
            if not ex.reason.value.strip():
                yield Diagnostic("T1501", f"opting out of `{n}` needs a reason", ex.reason.span,
                                 hint="say why the house policy does not apply to this intent")
            if n in seen:
                yield Diagnostic("T1110", f"`{n}` is opted out of twice", ex.name.span,
                                 related=(Related(seen[n].span, "first here"),))
            seen[n] = ex
