"""Names: what every module declares, what each file can see, and close-match suggestions.

Teams, channels and fields are global. Signals and phrase banks are visible in their own module and
in modules that `use` it. Style rules and policies apply library-wide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tactful.syntax import ast

FEATURES = ("caps_ratio", "letter_count", "word_count", "length", "exclamation_count", "question_count",
            "max_repeated_punctuation")
VISIBILITIES = ("public", "private")


def suggest(name: str, candidates) -> str | None:
    import difflib

    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.7)
    return found[0] if found else None


def did_you_mean(name: str, candidates) -> str:
    s = suggest(name, candidates)
    return f"did you mean `{s}`?" if s else ""


@dataclass
class PolicyEntry:
    name: str | None
    policy: ast.PolicyDecl
    item: ast.Guard | ast.Escalate
    module: str


@dataclass
class Library:
    """Every declaration of the program, by kind and name (first declaration wins)."""

    teams: dict[str, ast.TeamDecl] = field(default_factory=dict)
    channels: dict[str, ast.ChannelDecl] = field(default_factory=dict)
    fields: dict[str, ast.FieldDecl] = field(default_factory=dict)
    signals: dict[str, tuple[str, ast.SignalDecl]] = field(default_factory=dict)  # name → (module, decl)
    banks: dict[str, tuple[str, ast.PhraseBank]] = field(default_factory=dict)
    styles: dict[str, tuple[str, ast.StyleDecl]] = field(default_factory=dict)
    policies: list[tuple[str, ast.PolicyDecl]] = field(default_factory=list)
    policy_guards: dict[str, PolicyEntry] = field(default_factory=dict)
    policy_escalations: dict[str, PolicyEntry] = field(default_factory=dict)
    frameworks: dict[str, tuple[str, ast.FrameworkDecl]] = field(default_factory=dict)  # intent → (module, decl)
    uses: dict[str, list[str]] = field(default_factory=dict)  # module → modules it uses (known ones)

    def field_type(self, name: str) -> str | None:
        if name in FEATURES:
            return "number"
        f = self.fields.get(name)
        return f.type.name.value if f else None

    def visible(self, module: str, kind: str) -> dict[str, tuple[str, object]]:
        table = self.signals if kind == "signal" else self.banks
        mods = {module, *self.uses.get(module, ())}
        return {n: v for n, v in table.items() if v[0] in mods}


def entry_name(cond: ast.Cond, alias: ast.Name | None) -> str | None:
    """A guard's or escalation's name: its `as` name, else its signal when the condition is one name."""
    if alias is not None:
        return alias.value
    if isinstance(cond, ast.NameCond):
        return cond.name.value
    return None


def build_library(program) -> Library:
    """Collect every declaration of the program (first declaration of a name wins)."""
    lib = Library()
    for name, module in program.modules.items():
        lib.uses[name] = [e.module.value for e in module.entries
                          if isinstance(e, ast.Use) and e.module.value in program.modules]
        for e in module.entries:
            match e:
                case ast.TeamDecl():
                    lib.teams.setdefault(e.name.value, e)
                case ast.ChannelDecl():
                    lib.channels.setdefault(e.name.value, e)
                case ast.FieldDecl():
                    lib.fields.setdefault(e.name.value, e)
                case ast.SignalDecl():
                    lib.signals.setdefault(e.name.value, (name, e))
                case ast.PhraseBank():
                    lib.banks.setdefault(e.name.value, (name, e))
                case ast.StyleDecl():
                    lib.styles.setdefault(e.name.value, (name, e))
                case ast.PolicyDecl():
                    lib.policies.append((name, e))
                    for item in e.items:
                        entry = PolicyEntry(entry_name(item.when, item.alias), e, item, name)
                        table = lib.policy_guards if isinstance(item, ast.Guard) else lib.policy_escalations
                        if entry.name is not None:
                            table.setdefault(entry.name, entry)
                case ast.FrameworkDecl():
                    lib.frameworks.setdefault(e.intent.value, (name, e))
                case _:
                    pass
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


def effective(lib: Library, fw: ast.FrameworkDecl, cond_source) -> Effective:
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
