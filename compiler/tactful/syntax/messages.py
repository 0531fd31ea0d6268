"""Lark's syntax errors as diagnostics people can act on.

Lark reports what token it met and which terminals it expected; this module turns that into one
curated Diagnostic: the line that ends too early, the keyword that does not belong in this block
(with a did-you-mean), the quote that ends a text early, the indentation that does not line up.
Messages never name a grammar terminal.
"""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedCharacters, UnexpectedToken

from tactful.codes import Code
from tactful.diagnostics import Diagnostic
from tactful.runtime.types import close_matches
from tactful.syntax.grammar import Tables
from tactful.source import SourceFile

DEPTHS = ("_NL0", "_NL1", "_NL2")
_FIRST_WORD = re.compile(r"[ \t]*([^\s#]\S*)?")
_QUOTE_IN_TEXT = re.compile(r'"[^"]*\{\s*[A-Za-z_][A-Za-z0-9_]*\s+or\s+"\s*$')
# `at least N of (` before the error on its line: a comma there was meant to separate its conditions
_AT_LEAST_OPEN = re.compile(r"\bat\s+least\s+\S+\s+of\s*\(")


class IndentError(Exception):
    """Raised by the lexer's newline callback: a tab, a dedent to no block, or a line too deep."""

    def __init__(self, message: str, pos: int, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.pos, self.hint = message, pos, hint


_WORDS = {
    "NAME": "a name", "QUOTED": "a text in quotes", "REGEX": "a /regex/",
    "NUMBER": "a number", "_NL0": "the end of the line", "_NL1": "the end of the line", "_NL2": "the end of the line",
    "PUBLIC": "`public`", "PRIVATE": "`private`", "CMP": "a comparison such as `>=`", "LPAR": "`(`", "RPAR": "`)`",
    "COMMA": "`,`", "_COMMA": "`,`", "_SEMI": "`;`", "DOT": "`.`", "$END": "the end of the file",
}
# The keywords a line can start with in each block, from the grammar (grammar.line_keywords).
_BLOCK_RULES = {
    "framework": "_member", "file": "start", "example": "example_item", "slot": "slot_items", "reply": "moves",
    "signal": "signal_item", "style rule": "style_item", "policy": "policy_item",
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
    if tok.type == "QUOTED":
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


def syntax_diagnostic(err: Exception, source: SourceFile, base: int, tables: Tables) -> Diagnostic:
    """One curated diagnostic for a Lark error in a text parsed at offset base of the file."""
    text = source.text
    n = len(text)
    if isinstance(err, IndentError):
        pos = min(max(base + err.pos, 0), n)
        line_start = text.rfind("\n", 0, pos) + 1
        return Diagnostic(Code.BAD_INDENTATION, err.message, source.span(line_start, max(pos, line_start + 1) if pos < n else pos),
                          label="here", hint=err.hint)
    if isinstance(err, UnexpectedCharacters):
        pos = min(max(base + err.pos_in_stream, 0), n)
        ch = text[pos] if pos < n else ""
        line_start = text.rfind("\n", 0, pos) + 1
        before = text[line_start:pos]
        quotes = pos
        while quotes > line_start and text[quotes - 1] == '"':
            quotes -= 1  # the lexer may have read `""` of an unclosed `"""` as an empty text
        if text.startswith('"""', quotes):
            return Diagnostic(Code.UNTERMINATED_TEXT, 'this `"""` text is never closed', source.span(quotes, quotes + 3),
                              label="the text starts here", hint='end it with `"""` (on a line of its own or after the last word)')
        if ch in "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb":
            return Diagnostic(Code.SYNTAX_ERROR, f"`{ch}` is a curly quote; texts go in straight double quotes", source.span(pos, pos + 1),
                              label="curly quote", hint='replace “…” with "…" (word processors and some keyboards curl quotes)')
        if ch == "=" and re.search(r"[A-Za-z0-9_)]\s*$", before) and not text.startswith("==", pos):
            return Diagnostic(Code.SYNTAX_ERROR, "`=` is not a comparison", source.span(pos, pos + 1),
                              label="not a comparison",
                              hint="did you mean `is` or `==`? (`channel is email`, `contact_count == 3`)")
        if ch == "-" and re.match(r"\s*framework\s+[A-Za-z0-9_.]*$", before):
            word = re.search(r"[A-Za-z0-9_.-]*", text[line_start:][len(before.split("framework", 1)[0]) + 9:].lstrip()).group(0)
            return Diagnostic(Code.INVALID_INTENT, "an intent id cannot contain `-`", source.span(pos, pos + 1),
                              label="not allowed in an intent id",
                              hint=f"intent ids are words of letters, digits and `_` joined by dots: `{word.replace('-', '_')}`")
        if ch == '"':
            eol = text.find("\n", pos)
            eol = n if eol == -1 else eol
            return Diagnostic(Code.UNTERMINATED_TEXT, "this text has no closing quote", source.span(pos, max(eol, pos + 1)),
                              label="the text starts here", hint='add the closing `"`; use `"""` for text over several lines')
        if ch == "/":
            return Diagnostic(Code.SYNTAX_ERROR, "this regex has no closing `/`", source.span(pos, pos + 1),
                              label="the regex starts here", hint="close it with `/`; write `\\/` for a slash inside it")
        shown = repr(ch)[1:-1] if ch else "end of file"
        return Diagnostic(Code.SYNTAX_ERROR, f"unexpected character `{shown}`", source.span(pos, min(pos + 1, n)),
                          label="not part of the language", hint="texts go in double quotes, regexes between slashes")
    assert isinstance(err, UnexpectedToken), err
    tok = err.token
    expected = {e for e in err.expected if not e.startswith("__")}
    if "NAME" in expected:
        expected -= tables.name_keywords
    newline = tok.type in DEPTHS
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
            return Diagnostic(Code.SYNTAX_ERROR, "this `\"` ends the text early", source.span(quote, quote + 1),
                              label="the text ends here",
                              hint="inside a \"…\" text, write the fallback in single quotes: `{name or 'fallback'}`, "
                              "or escape the quote as `\\\"`")
    depth_expected = {e for e in expected if e in DEPTHS}
    if newline:
        # A line that starts with something unexpected (or sits at the wrong depth).
        word = source.text[span.start:span.end].strip()
        if depth_expected and tok.type not in depth_expected and word:
            deeper = int(tok.type[-1]) > max(int(e[-1]) for e in depth_expected)
            if deeper:
                return Diagnostic(Code.BAD_INDENTATION, "this line is indented, but nothing above it opens a block", span,
                                  label="unexpected indentation", hint="line it up with the line above")
        if not depth_expected or tok.type not in depth_expected:
            words = _join([_describe_expected(e) for e in expected if e not in DEPTHS] or ["more on this line"])
            return Diagnostic(Code.SYNTAX_ERROR, f"the line above ends too early; expected {words}", span if not word else
                              source.span(max(span.start - 1, 0), span.start),
                              label=f"expected {words}", hint="finish the statement on its line")
    if tok.type == "NAME" or tok.type in tables.name_keywords or newline:
        for keys, where in _CONTEXTS:
            if keys <= expected:
                word = tok.value if not newline else source.text[span.start:span.end]
                word = word if len(word) <= 40 else word[:40] + "…"
                words = tables.line_keywords(_BLOCK_RULES[where])
                if where == "framework" and word in tables.line_keywords("moves"):
                    return Diagnostic(Code.SYNTAX_ERROR, f"`{word}` is a move, so it belongs inside a `reply`", span,
                                      label="dedented to the level of the reply",
                                      hint="indent it under its `reply` line, like the moves above it")
                guess = close_matches(word, words, n=1, cutoff=0.6)
                hint = f"did you mean `{guess[0]}`?" if guess else "a line here starts with " + _join([f"`{w}`" for w in words])
                return Diagnostic(Code.SYNTAX_ERROR, f"`{word}` is not something a {where} can contain", span,
                                  label="unknown keyword", hint=hint)
    if expected and expected <= {"_NL0", "_NL1", "_NL2", "COMMA", "AS"} | depth_expected:
        return Diagnostic(Code.SYNTAX_ERROR, f"unexpected {found} at the end of this line", span,
                          label="expected the line to end here",
                          hint="each statement goes on its own line; separate list items with commas")
    if tok.type == "_COMMA" and "_SEMI" in expected and _AT_LEAST_OPEN.search(
            text[text.rfind("\n", 0, span.start) + 1 : span.start]):
        return Diagnostic(Code.SYNTAX_ERROR, "unexpected `,` between the conditions of `at least N of (…)`", span,
                          label="expected `;` or `)`",
                          hint="separate the conditions with `;`: `at least 2 of (a; b; c)` (a comma continues a "
                          "condition's own list, as in `message mentions \"a\", \"b\"`)")
    if depth_expected and any(e in expected for e in depth_expected) and len(expected - set(DEPTHS)) == 0:
        return Diagnostic(Code.SYNTAX_ERROR, f"unexpected {found}", span, label="expected the line to end here")
    words = _join([_describe_expected(e) for e in expected] or ["something else"])
    return Diagnostic(Code.SYNTAX_ERROR, f"unexpected {found}; expected {words}", span, label=f"expected {words}")
