"""Texts' `{references}`, and the shape of replies: moves, order, next steps, coverage."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic, Related
from tactful.semantics.model import MOVE_ORDER, Model, did_you_mean, framework_texts, junk_slot_names, served, slot_flag
from tactful.syntax import ast

_BRACED = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)")


def text_references(model: Model) -> Iterator[Diagnostic]:
    fields = model.decls.fields
    for _, fw in model.frameworks():
        slots = model.slots_of(fw)
        broken = junk_slot_names(fw)
        used: set[str] = set()
        for text, visibility in framework_texts(fw):
            if text.plain:  # no slots in it
                continue
            pieces = text.pieces
            if not pieces and text.value.strip():  # a text that did not parse (T1004): its slots count as used
                used.update(m.group(1) for m in _BRACED.finditer(text.value))
            for piece in pieces:
                kind = piece[0]
                if kind == "lit":
                    continue
                inside_optional = kind == "opt"
                for ref in ([q for q in piece[1] if q[0] == "slot"] if inside_optional else (piece,)):
                    _, n, fallback, name_start, name_end, start, end = ref
                    slot = slots.get(n)
                    if slot is None:
                        if n not in fields and n not in broken:
                            yield _undeclared(ast.TextSlot(ast.Name(n, src=text.src, start=name_start, end=name_end), fallback,
                                                          src=text.src, start=start, end=end), fw, slots, fields)
                        continue
                    used.add(n)
                    if visibility == "public" and slot_flag(slot, "private"):
                        yield Diagnostic(Code.PRIVATE_SLOT_IN_PUBLIC_REPLY, f"private slot `{n}` is used in a public reply", ast.span_at(text.src, start, end),
                                         label=f"`{n}` is private", related=(Related(slot.name.span, "declared private here"),),
                                         hint="keep it for the private reply; in public, ask the customer to continue in a private channel")
                    # in a handoff note an absent optional slot reads "(not given)": no hole, no warning
                    if visibility is not None and not inside_optional and fallback is None and not slot_flag(slot, "required"):
                        yield Diagnostic(Code.OPTIONAL_SLOT_WITHOUT_FALLBACK, f"optional slot `{n}` is used without a fallback", ast.span_at(text.src, start, end),
                                         label="may be absent",
                                         hint=f"write `{{{n} or 'a fallback'}}`, put it in an optional segment `[ … {{{n}}}]`, or make the slot required")
        for slot in slots.values():
            if slot_flag(slot, "required") and slot.name.value not in used:
                yield Diagnostic(Code.UNUSED_REQUIRED_SLOT, f"required slot `{slot.name.value}` is never used", slot.name.span,
                                 label="never used", hint="use it in a reply or handoff, or make it optional")
    for _, p in model.entries(ast.PolicyDecl):
        for item in p.items:
            if isinstance(item, ast.Escalate) and item.handoff is not None:
                for ref in item.handoff.slots():
                    if ref.name.value not in fields:
                        yield Diagnostic(Code.UNDECLARED_SLOT, f"`{ref.name.value}` is not a context field", ref.name.span,
                                         label="unknown field", hint=did_you_mean(ref.name.value, fields) or
                                         "policy handoffs apply to every framework, so they can use context fields only")
    for _, b in model.entries(ast.PhraseBank):
        for phrase in b.phrases:
            for ref in phrase.slots():
                if ref.name.value not in fields:
                    yield Diagnostic(Code.UNDECLARED_SLOT, f"`{ref.name.value}` is not a context field", ref.name.span,
                                     label="unknown field", hint=did_you_mean(ref.name.value, fields) or
                                     "phrases are shared by every framework, so they can use context fields only")


def _undeclared(ref: ast.TextSlot, fw: ast.FrameworkDecl, slots: dict[str, ast.Slot], fields) -> Diagnostic:
    n = ref.name.value
    guess = did_you_mean(n, list(slots) + list(fields))
    if guess:
        target = guess.split("`")[1]
        if target in slots:
            guess = guess + f" (declared on line {slots[target].name.span.line})"
    return Diagnostic(Code.UNDECLARED_SLOT, f"slot `{n}` is not declared", ref.span,
                      label=f"not a slot of `{fw.intent.value}`",
                      hint=guess or f"declare it: `slot {n}` (add `required` if every reply needs it)")


def reply_structure(model: Model) -> Iterator[Diagnostic]:
    for module, fw in model.frameworks():
        serves = served(fw)
        unconditional: dict[str, ast.Reply] = {}
        members = list(fw.members)
        for i, r in enumerate(members):
            if not isinstance(r, ast.Reply):
                continue
            vis = r.visibility.value
            # a move that did not parse right after the reply (dedented, say) is reported as a syntax
            # error; its reply is then not also "missing its next step"
            after = members[i + 1] if i + 1 < len(members) else None
            broken_move = isinstance(after, ast.Junk) and after.text.lstrip().split(" ", 1)[0] in MOVE_ORDER
            yield from _moves(model, module, r, complete=not broken_move)
            if vis not in serves:
                yield Diagnostic(Code.UNSERVED_VISIBILITY, f"`{fw.intent.value}` does not serve {vis} channels", r.visibility.span,
                                 label="never used", hint=f"remove this reply or add `{vis}` to `serves`")
            if vis in unconditional:
                yield Diagnostic(Code.UNREACHABLE_REPLY, "this reply can never be chosen", r.span.to(r.visibility.span),
                                 label="unreachable",
                                 related=(Related(unconditional[vis].visibility.span, f"this {vis} reply always matches first"),),
                                 hint="move conditional replies above the reply without `when`")
            elif r.when is None:
                unconditional[vis] = r
        if fw.has_junk:
            continue  # a broken member may be the missing reply: don't pile on
        for vis in serves:
            if vis not in unconditional:
                yield Diagnostic(Code.MISSING_REPLY, f"`{fw.intent.value}` has no {vis} reply without `when`", fw.intent.span,
                                 label=f"no fallback {vis} reply",
                                 hint=f"add `reply {vis}` (without `when`) after its conditional replies"
                                 + ("" if model.of(fw, ast.Serves) else f", or add `serves {'private' if vis == 'public' else 'public'}`"))


def _moves(model: Model, module: str, r: ast.Reply, complete: bool = True) -> Iterator[Diagnostic]:
    seen: dict[str, ast.Move] = {}
    last_rank = -1
    for mv in r.moves:
        kind = mv.kind.value
        if kind in seen:
            yield Diagnostic(Code.DUPLICATE_MOVE, f"this reply has two `{kind}` moves", mv.kind.span,
                             related=(Related(seen[kind].kind.span, "the first one"),), hint="merge them into one text")
            continue
        seen[kind] = mv
        rank = MOVE_ORDER.index(kind)
        if rank < last_rank:
            after = MOVE_ORDER[last_rank]
            yield Diagnostic(Code.MOVES_OUT_OF_ORDER, f"`{kind}` comes after `{after}`", mv.kind.span, label="out of order",
                             hint="moves go " + ", ".join(MOVE_ORDER))
        last_rank = max(last_rank, rank)
        if mv.text is not None and not mv.text.value.strip():
            yield Diagnostic(Code.EMPTY_TEXT, f"the `{kind}` text is empty", mv.text.span, hint="write the text, or remove the move")
        if mv.pick is not None:
            bank = mv.pick.value
            if bank not in model.decls.visible(module, "bank"):
                if bank in model.decls.banks:
                    owner = model.decls.banks[bank][0]
                    yield Diagnostic(Code.NAME_NOT_IMPORTED, f"phrase bank `{bank}` is declared in `{owner}`, which this file does not use",
                                     mv.pick.span, label="not visible here", hint=f"add `use {owner}` at the top of the file")
                else:
                    yield Diagnostic(Code.UNKNOWN_BANK, f"there is no phrase bank `{bank}`", mv.pick.span, label="unknown bank",
                                     hint=did_you_mean(bank, model.decls.visible(module, "bank")) or
                                     "declare it with `phrases " + bank + "`")
    if "next" not in seen and complete:
        yield Diagnostic(Code.MISSING_NEXT_STEP, f"this {r.visibility.value} reply has no `next` move", r.span.to(r.visibility.span),
                         label="no next step",
                         hint="add a `next` move that says what happens now: who does what, and when")
