"""The AST: what was written, as frozen dataclasses.

Every node carries its position, as its source file and offsets (`src`, `start`, `end`), and gives it
as `span` (a Span, made on request); equality ignores it, so tests compare structure while snapshots keep positions. A Text keeps its parts as
plain data too (`pieces`; `parts` makes nodes of them). Nodes hold no check logic (checks live in
semantics/checks/).
"""

from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields
from typing import Union, dataclass_transform

from tactful.source import NO_SPAN, SourceFile, Span


Loc = tuple  # a Span's seven fields as a plain tuple: (file, start, end, line, column, end_line, end_column)
NO_LOC: Loc = tuple(NO_SPAN)


def span_at(src: SourceFile | None, start: int, end: int) -> Span:
    """The Span of offsets start to end in src (without a source, a position made by hand: line 1)."""
    if src is None:
        return tuple.__new__(Span, ("", start, end, 1, 1, 1, 1))
    return src.span(start, end)


def _pos(default):
    return field(default=default, compare=False, repr=False, kw_only=True)


_NODES: list[type] = []  # every node class, for _inits() at the end of the module


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def node(cls=None, /, *, eq: bool = True):
    """Makes a node class: a dataclass with slots, immutable as a frozen one is (Node's __setattr__),
    whose __init__, `at`, and (with eq) __eq__ and __hash__ _inits() writes.

    The dataclass is not made with frozen=True, nor eq=True: for those it compiles four methods per
    class (__setattr__, __delattr__, __eq__, __hash__), which made importing this module (and so every
    cold `tactful check`) take tens of milliseconds; Node's one __setattr__ and __delattr__ serve every
    class, and _inits() compiles the rest in one piece, as a frozen dataclass's would read."""

    def make(cls):
        cls = dataclass(slots=True, repr=False, eq=False, init=False)(cls)
        if eq:
            _NODES_EQ.add(cls)
        _NODES.append(cls)
        return cls

    return make if cls is None else make(cls)


_NODES_EQ: set[type] = set()  # the node classes compared (and hashed) by their fields


@node(eq=False)
class Node:
    """What every AST node shares: its position, as the source file it was parsed from (`src`) and
    its character offsets in it (`start`, `end`), given as a Span on request. A parse makes a node
    for every name, text and clause; an offset is a plain int, while a position made in full (a
    tuple of seven) would be one more object for the garbage collector per node, and its line and
    column are wanted only for the few nodes a diagnostic or a bundle location names."""

    src: SourceFile | None = _pos(None)  # None: a node made by hand, without a position
    start: int = _pos(0)
    end: int = _pos(0)

    @property
    def span(self) -> Span:
        return span_at(self.src, self.start, self.end)

    @property
    def loc(self) -> Loc:
        """The span's seven fields as a plain tuple."""
        return tuple(self.span)

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self):  # copy and pickle (their default sets the slots with __setattr__)
        return [getattr(self, f.name) for f in fields(self)]

    def __setstate__(self, state):
        for f, value in zip(fields(self), state):
            object.__setattr__(self, f.name, value)

    def __repr__(self) -> str:
        """A dataclass's repr (the fields shown, not the position), written once here: the node classes
        are made with repr=False, which spares compiling a __repr__ for each when the module is imported."""
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"{self.__class__.__qualname__}({shown})"


@node
class Name(Node):
    """An identifier as written; also a dotted module or intent name (`billing.refund`)."""

    value: str


@node
class Comment(Node):
    """A `#` comment, kept so that a formatter can put it back."""

    text: str  # including the leading '#'


@node
class Junk(Node):
    """Source that could not be parsed; its diagnostic was already reported."""

    text: str


# --- texts --------------------------------------------------------------------------------------


@node
class TextLiteral(Node):
    """Plain words of a text, escapes resolved."""

    text: str


@node
class TextSlot(Node):
    """`{slot}` or `{slot or 'fallback'}` inside a text."""

    name: Name
    fallback: str | None = None


@node
class TextOptional(Node):
    """`[ … ]`: a segment that vanishes when a slot inside it has no value."""

    parts: tuple[TextLiteral | TextSlot, ...]


TextPart = Union[TextLiteral, TextSlot, TextOptional]


Piece = tuple
"""A part of a Text as plain data (what the parser builds; `Text.parts` makes nodes of them):
("lit", text, start, end), ("slot", name, fallback or None, name start, name end, start, end) or
("opt", pieces, start, end), with offsets in the Text's source file."""


def flat(pieces) -> tuple:
    """Pieces as one flat tuple, as a Text keeps them: each piece's fields in a row, and an optional
    segment as ("opt", number of pieces in it, start, end) followed by its pieces. A parse makes tens
    of thousands of pieces; kept nested, each would be one more object for the garbage collector for
    as long as the AST lives."""
    out: list = []
    for p in pieces:
        if p[0] == "opt":
            out += ("opt", len(p[1]), p[2], p[3])
            for q in p[1]:
                out += q
        else:
            out += p
    return tuple(out)


_WIDTH = {"lit": 4, "slot": 7, "opt": 4}


def _nested(data: tuple) -> tuple[Piece, ...]:
    """flat()'s pieces back as nested tuples."""
    out: list = []
    i, n = 0, len(data)
    while i < n:
        kind = data[i]
        if kind == "opt":
            inner: list = []
            count, start, end = data[i + 1], data[i + 2], data[i + 3]
            i += 4
            for _ in range(count):
                w = _WIDTH[data[i]]
                inner.append(data[i:i + w])
                i += w
            out.append(("opt", tuple(inner), start, end))
        else:
            w = _WIDTH[kind]
            out.append(data[i:i + w])
            i += w
    return tuple(out)


def _bare(pieces: tuple[Piece, ...]) -> tuple:
    """Pieces without their positions: what Text equality compares."""
    return tuple(("slot", p[1], p[2]) if p[0] == "slot" else ("opt", _bare(p[1])) if p[0] == "opt" else p[:2]
                 for p in pieces)


def _part(p: Piece, src: SourceFile | None) -> TextPart:
    kind = p[0]
    if kind == "lit":
        return TextLiteral(p[1], src=src, start=p[2], end=p[3])
    if kind == "slot":
        return TextSlot(Name(p[1], src=src, start=p[3], end=p[4]), p[2], src=src, start=p[5], end=p[6])
    return TextOptional(tuple(_part(q, src) for q in p[1]), src=src, start=p[2], end=p[3])


@node(eq=False)
class Text(Node):
    """A quoted text, parsed into literal parts, slots and optional segments.

    The parts are kept as plain data (`pieces`, see Piece; stored flat, see flat()): most texts are only ever read as a whole,
    and a parse makes tens of thousands of them. `parts` gives them as nodes. A text written as plain
    words on one line between single quotes (no slot, bracket or escape: most titles, messages and
    examples) is stored without its pieces (`_pieces` is None): its one literal piece, the whole value
    inside the quotes, is made on request, so a parse builds three objects fewer for each."""

    value: str  # unescaped and un-indented, as the reader sees it
    _pieces: tuple | None  # the pieces as flat() makes them; None: plain (see above)

    @property
    def pieces(self) -> tuple[Piece, ...]:
        pieces = self._pieces
        if pieces is not None:
            return _nested(pieces)
        if not self.value:
            return ()
        return (("lit", self.value, self.start + 1, self.end - 1),)

    @property
    def plain(self) -> bool:
        """Written as plain words on one line: one literal piece (none when empty), no slots."""
        return self._pieces is None

    def __eq__(self, other):
        if other.__class__ is not Text:
            return NotImplemented
        return self.value == other.value and (self._pieces is other._pieces or _bare(self.pieces) == _bare(other.pieces))

    def __hash__(self):
        return hash((self.value, _bare(self.pieces)))

    @property
    def parts(self) -> tuple[TextPart, ...]:
        src = self.src
        return tuple(_part(p, src) for p in self.pieces)

    def slot_pieces(self) -> list[Piece]:
        """The ("slot", …) pieces, those inside optional segments included, in order."""
        out: list[Piece] = []
        if self._pieces is None:
            return out
        for p in _nested(self._pieces):
            if p[0] == "slot":
                out.append(p)
            elif p[0] == "opt":
                out.extend(q for q in p[1] if q[0] == "slot")
        return out

    def slots(self) -> list[TextSlot]:
        src = self.src
        return [_part(p, src) for p in self.slot_pieces()]


@node
class Regex(Node):
    """A `/pattern/` (RE2 syntax), slashes removed and `\\/` unescaped."""

    pattern: str


# --- conditions ---------------------------------------------------------------------------------

MAX_CONDITION_DEPTH = 32
"""How deep `not`, `and`, `or` and `at least` may nest in one condition, counting the conditions of the signals
it names (T1407). The builder never makes a condition tree deeper than one level more, so no later
stage's recursion over a condition can reach Python's stack limit."""


@node
class Or(Node):
    """`a or b or …`"""

    items: tuple["Cond", ...]


@node
class And(Node):
    """`a and b and …`"""

    items: tuple["Cond", ...]


@node
class Not(Node):
    """`not a`"""

    item: "Cond"


@node
class AtLeast(Node):
    """`at least 2 of (a; b; c)`: at least `count` of the items hold.

    `count` is the number as written (the checks ask for a whole number from 1 to the number of
    items, T1419)."""

    count: float
    items: tuple["Cond", ...]


@node
class NameCond(Node):
    """A bare name: a signal or a bool field."""

    name: Name


@node
class Mentions(Node):
    """`field mentions "phrase", …`: whole words, case-insensitive.

    `forms of "sue"` (forms=True) also matches the word's inflections; `… near "b" within 8 words`
    asks for a phrase of `near` at most `within` words away; `field says …` (asserted=True) ignores
    a phrase that is negated or reported ("I'm not going to sue", "my lawyer friend says").
    """

    field: Name
    phrases: tuple[Text, ...]
    forms: bool = False
    near: tuple[Text, ...] = ()
    near_forms: bool = False
    within: int | None = None
    asserted: bool = False


@node
class HasEmoji(Node):
    """`field has emoji "🙃", "🤡"`: any of the emoji, with any skin tone or presentation."""

    field: Name
    emoji: tuple[Text, ...]


@node
class Scores(Node):
    """`field scores at least 0.8 on crisis_words`: the scorer's score of the field's text (a
    number from 0 to 1; the checks ask for one, T1410) is at least the number."""

    field: Name
    at_least: float
    scorer: Name


@node
class Matches(Node):
    """`field matches /regex/`"""

    field: Name
    regex: Regex


@node
class Compare(Node):
    """`field < 3`: a number field or message feature against a number."""

    field: Name
    op: str
    value: float


@node
class Is(Node):
    """`field is value`: an enum field, the channel or the visibility."""

    field: Name
    value: Name


@node
class In(Node):
    """`field in (a, b)`"""

    field: Name
    values: tuple[Name, ...]


Cond = Union[Or, And, Not, AtLeast, NameCond, Mentions, HasEmoji, Scores, Matches, Compare, Is, In]


# --- library declarations -----------------------------------------------------------------------


@node
class Use(Node):
    """`use module`: makes that module's declarations usable in this file."""

    module: Name


@node
class TeamDecl(Node):
    """`team name "title"`: who a case can be escalated to or owned by."""

    name: Name
    title: Text | None = None


@node
class ChannelDecl(Node):
    """`channel name public, private "title"`: where customers write, and how visibly."""

    name: Name
    visibilities: tuple[Name, ...]
    title: Text | None = None


@node
class TypeRef(Node):
    """A slot or field type: a type name, or `enum(a, b, …)`."""

    name: Name  # text, money, …, or enum
    values: tuple[Name, ...] = ()


@node
class FieldDecl(Node):
    """`field name type`: a context value a conversation carries (contact count, tier …)."""

    name: Name
    type: TypeRef
    about: Text | None = None


@node
class SignalDecl(Node):
    """`signal name`: a named condition, with messages it must fire on and stay quiet on."""

    name: Name
    about: Text | None
    when: tuple[Cond, ...]  # exactly one expected; more or none is a check
    fires: tuple[Text, ...]
    quiet: tuple[Text, ...]


@node
class ScorerDecl(Node):
    """`scorer name "about"` with `weights "file.json"`: a linear model over words and word pairs,
    its weights in a JSON file (path relative to this file) that `tactful train` writes."""

    name: Name
    about: Text | None
    weights: Text


@node
class PhraseBank(Node):
    """`phrases name`: interchangeable wordings a reply can `pick` from."""

    name: Name
    about: Text | None
    phrases: tuple[Text, ...]


@node
class StyleDecl(Node):
    """`style name`: phrases house style avoids, and what to prefer."""

    name: Name
    about: Text | None
    avoid: tuple[Text | Regex, ...]
    prefer: Text | None
    severity: Name | None


@node
class Guard(Node):
    """`guard <cond> [as name] "reason"`: when it holds, the draft is not sent as written."""

    when: Cond
    alias: Name | None
    reason: Text


@node
class Escalate(Node):
    """`escalate team when <cond> [as name]`, with its handoff note."""

    team: Name
    when: Cond
    alias: Name | None
    handoff: Text | None


@node
class PolicyDecl(Node):
    """`policy name`: guards and escalations that apply to every framework."""

    name: Name
    about: Text | None
    items: tuple[Guard | Escalate, ...]


# --- frameworks ---------------------------------------------------------------------------------


@node
class Owner(Node):
    """`owner team`"""

    team: Name


@node
class Tags(Node):
    """`tags a, b`"""

    names: tuple[Name, ...]


@node
class Serves(Node):
    """`serves public, private`: the visibilities the framework answers in."""

    visibilities: tuple[Name, ...]


@node
class About(Node):
    """`about "…"`: what the framework is for, for readers and the docs."""

    text: Text


@node
class Slot(Node):
    """`slot name [type] [required] [private]`, with its patterns, examples and notes."""

    name: Name
    flags: tuple[Name | TypeRef, ...]  # a type, `required`, `private`
    patterns: tuple[Regex, ...] = ()
    examples: tuple[Text, ...] = ()
    abouts: tuple[Text, ...] = ()


@node
class Except(Node):
    """`except name "reason"`: opting out of one policy guard or escalation."""

    name: Name
    reason: Text


@node
class Move(Node):
    """One move of a reply: `acknowledge`, `ask`, `restate`, `next` or `close`, with a text or `pick bank`."""

    kind: Name
    text: Text | None = None
    pick: Name | None = None


@node
class Reply(Node):
    """`reply public|private [when <cond>]` and its moves."""

    visibility: Name
    when: Cond | None
    moves: tuple[Move, ...]


@node
class Value(Node):
    """A value in an example: a text, a number or a name."""

    kind: str  # "text" | "number" | "name"
    value: str | float


@node
class Pair(Node):
    """`key value` in an example's `slots` or `context` line."""

    key: Name
    value: Value


@node
class ExMessage(Node):
    """`message "…"` in an example: the customer's words."""

    text: Text


@node
class ExChannel(Node):
    """`channel name [public|private]` in an example."""

    name: Name
    visibility: Name | None = None


@node
class ExContext(Node):
    """`context key value, …` in an example."""

    pairs: tuple[Pair, ...]


@node
class ExSlots(Node):
    """`slots key value, …` in an example."""

    pairs: tuple[Pair, ...]


@node
class Expect(Node):
    """`expect …` in an example: what the draft must show."""

    kind: str  # guard | no_guard | escalate | no_escalate | reply | text_contains | text_lacks | send | hold
    name: Name | None = None
    when: Cond | None = None
    text: Text | None = None


ExampleItem = Union[ExMessage, ExChannel, ExContext, ExSlots, Expect]


@node
class Example(Node):
    """`example "name"`: a conversation the framework must handle as expected."""

    name: Text
    items: tuple[ExampleItem, ...]


Member = Union[Owner, Tags, Serves, About, Slot, Escalate, Guard, Except, Reply, Example, Junk]


@node
class FrameworkDecl(Node):
    """`framework intent "title"` and its members."""

    intent: Name
    title: Text
    members: tuple[Member, ...]

    @property
    def has_junk(self) -> bool:
        return any(m.__class__ is Junk for m in self.members)

    def of(self, kind: type) -> list:
        """The members that are kind nodes, in order (a new list). Not kept: a framework has a dozen
        or so members, and a cache per framework would be a dict and a list per kind that the
        garbage collector walks for as long as the AST lives."""
        return [m for m in self.members if m.__class__ is kind]


Entry = Union[Use, TeamDecl, ChannelDecl, FieldDecl, SignalDecl, PhraseBank, StyleDecl, ScorerDecl, PolicyDecl,
              FrameworkDecl, Junk]


@node
class Module(Node):
    """One parsed file."""

    name: str  # dotted module name
    path: str  # project-relative path
    entries: tuple[Entry, ...]
    comments: tuple[Comment, ...] = ()


def _inits(classes: list[type]) -> None:
    """Every node class's __init__, the same as a frozen dataclass's (same parameters and defaults),
    and its `at` (`Name.at(src, start, end, value)`: the position, then every field, all by
    position).

    A frozen dataclass's own __init__ sets each field with `object.__setattr__(self, name, value)`,
    looked up anew for every field of every node; these call each field's slot descriptor, bound
    once (`_s_Name_value(self, value)`), which makes a node about a third cheaper to build, and a
    parse builds over a hundred of them per file. `at` also skips the class call's keyword
    arguments (a dict per node): the builder makes its commonest nodes with it. A class made with
    eq (see node()) also gets the __eq__ and __hash__ a frozen dataclass has: its compared fields as
    a tuple.

    Their source (methods_source()) is written out in ast_methods.py, so that importing this module
    (which every cold `tactful check` does) loads them compiled instead of compiling them; the
    module's functions read the slot setters and classes that this function puts in its namespace.
    Should the file not match the classes (a node changed, the file not written again: a test
    catches it), the source is compiled here instead."""
    import zlib

    from tactful.syntax import ast_methods

    source = methods_source(classes)
    names: dict[str, object] = {"_new": object.__new__}
    for cls in classes:
        names[f"_cls_{cls.__name__}"] = cls
        for f in fields(cls):
            names[f"_s_{cls.__name__}_{f.name}"] = getattr(cls, f.name).__set__
    if getattr(ast_methods, "SOURCE_CRC", None) == zlib.crc32(source.encode()):
        namespace = vars(ast_methods)
        namespace.update(names)
    else:
        namespace = names
        exec(source, namespace)
    for cls in classes:
        methods = {"__init__": namespace[f"_init_{cls.__name__}"], "at": namespace[f"_at_{cls.__name__}"]}
        if cls in _NODES_EQ:
            methods["__eq__"], methods["__hash__"] = namespace[f"_eq_{cls.__name__}"], namespace[f"_hash_{cls.__name__}"]
        for name, f in methods.items():
            f.__name__, f.__qualname__, f.__module__ = name, f"{cls.__qualname__}.{name}", __name__
            setattr(cls, name, staticmethod(f) if name == "at" else f)


def methods_source(classes: list[type] | None = None) -> str:
    """The source of the node classes' methods (see _inits), as ast_methods.py holds it."""
    source: list[str] = []
    for cls in _NODES if classes is None else classes:
        params: list[str] = []
        keywords: list[str] = []
        body: list[str] = []
        for f in fields(cls):
            if f.default_factory is not MISSING:  # not written here: a node's fields are immutable values
                raise TypeError(f"{cls.__name__}.{f.name}: a node field takes a default, not a default_factory")
            param = f.name
            if f.default is not MISSING:
                if f.default not in (None, False, True, 0, (), "") or type(f.default) not in (type(None), bool, int, tuple, str):
                    raise TypeError(f"{cls.__name__}.{f.name}: a node field's default is None, a bool, 0, () or \"\"")
                param += f"={f.default!r}"
            (keywords if f.kw_only else params).append(param)
            body.append(f"    _s_{cls.__name__}_{f.name}(self, {f.name})")
        signature = ", ".join(["self", *params, *(["*", *keywords] if keywords else [])])
        source.append(f"def _init_{cls.__name__}({signature}):\n" + "\n".join(body))
        positional = ", ".join(["src", "start", "end", *(f.name for f in fields(cls) if not f.kw_only)])
        source.append(f"def _at_{cls.__name__}({positional}):\n    self = _new(_cls_{cls.__name__})\n"
                      + "\n".join(body) + "\n    return self")
        if cls in _NODES_EQ:
            compared = [f.name for f in fields(cls) if f.compare]
            mine = "(" + "".join(f"self.{n}," for n in compared) + ")"
            theirs = "(" + "".join(f"other.{n}," for n in compared) + ")"
            source.append(f"def _eq_{cls.__name__}(self, other):\n    if other.__class__ is self.__class__:\n"
                          f"        return {mine} == {theirs}\n    return NotImplemented")
            source.append(f"def _hash_{cls.__name__}(self):\n    return hash({mine})")
    return "\n\n\n".join(source) + "\n"


def methods_module() -> str:
    """ast_methods.py as it should read: methods_source() and its checksum."""
    import zlib

    source = methods_source()
    return ('"""The AST node classes\' __init__, `at`, __eq__ and __hash__: written by tactful.syntax.ast.methods_module()\n'
            "from the node classes, do not edit (see ast._inits; tests/syntax/test_ast_methods.py says when it is out of date).\n"
            "Its functions read the slot setters and classes that ast._inits puts in this module's namespace.\n"
            '"""\n# ruff: noqa\n\n'
            f"SOURCE_CRC = {zlib.crc32(source.encode())}\n\n\n" + source)


_inits(_NODES)
