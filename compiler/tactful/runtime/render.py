"""Rendering: the Jinja2 environment, the templates the compiler writes, and `pick`.

Template conventions (the compiler writes templates this way; the runtime relies on it):

- Every text (move, phrase, handoff) is compiled by the compiler to a Jinja2 template. A template
  has one variable, `values`, the mapping of slot and field values, and reads a slot or a context
  field by subscript: `{amount}` → `{{ values["amount"] }}`. An optional segment
  `[ for order {order_id}]` → `{% if values["order_id"] %} for order {{ values["order_id"] }}{% endif %}`;
  a fallback `{customer_name or "the customer"}` → `{{ values["customer_name"] or "the customer" }}`.
  A name is only ever a string literal in a template, so no name can be evaluated as an expression
  (and the bundle's names are identifiers, checked at load, besides). Literal text that looks like
  template syntax is escaped by the compiler, so a framework cannot run Jinja2 code. (A reply's
  whole template, written for tools, reads a `pick` move's phrase as `{{ picks.<move kind> }}`.)
- The values are every context field the bundle declares (None when the caller did not pass it)
  and every slot of the framework (None when absent; an empty or blank value counts as absent). A
  slot and a context field with the same name are one value: the slot's value when given, else
  the context's.
- A reply's `template` is its moves joined by a space. The runtime renders each move (so that a Draft
  carries every move's text), and the reply's text is the non-empty moves, stripped, joined by a
  space. Each move's template (each phrase's) is checked at load against the text's parts and
  compiled once, the first time a draft needs it; a draft renders the chosen
  reply's moves with one template context over its variables.
- `pick <bank>` moves have no template of their own: the runtime chooses one phrase of
  `bundle.phrases[bank]` (each a Text with its own template) from the conversation's seed, and
  renders it with the same variables. The choice is
  `crc32(utf8("<seed>\\x1f<intent>\\x1f<reply id>\\x1f<move kind>")) % len(bank)` (CRC-32 as in zlib,
  gzip and PNG; cheap, and the same in every language), so one conversation always gets the same
  phrase and different conversations get variety. Without a seed, the seed is "".

The environment is a SandboxedEnvironment with autoescape off (plain text), StrictUndefined (a
variable the bundle forgot to declare is an error at load, not an empty string) and a `finalize`
that turns None into "" so that "None" never reaches a customer. Slot values and the customer's
message are only ever *values* of variables: Jinja2 never evaluates them, so `{{ 7*7 }}` in a slot
is rendered as written.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence

from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from tactful.runtime.bundle import LiteralPart, OptionalPart, Reply, SlotPart, Text
from tactful.runtime.errors import BundleError

RESERVED_PREFIX = "tactful_"


NOT_GIVEN = "(not given)"


def _finalize(value: object) -> object:
    return "" if value is None else value


def _finalize_note(value: object) -> object:
    return NOT_GIVEN if value is None else value


def make_environment(*, note: bool = False) -> SandboxedEnvironment:
    """The environment tactful templates are rendered with (the compiler may use it too).

    Replies print an absent value as "" (the runtime refuses to draft a reply that would print an
    absent value outside an optional segment, so that never leaves a gap). Handoff notes, read by
    the team the case goes to, print it as "(not given)" (`note=True`).
    """
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


def template_source(parts: Sequence[LiteralPart | SlotPart | OptionalPart]) -> str:
    """The Jinja2 template of a text's parts: the one definition, used by the compiler to write
    templates and by the runtime to check them. Literal text is escaped (`{` becomes `{{ "{" }}`),
    so nothing an author writes can become template code."""
    out: list[str] = []
    for p in parts:
        if isinstance(p, LiteralPart):
            out.append(p.text.replace("{", '{{ "{" }}'))
        elif isinstance(p, SlotPart):
            out.append(f"{{{{ {value_ref(p.name)} or {_jinja_string(p.fallback)} }}}}" if p.fallback is not None
                       else f"{{{{ {value_ref(p.name)} }}}}")
        elif isinstance(p, OptionalPart):
            names = list(dict.fromkeys(q.name for q in p.parts if isinstance(q, SlotPart)))
            out.append("{% if " + " and ".join(map(value_ref, names)) + " %}" + template_source(p.parts) + "{% endif %}")
        else:  # pragma: no cover - the models allow nothing else
            raise AssertionError(f"unexpected text part {p!r}")
    return "".join(out)


def _names(parts) -> Iterable[str]:
    for p in parts:
        if isinstance(p, SlotPart):
            yield p.name
        elif isinstance(p, OptionalPart):
            yield from _names(p.parts)


def check_text(text: Text, known: frozenset[str], where: str) -> None:
    """A text's template must be the one its parts give, and use only known names (checked at load,
    without parsing Jinja2: the template is compiled the first time it is rendered)."""
    if text.template != template_source(text.parts):
        raise BundleError(f"{where}: the template does not match the text's parts (was the bundle edited by hand?)")
    unknown = sorted(set(_names(text.parts)) - known)
    if unknown:
        names = ", ".join(f"`{n}`" for n in unknown)
        raise BundleError(f"{where}: the template uses {names}, which is neither a slot nor a context field")


def bare_names(text: Text) -> list[SlotPart]:
    """The slots and fields a text prints outside any optional segment and without a fallback.

    Those must have a value: an absent one would leave a gap in the text ("charged  twice").
    """
    return [p for p in text.parts if isinstance(p, SlotPart) and p.fallback is None]


class Templates:
    """Compiled templates of one environment, by source: a phrase shared by many replies compiles once.

    Rendering calls a template's compiled root function with a Context over the caller's variables
    (what `Template.render` does, without copying the variables into a new dict merged with the
    environment's globals: a bundle's templates may use only its slots and fields, checked at load).
    The generated code is the sandboxed environment's, with its StrictUndefined and `finalize`.
    """

    __slots__ = ("env", "_compiled")

    def __init__(self, env: SandboxedEnvironment):
        self.env = env
        self._compiled: dict[str, Callable] = {}

    def get(self, text: Text, known: frozenset[str], where: str) -> str:
        """Check text now; its template's source, to compile() when it is first rendered."""
        check_text(text, known, where)
        return text.template

    def compile(self, source: str, where: str = "a template") -> Callable:
        """The root render function of source, compiled once per environment."""
        root = self._compiled.get(source)
        if root is None:
            try:
                root = self._compiled[source] = self.env.from_string(source).root_render_func
            except TemplateSyntaxError as e:  # pragma: no cover - check_text() only lets our own templates through
                raise BundleError(f"{where}: the template is not valid Jinja2 ({e.message})") from None
        return root

    def context(self, variables: Mapping[str, object]) -> Context:
        """A template context whose one variable, VALUES, is variables (not copied)."""
        return self.env.context_class(self.env, {VALUES: variables}, None, _NO_BLOCKS)


_NO_BLOCKS: dict = {}


class TextRenderer:
    """One text (a handoff); its template is compiled the first time it is rendered."""

    __slots__ = ("_root", "_source", "_templates")

    def __init__(self, templates: Templates, text: Text, known: frozenset[str], where: str):
        self._templates = templates
        self._source = templates.get(text, known, where)
        self._root: Callable | None = None

    def render(self, variables: Mapping[str, object]) -> str:
        root = self._root
        if root is None:
            root = self._root = self._templates.compile(self._source)
        try:
            return "".join(root(self._templates.context(variables))).strip()
        except Exception:
            self._templates.env.handle_exception()
            raise  # pragma: no cover - handle_exception raises


class ReplyRenderer:
    """All moves of one reply: each move's compiled template (a pick move: its bank's, one per phrase)."""

    __slots__ = ("kinds", "needs_slots", "needs_fields", "_templates", "_plan", "_moves")

    def __init__(
        self,
        templates: Templates,
        intent: str,
        reply: Reply,
        phrases: Mapping[str, Sequence[Text]],
        known: frozenset[str],
    ):
        where = f"`{intent}` reply `{reply.id}`"
        moves: list[tuple[tuple[str, ...], bytes | None]] = []  # (template sources, pick key after the seed)
        needs: dict[str, SlotPart] = {}
        for move in reply.moves:
            texts = phrases.get(move.pick, ()) if move.pick is not None else [move.text] if move.text else []
            needs.update((p.name, p) for t in texts for p in bare_names(t))
            if move.pick is not None:
                bank = phrases.get(move.pick)
                if not bank:
                    raise BundleError(f"{where}: `pick {move.pick}` names a phrase bank the bundle lacks or that is empty")
                roots = tuple(templates.get(p, known, f"{where}, phrase bank `{move.pick}`") for p in bank)
                moves.append((roots, f"\x1f{intent}\x1f{reply.id}\x1f{move.kind}".encode()))
            elif move.text is not None:
                moves.append(((templates.get(move.text, known, f"{where}, move `{move.kind}`"),), None))
            else:
                raise BundleError(f"{where}: move `{move.kind}` has neither a text nor a pick")
        self.kinds = tuple(m.kind for m in reply.moves)
        self.needs_slots = tuple(n for n, p in needs.items() if p.source == "slot")
        self.needs_fields = tuple(n for n, p in needs.items() if p.source == "field")
        self._templates = templates
        self._plan = tuple(moves)
        self._moves: tuple[tuple[tuple[Callable, ...], bytes | None], ...] | None = None

    def _compile(self) -> tuple[tuple[tuple[Callable, ...], bytes | None], ...]:
        """Compile the moves' templates: once, at the first draft that chooses this reply."""
        compile_ = self._templates.compile
        self._moves = tuple((tuple(compile_(src) for src in sources), pick) for sources, pick in self._plan)
        return self._moves

    def render(self, variables: dict[str, object], seed: str) -> list[str]:
        """Each move's text, stripped, in order. `variables` is handed over (not copied)."""
        moves = self._moves or self._compile()
        context = self._templates.context(variables)
        texts = []
        seed_crc = None
        try:
            for roots, pick in moves:
                if pick is None:
                    root = roots[0]
                else:  # pick_index(), with the seed's share of the CRC computed once per draft
                    if seed_crc is None:
                        seed_crc = zlib.crc32(seed.encode())
                    root = roots[zlib.crc32(pick, seed_crc) % len(roots)]
                texts.append("".join(root(context)).strip())
        except Exception:
            self._templates.env.handle_exception()
            raise  # pragma: no cover - handle_exception raises
        return texts


def reserved_names(names: Iterable[str]) -> list[str]:
    """Names a bundle may not use for slots or fields (the runtime's own template variables)."""
    return sorted(n for n in names if n.startswith(RESERVED_PREFIX))
