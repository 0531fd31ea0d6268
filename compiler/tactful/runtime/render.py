"""Rendering: the texts of replies and handoffs, `pick`, and the templates the compiler writes.

A text is stored as its parts (docs/reference/bundle.md). Its Jinja2 template (`parts_template`)
is the one definition of what it prints; the compiler writes it for tools (templates/, docs), and
the runtime prints the same text from the parts directly (`Text`), so that drafting needs no
template engine (and no Jinja2 import: a cold start pays for neither):

- Every text (move, phrase, handoff) has one variable, `values`, the mapping of slot and field
  values, and reads a slot or a context field by subscript: `{amount}` → `{{ values["amount"] }}`.
  An optional segment `[ for order {order_id}]` →
  `{% if values["order_id"] %} for order {{ values["order_id"] }}{% endif %}`; a fallback
  `{customer_name or "the customer"}` → `{{ values["customer_name"] or "the customer" }}`.
  A name is only ever a string literal in a template (and a key in the runtime), so no name can be
  evaluated as an expression. Literal text that looks like template syntax is escaped by the
  compiler, so a framework cannot run Jinja2 code. (A reply's whole template, written for tools,
  reads a `pick` move's phrase as `{{ picks.<move kind> }}`.)
- What a text prints: literal text as written (a line break as "\\n"); a value as `str(value)`, an
  absent (None) one as "" in a reply and as "(not given)" in a handoff note (read by the team the
  case goes to); a fallback when the value is falsy (None, "", 0, false); an optional segment
  when every value it names is truthy; the whole text stripped of surrounding whitespace.
- The values are every context field the bundle declares (None when the caller did not pass it)
  and every slot of the framework (None when absent; an empty or blank value counts as absent). A
  slot and a context field with the same name are one value: the slot's value when given, else
  the context's.
- A reply's `template` is its moves joined by a space. The runtime renders each move (so that a Draft
  carries every move's text), and the reply's text is the non-empty moves joined by a space. Each
  text is prepared once, the first time a draft needs it.
- `pick <bank>` moves have no text of their own: the runtime chooses one phrase of
  `bundle.phrases[bank]` from the conversation's seed, and renders it with the same values. The
  choice is `crc32(utf8("<seed>\\x1f<intent>\\x1f<reply id>\\x1f<move kind>")) % len(bank)` (CRC-32 as
  in zlib, gzip and PNG; cheap, and the same in every language), so one conversation always gets
  the same phrase and different conversations get variety. Without a seed, the seed is "".

`make_environment()` is the Jinja2 environment that renders the written templates to the same text:
a SandboxedEnvironment with autoescape off (plain text), StrictUndefined and a `finalize` that turns
None into "" (or "(not given)"). Slot values and the customer's message are only ever *values*:
nothing evaluates them, so `{{ 7*7 }}` in a slot is printed as written.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from tactful.runtime.errors import BundleError

if TYPE_CHECKING:  # pragma: no cover - Jinja2 is for the compiler's emitters and tools, not drafting
    from jinja2.sandbox import SandboxedEnvironment

RESERVED_PREFIX = "tactful_"


NOT_GIVEN = "(not given)"


def _finalize(value: object) -> object:
    return "" if value is None else value


def _finalize_note(value: object) -> object:
    return NOT_GIVEN if value is None else value


def make_environment(*, note: bool = False) -> "SandboxedEnvironment":
    """The environment tactful templates are rendered with (the compiler may use it too).

    Replies print an absent value as "" (the runtime refuses to draft a reply that would print an
    absent value outside an optional segment, so that never leaves a gap). Handoff notes, read by
    the team the case goes to, print it as "(not given)" (`note=True`).
    """
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        autoescape=False,
        undefined=StrictUndefined,
        finalize=_finalize_note if note else _finalize,
        keep_trailing_newline=False,
        auto_reload=False,
        cache_size=0,
    )


def pick_index(seed: str, intent: str, reply_id: str, move: str, size: int) -> int:
    """Which phrase of a bank of `size` phrases a conversation gets (stable across runs and machines)."""
    return zlib.crc32(f"{seed}\x1f{intent}\x1f{reply_id}\x1f{move}".encode()) % size


def _jinja_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


VALUES = "values"  # the one template variable of a text: the mapping of slot and field values


def value_ref(name: str) -> str:
    """How a template refers to a slot's or a field's value: a subscript of VALUES with the name as
    a string literal (`values["amount"]`), never a bare variable, so that no name, whatever it
    holds, is read as a Jinja2 expression, keyword (`none`, `true`) or special name (`self`)."""
    return f"{VALUES}[{_jinja_string(name)}]"


def parts_template(parts: Sequence) -> str:
    """The Jinja2 template of a text's parts as the bundle stores them (docs/reference/bundle.md: a
    string is literal text; `{"slot": n}`, `{"field": n}`, with `"or"` a fallback; `{"optional": […]}`):
    the one definition, used by the compiler to write templates and by the runtime to render. Literal
    text is escaped (`{` becomes `{{ "{" }}`), so nothing an author writes can become template code."""
    out: list[str] = []
    for p in parts:
        if p.__class__ is str:
            out.append(p.replace("{", '{{ "{" }}'))
        elif "optional" in p:
            names = list(dict.fromkeys(_names(p["optional"])))
            out.append("{% if " + " and ".join(map(value_ref, names)) + " %}" + parts_template(p["optional"]) + "{% endif %}")
        else:
            ref = value_ref(p["slot"] if "slot" in p else p["field"])
            out.append(f"{{{{ {ref} or {_jinja_string(p['or'])} }}}}" if "or" in p else f"{{{{ {ref} }}}}")
    return "".join(out)


def stored_parts(parts: Iterable) -> list:
    """The stored form of text parts given as models (LiteralPart, SlotPart, OptionalPart)."""
    out: list = []
    for p in parts:
        if p.kind == "text":
            out.append(p.text)
        elif p.kind == "slot":
            out.append({p.source: p.name} | ({"or": p.fallback} if p.fallback is not None else {}))
        elif p.kind == "optional":
            out.append({"optional": stored_parts(p.parts)})
        else:  # pragma: no cover - the models allow nothing else
            raise AssertionError(f"unexpected text part {p!r}")
    return out


def template_source(parts: Sequence) -> str:
    """The Jinja2 template of text parts given as models: parts_template() of their stored form."""
    return parts_template(stored_parts(parts))


def _names(parts) -> Iterable[str]:
    for p in parts:
        if p.__class__ is str:
            continue
        if "optional" in p:
            yield from _names(p["optional"])
        else:
            yield p["slot"] if "slot" in p else p["field"]


def check_text(parts: list, known: frozenset[str], where: str) -> str:
    """A text's template, after checking that its parts use only known names (without parsing
    Jinja2: the template is compiled the first time it is rendered)."""
    unknown = sorted(set(_names(parts)) - known)
    if unknown:
        names = ", ".join(f"`{n}`" for n in unknown)
        raise BundleError(f"{where}: the template uses {names}, which is neither a slot nor a context field")
    return parts_template(parts)


def bare_names(parts: list) -> list[tuple[str, str]]:
    """The slots and fields a text prints outside any optional segment and without a fallback, as
    (name, "slot" or "field").

    Those must have a value: an absent one would leave a gap in the text ("charged  twice").
    """
    return [(p["slot"], "slot") if "slot" in p else (p["field"], "field")
            for p in parts if p.__class__ is not str and "or" not in p and "optional" not in p]


class _Value:
    """A slot's or a field's value in a text: `{name}`, or `{name or "fallback"}`."""

    __slots__ = ("name", "fallback")

    def __init__(self, name: str, fallback: str | None):
        self.name = name
        self.fallback = fallback


class _Optional:
    """An optional segment: its parts, printed when every value it names is truthy."""

    __slots__ = ("names", "parts")

    def __init__(self, names: tuple[str, ...], parts: tuple):
        self.names = names
        self.parts = parts


def _literal(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as a template's text: newlines are "\n"


def _plan(parts: Sequence) -> tuple:
    out: list = []
    for p in parts:
        if p.__class__ is str:
            out.append(_literal(p))
        elif "optional" in p:
            out.append(_Optional(tuple(dict.fromkeys(_names(p["optional"]))), _plan(p["optional"])))
        else:
            out.append(_Value(p["slot"] if "slot" in p else p["field"], p.get("or")))
    return tuple(out)


def _render(plan: tuple, values: Mapping[str, object], absent: str) -> str:
    out = []
    for seg in plan:
        cls = seg.__class__
        if cls is str:
            out.append(seg)
        elif cls is _Value:
            value = values[seg.name]
            if seg.fallback is not None:
                value = value or seg.fallback
            out.append(value if value.__class__ is str else absent if value is None else str(value))
        elif all(values[n] for n in seg.names):
            out.append(_render(seg.parts, values, absent))
    return "".join(out)


def _source(plan: tuple) -> str:
    """A Python expression over `v` (the values) that prints the plan: literals and names only ever
    as repr() literals (a name is a key of `v`), so nothing a bundle holds is evaluated."""
    pieces = []
    for seg in plan:
        if seg.__class__ is str:
            pieces.append(repr(seg))
        elif seg.__class__ is _Value:
            read = f"v[{seg.name!r}]" if seg.fallback is None else f"(v[{seg.name!r}] or {seg.fallback!r})"
            pieces.append(f"(x if (x := {read}).__class__ is str else _o(x))")
        else:
            test = " and ".join(f"v[{n!r}]" for n in seg.names)
            pieces.append(f"({_source(seg.parts)} if {test} else '')")
    return "''.join((" + "".join(p + ", " for p in pieces) + "))"  # a flat tuple, however long the text


class Text:
    """One text, ready to render: what its template (parts_template) prints, without Jinja2.

    The runtime renders the stored parts directly, with the template's meaning: literal text as
    written (its line breaks as "\\n"), a value as `str(value)` (an absent one as `absent`), a
    fallback when the value is falsy (None, "", 0, false: Jinja2's and Python's `or`), an optional
    segment when every value it names is truthy; the whole text stripped. A text without values is
    one string, stripped once; another is one generated Python function (a third of the time of
    walking its parts; `_render` does that if Python cannot compile it)."""

    __slots__ = ("render", "_plan", "_absent")

    def __init__(self, parts: Sequence, absent: str = ""):
        plan = _plan(parts)
        self._plan = plan
        self._absent = absent
        if all(p.__class__ is str for p in plan):
            const = "".join(plan).strip()
            self.render: Callable[[Mapping[str, object]], str] = lambda values: const
            return
        other = (lambda x: absent if x is None else str(x))  # a value that is not text
        try:
            self.render = eval(compile(f"lambda v: {_source(plan)}.strip()", "<tactful text>", "eval"),  # noqa: S307
                               {"__builtins__": {}, "str": str, "_o": other})
        except (SyntaxError, RecursionError, MemoryError):  # pragma: no cover - a text longer than Python takes
            self.render = self._walk

    def _walk(self, values: Mapping[str, object]) -> str:
        return _render(self._plan, values, self._absent).strip()


class Texts:
    """Prepared texts by template source: a phrase shared by many replies is prepared once. `absent`
    is what an absent value prints as ("" in a reply, NOT_GIVEN in a handoff note)."""

    __slots__ = ("absent", "_prepared", "_banks")

    def __init__(self, absent: str = ""):
        self.absent = absent
        self._prepared: dict[str, Text] = {}
        # (id of a phrase bank as stored, the names known) -> (the bank, its texts checked): the
        # replies of many frameworks pick from one bank
        self._banks: dict[tuple[int, frozenset[str]], tuple[Sequence[dict], tuple]] = {}

    def bank(self, bank: Sequence[dict], known: frozenset[str], where: str) -> tuple[tuple[str, list], ...]:
        """get() of every phrase of a bank (checked once for each set of known names)."""
        key = (id(bank), known)
        entry = self._banks.get(key)
        if entry is None or entry[0] is not bank:
            entry = self._banks[key] = (bank, tuple(self.get(p, known, where) for p in bank))
        return entry[1]

    def get(self, text: dict, known: frozenset[str], where: str) -> tuple[str, list]:
        """Check a text (as stored) now: (its template source, its parts), to prepare() on first render."""
        return check_text(text["parts"], known, where), text["parts"]

    def prepare(self, checked: tuple[str, list]) -> Text:
        source, parts = checked
        prepared = self._prepared.get(source)
        if prepared is None:
            prepared = self._prepared[source] = Text(parts, self.absent)
        return prepared


class TextRenderer:
    """One text (a handoff); prepared the first time it is rendered."""

    __slots__ = ("_text", "_checked", "_texts")

    def __init__(self, texts: Texts, text: dict, known: frozenset[str], where: str):
        self._texts = texts
        self._checked = texts.get(text, known, where)
        self._text: Text | None = None

    def render(self, variables: Mapping[str, object]) -> str:
        text = self._text
        if text is None:
            text = self._text = self._texts.prepare(self._checked)
        return text.render(variables)


class ReplyRenderer:
    """All moves of one reply: each move's prepared text (a pick move: its bank's, one per phrase)."""

    __slots__ = ("kinds", "needs_slots", "needs_fields", "needs", "_texts", "_plan", "_moves")

    def __init__(
        self,
        texts: Texts,
        intent: str,
        reply_id: str,
        reply_moves: Iterable[tuple[str, dict | None, str | None]],
        phrases: Mapping[str, Sequence[dict]],
        known: frozenset[str],
    ):
        """`reply_moves`: each move's (kind, text, phrase bank), one of text and bank None
        (format.move_says); texts and `phrases` as the bundle stores them (tactful.runtime.format)."""
        where = f"`{intent}` reply `{reply_id}`"
        moves: list[tuple[tuple, bytes | None]] = []  # (checked texts, pick key after the seed)
        needs: dict[str, str] = {}
        kinds = []
        for kind, text, pick in reply_moves:
            kinds.append(kind)
            some = phrases.get(pick, ()) if pick is not None else [text] if text else []
            needs.update(bare for t in some for bare in bare_names(t["parts"]))
            if pick is not None:
                bank = phrases.get(pick)
                if not bank:
                    raise BundleError(f"{where}: `pick {pick}` names a phrase bank the bundle lacks or that is empty")
                checked = texts.bank(bank, known, f"{where}, phrase bank `{pick}`")
                moves.append((checked, f"\x1f{intent}\x1f{reply_id}\x1f{kind}".encode()))
            elif text is not None:
                moves.append(((texts.get(text, known, f"{where}, move `{kind}`"),), None))
            else:
                raise BundleError(f"{where}: move `{kind}` has neither a text nor a pick")
        self.kinds = tuple(kinds)
        self.needs_slots = tuple(n for n, source in needs.items() if source == "slot")
        self.needs_fields = tuple(n for n, source in needs.items() if source == "field")
        self.needs = (*self.needs_slots, *self.needs_fields)  # the values it prints bare: none may be absent
        self._texts = texts
        self._plan = tuple(moves)
        self._moves: tuple[tuple[tuple[Text, ...], bytes | None], ...] | None = None

    def _prepare(self) -> tuple[tuple[tuple[Text, ...], bytes | None], ...]:
        """Prepare the moves' texts: once, at the first draft that chooses this reply."""
        prepare = self._texts.prepare
        self._moves = tuple((tuple(prepare(c) for c in checked), pick) for checked, pick in self._plan)
        return self._moves

    def render(self, variables: dict[str, object], seed: str) -> list[str]:
        """Each move's text, stripped, in order. `variables` is read, not copied."""
        moves = self._moves or self._prepare()
        texts = []
        seed_crc = None
        for choices, pick in moves:
            if pick is None:
                text = choices[0]
            else:  # pick_index(), with the seed's share of the CRC computed once per draft
                if seed_crc is None:
                    seed_crc = zlib.crc32(seed.encode())
                text = choices[zlib.crc32(pick, seed_crc) % len(choices)]
            texts.append(text.render(variables))
        return texts


def reserved_names(names: Iterable[str]) -> list[str]:
    """Names a bundle may not use for slots or fields (the runtime's own template variables)."""
    return sorted(n for n in names if n.startswith(RESERVED_PREFIX))
