"""The canonical layout of a .tact file: the formatter behind `tactful fmt` and the language server.

A concrete layer beside the AST, which stays as it is: the AST says what was written, and its spans
say where, so the formatter prints each node in the one canonical layout and takes from the source
only what the AST does not keep in the written form: the raw text of texts, regexes and numbers
(escapes as written), and the comments, which the parser collects with their spans.

Decisions (docs/authoring.md shows them):
- one logical line per entry, member and item, indented two spaces per level; one space between words;
  `, ` in lists; `enum(a, b)`; conditions with the parentheses that keep their structure and no more;
- a one-line `\"\"\"text\"\"\"` becomes `"text"` (when it holds no quote); a multi-line one opens at the end
  of its line, and its lines (relative indentation kept) and its closing quotes sit one level deeper;
- a line longer than 100 characters has its `mentions` and `avoid` lists wrapped one item per line,
  the items after the first indented two levels deeper than the line (the grammar lets a line break
  after a comma);
- blank lines: one between entries (`use`, `team`, `channel` and `field` lines of one kind may stay
  together), one between members of different kinds and around every reply and example, none inside
  members; otherwise a blank line the author left is kept, and several become one;
- a comment on its own line stays before the line it was written above, at its indentation; a
  comment after code stays at the end of that line. A line that is broken inside (a wrapped list) and
  holds comments is kept as written, only re-indented.

Safe like Black: the result is parsed again and must give the same AST and the same comments, or
nothing is returned but an UnsafeFormat error naming the file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from tactful.diagnostics import Diagnostic
from tactful.source import SourceFile
from tactful.syntax import ast
from tactful.syntax.parser import Parser, default_parser

__all__ = ["LINE_LENGTH", "FormatError", "Formatted", "UnsafeFormat", "format_source"]

LINE_LENGTH = 100
INDENT = "  "
_NUMBER_AT_END = re.compile(r"-?[0-9]+(?:\.[0-9]+)?$")
_NUMBER_IN_SCORES = re.compile(r"\bleast\s+(-?[0-9]+(?:\.[0-9]+)?)")
_REPEATED_STYLE_ITEM = re.compile(r"^[ \t]+(prefer|severity)\b", re.M)


class FormatError(Exception):
    """The file cannot be formatted: it does not parse (its diagnostics say why), or it says one
    thing twice where the AST keeps only one (a style's second `prefer`)."""

    def __init__(self, path: str, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.path, self.message, self.diagnostics = path, message, diagnostics or []


class UnsafeFormat(Exception):
    """An internal error: the formatted text would not mean what the file means. Nothing is written."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"formatting `{path}` would change what it means ({detail}); the file was left as it is")
        self.path, self.detail = path, detail


@dataclass(frozen=True)
class Formatted:
    path: str
    original: str
    text: str

    @property
    def changed(self) -> bool:
        return self.text != self.original


# --- one logical line ---------------------------------------------------------------------------


@dataclass
class _List:
    """A comma list that may be wrapped one item per line when the line is too long."""

    items: list[str]
    wrap: bool  # mentions and avoid lists wrap; tags, pairs and channel lists stay on one line


Seg = str | _List


@dataclass
class _Unit:
    """One logical line of output: an entry's head, a member's head or an item, and its comments."""

    node: object
    depth: int
    segs: list[Seg]
    first_line: int  # source lines of its own text (not its members')
    last_line: int
    group: str = ""
    first_child: bool = False
    item: bool = False  # a line inside a member, or inside a signal, phrase bank or style (no blank lines)  # the first member or item under its parent's head
    leading: list[ast.Comment] = field(default_factory=list)
    trailing: ast.Comment | None = None
    verbatim: bool = False


class _Printer:
    def __init__(self, source: SourceFile) -> None:
        self.src = source
        self.body = source.text
        self.units: list[_Unit] = []

    # ---- raw pieces ----------------------------------------------------------------------------
    def raw(self, span) -> str:
        return self.body[span.start:span.end]

    def text_node(self, raw: str, depth: int) -> str:
        """A text in canonical form: raw escapes kept; long texts re-indented one level below the line."""
        if not raw.startswith('"""'):
            return raw
        body = raw[3:-3]
        if "\n" not in body:
            content = body.strip()
            if '"' not in content and not content.endswith("\\"):
                return f'"{content}"'
            return f'"""{content}"""'
        lines = [ln.rstrip("\r") for ln in body.split("\n")]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines:
            return '""'
        cut = min(len(s) - len(s.lstrip(" ")) for s in lines if s.strip())
        pad = INDENT * (depth + 1)
        inner = "\n".join(pad + s[cut:].rstrip() if s.strip() else "" for s in lines)
        return f'"""\n{inner}\n{pad}"""'

    def text(self, node: ast.Text, depth: int) -> str:
        return self.text_node(self.raw(node.span), depth)

    # ---- conditions ----------------------------------------------------------------------------
    def cond(self, c: ast.Cond, depth: int) -> list[Seg]:
        match c:
            case ast.Or(items=items):
                return self._join(items, "or", lambda x: isinstance(x, ast.Or), depth)
            case ast.And(items=items):
                return self._join(items, "and", lambda x: isinstance(x, (ast.And, ast.Or)), depth)
            case ast.Not(item=item):
                inner = self.cond(item, depth)
                return ["not", *(_paren(inner) if isinstance(item, (ast.And, ast.Or)) else inner)]
            case ast.AtLeast(count=count, items=items):
                inner: list[Seg] = []
                for i, item in enumerate(items):
                    part = self.cond(item, depth)
                    if i < len(items) - 1:
                        part = _suffix(part, ";")
                    inner.extend(part)
                # no list inside wraps one item a line: the items after it share its line
                inner = [_List(s.items, False) if isinstance(s, _List) else s for s in inner]
                return ["at", "least", _number(count), "of", *_paren(inner)]
            case ast.NameCond(name=name):
                return [name.value]
            case ast.Mentions(field=f, phrases=phrases, forms=forms, near=near, near_forms=near_forms, within=within,
                              asserted=asserted):
                segs: list[Seg] = [f.value, "says" if asserted else "mentions", *(["forms", "of"] if forms else [])]
                # a long list wraps one phrase a line only where nothing follows it on the line
                segs.append(_List([self.text(p, depth) for p in phrases], wrap=not near))
                if near:
                    segs += ["near", *(["forms", "of"] if near_forms else []),
                             _List([self.text(p, depth) for p in near], wrap=False), "within", str(within), "words"]
                return segs
            case ast.HasEmoji(field=f, emoji=emoji):
                return [f.value, "has", "emoji", _List([self.text(e, depth) for e in emoji], wrap=True)]
            case ast.Matches(field=f, regex=regex):
                return [f.value, "matches", self.raw(regex.span)]
            case ast.Scores(field=f, at_least=at_least, scorer=scorer, span=span):
                number = _NUMBER_IN_SCORES.search(self.raw(span))
                return [f.value, "scores", "at", "least", number.group(1) if number else _number(at_least), "on",
                        scorer.value]
            case ast.Compare(field=f, op=op, span=span):
                number = _NUMBER_AT_END.search(self.raw(span).rstrip())
                return [f.value, op, number.group() if number else _number(c.value)]
            case ast.Is(field=f, value=v):
                return [f.value, "is", v.value]
            case ast.In(field=f, values=values):
                return [f.value, "in", "(" + ", ".join(v.value for v in values) + ")"]
        raise AssertionError(f"the formatter cannot print condition {type(c).__name__}")

    def _join(self, items, word: str, needs_parens, depth: int) -> list[Seg]:
        out: list[Seg] = []
        for i, item in enumerate(items):
            if i:
                out.append(word)
            inner = self.cond(item, depth)
            out.extend(_paren(inner) if needs_parens(item) else inner)
        return out

    # ---- units ---------------------------------------------------------------------------------
    def add(self, node, depth: int, segs: list[Seg], start_span, end_span, group: str = "", first_child=False,
            item: bool | None = None) -> None:
        item = depth >= 2 if item is None else item
        self.units.append(_Unit(node, depth, segs, start_span.line, end_span.end_line, group, first_child, item))

    def module(self, module: ast.Module) -> None:
        for entry in module.entries:
            self.entry(entry)

    def entry(self, e: ast.Entry) -> None:
        match e:
            case ast.Use(module=m):
                self.add(e, 0, ["use", m.value], e.span, e.span, "use")
            case ast.TeamDecl(name=n, title=t):
                self.add(e, 0, ["team", n.value, *self._opt(t, 0)], e.span, e.span, "team")
            case ast.ChannelDecl(name=n, visibilities=vs, title=t):
                self.add(e, 0, ["channel", n.value, ", ".join(v.value for v in vs), *self._opt(t, 0)], e.span, e.span,
                         "channel")
            case ast.FieldDecl(name=n, type=tr, about=t):
                self.add(e, 0, ["field", n.value, _type(tr), *self._opt(t, 0)], e.span, e.span, "field")
            case ast.SignalDecl(name=n, about=t, when=when, fires=fires, quiet=quiet):
                self.add(e, 0, ["signal", n.value, *self._opt(t, 0)], e.span, (t or n).span, "signal")
                first = True
                for c in when:
                    self.add(c, 1, ["when", *self.cond(c, 1)], c.span, c.span, "when", first, item=True)
                    first = False
                for kind, texts in (("fires", fires), ("quiet", quiet)):
                    for x in texts:
                        self.add(x, 1, [kind, self.text(x, 1)], x.span, x.span, kind, first, item=True)
                        first = False
            case ast.ScorerDecl(name=n, about=t, weights=w):
                self.add(e, 0, ["scorer", n.value, *self._opt(t, 0)], e.span, (t or n).span, "scorer")
                self.add(w, 1, ["weights", self.text(w, 1)], w.span, w.span, "weights", True, item=True)
            case ast.PhraseBank(name=n, about=t, phrases=phrases):
                self.add(e, 0, ["phrases", n.value, *self._opt(t, 0)], e.span, (t or n).span, "phrases")
                for i, x in enumerate(phrases):
                    self.add(x, 1, [self.text(x, 1)], x.span, x.span, "phrase", i == 0, item=True)
            case ast.StyleDecl(name=n, about=t, avoid=avoid, prefer=prefer, severity=severity):
                repeated = [m.group(1) for m in _REPEATED_STYLE_ITEM.finditer(self.raw(e.span))]
                for word in ("prefer", "severity"):
                    if repeated.count(word) > 1:
                        raise FormatError(self.src.path, f"style `{n.value}` has more than one `{word}` line "
                                          "(only the first counts): remove the others, then format")
                self.add(e, 0, ["style", n.value, *self._opt(t, 0)], e.span, (t or n).span, "style")
                first = True
                if avoid:
                    items = [self.text(x, 1) if isinstance(x, ast.Text) else self.raw(x.span) for x in avoid]
                    self.add(avoid, 1, ["avoid", _List(items, wrap=True)], avoid[0].span, avoid[-1].span, "avoid", True, item=True)
                    first = False
                if prefer is not None:
                    self.add(prefer, 1, ["prefer", self.text(prefer, 1)], prefer.span, prefer.span, "prefer", first, item=True)
                    first = False
                if severity is not None:
                    self.add(severity, 1, ["severity", severity.value], severity.span, severity.span, "severity", first, item=True)
            case ast.PolicyDecl(name=n, about=t, items=items):
                self.add(e, 0, ["policy", n.value, *self._opt(t, 0)], e.span, (t or n).span, "policy")
                for i, item in enumerate(items):
                    self.member(item, i == 0)
            case ast.FrameworkDecl(intent=intent, title=title, members=members):
                self.add(e, 0, ["framework", intent.value, self.text(title, 0)], e.span, title.span, "framework")
                for i, m in enumerate(members):
                    self.member(m, i == 0)
            case ast.Junk():
                raise FormatError(self.src.path, "the file does not parse")
            case _:
                raise AssertionError(f"the formatter cannot print entry {type(e).__name__}")

    def _opt(self, t: ast.Text | None, depth: int) -> list[Seg]:
        return [self.text(t, depth)] if t is not None else []

    def member(self, m, first: bool) -> None:
        match m:
            case ast.Owner(team=team):
                self.add(m, 1, ["owner", team.value], m.span, m.span, "header", first)
            case ast.Tags(names=names):
                self.add(m, 1, ["tags", ", ".join(x.value for x in names)], m.span, m.span, "header", first)
            case ast.Serves(visibilities=vs):
                self.add(m, 1, ["serves", ", ".join(x.value for x in vs)], m.span, m.span, "header", first)
            case ast.About(text=t):
                self.add(m, 1, ["about", self.text(t, 1)], m.span, m.span, "header", first)
            case ast.Slot(name=n, flags=flags, patterns=patterns, examples=examples, abouts=abouts):
                head_end = (flags[-1] if flags else n).span
                self.add(m, 1, ["slot", n.value, *(_type(f) if isinstance(f, ast.TypeRef) else f.value for f in flags)],
                         m.span, head_end, "slot", first)
                item_first = True
                for kind, items in (("pattern", patterns), ("example", examples), ("about", abouts)):
                    for x in items:
                        segs = [kind, self.raw(x.span) if isinstance(x, ast.Regex) else self.text(x, 2)]
                        self.add(x, 2, segs, x.span, x.span, kind, item_first)
                        item_first = False
            case ast.Escalate(team=team, when=when, alias=alias, handoff=handoff):
                segs = ["escalate", team.value, "when", *self.cond(when, 1), *(["as", alias.value] if alias else [])]
                self.add(m, 1, segs, m.span, (alias or when).span, "escalate", first)
                if handoff is not None:
                    self.add(handoff, 2, ["handoff", self.text(handoff, 2)], handoff.span, handoff.span, "handoff", True)
            case ast.Guard(when=when, alias=alias, reason=reason):
                segs = ["guard", *self.cond(when, 1), *(["as", alias.value] if alias else []), self.text(reason, 1)]
                self.add(m, 1, segs, m.span, m.span, "guard", first)
            case ast.Except(name=n, reason=reason):
                self.add(m, 1, ["except", n.value, self.text(reason, 1)], m.span, m.span, "except", first)
            case ast.Reply(visibility=vis, when=when, moves=moves):
                segs = ["reply", vis.value, *(["when", *self.cond(when, 1)] if when is not None else [])]
                self.add(m, 1, segs, m.span, (when or vis).span, "reply", first)
                for i, mv in enumerate(moves):
                    tail = [self.text(mv.text, 2)] if mv.text is not None else ["pick", mv.pick.value]
                    self.add(mv, 2, [mv.kind.value, *tail], mv.span, mv.span, "move", i == 0)
            case ast.Example(name=name, items=items):
                self.add(m, 1, ["example", self.text(name, 1)], m.span, name.span, "example", first)
                for i, item in enumerate(items):
                    self.add(item, 2, self.example_item(item), item.span, item.span, "item", i == 0)
            case ast.Junk():
                raise FormatError(self.src.path, "the file does not parse")
            case _:
                raise AssertionError(f"the formatter cannot print member {type(m).__name__}")

    def example_item(self, item: ast.ExampleItem) -> list[Seg]:
        match item:
            case ast.ExMessage(text=t):
                return ["message", self.text(t, 2)]
            case ast.ExChannel(name=n, visibility=v):
                return ["channel", n.value, *([v.value] if v is not None else [])]
            case ast.ExContext(pairs=pairs):
                return ["context", ", ".join(self.pair(p) for p in pairs)]
            case ast.ExSlots(pairs=pairs):
                return ["slots", ", ".join(self.pair(p) for p in pairs)]
            case ast.Expect(kind=kind, name=name, when=when, text=text):
                words = {"guard": ["guard"], "no_guard": ["no", "guard"], "escalate": ["escalate"],
                         "no_escalate": ["no", "escalate"], "reply": ["reply"], "text_contains": ["text", "contains"],
                         "text_lacks": ["text", "lacks"], "send": ["send"], "hold": ["hold"]}[kind]
                segs: list[Seg] = ["expect", *words, *([name.value] if name is not None else [])]
                if when is not None:
                    segs += ["when", *self.cond(when, 2)]
                if text is not None:
                    segs.append(self.text(text, 2))
                return segs
        raise AssertionError(f"the formatter cannot print example item {type(item).__name__}")

    def pair(self, p: ast.Pair) -> str:
        v = p.value
        if v.kind == "text":
            value = self.text_node(self.raw(v.span), 2)
        elif v.kind == "number":
            value = self.raw(v.span)
        else:
            value = str(v.value)
        return f"{p.key.value} {value}"


def _paren(segs: list[Seg]) -> list[Seg]:
    segs = list(segs)
    segs[0] = "(" + segs[0] if isinstance(segs[0], str) else segs[0]
    return _suffix(segs, ")")


def _suffix(segs: list[Seg], end: str) -> list[Seg]:
    """segs with `end` written right after the last one (the last item of a list)."""
    segs = list(segs)
    last = segs[-1]
    if isinstance(last, _List):
        segs[-1] = _List(last.items[:-1] + [last.items[-1] + end], last.wrap)
    else:
        segs[-1] = last + end
    return segs


def _type(t: ast.TypeRef) -> str:
    return f"enum({', '.join(v.value for v in t.values)})" if t.values else t.name.value


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _render(segs: list[Seg], indent: str) -> list[str]:
    """The unit's output lines: on one line, or with its wrappable lists one item per line."""
    flat = indent + " ".join(s if isinstance(s, str) else ", ".join(s.items) for s in segs)
    first = flat.split("\n", 1)[0]
    if len(first) <= LINE_LENGTH or not any(isinstance(s, _List) and s.wrap and len(s.items) > 1 for s in segs):
        return flat.split("\n")
    cont = ",\n" + indent + INDENT * 2
    text = indent + " ".join(s if isinstance(s, str) else (cont if s.wrap else ", ").join(s.items) for s in segs)
    return text.split("\n")


# --- blank lines --------------------------------------------------------------------------------

_TOGETHER = {"use", "team", "channel", "field"}  # top-level lines of one kind that may stay together
_APART = {"reply", "example"}  # members that always have a blank line around them


def _required_blank(prev: _Unit | None, unit: _Unit) -> tuple[bool, bool]:
    """(a blank line is required before unit, a blank line the author left may stay); prev is the
    unit's previous sibling (None for the first line of the file)."""
    if prev is None or unit.first_child:
        return False, False
    if unit.depth == 0:
        return not (prev.group == unit.group and unit.group in _TOGETHER), True
    if unit.item:
        return False, False
    if prev.group == unit.group and unit.group not in _APART:
        return False, True
    return True, True


# --- the whole file -----------------------------------------------------------------------------


def _layout(source: SourceFile, module: ast.Module) -> str:
    printer = _Printer(source)
    printer.module(module)
    units = printer.units
    lines_of = source.line_text
    # comments: before the unit they were written above, at the end of their line, or kept as written
    by_first = sorted(units, key=lambda u: u.first_line)
    firsts = [u.first_line for u in by_first]
    owner_of_line: dict[int, _Unit] = {}
    for u in units:
        for ln in range(u.first_line, u.last_line + 1):
            owner_of_line.setdefault(ln, u)
    tail: list[ast.Comment] = []
    for c in module.comments:
        line = c.span.line
        alone = not lines_of(line)[: c.span.column - 1].strip()
        owner = owner_of_line.get(line)
        if owner is not None and not (alone and line == owner.first_line):
            if not alone and line == owner.first_line and owner.trailing is None:
                owner.trailing = c
            else:
                owner.verbatim = True
            continue
        i = bisect.bisect_right(firsts, line)
        if i < len(by_first):
            by_first[i].leading.append(c)
        else:
            tail.append(c)

    def blank_above(line: int) -> bool:
        return line > 1 and not lines_of(line - 1).strip()

    out: list[str] = []
    prev: _Unit | None = None
    siblings: list[_Unit | None] = [None, None, None]  # the last unit seen at each depth
    for u in units:
        indent = INDENT * u.depth
        required, may_keep = _required_blank(siblings[u.depth], u)
        siblings[u.depth + 1:] = [None] * (2 - u.depth)
        siblings[u.depth] = u
        chunks = [(c.span.line, [indent + c.text.rstrip()]) for c in u.leading]
        if u.verbatim:
            body = _verbatim(source, u.first_line, u.last_line, indent)
        else:
            body = _render(u.segs, indent)
            if u.trailing is not None:
                body[0] += "  " + u.trailing.text.rstrip()
        chunks.append((u.first_line, body))
        for i, (line, lines) in enumerate(chunks):
            blank = (required or (may_keep and blank_above(line))) if i == 0 else blank_above(line)
            if out and blank:
                out.append("")
            out.extend(lines)
        prev = u
    last_indent = INDENT * prev.depth if prev is not None else ""
    for c in tail:
        if out and blank_above(c.span.line):
            out.append("")
        out.append((last_indent if c.span.column > 1 else "") + c.text.rstrip())
    return "\n".join(ln.rstrip() for ln in out) + "\n" if out else ""


def _verbatim(source: SourceFile, first: int, last: int, indent: str) -> list[str]:
    """Lines first..last as written, re-indented as a whole (a line broken inside, with comments)."""
    lines = [source.line_text(n) for n in range(first, last + 1)]
    old = len(lines[0]) - len(lines[0].lstrip(" "))
    shift = len(indent) - old
    out = [indent + lines[0].lstrip()]
    for ln in lines[1:]:
        lead = len(ln) - len(ln.lstrip(" "))
        out.append(" " * max(lead + shift, 0) + ln.lstrip(" ") if ln.strip() else "")
    return out


def format_source(source: SourceFile, parser: Parser | None = None) -> Formatted:
    """The file in canonical layout. Raises FormatError for a file that does not parse and
    UnsafeFormat (an internal error) when the result would not parse to the same AST and comments."""
    parser = parser or default_parser()
    module, diagnostics = parser.parse(source)
    if diagnostics:
        raise FormatError(source.path, "the file has syntax errors", diagnostics)
    text = _layout(source, module)
    again, diagnostics = parser.parse(SourceFile(source.path, text))
    if diagnostics:
        raise UnsafeFormat(source.path, f"the result does not parse: {diagnostics[0].message}")
    if again.entries != module.entries:
        raise UnsafeFormat(source.path, "the result parses to a different tree")
    if [c.text.rstrip() for c in again.comments] != [c.text.rstrip() for c in module.comments]:
        raise UnsafeFormat(source.path, "the comments differ")
    return Formatted(source.path, source.text, text)
