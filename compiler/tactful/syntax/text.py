"""The interpolation language inside texts: `{slot}`, `{slot or 'fallback'}`, `[optional {slot}]`.

It is deliberately tiny and is never handed to Jinja2 as written: the compiler parses it here, with
exact spans, and generates the Jinja2 template itself (semantics/lower.py), so a framework cannot
run template code.
"""

from __future__ import annotations

import re

from tactful.source import SourceFile, Span
from tactful.syntax import ast

_TOKEN = re.compile(r"\\(.)|([{}\[\]])|([^\\{}\[\]]+)", re.S)
_SLOT = re.compile(
    r"""\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:or\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*)?\}"""
)
_ESCAPES = {"{": "{", "}": "}", "[": "[", "]": "]", '"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}
_SPECIAL = re.compile(r'[\\{}\[\]]')


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
    """Build a Text node from a string token (quotes included) starting at absolute offset start."""
    lines = pieces(raw, start)
    if "\n" in raw:
        span = source.span
    else:  # one line: every span is arithmetic from the position of the opening quote
        path = source.path
        row, col = source.position(start)
        delta = col - start

        def span(a: int, b: int) -> Span:
            return Span(path, a, b, row, a + delta, row, b + delta)

    if len(lines) == 1 and not _SPECIAL.search(lines[0][0]):
        s, off = lines[0]
        return ast.Text(s, (ast.TextLiteral(s, span=span(off, off + len(s))),) if s else (),
                        span=span(start, start + len(raw)))

    parts: list[ast.TextPart] = []
    optional: list | None = None
    opt_start = 0
    literal: list[str] = []
    lit_start = -1
    value: list[str] = []

    def flush(end: int) -> None:
        nonlocal literal, lit_start
        if literal:
            node = ast.TextLiteral("".join(literal), span=span(lit_start, end))
            (optional if optional is not None else parts).append(node)
            literal, lit_start = [], -1

    def add_literal(s: str, at: int) -> None:
        nonlocal lit_start
        if lit_start < 0:
            lit_start = at
        literal.append(s)
        value.append(s)

    last_end = start
    for i, (line, off) in enumerate(lines):
        if i:
            add_literal("\n", off - 1)
        pos = 0
        while pos < len(line):
            m = _TOKEN.match(line, pos)
            assert m is not None  # the pattern matches any character
            at = off + pos
            if m.group(1) is not None:
                ch = m.group(1)
                if ch not in _ESCAPES:
                    raise TextError(f"`\\{ch}` is not an escape this language knows", at, at + 2,
                                    "write `\\\\` for a backslash; escapes are \\{ \\} \\[ \\] \\\" \\' \\\\ \\n \\t")
                add_literal(_ESCAPES[ch], at)
                pos = m.end()
            elif m.group(3) is not None:
                add_literal(m.group(3), at)
                pos = m.end()
            else:
                ch = m.group(2)
                if ch == "{":
                    sm = _SLOT.match(line, pos)
                    if sm is None:
                        close = line.find("}", pos)
                        if close == -1:
                            raise TextError("this `{` is never closed", at, at + 1,
                                            "close it with `}`, or write `\\{` for a literal brace")
                        raise TextError("`{…}` must hold a slot name, optionally followed by `or 'fallback'`",
                                        at, off + close + 1, "for example `{amount}` or `{customer_name or 'there'}`")
                    flush(at)
                    name = sm.group(1)
                    fb = sm.group(2) if sm.group(2) is not None else sm.group(3)
                    if fb is not None:
                        fb = re.sub(r"\\(.)", lambda e: _ESCAPES.get(e.group(1), e.group(1)), fb)
                    nstart = off + sm.start(1)
                    node = ast.TextSlot(ast.Name(name, span=span(nstart, nstart + len(name))), fb,
                                        span=span(at, off + sm.end()))
                    (optional if optional is not None else parts).append(node)
                    value.append(sm.group(0))
                    pos = sm.end()
                elif ch == "}":
                    raise TextError("this `}` closes nothing", at, at + 1, "write `\\}` for a literal brace")
                elif ch == "[":
                    if optional is not None:
                        raise TextError("optional segments cannot be nested", at, at + 1,
                                        "close the first segment before opening another, or write `\\[`")
                    flush(at)
                    optional, opt_start = [], at
                    pos += 1
                else:  # "]"
                    if optional is None:
                        raise TextError("this `]` closes no optional segment", at, at + 1, "write `\\]` for a literal bracket")
                    flush(at)
                    seg = tuple(optional)
                    optional = None
                    if not any(isinstance(p, ast.TextSlot) for p in seg):
                        raise TextError("an optional segment needs a `{slot}` inside", opt_start, at + 1,
                                        "without a slot it would always show; remove the brackets or write `\\[`")
                    parts.append(ast.TextOptional(seg, span=span(opt_start, at + 1)))
                    pos += 1
        last_end = off + len(line)
    if optional is not None:
        raise TextError("this `[` is never closed", opt_start, opt_start + 1, "close the segment with `]`, or write `\\[`")
    flush(last_end)
    return ast.Text("".join(value), tuple(parts), span=span(start, start + len(raw)))
