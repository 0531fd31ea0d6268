"""The AST: what was written, as frozen dataclasses.

Every node carries a Span; equality ignores it, so tests compare structure while snapshots keep
positions. Nodes hold no check logic (checks live in semantics/checks/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from tactful.source import NO_SPAN, Span


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Name:
    value: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Comment:
    text: str  # including the leading '#'
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Junk:
    """Source that could not be parsed; its diagnostic was already reported."""

    text: str
    span: Span = _span()


# --- texts --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextLiteral:
    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TextSlot:
    name: Name
    fallback: str | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TextOptional:
    parts: tuple[TextLiteral | TextSlot, ...]
    span: Span = _span()


TextPart = Union[TextLiteral, TextSlot, TextOptional]


@dataclass(frozen=True, slots=True)
class Text:
    value: str  # unescaped and un-indented, as the reader sees it
    parts: tuple[TextPart, ...]
    span: Span = _span()

    def slots(self) -> list[TextSlot]:
        out: list[TextSlot] = []
        for p in self.parts:
            if isinstance(p, TextSlot):
                out.append(p)
            elif isinstance(p, TextOptional):
                out.extend(q for q in p.parts if isinstance(q, TextSlot))
        return out


@dataclass(frozen=True, slots=True)
class Regex:
    pattern: str
    span: Span = _span()


# --- conditions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple["Cond", ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class And:
    items: tuple["Cond", ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Not:
    item: "Cond"
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class NameCond:
    """A bare name: a signal or a bool field."""

    name: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Mentions:
    field: Name
    phrases: tuple[Text, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Matches:
    field: Name
    regex: Regex
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Compare:
    field: Name
    op: str
    value: float
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Is:
    field: Name
    value: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class In:
    field: Name
    values: tuple[Name, ...]
    span: Span = _span()


Cond = Union[Or, And, Not, NameCond, Mentions, Matches, Compare, Is, In]


# --- library declarations -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Use:
    module: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TeamDecl:
    name: Name
    title: Text | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ChannelDecl:
    name: Name
    visibilities: tuple[Name, ...]
    title: Text | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TypeRef:
    name: Name  # text, money, …, or enum
    values: tuple[Name, ...] = ()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class FieldDecl:
    name: Name
    type: TypeRef
    about: Text | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SignalDecl:
    name: Name
    about: Text | None
    when: tuple[Cond, ...]  # exactly one expected; more or none is a check
    fires: tuple[Text, ...]
    quiet: tuple[Text, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PhraseBank:
    name: Name
    about: Text | None
    phrases: tuple[Text, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class StyleDecl:
    name: Name
    about: Text | None
    avoid: tuple[Text | Regex, ...]
    prefer: Text | None
    severity: Name | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Guard:
    when: Cond
    alias: Name | None
    reason: Text
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Escalate:
    team: Name
    when: Cond
    alias: Name | None
    handoff: Text | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PolicyDecl:
    name: Name
    about: Text | None
    items: tuple[Guard | Escalate, ...]
    span: Span = _span()


# --- frameworks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Owner:
    team: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Tags:
    names: tuple[Name, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Serves:
    visibilities: tuple[Name, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class About:
    text: Text
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Slot:
    name: Name
    flags: tuple[Name | TypeRef, ...]  # a type, `required`, `private`
    patterns: tuple[Regex, ...] = ()
    examples: tuple[Text, ...] = ()
    abouts: tuple[Text, ...] = ()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Except:
    name: Name
    reason: Text
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Move:
    kind: Name
    text: Text | None = None
    pick: Name | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Reply:
    visibility: Name
    when: Cond | None
    moves: tuple[Move, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Value:
    kind: str  # "text" | "number" | "name"
    value: str | float
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Pair:
    key: Name
    value: Value
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ExMessage:
    text: Text
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ExChannel:
    name: Name
    visibility: Name | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ExContext:
    pairs: tuple[Pair, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ExSlots:
    pairs: tuple[Pair, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Expect:
    kind: str  # guard | no_guard | escalate | no_escalate | reply | text_contains | text_lacks | send | hold
    name: Name | None = None
    when: Cond | None = None
    text: Text | None = None
    span: Span = _span()


ExampleItem = Union[ExMessage, ExChannel, ExContext, ExSlots, Expect]


@dataclass(frozen=True, slots=True)
class Example:
    name: Text
    items: tuple[ExampleItem, ...]
    span: Span = _span()


Member = Union[Owner, Tags, Serves, About, Slot, Escalate, Guard, Except, Reply, Example, Junk]


@dataclass(frozen=True, slots=True)
class FrameworkDecl:
    intent: Name
    title: Text
    members: tuple[Member, ...]
    stub: bool = False  # only the head was read (another process checks the body): see semantics/pipeline.py
    span: Span = _span()

    @property
    def has_junk(self) -> bool:
        return any(isinstance(m, Junk) for m in self.members)

    def of(self, kind: type) -> list:
        return [m for m in self.members if isinstance(m, kind)]


Entry = Union[Use, TeamDecl, ChannelDecl, FieldDecl, SignalDecl, PhraseBank, StyleDecl, PolicyDecl, FrameworkDecl, Junk]


@dataclass(frozen=True, slots=True)
class Module:
    """One parsed file."""

    name: str  # dotted module name
    path: str  # project-relative path
    entries: tuple[Entry, ...]
    comments: tuple[Comment, ...] = ()
    partial: bool = False  # declarations and framework heads only (see FrameworkDecl.stub)
    span: Span = _span()
