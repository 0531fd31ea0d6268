"""The bundle: the one contract between the compiler and everything that reads its output.

These pydantic models are the Bundle as the compiler builds it and every emitter reads it; bundle.json
is their data in the compact layout of format.py (inherited entries referenced, locations as one
string, texts as parts, defaults left out), which is also what `tactful schema` describes and what
the runtime validates and drafts from without building these models. Changing them is changing a
public format: bump SCHEMA_VERSION (format.py; major for anything a reader could trip on) and the
layout in format.py.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tactful.runtime.format import DOTTED, IDENTIFIER, REPLY_ID, SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "IDENTIFIER", "DOTTED", "REPLY_ID"]  # and the models below

Name = Annotated[str, StringConstraints(pattern=IDENTIFIER)]
"""A slot, field, signal, phrase bank, team, channel, guard, escalation, style rule or feature name."""
DottedName = Annotated[str, StringConstraints(pattern=DOTTED)]
"""An intent: identifiers joined by dots."""
ReplyId = Annotated[str, StringConstraints(pattern=REPLY_ID)]
"""A reply id: the compiler writes `<visibility>.<signal>` or `<visibility>.<n>`."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Location(Model):
    """Where an element was written: file relative to the project, 1-based line and column."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int


# --- texts --------------------------------------------------------------------------------------


class LiteralPart(Model):
    kind: Literal["text"] = "text"
    text: str


class SlotPart(Model):
    """`{name}` or `{name or "fallback"}`; `source` says whether name is a slot or a context field."""

    kind: Literal["slot"] = "slot"
    name: Name
    source: Literal["slot", "field"] = "slot"
    fallback: str | None = None


class OptionalPart(Model):
    """`[ … ]`: rendered only when every slot inside it has a value."""

    kind: Literal["optional"] = "optional"
    parts: list[Annotated[Union[LiteralPart, SlotPart], Field(discriminator="kind")]]


TextPart = Annotated[Union[LiteralPart, SlotPart, OptionalPart], Field(discriminator="kind")]


class Text(Model):
    """A text as data (parts) and as the Jinja2 template compiled from it. The bundle stores the parts
    (and the source when it is not what the parts give); the template follows from them."""

    source: str  # the text as a reader sees it: un-indented, escapes resolved, `{slot}`s kept, `[ ]` dropped
    parts: list[TextPart]
    template: str
    location: Location


# --- conditions ---------------------------------------------------------------------------------


class AllOf(Model):
    op: Literal["all"] = "all"
    of: list["Condition"]


class AnyOf(Model):
    op: Literal["any"] = "any"
    of: list["Condition"]


class AtLeastOf(Model):
    op: Literal["atleast"] = "atleast"
    count: int
    of: list["Condition"]


class Not(Model):
    op: Literal["not"] = "not"
    of: "Condition"


class SignalRef(Model):
    op: Literal["signal"] = "signal"
    name: Name


class FieldTrue(Model):
    """A bool context field used as a condition."""

    op: Literal["field"] = "field"
    field: Name


class Mentions(Model):
    """Whole words or phrases, case-insensitive (docs/reference/runtime.md defines the matching).

    `phrases` holds every form to match: the compiler writes out the inflections of `forms of`.
    With `near` (and `within`), a phrase counts only when a phrase of `near` is at most `within`
    words before or after it. With `asserted`, a phrase counts only when it is neither negated nor
    reported speech (the runtime reference lists the cue words).
    """

    op: Literal["mentions"] = "mentions"
    field: Name
    phrases: list[str]
    near: list[str] = []
    within: int | None = None
    asserted: bool = False


class HasEmoji(Model):
    """Any of the emoji, whatever its skin tone or text/emoji presentation (multi-codepoint aware)."""

    op: Literal["emoji"] = "emoji"
    field: Name
    emoji: list[str]


class Scores(Model):
    """The score a scorer (a linear model over words and word pairs, `Bundle.scorers`) gives the
    field's text is at least `at_least`, a number from 0 to 1 (runtime/scorers.py defines the score)."""

    op: Literal["scores"] = "scores"
    field: Name
    scorer: Name
    at_least: float


class Matches(Model):
    """An RE2 regex searched in the field's text."""

    op: Literal["matches"] = "matches"
    field: Name
    pattern: str


class Compare(Model):
    op: Literal["compare"] = "compare"
    field: Name
    cmp: Literal["<", "<=", ">", ">=", "==", "!="]
    value: float


class Is(Model):
    op: Literal["is"] = "is"
    field: Name
    value: str


class In(Model):
    op: Literal["in"] = "in"
    field: Name
    values: list[str]


Condition = Annotated[
    Union[AllOf, AnyOf, AtLeastOf, Not, SignalRef, FieldTrue, Mentions, HasEmoji, Scores, Matches, Compare, Is, In],
    Field(discriminator="op"),
]

for _m in (AllOf, AnyOf, AtLeastOf, Not):
    _m.model_rebuild()


# --- declarations -------------------------------------------------------------------------------


class FieldDecl(Model):
    name: Name
    type: str  # text | number | bool | channel | visibility | enum
    values: list[str] = []  # for enum
    about: str = ""
    location: Location | None = None


class Team(Model):
    name: Name
    title: str = ""
    location: Location | None = None


class Channel(Model):
    name: Name
    title: str = ""
    visibilities: list[Literal["public", "private"]]
    location: Location | None = None


class SignalExample(Model):
    message: str
    fires: bool
    location: Location


class Signal(Model):
    name: Name
    module: str  # a label from the file's path (`billing.duplicate-charge`): never in code or a path
    about: str = ""
    when: Condition
    condition_source: str = ""  # the condition as written, for people
    examples: list[SignalExample] = []
    location: Location


class TrainedOn(Model):
    """What a scorer was trained on, for people (the docs): the corpus's digest and its row count."""

    digest: str
    rows: int


class Scorer(Model):
    """A `scorer`: weights learned from a labelled corpus (`tactful train`), stored once per bundle.
    `bias` and each weight are whole numbers of sixteenths; a feature is a lower-case word, or two
    adjacent words joined by one space (runtime/scorers.py). `label` and `trained_on` come from the
    weights file and are for people: a runtime does not read them."""

    name: Name
    about: str = ""
    label: str = ""  # the corpus label it was trained to find
    trained_on: TrainedOn | None = None
    bias: int
    weights: dict[str, int]
    location: Location


class StyleRule(Model):
    name: Name
    about: str = ""
    avoid: list[str]  # phrases, as written
    avoid_patterns: list[str] = []  # RE2 regexes, as written
    prefer: str = ""
    severity: Literal["error", "warning"] = "warning"
    location: Location


# --- frameworks ---------------------------------------------------------------------------------


class Slot(Model):
    name: Name
    type: str = "text"  # text | money | number | date | email | phone | url | enum
    values: list[str] = []  # for enum
    required: bool = False
    private: bool = False
    pattern: str | None = None
    example: str | None = None
    about: str = ""
    location: Location


class Escalation(Model):
    name: Name  # the signal's name, or the `as` name; unique within the framework
    team: Name
    when: Condition
    condition_source: str  # the condition as written, for people
    handoff: Text | None = None
    policy: str | None = None  # the policy it comes from, None when the framework declares it
    location: Location


class Guard(Model):
    name: str  # the `as` name, else its condition as written: free text, only ever data
    when: Condition
    condition_source: str
    reason: str
    policy: str | None = None
    location: Location


class OptOut(Model):
    name: Name
    reason: str
    location: Location


class Move(Model):
    kind: Literal["acknowledge", "ask", "restate", "next", "close"]
    text: Text | None = None  # exactly one of text and pick
    pick: Name | None = None  # a phrase bank
    location: Location


class Reply(Model):
    id: ReplyId  # "<visibility>.default" without `when`; "<visibility>.<signal>" or "<visibility>.<n>" with one
    visibility: Literal["public", "private"]
    when: Condition | None = None
    condition_source: str | None = None
    moves: list[Move]
    template: str  # the whole reply as one Jinja2 template (moves joined by a space); not stored
    location: Location


class Expectation(Model):
    """One `expect` line. `name` holds: for guard/no_guard the guard's name (None: any guard), for
    escalate/no_escalate the team (None: any), for reply either a visibility ("public": any public
    reply) or a reply id ("private.repeat_contact": exactly that reply), for text_contains/text_lacks
    the text; send and hold have none."""

    kind: Literal["guard", "no_guard", "escalate", "no_escalate", "reply", "text_contains", "text_lacks", "send", "hold"]
    name: str | None = None  # guard name, team, reply id, or the text
    location: Location


class Example(Model):
    name: str
    message: str
    channel: Name
    visibility: Literal["public", "private"]
    context: dict[Name, bool | int | float | str] = {}
    slots: dict[Name, str] = {}
    expect: list[Expectation]
    location: Location


class Framework(Model):
    intent: DottedName
    title: str
    module: str  # a label from the file's path: never in code or a path
    owner: Name | None = None
    tags: list[str] = []
    about: str = ""
    serves: list[Literal["public", "private"]]
    slots: list[Slot]
    escalations: list[Escalation]  # framework's own first, then policy ones not opted out of
    guards: list[Guard]
    opt_outs: list[OptOut] = []
    replies: list[Reply]
    examples: list[Example]
    hash: str  # sha256 of this framework's canonical JSON (without the hash itself)
    location: Location


class Policy(Model):
    """A `policy`: guards and escalations every framework inherits. Each framework's `guards` and
    `escalations` hold the ones it applies, with `policy` set; bundle.json stores each entry once,
    here, and a framework refers to it by `"<policy>.<name>"`."""

    name: Name
    module: str
    about: str = ""
    guards: list[Guard] = []
    escalations: list[Escalation] = []
    location: Location


class Bundle(Model):
    schema_version: str = SCHEMA_VERSION
    revision: str  # sha256 over the sources (paths and contents), "sha256:…"
    generator: str = "tactful"
    fields: list[FieldDecl]
    features: list[Name]  # message features the runtime computes
    teams: list[Team]
    channels: list[Channel]
    signals: list[Signal]
    phrases: dict[Name, list[Text]]
    style: list[StyleRule]
    scorers: list[Scorer] = []  # schema 5.2
    policies: list[Policy] = []
    frameworks: list[Framework]  # sorted by intent
