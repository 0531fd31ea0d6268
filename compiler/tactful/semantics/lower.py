"""Program → Bundle: what the checked sources mean, in the one contract every emitter reads.

Runs only on a program without errors, so it can assume every name resolves. Templates are
generated here from parsed texts; the literal parts are escaped, so nothing a framework author
writes can become Jinja2 code.
"""

from __future__ import annotations

import hashlib
import json

from tactful.runtime import bundle as b
from tactful.runtime.render import template_source
from tactful.semantics.model import FEATURES, VISIBILITIES, Model, effective, entry_name, served, slot_flag, slot_type, value_text
from tactful.semantics.wordforms import expand
from tactful.source import Span
from tactful.syntax import ast
from tactful.semantics.scorers import Weights


# A framework's fields in their JSON order: those before its escalations and guards (which come
# together), and those after them but the hash (see Lowerer.digest).
_FIELDS = list(b.Framework.model_fields)
_HEAD = set(_FIELDS[:_FIELDS.index("escalations")])
_TAIL = set(_FIELDS[_FIELDS.index("guards") + 1:]) - {"hash"}
assert _FIELDS.index("guards") == _FIELDS.index("escalations") + 1 and _HEAD and _TAIL


# The models a large library has tens of thousands of (a 1,000-framework library: 30,000 locations,
# 15,000 texts), made with every field given, each already of its type, so that validating them
# would leave them as they are: they are made with model_construct (no validation), all of a class
# sharing one set of the fields given (its model_fields_set). A pydantic model holds a set of its
# own otherwise, and sets are among the costliest objects for the garbage collector to walk: one
# per model was a quarter of a built bundle's objects. tests/outputs/test_lowered_models.py holds
# each model to what validating it gives.
_MADE = (b.Location, b.Text, b.Move, b.Expectation, b.Slot, b.Example, b.Reply)
_GIVEN = {model: set(model.model_fields) for model in _MADE}  # never changed (model_copy copies it)


def made(model, **values):
    """model(**values) for values given for every field, each of the field's type (see _MADE)."""
    return model.model_construct(_GIVEN[model], **values)


def location(span: Span) -> b.Location:
    return made(b.Location, file=span.file, line=span.line, column=span.column, end_line=span.end_line,
                end_column=span.end_column)


class Lowerer:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.decls = model.decls
        # a policy's guards and escalations, lowered once: every framework that inherits one holds
        # the same (immutable) model, not a copy of its own; by (id of the entry, name, policy)
        self._inherited: dict[tuple[int, str, str], b.Guard | b.Escalation] = {}
        # the parts of texts, one (immutable) model per distinct part: a literal by its text, a slot
        # by (name, source, fallback), an optional part by its parts
        self._entry_json: dict[int, bytes] = {}  # a policy entry's JSON, by id (see entry_json)
        self._parts: dict[str | tuple[str, str, str | None], b.LiteralPart | b.SlotPart] = {}
        self._optionals: dict[tuple[int, ...], b.OptionalPart] = {}  # by the ids of its parts
        self._templates: dict[tuple[int, ...], str] = {}  # a text's template, by the ids of its parts
        self._conds: dict[tuple[ast.Cond, str], b.Condition] = {}  # see when()

    # ---- texts ---------------------------------------------------------------------------------
    def text(self, t: ast.Text, slots: dict[str, ast.Slot] | None = None) -> b.Text:
        """A text's model, made from its pieces (the parser's plain data: no AST node is made for a
        part); its parts and template are shared with every text that has the same parts."""
        slots = slots or {}
        known = self._parts
        optionals = self._optionals

        def part(p):
            kind = p[0]
            if kind == "lit":  # ("lit", text, start, end)
                out = known.get(p[1])
                if out is None:
                    out = known[p[1]] = b.LiteralPart(text=p[1])
                return out
            if kind == "slot":  # ("slot", name, fallback, …)
                key = (p[1], "slot" if p[1] in slots else "field", p[2])
                out = known.get(key)
                if out is None:
                    out = known[key] = b.SlotPart(name=key[0], source=key[1], fallback=key[2])
                return out
            if kind == "opt":  # ("opt", pieces, start, end)
                inner = [part(q) for q in p[1]]
                key = tuple(map(id, inner))  # parts this Lowerer holds: their ids are their own
                out = optionals.get(key)
                if out is None:
                    out = optionals[key] = b.OptionalPart(parts=inner)
                return out
            raise AssertionError(f"unexpected text piece {p!r}")  # pragma: no cover

        parts = [part(p) for p in t.pieces]
        key = tuple(map(id, parts))
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = template_source(parts)
        return made(b.Text, source=t.value, parts=parts, template=template, location=location(t.span))

    # ---- conditions ----------------------------------------------------------------------------
    def when(self, c: ast.Cond) -> tuple[b.Condition, str]:
        """A condition lowered, and its source text: one (immutable) model per distinct condition,
        shared by every signal, entry and reply that has it. Equal conditions (the AST ignores
        positions) with the same source text lower alike; the source tells `> 0` from `> -0`."""
        source = self.model.cond_source(c)
        key = (c, source)
        out = self._conds.get(key)
        if out is None:
            out = self._conds[key] = self.cond(c)
        return out, source

    def cond(self, c: ast.Cond):
        match c:
            case ast.Or(items=items):
                return b.AnyOf(of=[self.cond(x) for x in items])
            case ast.And(items=items):
                return b.AllOf(of=[self.cond(x) for x in items])
            case ast.AtLeast(count=count, items=items):
                return b.AtLeastOf(count=int(count), of=[self.cond(x) for x in items])
            case ast.Not(item=item):
                return b.Not(of=self.cond(item))
            case ast.NameCond(name=name):
                if name.value in self.decls.signals:
                    return b.SignalRef(name=name.value)
                return b.FieldTrue(field=name.value)
            case ast.Mentions(field=f, phrases=phrases, forms=forms, near=near, near_forms=near_forms,
                              within=within, asserted=asserted):
                return b.Mentions(field=f.value, phrases=expand([p.value for p in phrases], forms),
                                  near=expand([p.value for p in near], near_forms), within=within if near else None,
                                  asserted=asserted)
            case ast.HasEmoji(field=f, emoji=emoji):
                return b.HasEmoji(field=f.value, emoji=[e.value for e in emoji])
            case ast.Scores(field=f, at_least=at_least, scorer=scorer):
                return b.Scores(field=f.value, scorer=scorer.value, at_least=at_least)
            case ast.Matches(field=f, regex=r):
                return b.Matches(field=f.value, pattern=r.pattern)
            case ast.Compare(field=f, op=op, value=v):
                return b.Compare(field=f.value, cmp=op, value=v)
            case ast.Is(field=f, value=v):
                if self.decls.field_type(f.value) == "channel" and v.value in VISIBILITIES:
                    return b.Is(field="visibility", value=v.value)
                return b.Is(field=f.value, value=v.value)
            case ast.In(field=f, values=values):
                vals = [v.value for v in values]
                if self.decls.field_type(f.value) == "channel" and any(v in VISIBILITIES for v in vals):
                    chans = [v for v in vals if v not in VISIBILITIES]
                    vis = [v for v in vals if v in VISIBILITIES]
                    alts = [b.In(field="visibility", values=vis)] + ([b.In(field=f.value, values=chans)] if chans else [])
                    return alts[0] if len(alts) == 1 else b.AnyOf(of=alts)
                return b.In(field=f.value, values=vals)
        raise AssertionError(f"unexpected condition {c!r}")  # pragma: no cover

    # ---- library -------------------------------------------------------------------------------
    def frameworks(self) -> list[b.Framework]:
        """The library's frameworks (the stdlib's own are not part of a bundle), sorted by intent."""
        frameworks = [self.framework(module, fw) for module, fw in self.model.frameworks()
                      if module not in self.model.program.stdlib_modules]
        return sorted(frameworks, key=lambda f: f.intent)

    def bundle(self, revision: str) -> b.Bundle:
        lib = self.decls
        fields = [b.FieldDecl(name=n, type=f.type.name.value, values=[v.value for v in f.type.values],
                              about=f.about.value if f.about else "", location=location(f.span))
                  for n, f in sorted(lib.fields.items())]
        teams = [b.Team(name=n, title=t.title.value if t.title else "", location=location(t.span))
                 for n, t in sorted(lib.teams.items())]
        channels = [b.Channel(name=n, title=c.title.value if c.title else "",
                              visibilities=[v.value for v in c.visibilities], location=location(c.span))
                    for n, c in sorted(lib.channels.items())]
        signals = []
        for n, (module, s) in sorted(lib.signals.items()):
            examples = [b.SignalExample(message=t.value, fires=True, location=location(t.span)) for t in s.fires]
            examples += [b.SignalExample(message=t.value, fires=False, location=location(t.span)) for t in s.quiet]
            when, source = self.when(s.when[0])
            signals.append(b.Signal(name=n, module=module, about=s.about.value if s.about else "",
                                    when=when, condition_source=source,
                                    examples=examples, location=location(s.span)))
        phrases = {n: [self.text(p) for p in bank.phrases] for n, (_, bank) in sorted(lib.banks.items())}
        style = []
        for n, (_, rule) in sorted(lib.styles.items()):
            style.append(b.StyleRule(
                name=n, about=rule.about.value if rule.about else "",
                avoid=[a.value for a in rule.avoid if isinstance(a, ast.Text)],
                avoid_patterns=[a.pattern for a in rule.avoid if isinstance(a, ast.Regex)],
                prefer=rule.prefer.value if rule.prefer else "",
                severity="error" if rule.severity is not None and rule.severity.value == "error" else "warning",
                location=location(rule.span)))
        scorers = []
        for n, (_, decl) in sorted(lib.scorers.items()):
            weights = self.model.weights_of(n)
            assert isinstance(weights, Weights), "a scorer whose weights file has a problem is reported (T1118)"
            trained = weights.trained_on
            scorers.append(b.Scorer(name=n, about=decl.about.value if decl.about else "", label=weights.label,
                                    trained_on=None if trained is None else b.TrainedOn(digest=trained[0], rows=trained[1]),
                                    bias=weights.bias, weights=weights.weights, location=location(decl.span)))
        if scorers:  # the weights files are sources too: a new file is a new revision
            h = hashlib.sha256(revision.encode())
            for x in scorers:
                h.update(json.dumps([x.name, x.bias, x.weights], sort_keys=True).encode())
            revision = "sha256:" + h.hexdigest()
        frameworks = self.frameworks()
        return b.Bundle(revision=revision, fields=fields, features=list(FEATURES), teams=teams, channels=channels,
                        signals=signals, phrases=phrases, style=style, scorers=scorers, policies=self.policies(),
                        frameworks=frameworks)

    def policies(self) -> list[b.Policy]:
        model = self.model
        out = []
        for module, p in sorted(self.decls.policies, key=lambda mp: mp[1].name.value):
            guards, escalations = [], []
            for item in p.items:
                name = entry_name(item.when, item.alias)
                if name is None:
                    continue
                if isinstance(item, ast.Guard):
                    guards.append(self.policy_guard(name, item, p.name.value))
                else:
                    escalations.append(self.policy_escalation(name, item, p.name.value))
            out.append(b.Policy(name=p.name.value, module=module, about=p.about.value if p.about else "",
                                guards=guards, escalations=escalations, location=location(p.span)))
        return out

    def _shared(self, item, name: str, policy: str, make):
        """A policy entry lowered once and shared by every framework that inherits it (models are immutable)."""
        key = (id(item), name, policy)
        out = self._inherited.get(key)
        if out is None:
            out = self._inherited[key] = make()
        return out

    def policy_guard(self, name: str, g: ast.Guard, policy: str) -> b.Guard:
        return self._shared(g, name, policy, lambda: self.guard(name, g, policy))

    def policy_escalation(self, name: str, e: ast.Escalate, policy: str) -> b.Escalation:
        return self._shared(e, name, policy, lambda: self.escalation(name, e, {}, policy))

    def guard(self, name: str, g: ast.Guard, policy: str | None) -> b.Guard:
        when, source = self.when(g.when)
        return b.Guard(name=name, when=when, condition_source=source, reason=g.reason.value, policy=policy,
                       location=location(g.span))

    def escalation(self, name: str, e: ast.Escalate, slots, policy: str | None) -> b.Escalation:
        when, source = self.when(e.when)
        return b.Escalation(name=name, team=e.team.value, when=when, condition_source=source,
                            handoff=self.text(e.handoff, slots) if e.handoff else None, policy=policy,
                            location=location(e.span))

    # ---- frameworks ----------------------------------------------------------------------------
    def framework(self, module: str, fw: ast.FrameworkDecl) -> b.Framework:
        model = self.model
        slots = model.slots_of(fw)
        slot_models = []
        for s in slots.values():
            t = slot_type(s)
            slot_models.append(made(b.Slot,
                name=s.name.value, type=t.name.value if t else "text", values=[v.value for v in t.values] if t else [],
                required=slot_flag(s, "required"), private=slot_flag(s, "private"),
                pattern=s.patterns[0].pattern if s.patterns else None,
                example=s.examples[0].value if s.examples else None,
                about=s.abouts[0].value if s.abouts else "", location=location(s.span)))
        eff = effective(self.decls, fw, model.cond_source)
        escalations = [self.escalation(n, e, slots, None) if policy is None else self.policy_escalation(n, e, policy)
                       for n, e, policy in eff.escalations]
        guards = [self.guard(n, g, None) if policy is None else self.policy_guard(n, g, policy)
                  for n, g, policy in eff.guards]
        replies, reply_ids = self.replies(fw, slots)
        about = fw.of(ast.About)
        owner = fw.of(ast.Owner)
        tags = fw.of(ast.Tags)
        lowered = b.Framework(
            intent=fw.intent.value, title=fw.title.value, module=module,
            owner=owner[0].team.value if owner else None,
            tags=[t.value for t in tags[0].names] if tags else [],
            about=about[0].text.value if about else "",
            serves=list(served(fw)), slots=slot_models, escalations=escalations, guards=guards,
            opt_outs=[b.OptOut(name=e.name.value, reason=e.reason.value, location=location(e.span)) for e in fw.of(ast.Except)],
            replies=replies,
            examples=[self.example(ex, fw, reply_ids) for ex in fw.of(ast.Example)],
            hash="", location=location(fw.span))
        return lowered.model_copy(update={"hash": "sha256:" + self.digest(lowered)})

    def digest(self, fw: b.Framework) -> str:
        """sha256 of the framework's canonical JSON without its hash (`fw.model_dump_json(exclude=
        {"hash"})`), fed in pieces: the fields before its escalations, each escalation and guard
        (a policy's, which many frameworks share, serialised once), the fields after them."""
        digest = hashlib.sha256(fw.model_dump_json(include=_HEAD).encode("utf-8")[:-1])
        for key in ("escalations", "guards"):
            digest.update(f',"{key}":['.encode())
            digest.update(b",".join(map(self.entry_json, getattr(fw, key))))
            digest.update(b"]")
        digest.update(b"," + fw.model_dump_json(include=_TAIL).encode("utf-8")[1:])
        return digest.hexdigest()

    def entry_json(self, entry: b.Guard | b.Escalation) -> bytes:
        if entry.policy is None:
            return entry.model_dump_json().encode("utf-8")
        key = id(entry)
        text = self._entry_json.get(key)
        if text is None:  # the entry lives as long as the Lowerer (in _inherited), so its id is its own
            text = self._entry_json[key] = entry.model_dump_json().encode("utf-8")
        return text

    def replies(self, fw: ast.FrameworkDecl, slots) -> tuple[list[b.Reply], dict[int, str]]:
        out: list[b.Reply] = []
        ids: dict[int, str] = {}
        used: set[str] = set()
        counters = {v: 0 for v in VISIBILITIES}
        for r in fw.of(ast.Reply):
            vis = r.visibility.value
            if r.when is None:
                rid = f"{vis}.default"
            elif isinstance(r.when, ast.NameCond):
                rid = f"{vis}.{r.when.name.value}"
            else:
                counters[vis] += 1
                rid = f"{vis}.{counters[vis]}"
            while rid in used:
                counters[vis] += 1
                rid = f"{vis}.{counters[vis]}"
            used.add(rid)
            ids[id(r)] = rid
            moves = [made(b.Move, kind=mv.kind.value, text=self.text(mv.text, slots) if mv.text is not None else None,
                            pick=mv.pick.value if mv.pick is not None else None, location=location(mv.span))
                     for mv in r.moves]
            template = " ".join(m.text.template if m.text is not None else f"{{{{ picks.{m.kind} }}}}" for m in moves)
            when, source = self.when(r.when) if r.when is not None else (None, None)
            out.append(made(b.Reply, id=rid, visibility=vis, when=when, condition_source=source,
                               moves=moves, template=template, location=location(r.span)))
        return out, ids

    def example(self, ex: ast.Example, fw: ast.FrameworkDecl, reply_ids: dict[int, str]) -> b.Example:
        message = next(i for i in ex.items if isinstance(i, ast.ExMessage)).text.value
        ch = next(i for i in ex.items if isinstance(i, ast.ExChannel))
        visibility = ch.visibility.value if ch.visibility else self.decls.channels[ch.name.value].visibilities[0].value
        context: dict[str, str | float | bool] = {}
        slots: dict[str, str] = {}
        expect: list[b.Expectation] = []
        replies = fw.of(ast.Reply)
        for item in ex.items:
            match item:
                case ast.ExContext(pairs=pairs):
                    for p in pairs:
                        v = p.value
                        t = self.decls.field_type(p.key.value)
                        value = (v.value == "true") if t == "bool" else v.value
                        if isinstance(value, float) and value.is_integer():
                            value = int(value)  # `contact_count 3` stays 3, not 3.0
                        context[p.key.value] = value
                case ast.ExSlots(pairs=pairs):
                    for p in pairs:
                        slots[p.key.value] = value_text(p.value)
                case ast.Expect(kind=kind):
                    name: str | None = item.name.value if item.name is not None else None
                    if kind == "reply" and item.when is not None:
                        name = next(reply_ids[id(r)] for r in replies
                                    if r.visibility.value == name and r.when == item.when)
                    elif kind in ("text_contains", "text_lacks"):
                        name = item.text.value
                    expect.append(made(b.Expectation, kind=kind, name=name, location=location(item.span)))
                case _:
                    pass
        return made(b.Example, name=ex.name.value, message=message, channel=ch.name.value, visibility=visibility,
                         context=context, slots=slots, expect=expect, location=location(ex.span))


def lower(model: Model, revision: str) -> b.Bundle:
    """The Bundle of a program that checked without errors."""
    return Lowerer(model).bundle(revision)
