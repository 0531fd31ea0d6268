"""Lark parse results → AST. The only code that reads Lark tokens; method names match rule names.

The builder runs inside the LALR parser (no intermediate tree), so every method receives its
rule's children: AST nodes built so far and the named tokens (leading keywords are named
terminals, which is how spans start at the keyword). Tokens come from Lark or from lark-cython,
whichever parses.
"""

from __future__ import annotations

from lark import Token, Transformer, Tree

from tactful.codes import Code
from tactful.diagnostics import Diagnostic
from tactful.source import SourceFile
from tactful.syntax import ast
from tactful.syntax.text import SPECIAL, TextError, parse_text

try:  # the compiled parser's tokens are a class of their own
    from lark_cython.lark_cython import Token as _CToken

    TOKENS: tuple[type, ...] = (Token, _CToken)
except ImportError:  # pragma: no cover - lark-cython is optional
    TOKENS = (Token,)


_special = SPECIAL.search
_text_at = ast.Text.at


def _nodes(children: list) -> list:
    return [c for c in children if not isinstance(c, TOKENS)]


def _names(children: list) -> list[ast.Name]:
    return [c for c in children if isinstance(c, ast.Name)]


class Builder(Transformer):
    """Builds AST nodes for one source file; `reset` points it at the next file or chunk."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)
        self.source: SourceFile = SourceFile("", "")
        self.base = 0  # offset of the parsed text's first character within the file
        self.diagnostics: list[Diagnostic] = []
        self._depths: dict[int, tuple[object, int, bool]] = {}
        self._groups: dict[int, tuple[object, int, int]] = {}

    def reset(self, source: SourceFile, base: int = 0) -> None:
        self.source, self.base = source, base
        self.diagnostics = []
        self._depths = {}
        self._groups = {}

    # ---- condition depth -------------------------------------------------------------------------
    # Each and/or/not node's depth, by id (the node is kept too, so that its id is not reused). A node
    # that would be deeper than MAX_CONDITION_DEPTH is reported (T1407) once, where it first exceeds
    # it; the nodes around it are not built (they return it), so no tree is deeper than MAX + 1.

    def _depth(self, node) -> int:
        entry = self._depths.get(id(node))
        return entry[1] if entry is not None and entry[0] is node else 1

    def _nested(self, node, items):
        for item in items:
            entry = self._depths.get(id(item))
            if entry is not None and entry[0] is item and entry[2]:
                return item  # already too deep and reported: do not wrap it further
        depth = 1 + max(self._depth(item) for item in items)
        too_deep = depth > ast.MAX_CONDITION_DEPTH
        self._depths[id(node)] = (node, depth, too_deep)
        if too_deep:
            self.diagnostics.append(Diagnostic(
                Code.CONDITION_TOO_DEEP,
                f"this condition nests `not`, `and`, `or` and `at least` more than {ast.MAX_CONDITION_DEPTH} levels deep",
                node.span, label="nested too deeply from here",
                hint="simplify the condition, or give a part of it a name with `signal`"))
        return node

    def __default__(self, data, children, meta):
        if data.startswith("_"):  # Lark's helper rules for repetitions: it inlines them itself
            return Tree(data, children)
        raise AssertionError(f"the builder has no method for grammar rule {data!r}")

    # ---- positions ---------------------------------------------------------------------------
    # A node's position is its source file and offsets (ast.Node); a token's offsets are relative to
    # the parsed text, which starts at offset base + 1 of the file.
    def _start(self, x) -> int:
        """Where x starts: a token, a node, or a tagged item ("pattern", Regex), ("avoid", (Text, …))."""
        while type(x) is tuple:
            x = x[1] if type(x[0]) is str else x[0]
        return self.base + x.start_pos if isinstance(x, TOKENS) else x.start

    def _end(self, x) -> int:
        """Where x ends: a token, a node, or the last of a tagged item or a list (a phrase_list)."""
        while type(x) is tuple or type(x) is list:
            x = x[-1]
        return self.base + x.end_pos if isinstance(x, TOKENS) else x.end

    def _opt_text(self, children: list) -> ast.Text | None:
        return next((c for c in children if isinstance(c, ast.Text)), None)

    # ---- shared pieces -------------------------------------------------------------------------
    # Lists (see the grammar's note): the first reduction makes the list, each later one appends.
    def start(self, c):
        return c[0] if len(c) == 2 else []

    def entries(self, c):
        if len(c) == 2:
            return [c[1]]
        entries = c[0]
        entries.append(c[2])
        return entries

    def head_chunk(self, c):
        return c[0]

    def member_chunk(self, c):
        x = c[0]
        return self._list_member(x) if type(x) is list or type(x) is tuple else x

    def name(self, c):  # the commonest node (`at`: see ast._inits)
        tok = c[0]
        base = self.base
        return ast.Name.at(self.source, base + tok.start_pos, base + tok.end_pos, tok.value)

    visibility = name

    def dotted(self, c):
        if len(c) == 1:
            return c[0]
        first, last = c[0], c[2]
        return ast.Name.at(self.source, first.start, last.end, f"{first.value}.{last.value}")

    # Texts and regexes are single tokens, built as the parser shifts them (Lark calls a transformer
    # method named after a terminal for each such token): no grammar rule wraps them, which spares a
    # reduction per text.
    def QUOTED(self, tok):
        raw = tok.value
        start = self.base + tok.start_pos
        if not raw.startswith('"""'):  # parse_text's commonest case, written out: plain words on one line
            body = raw[1:-1]
            if not _special(body):
                return _text_at(self.source, start, start + len(raw), body, None)
        try:
            return parse_text(raw, start, self.source)
        except TextError as e:
            self.diagnostics.append(Diagnostic(Code.INVALID_TEXT, e.message, self.source.span(e.start, e.end), hint=e.hint))
            return ast.Text(tok.value, (), src=self.source, start=start, end=self.base + tok.end_pos)

    def REGEX(self, tok):
        return ast.Regex(tok.value[1:-1].replace("\\/", "/"), src=self.source, start=self.base + tok.start_pos, end=self.base + tok.end_pos)

    # ---- library declarations ------------------------------------------------------------------
    def use(self, c):
        return ast.Use(c[1], src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def team(self, c):
        return ast.TeamDecl(c[1], self._opt_text(c), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def channel(self, c):
        return ast.ChannelDecl(c[1], c[2], self._opt_text(c), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def visibility_list(self, c):
        return tuple(_names(c))

    def field_decl(self, c):
        return ast.FieldDecl(c[1], c[2], self._opt_text(c), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def type_ref(self, c):
        x = c[0]
        return x if isinstance(x, ast.TypeRef) else ast.TypeRef(x, src=x.src, start=x.start, end=x.end)

    def enum_type(self, c):
        return ast.TypeRef(ast.Name("enum", src=self.source, start=self.base + c[0].start_pos, end=self.base + c[0].end_pos), tuple(_names(c)), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def signal(self, c):
        items = _nodes(c)[1:]
        about = items[0] if items and isinstance(items[0], ast.Text) else None
        tagged = [x for x in items if isinstance(x, tuple)]
        return ast.SignalDecl(
            c[1], about,
            tuple(v for k, v in tagged if k == "when"),
            tuple(v for k, v in tagged if k == "fires"),
            tuple(v for k, v in tagged if k == "quiet"),
            src=self.source, start=self._start(c[0]), end=self._end(c[-1]),
        )

    def signal_when(self, c):
        return ("when", c[1])

    def signal_fires(self, c):
        return ("fires", c[1])

    def signal_quiet(self, c):
        return ("quiet", c[1])

    def scorer(self, c):  # SCORER name QUOTED? WEIGHTS QUOTED
        texts = [x for x in c[2:] if isinstance(x, ast.Text)]
        about = texts[0] if len(texts) == 2 else None
        return ast.ScorerDecl(c[1], about, texts[-1], src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def phrases(self, c):
        nodes = _nodes(c)[1:]
        about = nodes[0] if nodes and isinstance(nodes[0], ast.Text) else None
        return ast.PhraseBank(c[1], about, tuple(p[0] for p in nodes if isinstance(p, tuple)), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def phrase(self, c):
        return (c[0],)

    def style(self, c):
        nodes = _nodes(c)[1:]
        about = nodes[0] if nodes and isinstance(nodes[0], ast.Text) else None
        tagged = [x for x in nodes if isinstance(x, tuple)]
        avoid = tuple(a for k, v in tagged if k == "avoid" for a in v)
        prefer = next((v for k, v in tagged if k == "prefer"), None)
        severity = next((v for k, v in tagged if k == "severity"), None)
        return ast.StyleDecl(c[1], about, avoid, prefer, severity, src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def style_avoid(self, c):
        return ("avoid", tuple(_nodes(c)))

    def style_prefer(self, c):
        return ("prefer", c[1])

    def style_severity(self, c):
        return ("severity", c[1])

    def avoid_item(self, c):
        return c[0]

    def policy(self, c):
        nodes = _nodes(c)[1:]
        about = nodes[0] if nodes and isinstance(nodes[0], ast.Text) else None
        items = tuple(n for n in nodes if isinstance(n, (ast.Guard, ast.Escalate)))
        return ast.PolicyDecl(c[1], about, items, src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def policy_item(self, c):
        return c[0]

    # ---- frameworks ----------------------------------------------------------------------------
    def framework(self, c):
        head, *members = c[0]
        return ast.FrameworkDecl(head.intent, head.title, tuple(members), src=self.source, start=head.start, end=members[-1].end)

    def members(self, c):  # [head, member, member, …]
        member = c[2]
        if type(member) is list or type(member) is tuple:  # a slot, a reply or an example: see the grammar
            member = self._list_member(member)
        first = c[0]
        if type(first) is list:
            first.append(member)
            return first
        return [first, member]

    def _list_member(self, x):
        """The node of a member that the grammar leaves as its list: slot_flags (a list that starts
        with SLOT), slot_items (a tuple), moves (a list that starts with REPLY) or example_items (a
        list that starts with EXAMPLE)."""
        if type(x) is tuple:
            return self._slot(*x)
        kind = x[0].type
        if kind == "SLOT":
            return self._slot(x, ())
        if kind == "REPLY":
            reply, visibility, when, *moves = x
            return ast.Reply(visibility, when, tuple(moves), src=self.source, start=self._start(reply), end=moves[-1].end)
        example, name, *items = x
        return ast.Example(name, tuple(items), src=self.source, start=self._start(example), end=self._end(items[-1]))

    def framework_head(self, c):
        return ast.FrameworkDecl(c[1], c[2], (), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def owner(self, c):
        return ast.Owner(c[1], src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def tags(self, c):
        if len(c) == 2:
            return ast.Tags((c[1],), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))
        tags, name = c[0], c[2]
        return ast.Tags(tags.names + (name,), src=self.source, start=tags.start, end=name.end)

    def serves(self, c):
        if len(c) == 2:
            return ast.Serves((c[1],), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))
        serves, name = c[0], c[2]
        return ast.Serves(serves.visibilities + (name,), src=self.source, start=serves.start, end=name.end)

    def about(self, c):
        return ast.About(c[1], src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def _slot(self, flags, items):  # see _list_member
        last = items[-1][1] if items else flags[-1]
        return ast.Slot(
            flags[1], tuple(flags[2:]),
            tuple(v for k, v in items if k == "PATTERN"),
            tuple(v for k, v in items if k == "EXAMPLE"),
            tuple(v for k, v in items if k == "ABOUT"),
            src=self.source, start=self._start(flags[0]), end=self._end(last),
        )

    def slot_flags(self, c):  # [SLOT, name, flag, …]
        first = c[0]
        if type(first) is list:
            first.append(c[1])
            return first
        return [first, c[1]]

    def slot_items(self, c):  # (slot_flags, [(PATTERN, EXAMPLE or ABOUT, node), …])
        first, _, kind, node = c
        if type(first) is list:
            return (first, [(kind.type, node)])
        first[1].append((kind.type, node))
        return first

    def escalate(self, c):  # ESCALATE name WHEN cond (AS name)? (_NL2 HANDOFF text)?
        alias = handoff = None
        if len(c) > 4:
            if c[4].type == "AS":
                alias = c[5]
                if len(c) > 6:
                    handoff = c[8]
            else:
                handoff = c[6]
        return ast.Escalate(c[1], c[3], alias, handoff, src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def guard(self, c):  # GUARD cond (AS name)? text
        return ast.Guard(c[1], c[3] if len(c) == 5 else None, c[-1], src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def except_(self, c):
        return ast.Except(c[1], c[2], src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def moves(self, c):  # [REPLY, visibility, condition or None, move, move, …]
        # c: moves _NL2 kind (text | PICK name), or REPLY visibility (WHEN cond)? _NL2 kind (text | PICK name)
        first = c[0]
        if type(first) is list:
            first.append(self._move(c, 2))
            return first
        if len(c) < 7:
            return [first, c[1], None, self._move(c, 3)]
        return [first, c[1], c[3], self._move(c, 5)]

    def _move(self, c, at):  # c[at:]: kind (text | PICK name)
        tok = c[at]
        src, start = self.source, self.base + tok.start_pos
        kind = ast.Name.at(src, start, self.base + tok.end_pos, tok.value)
        if len(c) == at + 2:
            text = c[at + 1]
            return ast.Move.at(src, start, text.end, kind, text, None)
        pick = c[at + 2]
        return ast.Move.at(src, start, pick.end, kind, None, pick)

    def example_items(self, c):  # [EXAMPLE, name, item, item, …]
        first = c[0]
        if type(first) is list:
            first.append(c[1])
            return first
        return [first, c[1], c[2]]

    # an example's items start with their _NL2 token
    def ex_message(self, c):
        return ast.ExMessage(c[2], src=self.source, start=self._start(c[1]), end=self._end(c[2]))

    def ex_channel(self, c):
        return ast.ExChannel(c[2], c[3] if len(c) > 3 else None, src=self.source, start=self._start(c[1]), end=self._end(c[-1]))

    def ex_context(self, c):
        pairs = c[2]
        return ast.ExContext(tuple(pairs), src=self.source, start=self._start(c[1]), end=self._end(pairs[-1]))

    def ex_slots(self, c):
        pairs = c[2]
        return ast.ExSlots(tuple(pairs), src=self.source, start=self._start(c[1]), end=self._end(pairs[-1]))

    def ex_expect(self, c):
        e = c[2]
        return ast.Expect(e.kind, e.name, e.when, e.text, src=self.source, start=self._start(c[1]), end=self._end(e))

    def pairs(self, c):
        if len(c) == 1:
            return [c[0]]
        pairs = c[0]
        pairs.append(c[2])
        return pairs

    def pair(self, c):  # name (text | NUMBER | name | visibility)
        name, x = c
        if isinstance(x, ast.Text):
            value = ast.Value("text", x.value, src=x.src, start=x.start, end=x.end)
        elif isinstance(x, ast.Name):
            value = ast.Value("name", x.value, src=x.src, start=x.start, end=x.end)
        else:
            value = ast.Value("number", float(x.value), src=self.source, start=self.base + x.start_pos, end=self.base + x.end_pos)
        return ast.Pair(name, value, src=self.source, start=self._start(name), end=value.end)

    def _expect(self, kind: str, c: list, **kw):
        names = _names(c)
        return ast.Expect(kind, names[0] if names else None, src=self.source, start=self._start(c[0]), end=self._end(c[-1]), **kw)

    def expect_guard(self, c):
        return self._expect("guard", c)

    def expect_no_guard(self, c):
        return self._expect("no_guard", c)

    def expect_escalate(self, c):
        return self._expect("escalate", c)

    def expect_no_escalate(self, c):
        return self._expect("no_escalate", c)

    def expect_reply(self, c):
        return ast.Expect("reply", c[1], when=c[3] if len(c) > 3 else None, src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def expect_contains(self, c):
        return self._expect("text_contains", c, text=c[-1])

    def expect_lacks(self, c):
        return self._expect("text_lacks", c, text=c[-1])

    def expect_send(self, c):
        return self._expect("send", c)

    def expect_hold(self, c):
        return self._expect("hold", c)

    # ---- conditions ----------------------------------------------------------------------------
    def cond(self, c):  # a lone atom
        return c[0]

    def cond_and(self, c):
        return self._and(c[0])

    def cond_or(self, c):
        items = tuple(c[0])
        return self._nested(ast.Or(items, src=self.source, start=self._cond_start(items[0]), end=self._cond_end(items[-1])), items)

    def _and(self, atoms: list):
        items = tuple(atoms)
        return self._nested(ast.And(items, src=self.source, start=self._cond_start(items[0]), end=self._cond_end(items[-1])), items)

    def and_list(self, c):  # [atom, atom, …]
        first = c[0]
        if type(first) is list:
            first.append(c[2])
            return first
        return [first, c[2]]

    def or_list(self, c):  # [atom or And, …]
        first, last = c[0], c[2]
        return [self._and(first) if type(first) is list else first, self._and(last) if type(last) is list else last]

    def or_list_more(self, c):
        items, last = c[0], c[2]
        items.append(self._and(last) if type(last) is list else last)
        return items

    def cond_not(self, c):
        return self._nested(ast.Not(c[1], src=self.source, start=self._start(c[0]), end=self._cond_end(c[-1])), (c[1],))

    def cond_at_least(self, c):  # AT LEAST NUMBER OF ( cond ; cond … )
        items = tuple(_nodes(c[5:-1]))
        return self._nested(ast.AtLeast(float(c[2].value), items, src=self.source, start=self._start(c[0]), end=self._end(c[-1])), items)

    # A group returns the condition inside its parentheses (its own span unchanged), and records the
    # parentheses' extent, so that an `and`, `or` or `not` around it spans them too: the source text
    # of `a and (b or c)` keeps its closing parenthesis.
    def cond_group(self, c):
        inner = c[1]
        self._groups[id(inner)] = (inner, self._start(c[0]), self._end(c[-1]))
        return inner

    def _cond_start(self, x) -> int:
        group = self._groups.get(id(x))
        return group[1] if group is not None and group[0] is x else self._start(x)

    def _cond_end(self, x) -> int:
        group = self._groups.get(id(x))
        return group[2] if group is not None and group[0] is x else self._end(x)

    def cond_name(self, c):
        return ast.NameCond(c[0], src=c[0].src, start=c[0].start, end=c[0].end)

    def phrase_list(self, c):  # [forms, text, text, …]
        if len(c) == 1:
            return [False, c[0]]
        first = c[0]
        if type(first) is list:
            first.append(c[2])
            return first
        return [True, c[2]]  # FORMS OF text

    def cond_mentions(self, c, asserted: bool = False):
        forms, *phrases = c[2]
        phrases = tuple(phrases)
        if len(c) > 3:  # `near <phrases> within N words`
            near_forms, *near = c[4]
            near = tuple(near)
            return ast.Mentions(c[0], phrases, src=self.source, start=self._start(c[0]), end=self._end(c[-1]), forms=forms, near=near, near_forms=near_forms,
                                within=int(float(c[6].value)), asserted=asserted)
        return ast.Mentions(c[0], phrases, src=self.source, start=self._start(c[0]), end=self._end(c[-1]), forms=forms, asserted=asserted)

    def cond_says(self, c):
        return self.cond_mentions(c, asserted=True)

    def cond_emoji(self, c):
        return ast.HasEmoji(c[0], tuple(x for x in c[3:] if isinstance(x, ast.Text)), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def cond_scores(self, c):  # name SCORES AT LEAST NUMBER ON name
        return ast.Scores(c[0], float(c[4].value), c[6], src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def cond_matches(self, c):
        return ast.Matches(c[0], c[2], src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def cond_compare(self, c):
        return ast.Compare(c[0], c[1].value, float(c[2].value), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def cond_is(self, c):
        return ast.Is(c[0], c[2], src=self.source, start=self._start(c[0]), end=self._end(c[-1]))

    def cond_in(self, c):
        return ast.In(c[0], tuple(_names(c)[1:]), src=self.source, start=self._start(c[0]), end=self._end(c[-1]))
