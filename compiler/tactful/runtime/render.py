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
  space. The bundle stores a text's parts only: each move's template (each phrase's) is made from
  them (`parts_template`) and compiled once, the first time a draft needs it; a draft renders the chosen
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

    def get(self, text: dict, known: frozenset[str], where: str) -> str:
        """Check a text (as stored) now; its template's source, to compile() when it is first rendered."""
        return check_text(text["parts"], known, where)

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

    def __init__(self, templates: Templates, text: dict, known: frozenset[str], where: str):
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
        reply: dict,
        phrases: Mapping[str, Sequence[dict]],
        known: frozenset[str],
    ):
        """`reply` and `phrases` as the bundle stores them (tactful.runtime.format)."""
        where = f"`{intent}` reply `{reply['id']}`"
        moves: list[tuple[tuple[str, ...], bytes | None]] = []  # (template sources, pick key after the seed)
        needs: dict[str, str] = {}
        for move in reply["moves"]:
            kind, pick, text = move["kind"], move.get("pick"), move.get("text")
            texts = phrases.get(pick, ()) if pick is not None else [text] if text else []
            needs.update(bare for t in texts for bare in bare_names(t["parts"]))
            if pick is not None:
                bank = phrases.get(pick)
                if not bank:
                    raise BundleError(f"{where}: `pick {pick}` names a phrase bank the bundle lacks or that is empty")
                roots = tuple(templates.get(p, known, f"{where}, phrase bank `{pick}`") for p in bank)
                moves.append((roots, f"\x1f{intent}\x1f{reply['id']}\x1f{kind}".encode()))
            elif text is not None:
                moves.append(((templates.get(text, known, f"{where}, move `{kind}`"),), None))
            else:
                raise BundleError(f"{where}: move `{kind}` has neither a text nor a pick")
        self.kinds = tuple(m["kind"] for m in reply["moves"])
        self.needs_slots = tuple(n for n, source in needs.items() if source == "slot")
        self.needs_fields = tuple(n for n, source in needs.items() if source == "field")
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
