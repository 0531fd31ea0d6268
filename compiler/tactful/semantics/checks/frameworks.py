"""Framework headers, slots, guards, escalations and policy opt-outs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic, Related
from tactful.runtime.types import SLOT_TYPES
from tactful.semantics.checks.common import regex_error
from tactful.semantics.model import RESERVED, Model, did_you_mean, framework_entry_name, value_problem
from tactful.syntax import ast

INTENT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_SLOT_FLAGS = ("required", "private")


def intents(model: Model) -> Iterator[Diagnostic]:
    first: dict[str, ast.FrameworkDecl] = {}
    for _, fw in model.frameworks():
        intent = fw.intent.value
        if not INTENT.match(intent):
            yield Diagnostic(Code.INVALID_INTENT, f"`{intent}` is not a valid intent id", fw.intent.span,
                             label="expected lowercase dotted words",
                             hint="write it like `" + (re.sub(r"[^a-z0-9_.]+", "_", intent.lower()).strip("._") or "family")
                             + ("" if "." in intent else ".name") + "`")
        if intent in first:
            yield Diagnostic(Code.DUPLICATE_INTENT, f"intent `{intent}` already has a framework", fw.intent.span,
                             label="second framework", related=(Related(first[intent].intent.span, "the first one"),),
                             hint="each intent has exactly one framework: rename or merge them")
        else:
            first[intent] = fw


def owners_and_tags(model: Model) -> Iterator[Diagnostic]:
    teams = model.decls.teams
    for _, fw in model.frameworks():
        for kind, word in ((ast.Owner, "owner"), (ast.Serves, "serves"), (ast.About, "about"), (ast.Tags, "tags")):
            items = model.of(fw, kind)
            for extra in items[1:]:
                yield Diagnostic(Code.REPEATED_SETTING, f"`{word}` is set twice in `{fw.intent.value}`", extra.span,
                                 related=(Related(items[0].span, "first set here"),), hint="keep one line")
        for o in model.of(fw, ast.Owner):
            if o.team.value not in teams:
                yield _unknown_team(model, o.team)
        for s in model.of(fw, ast.Serves):
            names = [v.value for v in s.visibilities]
            for v in s.visibilities[1:]:
                if names.count(v.value) > 1 and names.index(v.value) != s.visibilities.index(v):
                    yield Diagnostic(Code.REPEATED_SETTING, f"`{v.value}` is listed twice", v.span)


def _unknown_team(model: Model, name: ast.Name) -> Diagnostic:
    return Diagnostic(Code.UNKNOWN_TEAM, f"`{name.value}` is not a team", name.span, label="unknown team",
                      hint=did_you_mean(name.value, model.decls.teams) or
                      "declared teams: " + ", ".join(f"`{t}`" for t in sorted(model.decls.teams)))


def slots(model: Model) -> Iterator[Diagnostic]:
    for _, fw in model.frameworks():
        seen: dict[str, ast.Slot] = {}
        for s in model.of(fw, ast.Slot):
            n = s.name.value
            if n in seen:
                yield Diagnostic(Code.DUPLICATE_DECLARATION, f"slot `{n}` is declared twice in `{fw.intent.value}`", s.name.span,
                                 related=(Related(seen[n].name.span, "first declared here"),), hint="remove one")
                continue
            seen[n] = s
            if n in RESERVED:
                yield Diagnostic(Code.RESERVED_NAME, f"`{n}` is a reserved word", s.name.span, hint="choose another name for the slot")
            if n in ("message", "channel", "visibility"):
                yield Diagnostic(Code.SLOT_HIDES_FIELD, f"slot `{n}` hides the context field of the same name", s.name.span,
                                 hint="choose another name for the slot")
            types = []
            for f in s.flags:
                if isinstance(f, ast.TypeRef):
                    types.append(f)
                elif f.value not in _SLOT_FLAGS:
                    if f.value in SLOT_TYPES and f.value != "enum":
                        types.append(f)
                    else:
                        yield Diagnostic(Code.UNKNOWN_TYPE, f"`{f.value}` is not a slot type or flag", f.span,
                                         label="unknown word",
                                         hint=did_you_mean(f.value, SLOT_TYPES + _SLOT_FLAGS) or
                                         "types: " + ", ".join(SLOT_TYPES) + "; flags: required, private")
            for extra in types[1:]:
                yield Diagnostic(Code.UNKNOWN_TYPE, f"slot `{n}` has two types", extra.span, hint="keep one type")
            for kind, items in (("pattern", s.patterns), ("example", s.examples), ("about", s.abouts)):
                for extra in items[1:]:
                    yield Diagnostic(Code.REPEATED_SETTING, f"slot `{n}` has two `{kind}` lines", extra.span, hint="keep one")
            bad_pattern = False
            for p in s.patterns[:1]:
                for d in regex_error(p):
                    bad_pattern = True
                    yield d
            for ex in s.examples[:1]:
                problem = value_problem(s, ex.value, check_pattern=not bad_pattern)
                if problem:
                    yield Diagnostic(Code.EXAMPLE_MISMATCH, f"the example does not fit: {problem}", ex.span,
                                     label="example value", hint="fix the example, or the slot's type or pattern")


def guards_and_escalations(model: Model) -> Iterator[Diagnostic]:
    for _, p in model.entries(ast.PolicyDecl):
        for item in p.items:
            yield from _entry(model, item)
    for _, fw in model.frameworks():
        names: dict[tuple[str, str], ast.Guard | ast.Escalate] = {}
        for m in fw.members:
            if not isinstance(m, (ast.Guard, ast.Escalate)):
                continue
            yield from _entry(model, m)
            kind = "guard" if isinstance(m, ast.Guard) else "escalation"
            name = framework_entry_name(m, model.cond_source)
            if (kind, name) in names:
                yield Diagnostic(Code.DUPLICATE_ENTRY_NAME, f"two {kind}s of `{fw.intent.value}` are named `{name}`", (m.alias or m.when).span,
                                 related=(Related(names[(kind, name)].span, "the first one"),),
                                 hint="name one of them with `as <name>` after its condition")
            else:
                names[(kind, name)] = m


def _entry(model: Model, m: ast.Guard | ast.Escalate) -> Iterator[Diagnostic]:
    if isinstance(m, ast.Guard):
        if not m.reason.value.strip():
            yield Diagnostic(Code.MISSING_REASON, "this guard gives no reason", m.reason.span,
                             hint="say what the person sending the draft should do instead")
        return
    if m.team.value not in model.decls.teams:
        yield _unknown_team(model, m.team)
    if m.handoff is None:
        yield Diagnostic(Code.MISSING_HANDOFF, f"the escalation to `{m.team.value}` has no handoff note", m.span,
                         label="no handoff",
                         hint="add an indented `handoff` with the customer's words ({message}) and the key facts")
    elif not m.handoff.value.strip():
        yield Diagnostic(Code.EMPTY_TEXT, "this handoff is empty", m.handoff.span)


def opt_outs(model: Model) -> Iterator[Diagnostic]:
    lib = model.decls
    names = set(lib.policy_guards) | set(lib.policy_escalations)
    for _, fw in model.frameworks():
        seen: dict[str, ast.Except] = {}
        for ex in model.of(fw, ast.Except):
            n = ex.name.value
            if n not in names:
                yield Diagnostic(Code.UNKNOWN_POLICY_ENTRY, f"no policy guard or escalation is named `{n}`", ex.name.span,
                                 label="unknown policy entry",
                                 hint=did_you_mean(n, names) or "policy entries: " + ", ".join(f"`{x}`" for x in sorted(names)))
            if not ex.reason.value.strip():
                yield Diagnostic(Code.MISSING_REASON, f"opting out of `{n}` needs a reason", ex.reason.span,
                                 hint="say why the house policy does not apply to this intent")
            if n in seen:
                yield Diagnostic(Code.REPEATED_SETTING, f"`{n}` is opted out of twice", ex.name.span,
                                 related=(Related(seen[n].span, "first here"),))
            seen[n] = ex
