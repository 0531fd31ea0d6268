"""Renderers for people and editors: pretty (rustc's layout, Elm's voice), compact and json.

One entry point, render(findings, fmt), and one function per format (the CI formats live in ci.py).
Every renderer is pure: the same findings give the same bytes (no clock, no environment, no absolute
paths), so the outputs can be snapshot-tested and diffed in CI. Positions are the Span's: 1-based
lines, columns counting characters, end columns exclusive (the column just after the last
character), which is what SARIF means by endColumn.
"""

from __future__ import annotations

import unicodedata

from tactful.diagnostics.values import Diagnostic, Findings, counts, location, plural
from tactful.source import SourceFile, Span

from tactful.diagnostics import FORMATS
TAB_WIDTH = 4  # rustc's choice: a tab shows as four spaces in snippets, whatever the editor does


def render(findings: Findings, fmt: str, *, color: bool = False) -> str:
    """Every diagnostic in one format, ending with a newline (or "" when nothing to say).

    Diagnostics are printed in the order given: sorting is the pipeline's job, not the renderer's.
    Only `pretty` uses color, and only when asked to.
    """
    match fmt:
        case "pretty":
            return _pretty(findings, _Paint(color))
        case "compact":
            return _compact(findings)
        case "json":
            return _json(findings)
        case "github":
            from tactful.diagnostics.ci import github

            return github(findings)
        case "sarif":
            from tactful.diagnostics.ci import sarif

            return sarif(findings)
    raise ValueError(f"unknown diagnostics format {fmt!r}; expected one of {', '.join(FORMATS)}")


# --- pretty: rustc's layout, Elm's voice -------------------------------------------------------


class _Paint:
    """ANSI styles, or nothing. Plain escape codes: rich would cost an import for six colors."""

    STYLES = {
        "error": "1;31", "warning": "1;33", "note": "1;32", "help": "1;36",
        "gutter": "1;34", "bold": "1",
    }

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, text: str) -> str:
        if not self.enabled or not text:
            return text
        return f"\x1b[{self.STYLES[style]}m{text}\x1b[0m"


def _char_width(ch: str) -> int:
    """Terminal cells of one character (after tab expansion): wide CJK is 2, combining marks 0."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _visible(text: str, *, keep_newlines: bool = False) -> str:
    """Control characters shown as their Unicode pictures, so a stray ESC in a file cannot restyle
    the terminal and plain output stays plain."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif o < 0x20:
            out.append(chr(0x2400 + o))
        elif o == 0x7F:
            out.append("\u2421")
        else:
            out.append(ch)
    return "".join(out)


def _display(line: str) -> tuple[str, list[int]]:
    """The line as printed (tabs expanded, controls visible) and, for each character column c
    (1-based, up to one past the end), the display cell where it starts: cells[c - 1]."""
    shown: list[str] = []
    cells = [0]
    for ch in line:
        if ch == "\t":
            piece = " " * TAB_WIDTH
            width = TAB_WIDTH
        else:
            piece = _visible(ch)
            width = _char_width(piece)
        shown.append(piece)
        cells.append(cells[-1] + width)
    return "".join(shown), cells


MAX_LINE = 120  # characters of a source line shown; a longer one is cut around the span, with "…"


def _snippet_lines(span: Span, sources: dict[str, SourceFile]) -> tuple[str, str, int] | None:
    """(displayed line, padding, caret count) for a span's first line, or None without a source."""
    source = sources.get(span.file)
    if source is None or not 1 <= span.line <= source.line_count:
        return None
    raw = source.line_text(span.line)
    start = max(span.column, 1)
    end_column = span.end_column if span.end_line <= span.line else len(raw) + 1
    lead = ""
    if len(raw) > MAX_LINE:  # a long line (a minified file, 1 MB on one line): a window around the span
        lo = max(0, min(start - 1 - MAX_LINE // 3, len(raw) - MAX_LINE))
        hi = min(len(raw), lo + MAX_LINE)
        lead, trail = ("…" if lo > 0 else ""), ("…" if hi < len(raw) else "")
        raw = lead + raw[lo:hi] + trail
        start = start - lo + len(lead)
        end_column = min(end_column - lo + len(lead), len(raw) + 1 - len(trail))
        span = span._replace(end_line=span.line, end_column=max(end_column, start))
    shown, cells = _display(raw)
    length = len(raw)
    # Past the end of the line (a missing quote, the end of the file): one cell beyond the text.
    start_cell = cells[start - 1] if start - 1 <= length else cells[-1] + (start - 1 - length)
    if span.end_line <= span.line:
        end = min(span.end_column, length + 1)
        end_cell = cells[end - 1] if end > start else start_cell
    else:  # a multi-line span is underlined to the end of its first line
        end_cell = cells[-1]
    return shown, " " * start_cell, max(end_cell - start_cell, 1)


def _pretty_one(d: Diagnostic, sources: dict[str, SourceFile], paint: _Paint) -> list[str]:
    sev = d.effective_severity.value
    out = [paint(sev, f"{sev}[{d.code}]") + paint("bold", f": {_visible(d.message, keep_newlines=True)}")]
    primary = _snippet_lines(d.span, sources) if d.span.file else None
    notes = [(r, _snippet_lines(r.span, sources) if r.span.file else None) for r in d.related]
    numbered = [d.span.line] if primary else []
    numbered += [r.span.line for r, snip in notes if snip]
    width = len(str(max(numbered, default=0))) if numbered else 1
    gutter = paint("gutter", " " * width + " |")

    def located(span: Span, snip: tuple[str, str, int] | None, style: str, label: str) -> None:
        if not span.file:
            return
        out.append(paint("gutter", " " * width + "--> ") + location(span))
        if snip is None:
            return
        shown, pad, carets = snip
        number = paint("gutter", f"{span.line:>{width}} |")
        underline = paint(style, "^" * carets) + (" " + paint(style, _visible(label)) if label else "")
        out.extend([gutter, f"{number} {shown}".rstrip(), f"{gutter} {pad}{underline}"])

    located(d.span, primary, sev, d.label)
    if d.hint:
        if primary:
            out.append(gutter)
        out.append(" " * (width + 1) + paint("bold", "=") + " " + paint("help", "help") + ": " + _visible(d.hint, keep_newlines=True))
    for rel, snip in notes:
        out.append(paint("note", "note") + paint("bold", f": {_visible(rel.message, keep_newlines=True)}"))
        located(rel.span, snip, "note", "")
    return out


def summary_line(findings: Findings, paint: _Paint) -> str:
    """`error: 3 errors and 1 warning in 2 of 12 files (18 frameworks)`, or the all-clear."""
    errors, warnings, notes = counts(findings)
    frameworks = plural(findings.frameworks, "framework")
    parts = [plural(n, w) for n, w in ((errors, "error"), (warnings, "warning"), (notes, "note")) if n]
    if not errors and not warnings:
        tail = ", ".join(parts) if parts else "no problems"
        return f"checked {plural(findings.files, 'file')} ({frameworks}): {tail}"
    counted = " and ".join(parts) if len(parts) < 3 else f"{parts[0]}, {parts[1]} and {parts[2]}"
    with_problems = len({d.span.file for d in findings.diagnostics if d.span.file})
    total = findings.files
    # "in 2 of 12 files" says both how far the problems spread and how much was checked.
    if 0 < with_problems < total:
        where = f"{with_problems} of {plural(total, 'file')}"
    else:
        where = plural(with_problems or total, "file")
    sev = "error" if errors else "warning"
    return paint(sev, sev) + paint("bold", f": {counted} in {where} ({frameworks})")


def _pretty(findings: Findings, paint: _Paint) -> str:
    blocks = ["\n".join(_pretty_one(d, findings.sources, paint)) for d in findings.diagnostics]
    blocks.append(summary_line(findings, paint))
    return "\n\n".join(blocks) + "\n"


# --- compact: one line per diagnostic, for editors and grep -----------------------------------


def _compact(findings: Findings) -> str:
    lines = []
    for d in findings.diagnostics:
        where = f"{location(d.span)}: " if d.span.file else ""
        text = f"{where}{d.effective_severity.value}[{d.code}] {d.message}"
        if d.hint:
            text += f" (help: {d.hint})"
        lines.append(" ".join(_visible(text, keep_newlines=True).split("\n")))
    lines.append(summary_line(findings, _Paint(False)))
    return "\n".join(lines) + "\n"


# --- json: the stable machine form ---------------------------------------------------------


def _json(findings: Findings) -> str:
    import json

    items = []
    for d in findings.diagnostics:
        s, has_file = d.span, bool(d.span.file)
        items.append({
            "code": d.code,
            "slug": d.slug,
            "severity": d.effective_severity.value,
            "message": d.message,
            "file": s.file if has_file else None,
            "line": s.line if has_file else None,
            "column": s.column if has_file else None,
            "end_line": s.end_line if has_file else None,
            "end_column": s.end_column if has_file else None,
            "hint": d.hint,
        })
    errors, warnings, _ = counts(findings)
    summary = {"files": findings.files, "frameworks": findings.frameworks, "errors": errors, "warnings": warnings}
    return json.dumps({"diagnostics": items, "summary": summary}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


