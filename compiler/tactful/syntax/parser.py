"""Source text → AST, with error recovery. The only module that imports Lark.

One LALR parser is built once (its tables cached on disk by Lark) with the Builder running inside
it. A file is parsed whole first; only when that fails is it cut into entries (lines starting at
column 1), and a broken framework into its members, so that every syntax error of the file is
reported and the healthy entries are still checked. Broken pieces become Junk nodes.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lark import PostLex

from tactful.diagnostics import Diagnostic
from tactful.source import SourceFile
from tactful.syntax import ast
from tactful.syntax.builder import Builder

GRAMMAR = Path(__file__).with_name("tactful.lark")

_COMMENT_IN_NL = re.compile(r"#[^\r\n]*")
_QUOTE_IN_TEXT = re.compile(r'"[^"]*\{\s*[A-Za-z_][A-Za-z0-9_]*\s+or\s+"\s*$')


class IndentError(LarkError):
    def __init__(self, message: str, token: Token, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.token, self.hint = message, token, hint


class Indenter(PostLex):
    """Turns the indentation after each newline into _INDENT/_DEDENT tokens; collects comments."""

    always_accept = ("_NL",)

    def __init__(self) -> None:
        self.comments: list[tuple[int, str]] = []  # (offset in the parsed text, text)

    def process(self, stream):
        levels = [0]
        comments = self.comments
        for tok in stream:
            if tok.type != "_NL":
                yield tok
                continue
            value = tok.value
            if "#" in value:
                for m in _COMMENT_IN_NL.finditer(value):
                    comments.append((tok.start_pos + m.start(), m.group()))
            yield tok
            last = value.rsplit("\n", 1)[1]
            if "\t" in last:
                raise IndentError("this line is indented with a tab", tok,
                                  "indent with spaces: tabs look different in every editor")
            indent = len(last)
            if indent > levels[-1]:
                levels.append(indent)
                yield Token.new_borrow_pos("_INDENT", last, tok)
            else:
                while indent < levels[-1]:
                    levels.pop()
                    yield Token.new_borrow_pos("_DEDENT", last, tok)
                if indent != levels[-1]:
                    raise IndentError("this line does not line up with the lines above it", tok,
                                      f"indent it by {levels[-1]} spaces to continue the block above, "
                                      "or match an enclosing block")
        while len(levels) > 1:
            levels.pop()
            yield Token("_DEDENT", "")


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, Builder, Indenter]:
    builder, indenter = Builder(), Indenter()
    lark = Lark(
        GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        postlex=indenter,
        transformer=builder,
        start=["start", "framework_head", "member"],
        lexer_callbacks={"COMMENT": lambda t: indenter.comments.append((t.start_pos, str(t))) or t},
        cache=True,
        maybe_placeholders=False,
    )
    return lark, builder, indenter


def grammar_for_tests(**options) -> Lark:
    """A plain tree-building parser over the same grammar (tests build it with strict=True)."""
    return Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", postlex=Indenter(),
                start=["start", "framework_head", "member"], maybe_placeholders=False, **options)


# ---- error messages ------------------------------------------------------------------------------

_WORDS = {
    "NAME": "a name", "STRING": "a text in quotes", "LONG_STRING": "a text in quotes", "REGEX": "a /regex/",
    "NUMBER": "a number", "_NL": "the end of the line", "_INDENT": "an indented block below this line",
    "_DEDENT": "the end of the block", "VISIBILITY": "`public` or `private`",
    "MOVE_KIND": "a move (`acknowledge`, `ask`, `restate`, `next` or `close`)",
    "CMP": "a comparison such as `>=`", "LPAR": "`(`", "RPAR": "`)`", "COMMA": "`,`", "DOT": "`.`",
    "$END": "the end of the file",
}
_ENTRY_KEYWORDS = ["use", "team", "channel", "field", "signal", "phrases", "style", "policy", "framework"]
_MEMBER_KEYWORDS = ["owner", "tags", "serves", "about", "slot", "escalate", "guard", "except", "reply", "example"]
_CONTEXTS = {
    frozenset({"OWNER", "REPLY", "SLOT"}): ("framework", _MEMBER_KEYWORDS),
    frozenset({"FRAMEWORK", "USE"}): ("file", _ENTRY_KEYWORDS),
    frozenset({"MESSAGE", "EXPECT"}): ("example", ["message", "channel", "context", "slots", "expect"]),
    frozenset({"PATTERN", "EXAMPLE", "ABOUT"}): ("slot", ["pattern", "example", "about"]),
    frozenset({"WHEN", "FIRES", "QUIET"}): ("signal", ["when", "fires", "quiet"]),
    frozenset({"AVOID", "PREFER"}): ("style rule", ["avoid", "prefer", "severity"]),
}


def _describe_expected(name: str) -> str:
    if name in _WORDS:
        return _WORDS[name]
    if name.isupper():
        return f"`{name.lower()}`"
    return name.lower()


def _describe_found(tok: Token) -> str:
    if tok.type in ("_NL", "$END", "_INDENT", "_DEDENT"):
        return {"_NL": "the end of the line", "$END": "the end of the file",
                "_INDENT": "an indented line", "_DEDENT": "the end of the block"}[tok.type]
    if tok.type in ("STRING", "LONG_STRING"):
        return "a text"
    text = str(tok)
    return f"`{text}`"


def _join(words: list[str]) -> str:
    words = sorted(set(words), key=lambda w: (w.startswith("`") is False, w))
    if len(words) > 6:
        words = words[:5] + ["…"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _syntax_diagnostic(err: Exception, source: SourceFile, base: int) -> Diagnostic:
    text = source.text
    if isinstance(err, IndentError):
        tok = err.token
        end = base + tok.end_pos
        line_start = text.rfind("\n", 0, end) + 1
        stop = end
        return Diagnostic("T1003", err.message, source.span(line_start, max(stop, line_start + 1)), hint=err.hint,
                          label="here")
    if isinstance(err, UnexpectedCharacters):
        pos = base + err.pos_in_stream
        ch = text[pos] if pos < len(text) else ""
        if ch == '"':
            eol = text.find("\n", pos)
            eol = len(text) if eol == -1 else eol
            return Diagnostic("T1002", "this text has no closing quote", source.span(pos, max(eol, pos + 1)),
                              label="the text starts here", hint='add the closing `"`; use `"""` for text over several lines')
        if ch == "\t":
            return Diagnostic("T1003", "tabs are not allowed here", source.span(pos, pos + 1),
                              hint="use spaces")
        shown = repr(ch)[1:-1] if ch else "end of file"
        return Diagnostic("T1001", f"unexpected character `{shown}`", source.span(pos, pos + 1),
                          label="not part of the language",
                          hint="texts go in double quotes, regexes between slashes")
    assert isinstance(err, UnexpectedToken), err
    tok = err.token
    expected = {e for e in err.expected if not e.startswith("__")}
    if tok.type == "$END" or tok.end_pos is None:
        pos = len(text.rstrip()) if base == 0 else base + (getattr(tok, "start_pos", 0) or 0)
        pos = min(pos, len(text))
        span = source.span(max(pos - 1, 0), pos)
    elif tok.type in ("_NL", "_DEDENT", "_INDENT"):
        pos = base + tok.start_pos
        if tok.type == "_NL":
            span = source.span(pos, pos + 1) if pos < len(text) else source.span(max(pos - 1, 0), pos)
        else:
            nxt = pos + len(tok.value) if tok.type == "_INDENT" else pos
            span = source.span(nxt, nxt + 1)
    else:
        span = source.span(base + tok.start_pos, base + tok.end_pos)
    found = _describe_found(tok)
    hint = ""
    if tok.type not in ("$END", "_NL", "_INDENT", "_DEDENT") and span.start > 0:
        before = text[text.rfind("\n", 0, span.start) + 1 : span.start]
        if _QUOTE_IN_TEXT.search(before):
            quote = before.rstrip().rfind('"')
            qspan = source.span(span.start - (len(before) - quote), span.start - (len(before) - quote) + 1)
            return Diagnostic("T1001", "this `\"` ends the text early", qspan, label="the text ends here",
                              hint="inside a \"…\" text, write the fallback in single quotes: `{name or 'fallback'}`, "
                              "or escape the quote as `\\\"`")
    for keys, (where, words) in _CONTEXTS.items():
        if keys <= expected and tok.type == "NAME":
            guess = difflib.get_close_matches(str(tok), words, n=1, cutoff=0.6)
            hint = f"did you mean `{guess[0]}`?" if guess else "a line here starts with one of " + _join([f"`{w}`" for w in words])
            return Diagnostic("T1001", f"`{tok}` is not something a {where} can contain", span,
                              label="unknown keyword", hint=hint)
    if tok.type == "_INDENT":
        return Diagnostic("T1003", "this line is indented, but nothing above it opens a block", span,
                          label="unexpected indentation", hint="line it up with the line above")
    if expected == {"_INDENT"}:
        return Diagnostic("T1001", "this entry needs an indented body below it", span,
                          label="the body should start on the next line",
                          hint="indent its lines below the first line")
    if expected <= {"_NL", "COMMA", "AS"} or (tok.type != "_NL" and "_NL" in expected and len(expected) <= 3):
        return Diagnostic("T1001", f"unexpected {found} at the end of this line", span,
                          label="expected the line to end here",
                          hint="each statement goes on its own line; separate list items with commas")
    words = _join([_describe_expected(e) for e in expected])
    return Diagnostic("T1001", f"unexpected {found}; expected {words}", span, label=f"expected {words}")


# ---- parsing -------------------------------------------------------------------------------------


def module_name(path: str) -> str:
    name = path[:-5] if path.endswith(".tact") else path
    return name.replace("/", ".")


def parse(source: SourceFile, name: str | None = None) -> tuple[ast.Module, list[Diagnostic]]:
    """Parse one file. Returns its Module (with Junk for broken entries) and syntax diagnostics."""
    lark, builder, indenter = _parser()
    text = source.text if source.text.endswith("\n") else source.text + "\n"
    builder.reset(source)
    builder.diagnostics = []
    indenter.comments = []
    name = name or module_name(source.path)
    try:
        entries = lark.parse(text, start="start")
        comments = [ast.Comment(t, span=source.span(o, o + len(t))) for o, t in indenter.comments]
        return ast.Module(name, source.path, tuple(entries), tuple(comments)), builder.diagnostics
    except (UnexpectedInput, IndentError):
        pass
    return _parse_recovering(source, text, name)


def _chunks(lines: list[str], starts: list[int], is_start) -> list[tuple[int, int]]:
    """(first, last+1) line index ranges; a chunk starts where is_start(line) holds outside a \"\"\" block."""
    out: list[tuple[int, int]] = []
    in_long = False
    begin = None
    for i, line in enumerate(lines):
        if not in_long and is_start(line):
            if begin is not None:
                out.append((begin, i))
            begin = i
        if line.count('"""') % 2:
            in_long = not in_long
    if begin is not None:
        out.append((begin, len(lines)))
    return out


def _parse_recovering(source: SourceFile, text: str, name: str) -> tuple[ast.Module, list[Diagnostic]]:
    lark, builder, indenter = _parser()
    diagnostics: list[Diagnostic] = []
    comments: list[ast.Comment] = []
    entries: list = []
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def attempt(first: int, last: int, start: str):
        base = starts[first]
        end = starts[last] if last < len(starts) else len(text)
        chunk = text[base:end]
        if not chunk.endswith("\n"):
            chunk += "\n"
        builder.reset(source, base, first)
        builder.diagnostics = []
        indenter.comments = []
        try:
            result = lark.parse(chunk, start=start)
        except (UnexpectedInput, IndentError) as e:
            diagnostics.append(_syntax_diagnostic(e, source, base))
            return None
        finally:
            comments.extend(ast.Comment(t, span=source.span(base + o, base + o + len(t))) for o, t in indenter.comments)
        diagnostics.extend(builder.diagnostics)
        return result

    def junk(first: int, last: int) -> ast.Junk:
        end = starts[last] if last < len(starts) else len(text)
        return ast.Junk(text[starts[first]:end], span=source.span(starts[first], max(end - 1, starts[first])))

    def is_entry(line: str) -> bool:
        return bool(line) and not line[0].isspace() and not line.startswith("#")

    leading = _chunks(lines, starts, is_entry)
    if leading and leading[0][0] > 0 and any(ln.strip() and not ln.lstrip().startswith("#") for ln in lines[: leading[0][0]]):
        leading.insert(0, (0, leading[0][0]))
    elif not leading and text.strip():
        leading = [(0, len(lines))]
    for first, last in leading:
        result = attempt(first, last, "start")
        if result is not None:
            entries.extend(result)
            continue
        if not lines[first].startswith("framework"):
            entries.append(junk(first, last))
            continue
        entry_error = diagnostics.pop()
        before = len(diagnostics)
        entries.append(_recover_framework(lines, starts, first, last, attempt, junk, diagnostics))
        if len(diagnostics) == before:  # member by member hid the error (say, a tab): keep the whole-entry one
            diagnostics.append(entry_error)
            if isinstance(entries[-1], ast.FrameworkDecl):
                fw = entries[-1]
                entries[-1] = ast.FrameworkDecl(fw.intent, fw.title, fw.members + (ast.Junk("", span=entry_error.span),),
                                                span=fw.span)
    diagnostics.sort(key=lambda d: d.span.start)
    comments.sort(key=lambda c: c.span.start)
    return ast.Module(name, source.path, tuple(entries), tuple(dict.fromkeys(comments))), diagnostics


def _recover_framework(lines, starts, first, last, attempt, junk, diagnostics):
    """Parse a broken framework member by member, so each broken member is reported on its own."""
    body = [i for i in range(first + 1, last) if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    head = attempt(first, first + 1, "framework_head")
    if not body:
        if head is not None:
            diagnostics.append(_syntax_diagnostic_missing_body(head))
        return junk(first, last)
    # Members start at the shallowest indentation outside triple-quoted texts, and the first body line
    # always starts one: a first member indented deeper than the rest is then one T1003, not a
    # T1001 for every line of the members below it.
    indents, in_long = [], False
    for i in range(first + 1, last):
        lead_ws = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        if not in_long and lines[i].strip() and not lines[i].lstrip().startswith("#") and "\t" not in lead_ws:
            indents.append(len(lines[i]) - len(lines[i].lstrip(" ")))
        if lines[i].count('"""') % 2:
            in_long = not in_long
    indent = min(indents, default=len(lines[body[0]]) - len(lines[body[0]].lstrip(" ")))
    member_ranges = _chunks(lines[first + 1 : last], starts,
                            lambda ln: ln.strip() != "" and not ln.lstrip().startswith("#")
                            and len(ln) - len(ln.lstrip(" ")) <= indent)
    lead = body[0] - first - 1
    if not member_ranges or member_ranges[0][0] > lead:
        member_ranges.insert(0, (lead, member_ranges[0][0] if member_ranges else last - first - 1))
    members = []
    for a, b in member_ranges:
        a, b = a + first + 1, b + first + 1
        m = attempt(a, b, "member")
        members.append(m if m is not None else junk(a, b))
    if head is None:
        return junk(first, last)
    return ast.FrameworkDecl(head.intent, head.title, tuple(members), span=head.span.to(members[-1].span))


def _syntax_diagnostic_missing_body(head: ast.FrameworkDecl) -> Diagnostic:
    return Diagnostic("T1001", f"framework `{head.intent.value}` has no body", head.span,
                      label="nothing is indented below this line",
                      hint="indent its owner, slots and replies below the `framework` line")
