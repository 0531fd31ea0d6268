"""The engine under the parser: one Lark LALR parser with the Builder running inside it and the
lexer callbacks that track indentation and comments. An Engine holds the state of one parse, so it is
used by one parse at a time (parser.Parser lends them out). The only module that builds a Lark parser.

Indentation is handled by a lexer callback that retypes each newline token by the depth of the line
it starts (_NL0, _NL1, _NL2), so the parser needs no post-lexer. Lark caches the parse tables on
disk, and lark-cython compiles the parser where it is installed.
"""

from __future__ import annotations

import re

from lark import Lark, Token
from lark.exceptions import UnexpectedInput

from tactful.source import SourceFile
from tactful.syntax.builder import Builder
from tactful.syntax.grammar import Tables, grammar_text, keywords
from tactful.syntax.messages import DEPTHS, IndentError

START = ["start", "head_chunk", "member_chunk"]
_COMMENT_IN_NL = re.compile(r"#[^\r\n]*")
ERRORS = (UnexpectedInput, IndentError)  # what a parse of bad text raises


class _Lines:
    """Lexer callbacks: the depth of each line from its indentation, and the comments."""

    def __init__(self) -> None:
        self.widths = [0]
        self.comments: list[tuple[int, str]] = []

    def reset(self, widths: list[int]) -> None:
        self.widths = widths
        self.comments = []

    def _next_line(self, tok) -> tuple[int, int]:
        """For a token that ends with line breaks: keep its comments; the indentation of the line
        it leads to, and where that line starts (a tab there is an IndentError)."""
        value = tok.value
        if "#" in value:
            for m in _COMMENT_IN_NL.finditer(value):
                self.comments.append((tok.start_pos + m.start(), m.group()))
        last = value.rsplit("\n", 1)[1]
        pos = tok.end_pos - len(last)
        if "\t" in last:
            raise IndentError("this line is indented with a tab", pos, "indent with spaces: tabs look different in every editor")
        return len(last), pos

    def newline(self, tok):
        value = tok.value
        last = len(value) - value.rindex("\n") - 1  # the indentation of the line it leads to
        if "#" in value or "\t" in value:
            w, pos = self._next_line(tok)
        else:
            w, pos = last, tok.end_pos - last
        widths = self.widths
        if w == widths[-1]:  # most lines: the same depth as the line before
            tok.type = DEPTHS[len(widths) - 1]
            return tok
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
        tok.type = DEPTHS[depth]
        return tok

    def comma(self, tok):
        """A comma (or a semicolon) with the spaces after it cut off; one that ends a line: the list
        goes on on the next line, which must be indented deeper."""
        value = tok.value
        if "\n" not in value:
            if len(value) == 1:
                return tok
            cut = len(value) - 1
            if isinstance(tok, str):  # Lark's own Token is an immutable str: make a new one
                return Token(tok.type, value[0], tok.start_pos, tok.line, tok.column, tok.end_line, tok.end_column - cut, tok.end_pos - cut)
            tok.value, tok.end_column, tok.end_pos = value[0], tok.end_column - cut, tok.end_pos - cut  # lark-cython's
            return tok
        w, pos = self._next_line(tok)
        if w <= self.widths[-1]:
            raise IndentError("this line goes on with the list above it, so it must be indented deeper", pos,
                              "indent the rest of the list further than the line it starts on, or remove the comma at the end of the line above")
        return tok

    def comment(self, tok):
        self.comments.append((tok.start_pos, tok.value))
        return tok


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
    """lark-cython's plugins for Lark, or {} where it is not installed."""
    try:
        import lark_cython
    except ImportError:  # pragma: no cover - the pure-Python parser gives the same trees, slower
        return {}
    return lark_cython.plugins


def prepare(text: str) -> str:
    """The text the parser sees: a newline in front (so line one has its depth token) and one at the end."""
    return "\n" + text.rstrip() + "\n"


class Engine:
    """One Lark parser with its own Builder and line tracker: used by one parse at a time."""

    def __init__(self, *, compiled: bool = True) -> None:
        """compiled=False: Lark's pure-Python parser even where lark-cython is installed (same trees)."""
        self.builder, self.lines = Builder(), _Lines()
        self.lark = Lark(
            grammar_text(),
            parser="lalr",
            lexer="basic",
            transformer=self.builder,
            start=START,
            lexer_callbacks={"_NL0": self.lines.newline, "COMMENT": self.lines.comment, "_COMMA": self.lines.comma, "_SEMI": self.lines.comma,
                             "NAME": _retype_keyword(keywords())},
            cache=True,
            maybe_placeholders=False,
            _plugins=_plugins() if compiled else {},
        )
        self.tables = Tables(self.lark.rules)  # for error messages

    def run(self, text: str, start: str, source: SourceFile, *, base: int = -1, widths: list[int] | None = None):
        """Parse text (already prepared) that sits at offset base+1 of source; raises ERRORS."""
        self.builder.reset(source, base)
        self.lines.reset(widths if widths is not None else [0])
        return self.lark.parse(text, start=start)


def grammar_for_tests(**options) -> Lark:
    """A plain tree-building parser over the same grammar (tests build it with strict=True)."""
    lines = _Lines()
    return Lark(grammar_text(), parser="lalr", lexer="basic", start=START, maybe_placeholders=False,
                lexer_callbacks={"_NL0": lines.newline, "_COMMA": lines.comma, "_SEMI": lines.comma, "NAME": _retype_keyword(keywords())}, **options)
