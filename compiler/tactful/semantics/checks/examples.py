"""`example` blocks: complete, and naming only what the framework can do."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic, Related
from tactful.semantics.model import atoms
from tactful.semantics.model import FEATURES, Model, did_you_mean, field_hint, effective, junk_slot_names, served, slot_flag, value_problem, value_text
from tactful.source import Span
from tactful.syntax import ast


def examples(model: Model) -> Iterator[Diagnostic]:
    for module, fw in model.frameworks():
        exs = model.of(fw, ast.Example)
        if not exs:
            continue
        eff = effective(model.decls, fw, model.cond_source)
        # A guard or escalation whose declaration failed (a line that did not parse, an unknown name or
        # team) is reported where it is written; an example naming it is not reported again, and its
        # misspelt name is never offered as the fix.
        failed = _failed_entries(model, module, fw)
        guard_names = [n for n, g, _ in eff.guards if id(g) not in failed["ids"]]
        teams = sorted({e.team.value for _, e, _ in eff.escalations if id(e) not in failed["ids"]})
        # `expect no guard x` may name a policy guard the framework opts out of: it proves the opt-out.
        no_guard_names = guard_names + sorted(set(model.decls.policy_guards) - set(guard_names))
        no_teams = sorted(set(teams) | {e.item.team.value for e in model.decls.policy_escalations.values()})
        slots = model.slots_of(fw)
        replies = model.of(fw, ast.Reply)
        names: dict[str, ast.Example] = {}
        for ex in exs:
            if ex.name.value in names:
                yield Diagnostic(Code.DUPLICATE_DECLARATION, f"two examples are named “{ex.name.value}”", ex.name.span,
                                 related=(Related(names[ex.name.value].name.span, "the first one"),))
            names.setdefault(ex.name.value, ex)
            yield from _example(model, fw, ex, (guard_names, no_guard_names), (teams, no_teams), slots, replies, failed)


def _failed_entries(model: Model, module: str, fw: ast.FrameworkDecl) -> dict:
    """Which guards and escalations of fw failed to declare: {"ids": node ids, "guard": any guard
    failed, "escalate": any escalation failed}."""
    lib = model.decls
    out: dict = {"ids": set(), "guard": False, "escalate": False}
    for j in model.of(fw, ast.Junk):
        word = j.text.lstrip().split(" ", 1)[0]
        if word in ("guard", "escalate"):
            out[word] = True
    signals = lib.visible(module, "signal")
    for m in fw.members:
        if not isinstance(m, (ast.Guard, ast.Escalate)):
            continue
        names = [a.name.value for a in atoms(m.when) if isinstance(a, ast.NameCond)]
        broken = any(n not in signals and lib.field_type(n) is None for n in names)
        if isinstance(m, ast.Escalate) and m.team.value not in lib.teams:
            broken = True
        if broken:
            out["ids"].add(id(m))
            out["guard" if isinstance(m, ast.Guard) else "escalate"] = True
    return out


def _head(ex: ast.Example) -> Span:
    """The example's first line, from `example` to its name: where a missing part is reported."""
    return ast.span_at(ex.src, ex.start, ex.name.end)


def _example(model, fw, ex: ast.Example, guards, escalations, slots, replies, failed) -> Iterator[Diagnostic]:
    messages = [i for i in ex.items if isinstance(i, ast.ExMessage)]
    channels = [i for i in ex.items if isinstance(i, ast.ExChannel)]
    expects = [i for i in ex.items if isinstance(i, ast.Expect)]
    if not messages:
        yield Diagnostic(Code.INCOMPLETE_EXAMPLE, "this example has no `message`", _head(ex), hint='add `message "…"`: the customer\'s words')
    if not channels:
        yield Diagnostic(Code.INCOMPLETE_EXAMPLE, "this example has no `channel`", _head(ex), hint="add `channel <name> public|private`")
    if not expects:
        yield Diagnostic(Code.INCOMPLETE_EXAMPLE, "this example expects nothing", _head(ex), hint="add `expect …` lines: what must happen")
    for kind, items in (("message", messages), ("channel", channels)):
        for extra in items[1:]:
            yield Diagnostic(Code.REPEATED_SETTING, f"this example sets `{kind}` twice", extra.span)
    for ch in channels[:1]:
        decl = model.decls.channels.get(ch.name.value)
        if decl is None:
            yield Diagnostic(Code.UNKNOWN_CHANNEL, f"`{ch.name.value}` is not a channel", ch.name.span, label="unknown channel",
                             hint=did_you_mean(ch.name.value, model.decls.channels) or
                             "channels: " + ", ".join(f"`{c}`" for c in sorted(model.decls.channels)))
        elif ch.visibility is not None and ch.visibility.value not in [v.value for v in decl.visibilities]:
            yield Diagnostic(Code.UNKNOWN_VALUE, f"`{ch.name.value}` has no {ch.visibility.value} conversations", ch.visibility.span,
                             hint="its visibilities: " + ", ".join(v.value for v in decl.visibilities))
    set_slots: set[str] = set()
    for item in ex.items:
        if isinstance(item, ast.ExContext):
            for p in item.pairs:
                yield from _context_pair(model, p)
        elif isinstance(item, ast.ExSlots):
            for p in item.pairs:
                n = p.key.value
                set_slots.add(n)
                slot = slots.get(n)
                if slot is None:
                    if n in junk_slot_names(fw):
                        continue  # its declaration is broken: reported as a syntax error
                    yield Diagnostic(Code.UNDECLARED_SLOT, f"slot `{n}` is not declared", p.key.span,
                                     label=f"not a slot of `{fw.intent.value}`", hint=did_you_mean(n, slots))
                    continue
                value = value_text(p.value)
                problem = value_problem(slot, value)
                if problem:
                    yield Diagnostic(Code.EXAMPLE_MISMATCH, f"this value does not fit: {problem}", p.value.span,
                                     related=(Related(slot.name.span, "slot declared here"),))
    missing = [n for n, s in slots.items() if slot_flag(s, "required") and n not in set_slots]
    if missing:
        yield Diagnostic(Code.INCOMPLETE_EXAMPLE, "this example does not set required slot" + ("s " if len(missing) > 1 else " ")
                         + ", ".join(f"`{m}`" for m in missing), _head(ex),
                         hint="add `slots " + ", ".join(f'{m} "…"' for m in missing) + "`")
    vis_served = served(fw)
    for e in expects:
        guard_names = guards[1] if e.kind == "no_guard" else guards[0]
        teams = escalations[1] if e.kind == "no_escalate" else escalations[0]
        if e.kind in ("guard", "no_guard") and e.name is not None and e.name.value not in guard_names:
            if failed["guard"]:
                continue
            yield Diagnostic(Code.UNKNOWN_EXPECTATION, f"`{fw.intent.value}` has no guard named `{e.name.value}`", e.name.span,
                             hint=did_you_mean(e.name.value, guard_names) or
                             "its guards: " + ", ".join(f"`{g}`" for g in guard_names))
        elif e.kind in ("escalate", "no_escalate") and e.name is not None and e.name.value not in teams:
            if failed["escalate"]:
                continue
            yield Diagnostic(Code.UNKNOWN_EXPECTATION, f"`{fw.intent.value}` never escalates to `{e.name.value}`", e.name.span,
                             hint=did_you_mean(e.name.value, teams) or
                             "it escalates to: " + ", ".join(f"`{t}`" for t in teams))
        elif e.kind == "reply" and e.name is not None:
            vis = e.name.value
            if vis not in vis_served:
                yield Diagnostic(Code.UNKNOWN_EXPECTATION, f"`{fw.intent.value}` has no {vis} replies", e.name.span)
            elif e.when is not None and not any(r.visibility.value == vis and r.when == e.when for r in replies):
                yield Diagnostic(Code.UNKNOWN_EXPECTATION, f"no {vis} reply of `{fw.intent.value}` has this condition", e.when.span,
                                 hint="write the condition exactly as on the `reply` line")


def _context_pair(model: Model, p: ast.Pair) -> Iterator[Diagnostic]:
    n = p.key.value
    if n in ("message", "channel", "visibility"):
        yield Diagnostic(Code.UNKNOWN_CONTEXT_FIELD, f"`{n}` is set with its own line, not with `context`", p.key.span,
                         hint="use `message \"…\"` or `channel <name> public|private`")
        return
    t = model.decls.field_type(n)
    if t is None or n not in model.decls.fields:
        yield Diagnostic(Code.UNKNOWN_CONTEXT_FIELD, f"`{n}` is not a context field", p.key.span, label="unknown field",
                         hint=("message features are computed from the message" if n in FEATURES else
                               field_hint(n, model.decls.fields)))
        return
    v = p.value
    ok = {
        "number": v.kind == "number",
        "bool": v.kind == "name" and v.value in ("true", "false"),
        "text": v.kind in ("text", "name", "number"),
        "channel": v.kind == "name" and v.value in model.decls.channels,
        "visibility": v.kind == "name" and v.value in ("public", "private"),
        "enum": v.kind in ("name", "text") and v.value in [x.value for x in model.decls.fields[n].type.values],
    }.get(t, False)
    if not ok:
        need = {"number": "a number", "bool": "`true` or `false`", "text": "a text", "channel": "a channel name",
                "visibility": "`public` or `private`",
                "enum": "one of " + ", ".join(f"`{x.value}`" for x in model.decls.fields[n].type.values)}.get(t, t)
        yield Diagnostic(Code.UNKNOWN_CONTEXT_FIELD, f"`{n}` needs {need}", p.value.span, label="wrong type of value")
