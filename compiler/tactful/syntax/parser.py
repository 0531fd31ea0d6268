"""Source text → AST, with error recovery. The only module that imports Lark.

One LALR parser is built once (its tables cached on disk by Lark; compiled by lark-cython when that
is installed) with the Builder running inside it. Indentation is handled by a lexer callback that
retypes each newline token by the depth of the line it starts (_NL0, _NL1, _NL2), so the parser
needs no post-lexer. A file is parsed whole first; only when that fails is it cut into entries
(lines starting at column 1), and a broken framework into its members, so that every syntax error
of the file is reported and the healthy entries are still checked. Broken pieces become Junk.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from tactful.diagnostics import Diagnostic
from tactful.source import SourceFile
from tactful.syntax import ast
from tactful.syntax.builder import Builder

GRAMMAR = Path(__file__).with_name("tactful.lark")
START = ["start", "head_chunk", "member_chunk", "declarations"]
_DEPTHS = ("_NL0", "_NL1", "_NL2")
_COMMENT_IN_NL = re.compile(r"#[^\r\n]*")
_FIRST_WORD = re.compile(r"[ \t]*([^\s#]\S*)?")
_FRAMEWORK_LINE = re.compile(r"^framework\b[^\n]*", re.M)  # the first framework's head line
_ENTRY_LINE = re.compile(r"\n[^\s#]")  # a line that may start another entry
_QUOTE_IN_TEXT = re.compile(r'"[^"]*\{\s*[A-Za-z_][A-Za-z0-9_]*\s+or\s+"\s*$')


class IndentError(LarkError):
    def __init__(self, message: str, pos: int, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.pos, self.hint = message, pos, hint


class _Lines:
    """Lexer callbacks: the depth of each line from its indentation, and the comments."""

    def __init__(self) -> None:
        self.widths = [0]
        self.comments: list[tuple[int, str]] = []

    def reset(self, widths: list[int]) -> None:
        self.widths = widths
        self.comments = []

    def newline(self, tok):
        value = tok.value
        if "#" in value:
            for m in _COMMENT_IN_NL.finditer(value):
                self.comments.append((tok.start_pos + m.start(), m.group()))
        last = value.rsplit("\n", 1)[1]
        pos = tok.end_pos - len(last)
        if "\t" in last:
            raise IndentError("this line is indented with a tab", pos, "indent with spaces: tabs look different in every editor")
        w = len(last)
        widths = self.widths
        if w > widths[-1]:
            widths.append(w)
        elif w < widths[-1]:
            while w < widths[-1]:
                widths.pop()
            if w != widths[-1]:
                raise IndentError("this line does not line up with the lines above it", pos,
                                  f"indent it by {widths[-1]} spaces to continue the block above, or match an enclosing block")
        depth = len(widths) - 1
        if depth > 2:
            raise IndentError("this line is indented deeper than anything can be here", pos,
                              "entries hold members (one level) and members hold items (two levels)")
        tok.type = _DEPTHS[depth]
        return tok

    def comment(self, tok):
        self.comments.append((tok.start_pos, tok.value))
        return tok


def _keywords(grammar: str) -> dict[str, str]:
    """Keyword text → terminal, from the grammar's `%declare` lines (USE is `use`)."""
    return {name.lower(): name for line in grammar.splitlines() if line.startswith("%declare")
            for name in line.split()[1:] if not name.startswith("_")}


def _retype_keyword(keywords: dict[str, str]):
    """The NAME callback: a word that is a keyword gets the keyword's terminal type.

    A NAME also takes the spaces after it (one match of the lexer instead of two, for most words);
    they are cut off here, so the token is the word alone."""
    get = keywords.get

    def retype(tok):
        value = tok.value
        if value[-1] in " \t":
            word = value.rstrip(" \t")
            cut = len(value) - len(word)
            if isinstance(tok, str):  # Lark's own Token is an immutable str: make a new one
                tok = Token(tok.type, word, tok.start_pos, tok.line, tok.column, tok.end_line,
                            tok.end_column - cut, tok.end_pos - cut)
            else:  # lark-cython's
                tok.value, tok.end_column, tok.end_pos = word, tok.end_column - cut, tok.end_pos - cut
            value = word
        kind = get(value)
        if kind is not None:
            tok.type = kind
        return tok

    return retype


def _plugins() -> dict:
    try:
        import lark_cython
    except ImportError:  # pragma: no cover - the pure-Python parser gives the same trees, slower
        return {}
    return lark_cython.plugins


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, Builder, _Lines]:
    builder, lines = Builder(), _Lines()
    grammar = GRAMMAR.read_text(encoding="utf-8")
    lark = Lark(
        grammar,
        parser="lalr",
        lexer="basic",
        transformer=builder,
        start=START,
        lexer_callbacks={"_NL0": lines.newline, "COMMENT": lines.comment, "NAME": _retype_keyword(_keywords(grammar))},
        cache=True,
        maybe_placeholders=False,
        _plugins=_plugins(),
    )
    return lark, builder, lines


def grammar_for_tests(**options) -> Lark:
    """A plain tree-building parser over the same grammar (tests build it with strict=True)."""
    lines, grammar = _Lines(), GRAMMAR.read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", start=START, maybe_placeholders=False,
                lexer_callbacks={"_NL0": lines.newline, "NAME": _retype_keyword(_keywords(grammar))}, **options)


# ---- error messages ------------------------------------------------------------------------------

_NAME_KEYWORDS = {
    "USE", "TEAM", "CHANNEL", "FIELD", "SIGNAL", "FIRES", "QUIET", "PHRASES", "STYLE", "AVOID", "PREFER", "SEVERITY",
    "POLICY", "FRAMEWORK", "OWNER", "TAGS", "SERVES", "ABOUT", "SLOT", "PATTERN", "EXAMPLE", "ESCALATE", "HANDOFF",
    "GUARD", "EXCEPT", "REPLY", "PICK", "MESSAGE", "CONTEXT", "SLOTS", "EXPECT", "NO", "TEXT", "CONTAINS", "LACKS",
    "SEND", "HOLD", "ACKNOWLEDGE", "ASK", "RESTATE", "NEXT", "CLOSE",
}
_WORDS = {
    "NAME": "a name", "STRING": "a text in quotes", "LONG_STRING": "a text in quotes", "REGEX": "a /regex/",
    "NUMBER": "a number", "_NL0": "the end of the line", "_NL1": "the end of the line", "_NL2": "the end of the line",
    "PUBLIC": "`public`", "PRIVATE": "`private`", "CMP": "a comparison such as `>=`", "LPAR": "`(`", "RPAR": "`)`",
    "COMMA": "`,`", "DOT": "`.`", "$END": "the end of the file",
}
_ENTRY_KEYWORDS = ["use", "team", "channel", "field", "signal", "phrases", "style", "policy", "framework"]
_MEMBER_KEYWORDS = ["owner", "tags", "serves", "about", "slot", "escalate", "guard", "except", "reply", "example"]
_ITEM_KEYWORDS = {
    "framework": _MEMBER_KEYWORDS,
    "file": _ENTRY_KEYWORDS,
    "example": ["message", "channel", "context", "slots", "expect"],
    "slot": ["pattern", "example", "about"],
    "reply": ["acknowledge", "ask", "restate", "next", "close"],
    "signal": ["when", "fires", "quiet"],
    "style rule": ["avoid", "prefer", "severity"],
    "policy": ["guard", "escalate"],
}
# The keyword a line could start with, after a newline of each depth, by what the parser expected.
_CONTEXTS = (
    (frozenset({"OWNER", "REPLY", "SLOT"}), "framework"),
    (frozenset({"FRAMEWORK", "USE"}), "file"),
    (frozenset({"MESSAGE", "EXPECT"}), "example"),
    (frozenset({"PATTERN", "EXAMPLE", "ABOUT"}), "slot"),
    (frozenset({"ACKNOWLEDGE", "NEXT"}), "reply"),
    (frozenset({"WHEN", "FIRES", "QUIET"}), "signal"),
    (frozenset({"AVOID", "PREFER"}), "style rule"),
)


def _describe_expected(name: str) -> str:
    if name in _WORDS:
        return _WORDS[name]
    if name.isupper():
        return f"`{name.lower()}`"
    return name.lower()


def _describe_found(tok) -> str:
    if tok.type in ("_NL0", "_NL1", "_NL2", "$END"):
        return "the end of the file" if tok.type == "$END" else "the end of the line"
    if tok.type in ("STRING", "LONG_STRING"):
        return "text"
    value = tok.value if len(tok.value) <= 40 else tok.value[:40] + "…"
    return f"`{value}`"


def _join(words: list[str]) -> str:
    words = sorted(set(words), key=lambda w: (not w.startswith("`"), w))
    if len(words) > 6:
        words = words[:5] + ["…"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _line_start_keyword(source: SourceFile, pos: int) -> tuple[int, str]:
    """The first word of the line that starts at or after pos (the line a newline token leads to)."""
    m = _FIRST_WORD.match(source.text, pos)
    start = m.start(1) if m and m.group(1) else pos
    return start, (m.group(1) if m and m.group(1) else "")


def _syntax_diagnostic(err: Exception, source: SourceFile, base: int) -> Diagnostic:
    """One curated diagnostic for a Lark error in a text parsed at offset base of the file."""
    text = source.text
    n = len(text)
    if isinstance(err, IndentError):
        pos = min(max(base + err.pos, 0), n)
        line_start = text.rfind("\n", 0, pos) + 1
        return Diagnostic("T1003", err.message, source.span(line_start, max(pos, line_start + 1) if pos < n else pos),
                          label="here", hint=err.hint)
    if isinstance(err, UnexpectedCharacters):
        pos = min(max(base + err.pos_in_stream, 0), n)
        ch = text[pos] if pos < n else ""
        if ch == '"':
            eol = text.find("\n", pos)
            eol = n if eol == -1 else eol
            return Diagnostic("T1002", "this text has no closing quote", source.span(pos, max(eol, pos + 1)),
                              label="the text starts here", hint='add the closing `"`; use `"""` for text over several lines')
        if ch == "/":
            return Diagnostic("T1001", "this regex has no closing `/`", source.span(pos, pos + 1),
                              label="the regex starts here", hint="close it with `/`; write `\\/` for a slash inside it")
        shown = repr(ch)[1:-1] if ch else "end of file"
        return Diagnostic("T1001", f"unexpected character `{shown}`", source.span(pos, min(pos + 1, n)),
                          label="not part of the language", hint="texts go in double quotes, regexes between slashes")
    assert isinstance(err, UnexpectedToken), err
    tok = err.token
    expected = {e for e in err.expected if not e.startswith("__")}
    if "NAME" in expected:
        expected -= _NAME_KEYWORDS
    newline = tok.type in _DEPTHS
    if tok.type == "$END":
        pos = len(text.rstrip())
        span = source.span(max(pos - 1, 0), pos)
    elif newline:
        line_pos, word = _line_start_keyword(source, min(max(base + tok.end_pos, 0), n))
        span = source.span(line_pos, min(line_pos + max(len(word), 1), n))
    else:
        span = source.span(base + tok.start_pos, base + tok.end_pos)
    found = _describe_found(tok)
    if not newline and tok.type != "$END" and span.start > 0:
        before = text[text.rfind("\n", 0, span.start) + 1 : span.start]
        if _QUOTE_IN_TEXT.search(before):
            quote = span.start - (len(before) - before.rstrip().rfind('"'))
            return Diagnostic("T1001", "this `\"` ends the text early", source.span(quote, quote + 1),
                              label="the text ends here",
                              hint="inside a \"…\" text, write the fallback in single quotes: `{name or 'fallback'}`, "
                              "or escape the quote as `\\\"`")
    depth_expected = {e for e in expected if e in _DEPTHS}
    if newline:
        # A line that starts with something unexpected (or sits at the wrong depth).
        word = source.text[span.start:span.end].strip()
        if depth_expected and tok.type not in depth_expected and word:
            deeper = int(tok.type[-1]) > max(int(e[-1]) for e in depth_expected)
            if deeper:
                return Diagnostic("T1003", "this line is indented, but nothing above it opens a block", span,
                                  label="unexpected indentation", hint="line it up with the line above")
        if not depth_expected or tok.type not in depth_expected:
            words = _join([_describe_expected(e) for e in expected if e not in _DEPTHS] or ["more on this line"])
            return Diagnostic("T1001", f"the line above ends too early; expected {words}", span if not word else
                              source.span(max(span.start - 1, 0), span.start),
                              label=f"expected {words}", hint="finish the statement on its line")
    if tok.type in ("NAME", *_NAME_KEYWORDS) or newline:
        for keys, where in _CONTEXTS:
            if keys <= expected:
                word = tok.value if not newline else source.text[span.start:span.end]
                word = word if len(word) <= 40 else word[:40] + "…"
                words = _ITEM_KEYWORDS[where]
                import difflib

                guess = difflib.get_close_matches(word, words, n=1, cutoff=0.6)
                hint = f"did you mean `{guess[0]}`?" if guess else "a line here starts with " + _join([f"`{w}`" for w in words])
                return Diagnostic("T1001", f"`{word}` is not something a {where} can contain", span,
                                  label="unknown keyword", hint=hint)
    if expected and expected <= {"_NL0", "_NL1", "_NL2", "COMMA", "AS"} | depth_expected:
        return Diagnostic("T1001", f"unexpected {found} at the end of this line", span,
                          label="expected the line to end here",
                          hint="each statement goes on its own line; separate list items with commas")
    if depth_expected and any(e in expected for e in depth_expected) and len(expected - set(_DEPTHS)) == 0:
        return Diagnostic("T1001", f"unexpected {found}", span, label="expected the line to end here")
    words = _join([_describe_expected(e) for e in expected] or ["something else"])
    return Diagnostic("T1001", f"unexpected {found}; expected {words}", span, label=f"expected {words}")


# ---- parsing -------------------------------------------------------------------------------------


def module_name(path: str) -> str:
    name = path[:-5] if path.endswith(".tact") else path
    return name.replace("/", ".")


def _prepare(text: str) -> str:
    """The text the parser sees: a newline in front (so line one has its depth token) and one at the end."""
    return "\n" + text.rstrip() + "\n"


def parse(source: SourceFile, name: str | None = None) -> tuple[ast.Module, list[Diagnostic]]:
    """Parse one file. Returns its Module (with Junk for broken entries) and syntax diagnostics."""
    lark, builder, lines = _parser()
    name = name or module_name(source.path)
    if not source.text.strip():
        return ast.Module(name, source.path, ()), []
    builder.reset(source, -1, -1)
    lines.reset([0])
    try:
        entries = lark.parse(_prepare(source.text), start="start")
    except (UnexpectedInput, IndentError):
        return _parse_recovering(source, name)
    comments = tuple(ast.Comment(t, span=source.span(o - 1, o - 1 + len(t))) for o, t in lines.comments)
    return ast.Module(name, source.path, tuple(entries), comments), builder.diagnostics


def parse_declarations(source: SourceFile, name: str | None = None) -> ast.Module:
    """What other files need to know of this one: its declarations and its frameworks' heads.

    The frameworks' bodies are blanked out (spaces, so every offset stays), and the file is cut after
    the last framework's head; the rest is parsed in one go, and frameworks come back as stubs.
    Nothing is reported: the process that parses the file whole reports its errors.
    """
    lark, builder, lex = _parser()
    name = name or module_name(source.path)
    text = source.text
    head = _FRAMEWORK_LINE.search(text)
    if head and '"""' not in text[: head.end()] and not _ENTRY_LINE.search(text, head.end()):
        lines = [text[: head.end()]]  # the usual file: `use` lines, then one framework to the end
    else:
        lines = text.split("\n")
        chunks = _chunks(lines, _is_entry)
        if chunks and lines[chunks[-1][0]].startswith("framework"):
            del lines[chunks[-1][0] + 1 :]  # nothing after the last framework's head is needed
            chunks.pop()
        for first, last in chunks:
            if lines[first].startswith("framework"):
                lines[first + 1 : last] = [" " * len(line) for line in lines[first + 1 : last]]
    builder.reset(source, -1, -1)
    lex.reset([0])
    try:
        entries = lark.parse(_prepare("\n".join(lines)), start="declarations")
    except (UnexpectedInput, IndentError):
        entries = []  # the whole parse reports it; other files see no declarations from this one
    stubs = tuple(ast.FrameworkDecl(e.intent, e.title, (), True, span=e.span) if isinstance(e, ast.FrameworkDecl) else e
                  for e in entries)
    return ast.Module(name, source.path, stubs, (), True)


def _chunks(lines: list[str], is_start) -> list[tuple[int, int]]:
    """(first, last+1) line index ranges; a chunk starts where is_start(line) holds outside a \"\"\" block."""
    out: list[tuple[int, int]] = []
    in_long = False
    begin = None
    for i, line in enumerate(lines):
        if not in_long and is_start(line):
            if begin is not None:
                out.append((begin, i))
            begin = i
        if '"""' in line and line.count('"""') % 2:
            in_long = not in_long
    if begin is not None:
        out.append((begin, len(lines)))
    return out


def _is_entry(line: str) -> bool:
    """A line that starts an entry: something at column 1 that is not a comment."""
    return bool(line) and not line[0].isspace() and not line.startswith("#")


def _blank(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def _parse_recovering(source: SourceFile, name: str) -> tuple[ast.Module, list[Diagnostic]]:
    lark, builder, lex = _parser()
    text = source.text
    diagnostics: list[Diagnostic] = []
    comments: dict[int, ast.Comment] = {}
    entries: list = []
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def attempt(first: int, last: int, start: str, widths: list[int]):
        base = starts[first]
        end = starts[last] - 1 if last < len(starts) else len(text)
        chunk = text[base:end]
        builder.reset(source, base - 1, first - 1)
        lex.reset(widths)
        try:
            result = lark.parse(_prepare(chunk) if start != "member_chunk" else "\n" + chunk.rstrip() + "\n", start=start)
        except (UnexpectedInput, IndentError) as e:
            diagnostics.append(_syntax_diagnostic(e, source, base - 1))
            return None
        finally:
            for o, t in lex.comments:
                comments.setdefault(base - 1 + o, ast.Comment(t, span=source.span(base - 1 + o, base - 1 + o + len(t))))
        diagnostics.extend(builder.diagnostics)
        return result

    def junk(first: int, last: int) -> ast.Junk:
        end = starts[last] - 1 if last < len(starts) else len(text)
        return ast.Junk(text[starts[first]:end], span=source.span(starts[first], max(end, starts[first])))

    ranges = _chunks(lines, _is_entry)
    if ranges and ranges[0][0] > 0 and not all(_blank(ln) for ln in lines[: ranges[0][0]]):
        ranges.insert(0, (0, ranges[0][0]))
    elif not ranges and text.strip():
        ranges = [(0, len(lines))]
    for first, last in ranges:
        result = attempt(first, last, "start", [0])
        if result is not None:
            entries.extend(result)
            continue
        if not lines[first].startswith("framework"):
            entries.append(junk(first, last))
            continue
        entry_error = diagnostics.pop()
        before = len(diagnostics)
        fw = _recover_framework(lines, first, last, attempt, junk, diagnostics)
        if len(diagnostics) == before:  # member by member hid the error: keep the whole-entry one
            diagnostics.append(entry_error)
            if isinstance(fw, ast.FrameworkDecl):
                fw = ast.FrameworkDecl(fw.intent, fw.title, fw.members + (ast.Junk("", span=entry_error.span),),
                                       span=fw.span)
        entries.append(fw)
    diagnostics.sort(key=lambda d: d.span.start)
    return ast.Module(name, source.path, tuple(entries), tuple(comments[k] for k in sorted(comments))), diagnostics


def _recover_framework(lines, first, last, attempt, junk, diagnostics):
    """Parse a broken framework member by member, so each broken member is reported on its own."""
    body = [i for i in range(first + 1, last) if not _blank(lines[i])]
    head = attempt(first, first + 1, "head_chunk", [0])
    if not body:
        if head is not None:
            diagnostics.append(Diagnostic("T1001", f"framework `{head.intent.value}` has no body", head.span,
                                          label="nothing is indented below this line",
                                          hint="indent its owner, slots and replies below the `framework` line"))
        return junk(first, last)
    # Members start at the shallowest indentation outside """ texts, and the first body line always
    # starts one: a first member indented deeper than the rest is then one T1003, not a T1001 for
    # every line of the members below it.
    indents, in_long = [], False
    for i in range(first + 1, last):
        lead_ws = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        if not in_long and not _blank(lines[i]) and "\t" not in lead_ws:
            indents.append(len(lines[i]) - len(lines[i].lstrip(" ")))
        if lines[i].count('"""') % 2:
            in_long = not in_long
    indent = min(indents, default=len(lines[body[0]]) - len(lines[body[0]].lstrip(" ")))
    ranges = _chunks(lines[first + 1 : last],
                     lambda ln: not _blank(ln) and len(ln) - len(ln.lstrip(" ")) <= indent)
    lead = body[0] - first - 1
    if not ranges or ranges[0][0] > lead:
        ranges.insert(0, (lead, ranges[0][0] if ranges else last - first - 1))
    members = []
    for a, b in ranges:
        a, b = a + first + 1, b + first + 1
        # The first member sets its own depth; the whole-entry error stands if that hides the problem.
        m = attempt(a, b, "member_chunk", [0] if a == body[0] else [0, max(indent, 1)])
        members.append(m if m is not None else junk(a, b))
    if head is None or not members:
        return junk(first, last)
    return ast.FrameworkDecl(head.intent, head.title, tuple(members), span=head.span.to(members[-1].span))
