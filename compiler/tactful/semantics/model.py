"""What a program means: its declarations, what each file can see, and the questions checks and
lowering both ask (a slot's type and flags, a framework's effective guards, the visibilities it
serves, whether a value fits a slot).

Checks and lowering read this module; neither imports the other. Teams, channels and fields are
global. Signals and phrase banks are visible in their own module and in modules that `use` it.
Style rules and policies apply library-wide.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from tactful.runtime.features import FEATURES
from tactful.runtime.types import SLOT_TYPES, close_matches, compile_re2, re2_reason
from tactful.semantics.loader import Program
from tactful.semantics.scorers import Weights, WeightsProblem, read_weights, weights_path
from tactful.syntax import ast

VISIBILITIES = ("public", "private")


def did_you_mean(name: str, candidates) -> str:
    """The `help` text proposing the one closest declared name, or "" when none is close."""
    found = close_matches(name, candidates, n=1, cutoff=0.7)
    return f"did you mean `{found[0]}`?" if found else ""


def field_hint(name: str, fields) -> str:
    """For an unknown context field: a did-you-mean, then the fields there are (the callers pass
    them with the message; stdlib declares them, a project may add more with `field`)."""
    listed = "context fields: " + ", ".join(f"`{f}`" for f in sorted(fields))
    guess = did_you_mean(name, fields)
    return f"{guess} ({listed})" if guess else listed + "; declare a new one with `field <name> <type>`"


@dataclass
class PolicyEntry:
    name: str | None
    policy: ast.PolicyDecl
    item: ast.Guard | ast.Escalate
    module: str


@dataclass
class Declarations:
    """Every declaration of the program, by kind and name (first declaration wins)."""

    teams: dict[str, ast.TeamDecl] = field(default_factory=dict)
    channels: dict[str, ast.ChannelDecl] = field(default_factory=dict)
    fields: dict[str, ast.FieldDecl] = field(default_factory=dict)
    signals: dict[str, tuple[str, ast.SignalDecl]] = field(default_factory=dict)  # name → (module, decl)
    banks: dict[str, tuple[str, ast.PhraseBank]] = field(default_factory=dict)
    styles: dict[str, tuple[str, ast.StyleDecl]] = field(default_factory=dict)
    scorers: dict[str, tuple[str, ast.ScorerDecl]] = field(default_factory=dict)  # global, like teams
    policies: list[tuple[str, ast.PolicyDecl]] = field(default_factory=list)
    policy_guards: dict[str, PolicyEntry] = field(default_factory=dict)
    policy_escalations: dict[str, PolicyEntry] = field(default_factory=dict)
    frameworks: dict[str, tuple[str, ast.FrameworkDecl]] = field(default_factory=dict)  # intent → (module, decl)
    uses: dict[str, list[str]] = field(default_factory=dict)  # module → modules it uses (known ones)
    _visible: dict = field(default_factory=dict, repr=False)  # visible()'s answers and what it made them from

    def field_type(self, name: str) -> str | None:
        if name in FEATURES:
            return "number"
        f = self.fields.get(name)
        return f.type.name.value if f else None

    def visible(self, module: str, kind: str) -> dict[str, tuple[str, object]]:
        """The signals or phrase banks (kind "signal" or "bank") module can name: {name: (module,
        declaration)}. Made once per module and kind (the declarations do not change); not to be changed."""
        found = self._visible.get((module, kind))
        if found is None:
            # Most modules see the same declaring modules (the stdlib's): one table per such set.
            table = self.signals if kind == "signal" else self.banks
            declaring = self._visible.get(kind)
            if declaring is None:
                declaring = self._visible[kind] = {v[0] for v in table.values()}
            mods = frozenset(m for m in (module, *self.uses.get(module, ())) if m in declaring)
            found = self._visible.get((mods, kind))
            if found is None:
                found = self._visible[(mods, kind)] = {n: v for n, v in table.items() if v[0] in mods}
            self._visible[(module, kind)] = found
        return found


def atoms(cond: ast.Cond) -> Iterator[ast.Cond]:
    match cond:
        case ast.Or(items=items) | ast.And(items=items) | ast.AtLeast(items=items):
            for c in items:
                yield from atoms(c)
        case ast.Not(item=item):
            yield from atoms(item)
        case _:
            yield cond


def conditions(entry) -> Iterator[ast.Cond]:
    """Every top-level condition written in an entry (a policy, signal or framework)."""
    match entry:
        case ast.SignalDecl():
            yield from entry.when
        case ast.PolicyDecl():
            for item in entry.items:
                yield item.when
        case ast.FrameworkDecl():  # the members by their exact class: a framework has many
            for m in entry.members:
                kind = type(m)
                if kind is ast.Guard or kind is ast.Escalate:
                    yield m.when
                elif kind is ast.Reply:
                    if m.when is not None:
                        yield m.when
                elif kind is ast.Example:
                    for it in m.items:
                        if type(it) is ast.Expect and it.when is not None:
                            yield it.when
        case _:
            return


def entry_name(cond: ast.Cond, alias: ast.Name | None) -> str | None:
    """A guard's or escalation's name: its `as` name, else its signal when the condition is one name."""
    if alias is not None:
        return alias.value
    if isinstance(cond, ast.NameCond):
        return cond.name.value
    return None


def declarations(program: Program) -> Declarations:
    """The program's declarations, from every module's summary (first declaration of a name wins)."""
    lib = Declarations()
    for summary in program.summaries.values():
        name = summary.module
        lib.uses[name] = [u for u in summary.uses if u in program.modules]
        for kind, key, e in summary.declared:
            match kind:
                case "team":
                    lib.teams.setdefault(key, e)
                case "channel":
                    lib.channels.setdefault(key, e)
                case "field":
                    lib.fields.setdefault(key, e)
                case "signal":
                    lib.signals.setdefault(key, (name, e))
                case "bank":
                    lib.banks.setdefault(key, (name, e))
                case "style":
                    lib.styles.setdefault(key, (name, e))
                case "scorer":
                    lib.scorers.setdefault(key, (name, e))
                case "policy":
                    lib.policies.append((name, e))
                    for item in e.items:
                        entry = PolicyEntry(entry_name(item.when, item.alias), e, item, name)
                        table = lib.policy_guards if isinstance(item, ast.Guard) else lib.policy_escalations
                        if entry.name is not None:
                            table.setdefault(entry.name, entry)
                case "framework":
                    lib.frameworks.setdefault(key, (name, e))
    return lib


def framework_entry_name(m: ast.Guard | ast.Escalate, cond_source) -> str:
    """A framework's own guard or escalation always has a name: its `as` name or signal, else the
    condition as written (a guard) or the team (an escalation)."""
    return entry_name(m.when, m.alias) or (cond_source(m.when) if isinstance(m, ast.Guard) else m.team.value)


@dataclass
class Effective:
    """A framework's guards or escalations after the policy: (name, node, policy name or None)."""

    guards: list[tuple[str, ast.Guard, str | None]]
    escalations: list[tuple[str, ast.Escalate, str | None]]


def effective(lib: Declarations, fw: ast.FrameworkDecl, cond_source) -> Effective:
    """The framework's own entries first, then each policy entry it neither opts out of nor redefines."""
    opted = {e.name.value for e in fw.of(ast.Except)}
    guards: list = []
    escalations: list = []
    for m in fw.members:
        if isinstance(m, ast.Guard):
            guards.append((framework_entry_name(m, cond_source), m, None))
        elif isinstance(m, ast.Escalate):
            escalations.append((framework_entry_name(m, cond_source), m, None))
    own_g = {n for n, _, _ in guards}
    own_e = {n for n, _, _ in escalations}
    for name, entry in sorted(lib.policy_guards.items()):
        if name not in opted and name not in own_g:
            guards.append((name, entry.item, entry.policy.name.value))
    for name, entry in sorted(lib.policy_escalations.items()):
        if name not in opted and name not in own_e:
            escalations.append((name, entry.item, entry.policy.name.value))
    return Effective(guards, escalations)



@dataclass
class Model:
    """The program and its declarations, with the walks every check and lowering need."""

    program: Program
    decls: Declarations
    # (module, entry) pairs by entry class, in program order: made on first use, since every check
    # asks for the frameworks and some for the policies, banks …
    _by_kind: dict[type, list] | None = field(default=None, init=False, repr=False)
    # slots_of's answers by framework id (the frameworks live as long as the model)
    _slots: dict[int, dict] = field(default_factory=dict, init=False, repr=False)
    # of's tables: each framework's members by class, by framework id
    _members: dict[int, dict[type, list]] = field(default_factory=dict, init=False, repr=False)
    # conditions' answers by entry id
    _conditions: dict[int, list] = field(default_factory=dict, init=False, repr=False)
    # each scorer's weights file, read once: by scorer name
    _weights: dict[str, Weights | WeightsProblem] = field(default_factory=dict, init=False, repr=False)

    def weights_of(self, name: str) -> Weights | WeightsProblem | None:
        """The weights of a declared scorer (read on first use), what is wrong with its file, or None
        for a name no scorer has."""
        found = self._weights.get(name)
        if found is None:
            declared = self.decls.scorers.get(name)
            if declared is None:
                return None
            found = self._weights[name] = read_weights(weights_path(self.program.root, declared[1]))
        return found

    def frameworks(self) -> Iterator[tuple[str, ast.FrameworkDecl]]:
        """Every framework of the program, stdlib's included, as (module, framework)."""
        return self.entries(ast.FrameworkDecl)

    def entries(self, kind: type) -> Iterator[tuple[str, object]]:
        by_kind = self._by_kind
        if by_kind is None:
            by_kind = self._by_kind = {}
            for name, module in self.program.modules.items():
                for e in module.entries:
                    by_kind.setdefault(type(e), []).append((name, e))
        return iter(by_kind.get(kind, ()))

    def text_of(self, span) -> str:
        src = self.program.sources.get(span.file)
        return src.text[span.start:span.end] if src else ""

    def cond_source(self, cond: ast.Cond) -> str:
        src = cond.src  # the text the condition was parsed from: no line table needed
        return " ".join(src.text[cond.start:cond.end].split()) if src is not None else ""

    def slots_of(self, fw: ast.FrameworkDecl) -> dict[str, ast.Slot]:
        """A framework's slots by name (the first of a name); made once per framework, not to be changed."""
        out = self._slots.get(id(fw))
        if out is None:
            out = self._slots[id(fw)] = {}
            for s in self.of(fw, ast.Slot):
                out.setdefault(s.name.value, s)
        return out

    def conditions(self, entry) -> list[tuple[ast.Cond, tuple[ast.Cond, ...]]]:
        """Every top-level condition written in entry (see conditions()), each with its atoms, made
        once per entry (several checks walk them); not to be changed."""
        out = self._conditions.get(id(entry))
        if out is None:
            out = self._conditions[id(entry)] = [(c, tuple(atoms(c))) for c in conditions(entry)]
        return out

    def of(self, fw: ast.FrameworkDecl, kind: type) -> list:
        """fw.of(kind), from one pass over the framework's members made on first use (the checks ask
        each framework for its members of one kind or another a dozen times); not to be changed."""
        by_kind = self._members.get(id(fw))
        if by_kind is None:
            by_kind = self._members[id(fw)] = {}
            for m in fw.members:
                by_kind.setdefault(m.__class__, []).append(m)
        return by_kind.get(kind, [])


def slot_type(slot: ast.Slot) -> ast.TypeRef | None:
    for f in slot.flags:
        if isinstance(f, ast.TypeRef):
            return f
        if f.value not in ("required", "private"):
            return ast.TypeRef(f, src=f.src, start=f.start, end=f.end)
    return None


def slot_flag(slot: ast.Slot, flag: str) -> bool:
    return any(isinstance(f, ast.Name) and f.value == flag for f in slot.flags)


_JUNK_SLOT = re.compile(r"^\s*slot\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)


def junk_slot_names(fw: ast.FrameworkDecl) -> set[str]:
    """Slots whose declaration did not parse: uses of them are not reported again as undeclared."""
    return {m.group(1) for j in fw.of(ast.Junk) for m in _JUNK_SLOT.finditer(j.text)}


def value_text(v: ast.Value) -> str:
    """An example's slot value as the runtime receives it: `3` stays "3", not "3.0"."""
    if v.kind == "number":
        f = float(v.value)
        return str(int(f)) if f.is_integer() else str(f)
    return str(v.value)


# ---- slots, values and regexes -------------------------------------------------------------------

RESERVED = {"and", "or", "not", "in", "is", "if", "else", "elif", "for", "true", "false", "none", "True", "False",
            "None", "picks", "loop", "self", "with", "recursive", "block", "endif", "endfor", "raw", "import",
            "from", "as", "set", "macro", "call", "filter", "extends", "include"}


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


@lru_cache(maxsize=4096)
def regex_problem(pattern: str) -> str | None:
    """Why RE2 rejects a pattern, or None: each distinct pattern is compiled once (libraries repeat
    their case-number patterns)."""
    import re2

    try:
        compile_re2(pattern)
    except re2.error as e:
        return re2_reason(e)
    return None


# ---- replies ---------------------------------------------------------------------------------------

MOVE_ORDER = ("acknowledge", "ask", "restate", "next", "close")


def served(fw: ast.FrameworkDecl) -> tuple[str, ...]:
    s = fw.of(ast.Serves)
    return tuple(dict.fromkeys(v.value for v in s[0].visibilities)) if s else VISIBILITIES


def framework_texts(fw: ast.FrameworkDecl) -> Iterator[tuple[ast.Text, str | None]]:
    """(text, visibility) for every reply move text and handoff of a framework."""
    for m in fw.members:
        if isinstance(m, ast.Reply):
            for mv in m.moves:
                if mv.text is not None:
                    yield mv.text, m.visibility.value
        elif isinstance(m, ast.Escalate) and m.handoff is not None:
            yield m.handoff, None
