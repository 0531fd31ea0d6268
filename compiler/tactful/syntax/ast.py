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
    """An identifier as written; also a dotted module or intent name (`billing.refund`)."""

    value: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Comment:
    """A `#` comment, kept so that a formatter can put it back."""

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
    """Plain words of a text, escapes resolved."""

    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TextSlot:
    """`{slot}` or `{slot or 'fallback'}` inside a text."""

    name: Name
    fallback: str | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TextOptional:
    """`[ … ]`: a segment that vanishes when a slot inside it has no value."""

    parts: tuple[TextLiteral | TextSlot, ...]
    span: Span = _span()


TextPart = Union[TextLiteral, TextSlot, TextOptional]


@dataclass(frozen=True, slots=True)
class Text:
    """A quoted text, parsed into literal parts, slots and optional segments."""

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
    """A `/pattern/` (RE2 syntax), slashes removed and `\\/` unescaped."""

    pattern: str
    span: Span = _span()


# --- conditions ---------------------------------------------------------------------------------

MAX_CONDITION_DEPTH = 32
"""How deep `not`, `and` and `or` may nest in one condition, counting the conditions of the signals
it names (T1407). The builder never makes a condition tree deeper than one level more, so no later
stage's recursion over a condition can reach Python's stack limit."""


@dataclass(frozen=True, slots=True)
class Or:
    """`a or b or …`"""

    items: tuple["Cond", ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class And:
    """`a and b and …`"""

    items: tuple["Cond", ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Not:
    """`not a`"""

    item: "Cond"
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class NameCond:
    """A bare name: a signal or a bool field."""

    name: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Mentions:
    """`field mentions "phrase", …`: whole words, case-insensitive.

    `forms of "sue"` (forms=True) also matches the word's inflections; `… near "b" within 8 words`
    asks for a phrase of `near` at most `within` words away; `field says …` (asserted=True) ignores
    a phrase that is negated or reported ("I'm not going to sue", "my lawyer friend says").
    """

    field: Name
    phrases: tuple[Text, ...]
    span: Span = _span()
    forms: bool = False
    near: tuple[Text, ...] = ()
    near_forms: bool = False
    within: int | None = None
    asserted: bool = False


@dataclass(frozen=True, slots=True)
class HasEmoji:
    """`field has emoji "🙃", "🤡"`: any of the emoji, with any skin tone or presentation."""

    field: Name
    emoji: tuple[Text, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Matches:
    """`field matches /regex/`"""

    field: Name
    regex: Regex
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Compare:
    """`field < 3`: a number field or message feature against a number."""

    field: Name
    op: str
    value: float
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Is:
    """`field is value`: an enum field, the channel or the visibility."""

    field: Name
    value: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class In:
    """`field in (a, b)`"""

    field: Name
    values: tuple[Name, ...]
    span: Span = _span()


Cond = Union[Or, And, Not, NameCond, Mentions, HasEmoji, Matches, Compare, Is, In]


# --- library declarations -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Use:
    """`use module`: makes that module's declarations usable in this file."""

    module: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TeamDecl:
    """`team name "title"`: who a case can be escalated to or owned by."""

    name: Name
    title: Text | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ChannelDecl:
    """`channel name public, private "title"`: where customers write, and how visibly."""

    name: Name
    visibilities: tuple[Name, ...]
    title: Text | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TypeRef:
    """A slot or field type: a type name, or `enum(a, b, …)`."""

    name: Name  # text, money, …, or enum
    values: tuple[Name, ...] = ()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class FieldDecl:
    """`field name type`: a context value a conversation carries (contact count, tier …)."""

    name: Name
    type: TypeRef
    about: Text | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SignalDecl:
    """`signal name`: a named condition, with messages it must fire on and stay quiet on."""

    name: Name
    about: Text | None
    when: tuple[Cond, ...]  # exactly one expected; more or none is a check
    fires: tuple[Text, ...]
    quiet: tuple[Text, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PhraseBank:
    """`phrases name`: interchangeable wordings a reply can `pick` from."""

    name: Name
    about: Text | None
    phrases: tuple[Text, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class StyleDecl:
    """`style name`: phrases house style avoids, and what to prefer."""

    name: Name
    about: Text | None
    avoid: tuple[Text | Regex, ...]
    prefer: Text | None
    severity: Name | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Guard:
    """`guard <cond> [as name] "reason"`: when it holds, the draft is not sent as written."""

    when: Cond
    alias: Name | None
    reason: Text
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Escalate:
    """`escalate team when <cond> [as name]`, with its handoff note."""

    team: Name
    when: Cond
    alias: Name | None
    handoff: Text | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PolicyDecl:
    """`policy name`: guards and escalations that apply to every framework."""

    name: Name
    about: Text | None
    items: tuple[Guard | Escalate, ...]
    span: Span = _span()


# --- frameworks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Owner:
    """`owner team`"""

    team: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Tags:
    """`tags a, b`"""

    names: tuple[Name, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Serves:
    """`serves public, private`: the visibilities the framework answers in."""

    visibilities: tuple[Name, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class About:
    """`about "…"`: what the framework is for, for readers and the docs."""

    text: Text
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Slot:
    """`slot name [type] [required] [private]`, with its patterns, examples and notes."""

    name: Name
    flags: tuple[Name | TypeRef, ...]  # a type, `required`, `private`
    patterns: tuple[Regex, ...] = ()
    examples: tuple[Text, ...] = ()
    abouts: tuple[Text, ...] = ()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Except:
    """`except name "reason"`: opting out of one policy guard or escalation."""

    name: Name
    reason: Text
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Move:
    """One move of a reply: `acknowledge`, `ask`, `restate`, `next` or `close`, with a text or `pick bank`."""

    kind: Name
    text: Text | None = None
    pick: Name | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Reply:
    """`reply public|private [when <cond>]` and its moves."""

    visibility: Name
    when: Cond | None
    moves: tuple[Move, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Value:
    """A value in an example: a text, a number or a name."""

    kind: str  # "text" | "number" | "name"
    value: str | float
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Pair:
    """`key value` in an example's `slots` or `context` line."""

    key: Name
    value: Value
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ExMessage:
    """`message "…"` in an example: the customer's words."""

    text: Text
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ExChannel:
    """`channel name [public|private]` in an example."""

    name: Name
    visibility: Name | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ExContext:
    """`context key value, …` in an example."""

    pairs: tuple[Pair, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ExSlots:
    """`slots key value, …` in an example."""

    pairs: tuple[Pair, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Expect:
    """`expect …` in an example: what the draft must show."""

    kind: str  # guard | no_guard | escalate | no_escalate | reply | text_contains | text_lacks | send | hold
    name: Name | None = None
    when: Cond | None = None
    text: Text | None = None
    span: Span = _span()


ExampleItem = Union[ExMessage, ExChannel, ExContext, ExSlots, Expect]


@dataclass(frozen=True, slots=True)
class Example:
    """`example "name"`: a conversation the framework must handle as expected."""

    name: Text
    items: tuple[ExampleItem, ...]
    span: Span = _span()


Member = Union[Owner, Tags, Serves, About, Slot, Escalate, Guard, Except, Reply, Example, Junk]


@dataclass(frozen=True, slots=True)
class FrameworkDecl:
    """`framework intent "title"` and its members."""

    intent: Name
    title: Text
    members: tuple[Member, ...]
    span: Span = _span()
    # members by node class, made on first use: the checks ask every framework for its slots,
    # replies, examples … about twenty times in all
    _by_kind: dict | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def has_junk(self) -> bool:
        return any(isinstance(m, Junk) for m in self.members)

    def of(self, kind: type) -> list:
        """The members that are kind nodes, in order (a new list)."""
        by_kind = self._by_kind
        if by_kind is None:
            by_kind = {}
            for m in self.members:
                by_kind.setdefault(type(m), []).append(m)
            object.__setattr__(self, "_by_kind", by_kind)
        return list(by_kind.get(kind, ()))


Entry = Union[Use, TeamDecl, ChannelDecl, FieldDecl, SignalDecl, PhraseBank, StyleDecl, PolicyDecl, FrameworkDecl, Junk]


@dataclass(frozen=True, slots=True)
class Module:
    """One parsed file."""

    name: str  # dotted module name
    path: str  # project-relative path
    entries: tuple[Entry, ...]
    comments: tuple[Comment, ...] = ()
    span: Span = _span()
