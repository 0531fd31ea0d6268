"""The interpolation language inside texts: `{slot}`, `{slot or 'fallback'}`, `[optional {slot}]`.

It is deliberately tiny and is never handed to Jinja2 as written: the compiler parses it here, with
exact spans, and generates the Jinja2 template itself (semantics/lower.py), so a framework cannot
run template code.
"""

from __future__ import annotations

import re

from tactful.source import SourceFile
from tactful.syntax import ast

# One alternative per kind of piece; together they match every character of a line.
_PIECE = re.compile(
    r"""(?P<lit>[^\\{}\[\]]+)"""
    r"""|\\(?P<esc>.)"""
    r"""|(?P<slot>\{\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:or\s+(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)')\s*)?\})"""
    r"""|(?P<mark>[{}\[\]\\])""",
    re.S,
)
_ESCAPE_IN_FALLBACK = re.compile(r"\\(.)")
_ESCAPES = {"{": "{", "}": "}", "[": "[", "]": "]", '"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}
SPECIAL = re.compile(r'[\\{}\[\]]')  # what makes a text more than plain words
_PLAIN_SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")  # `{name}`: what most texts with slots hold


class TextError(Exception):
    def __init__(self, message: str, start: int, end: int, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.start, self.end, self.hint = message, start, end, hint


def pieces(raw: str, start: int) -> list[tuple[str, int]]:
    """The text's lines as (content, absolute offset) after removing quotes and common indentation."""
    if raw.startswith('"""'):
        body, base = raw[3:-3], start + 3
        lines: list[tuple[str, int]] = []
        pos = 0
        for line in body.split("\n"):
            lines.append((line.rstrip("\r"), base + pos))
            pos += len(line) + 1
        while lines and not lines[0][0].strip():
            lines.pop(0)
        while lines and not lines[-1][0].strip():
            lines.pop()
        indents = [len(s) - len(s.lstrip(" ")) for s, _ in lines if s.strip()]
        cut = min(indents, default=0)
        return [(s[cut:].rstrip(), off + cut) for s, off in lines]
    return [(raw[1:-1], start + 1)]


def parse_text(raw: str, start: int, source: SourceFile) -> ast.Text:
    """Build a Text node from a string token (quotes included) that starts at offset start of source."""
    if "\n" in raw or raw.startswith('"""'):
        lines = pieces(raw, start)
    else:
        body = raw[1:-1]
        if not SPECIAL.search(body):  # plain words (most titles, messages, examples): one literal piece,
            return ast.Text.at(source, start, start + len(raw), body, None)  # made on request
        if "[" not in body and "]" not in body and "\\" not in body:
            text = _plain_slots(body, start, source)
            if text is not None:
                return text
        lines = [(body, start + 1)]
    end = start + len(raw)

    if len(lines) == 1 and not SPECIAL.search(lines[0][0]):
        s, off = lines[0]
        return ast.Text.at(source, start, end, s, ("lit", s, off, off + len(s)) if s else ())

    parts: list[ast.Piece] = []
    out = parts  # where the next part goes: parts, or the open optional segment
    opt_start = -1
    literal: list[str] = []  # the literal being gathered, which starts at lit_start
    lit_start = -1
    value: list[str] = []
    last_end = start
    for i, (content, off) in enumerate(lines):
        if i:
            if lit_start < 0:
                lit_start = off - 1
            literal.append("\n")
        for m in _PIECE.finditer(content):
            kind = m.lastgroup
            at = off + m.start()
            if kind == "lit" or kind == "esc":
                if kind == "lit":
                    piece = m.group()
                else:
                    piece = _ESCAPES.get(m.group("esc"))
                    if piece is None:
                        raise TextError(f"`\\{m.group('esc')}` is not an escape this language knows", at, at + 2,
                                        "write `\\\\` for a backslash; escapes are \\{ \\} \\[ \\] \\\" \\' \\\\ \\n \\t")
                if lit_start < 0:
                    lit_start = at
                literal.append(piece)
                continue
            if literal:  # a slot or a bracket ends the literal before it
                text = "".join(literal)
                out.append(("lit", text, lit_start, at))
                value.append(text)
                literal, lit_start = [], -1
            if kind == "slot":
                name = m.group("name")
                fb = m.group("dq") if m.group("dq") is not None else m.group("sq")
                if fb is not None and "\\" in fb:
                    fb = _ESCAPE_IN_FALLBACK.sub(lambda e: _ESCAPES.get(e.group(1), e.group(1)), fb)
                nstart = off + m.start("name")
                out.append(("slot", name, fb, nstart, nstart + len(name), at, off + m.end()))
                value.append(m.group())
                continue
            ch = m.group()
            if ch == "{":
                close = content.find("}", m.start())
                if close == -1:
                    raise TextError("this `{` is never closed: missing `}`", at, at + 1,
                                    "close it with `}` after the slot name, or write `\\{` for a literal brace")
                raise TextError("`{…}` must hold a slot name, optionally followed by `or 'fallback'`",
                                at, off + close + 1, "for example `{amount}` or `{customer_name or 'there'}`")
            if ch == "}":
                raise TextError("this `}` closes nothing", at, at + 1, "write `\\}` for a literal brace")
            if ch == "\\":  # only at the end of a line: what follows it is a line break
                raise TextError("a `\\` at the end of a line escapes nothing", at, at + 1,
                                "write `\\\\` for a backslash, or `\\n` for a line break inside the line")
            if ch == "[":
                if out is not parts:
                    raise TextError("optional segments cannot be nested", at, at + 1,
                                    "close the first segment before opening another, or write `\\[`")
                out, opt_start = [], at
                continue
            # "]"
            if out is parts:
                raise TextError("this `]` closes no optional segment", at, at + 1, "write `\\]` for a literal bracket")
            if not any(p[0] == "slot" for p in out):
                raise TextError("an optional segment needs a `{slot}` inside", opt_start, at + 1,
                                "without a slot it would always show; remove the brackets or write `\\[`")
            parts.append(("opt", tuple(out), opt_start, at + 1))
            out = parts
        last_end = off + len(content)
    if out is not parts:
        raise TextError("this `[` is never closed", opt_start, opt_start + 1, "close the segment with `]`, or write `\\[`")
    if literal:
        text = "".join(literal)
        out.append(("lit", text, lit_start, last_end))
        value.append(text)
    return ast.Text.at(source, start, end, "".join(value), ast.flat(parts))


def _plain_slots(body: str, start: int, source: SourceFile) -> ast.Text | None:
    """A one-line text whose only specials are `{name}` slots, built from one split (the general loop
    below gives the same nodes, more slowly); None when another brace is in it."""
    pieces = _PLAIN_SLOT.split(body)  # literal, name, literal, name, …, literal
    parts: list = []  # flat (see ast.flat)
    pos = start + 1
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            if not piece:
                continue
            if "{" in piece or "}" in piece:
                return None
            end = pos + len(piece)
            parts += ("lit", piece, pos, end)
        else:
            end = pos + len(piece) + 2
            parts += ("slot", piece, None, pos + 1, end - 1, pos, end)
        pos = end
    return ast.Text.at(source, start, start + len(body) + 2, body, tuple(parts))
