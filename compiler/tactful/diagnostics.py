"""Diagnostics as values, and their renderers (pretty, compact, json, github, sarif).

Checks yield Diagnostic values; nothing in the compiler raises for bad input. A run collects every
diagnostic of every file, sorts them by position, applies the project's severity settings and
inline suppressions, and hands them to one renderer.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tactful.source import Span


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Related:
    """A secondary location: 'declared here', 'first defined here'."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str  # "T1201"
    message: str  # plain words, identifiers in backticks; makes sense alone
    span: Span
    label: str = ""  # short text under the caret in the pretty form
    hint: str = ""  # the `help` line: only this proposes a fix
    severity: Severity | None = None  # None: the code's default severity
    related: tuple[Related, ...] = field(default=())

    @property
    def slug(self) -> str:
        from tactful.codes import CODES

        return CODES[self.code].slug

    @property
    def effective_severity(self) -> Severity:
        from tactful.codes import CODES

        return self.severity or CODES[self.code].severity

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.start, self.span.end, self.code, self.message)


# --- Renderers ------------------------------------------------------------------------------------
#
# One entry point, render(result, fmt), and one function per format. Every renderer is pure: the
# same Result gives the same bytes (no clock, no environment, no absolute paths), so the outputs can
# be snapshot-tested and diffed in CI. Positions are the Span's: 1-based lines, columns counting
# characters, end columns exclusive (the column just after the last character), which is what SARIF
# means by endColumn.

FORMATS = ("pretty", "compact", "json", "github", "sarif")
FINGERPRINT_KEY = "tactful/v1"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TAB_WIDTH = 4  # rustc's choice: a tab shows as four spaces in snippets, whatever the editor does
SUMMARY_ROWS = 500  # GitHub caps a step summary at 1 MiB; a longer table helps nobody

if TYPE_CHECKING:
    from tactful.api import Result
    from tactful.source import SourceFile


def render(result: Result, fmt: str, *, color: bool = False) -> str:
    """Every diagnostic of result in one format, ending with a newline (or "" when nothing to say).

    Diagnostics are printed in the order given: sorting is the pipeline's job, not the renderer's.
    Only `pretty` uses color, and only when asked to.
    """
    match fmt:
        case "pretty":
            return _pretty(result, _Paint(color))
        case "compact":
            return _compact(result)
        case "json":
            return _json(result)
        case "github":
            return _github(result)
        case "sarif":
            return _sarif(result)
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


def _snippet_lines(span: Span, sources: dict[str, SourceFile]) -> tuple[str, str, int] | None:
    """(displayed line, padding, caret count) for a span's first line, or None without a source."""
    source = sources.get(span.file)
    if source is None or not 1 <= span.line <= source.line_count:
        return None
    raw = source.line_text(span.line)
    shown, cells = _display(raw)
    length = len(raw)
    start = max(span.column, 1)
    # Past the end of the line (a missing quote, the end of the file): one cell beyond the text.
    start_cell = cells[start - 1] if start - 1 <= length else cells[-1] + (start - 1 - length)
    if span.end_line <= span.line:
        end = min(span.end_column, length + 1)
        end_cell = cells[end - 1] if end > start else start_cell
    else:  # a multi-line span is underlined to the end of its first line
        end_cell = cells[-1]
    return shown, " " * start_cell, max(end_cell - start_cell, 1)


def _location(span: Span) -> str:
    return f"{span.file}:{span.line}:{span.column}"


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
        out.append(paint("gutter", " " * width + "--> ") + _location(span))
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _counts(result: Result) -> tuple[int, int, int]:
    errors = warnings = notes = 0
    for d in result.diagnostics:
        sev = d.effective_severity
        errors += sev is Severity.ERROR
        warnings += sev is Severity.WARNING
        notes += sev is Severity.NOTE
    return errors, warnings, notes


def _summary(result: Result, paint: _Paint) -> str:
    """`error: 3 errors and 1 warning in 2 of 12 files (18 frameworks)`, or the all-clear."""
    errors, warnings, notes = _counts(result)
    frameworks = _plural(result.frameworks, "framework")
    parts = [_plural(n, w) for n, w in ((errors, "error"), (warnings, "warning"), (notes, "note")) if n]
    if not errors and not warnings:
        tail = ", ".join(parts) if parts else "no problems"
        return f"checked {_plural(result.files, 'file')} ({frameworks}): {tail}"
    counted = " and ".join(parts) if len(parts) < 3 else f"{parts[0]}, {parts[1]} and {parts[2]}"
    with_problems = len({d.span.file for d in result.diagnostics if d.span.file})
    total = result.files
    # "in 2 of 12 files" says both how far the problems spread and how much was checked.
    if 0 < with_problems < total:
        where = f"{with_problems} of {_plural(total, 'file')}"
    else:
        where = _plural(with_problems or total, "file")
    sev = "error" if errors else "warning"
    return paint(sev, sev) + paint("bold", f": {counted} in {where} ({frameworks})")


def _pretty(result: Result, paint: _Paint) -> str:
    blocks = ["\n".join(_pretty_one(d, result.sources, paint)) for d in result.diagnostics]
    blocks.append(_summary(result, paint))
    return "\n\n".join(blocks) + "\n"


# --- compact: one line per diagnostic, for editors and grep -----------------------------------


def _compact(result: Result) -> str:
    lines = []
    for d in result.diagnostics:
        where = f"{_location(d.span)}: " if d.span.file else ""
        text = f"{where}{d.effective_severity.value}[{d.code}] {d.message}"
        if d.hint:
            text += f" (help: {d.hint})"
        lines.append(" ".join(_visible(text, keep_newlines=True).split("\n")))
    lines.append(_summary(result, _Paint(False)))
    return "\n".join(lines) + "\n"


# --- json: the stable machine form ---------------------------------------------------------


def _json(result: Result) -> str:
    import json

    items = []
    for d in result.diagnostics:
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
    errors, warnings, _ = _counts(result)
    summary = {"files": result.files, "frameworks": result.frameworks, "errors": errors, "warnings": warnings}
    return json.dumps({"diagnostics": items, "summary": summary}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- github: workflow commands that become annotations on the pull request ---------------------


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _full_message(d: Diagnostic) -> str:
    """The message, then the help line and the related locations, one per line."""
    lines = [d.message]
    if d.hint:
        lines.append(f"help: {d.hint}")
    for rel in d.related:
        lines.append(f"note: {rel.message} ({_location(rel.span)})" if rel.span.file else f"note: {rel.message}")
    return "\n".join(lines)


def _github(result: Result) -> str:
    command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
    lines = []
    for d in result.diagnostics:
        s = d.span
        props: list[tuple[str, str]] = []
        if s.file:
            props += [("file", s.file), ("line", str(s.line))]
            # GitHub honours columns only when the annotation starts and ends on the same line.
            if s.end_line == s.line:
                props += [("col", str(s.column)), ("endLine", str(s.end_line)), ("endColumn", str(s.end_column))]
            else:
                props.append(("endLine", str(s.end_line)))
        props.append(("title", f"{d.code} {d.slug}"))
        joined = ",".join(f"{k}={_gh_property(v)}" for k, v in props)
        lines.append(f"::{command[d.effective_severity]} {joined}::{_gh_data(_full_message(d))}")
    return "\n".join(lines) + "\n" if lines else ""


def github_summary(result: Result) -> str:
    """The Markdown job summary: a heading, the counts and one table row per diagnostic, by file."""
    errors, warnings, notes = _counts(result)
    out = ["## Tactful", ""]
    checked = f"{_plural(result.files, 'file')} ({_plural(result.frameworks, 'framework')})"
    if not result.diagnostics:
        return "\n".join(out + [f"Checked {checked}: no problems."]) + "\n"
    counts = ", ".join(_plural(n, w) for n, w in ((errors, "error"), (warnings, "warning"), (notes, "note")) if n)
    out += [f"Checked {checked}: **{counts}**.", ""]
    out += ["| File | Line | Severity | Code | Message |", "| --- | ---: | --- | --- | --- |"]
    # Stable sort by file keeps the pipeline's order within each file.
    rows = sorted(result.diagnostics, key=lambda d: d.span.file)
    for d in rows[:SUMMARY_ROWS]:
        s = d.span
        file = f"`{_md_cell(s.file)}`" if s.file else ""
        line = f"{s.line}:{s.column}" if s.file else ""
        message = _md_text(d.message) + (f"<br>help: {_md_text(d.hint)}" if d.hint else "")
        out.append(f"| {file} | {line} | {d.effective_severity.value} | `{d.code}` {d.slug} | {message} |")
    if len(rows) > SUMMARY_ROWS:
        out += ["", f"… and {len(rows) - SUMMARY_ROWS} more; run `tactful check` to see them all."]
    out += ["", "Run `tactful explain <code>` for what a code means and how to fix it."]
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    """Text safe inside one table cell: pipes escaped, lines joined with <br>."""
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _md_text(text: str) -> str:
    """A message for a cell: HTML escaped outside `code spans` (where GitHub shows it verbatim)."""
    import html

    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code spans at all
        return _md_cell(html.escape(text, quote=False))
    return _md_cell("`".join(p if i % 2 else html.escape(p, quote=False) for i, p in enumerate(parts)))


# --- sarif: code scanning and every SARIF viewer -----------------------------------------------


def fingerprint(d: Diagnostic, sources: dict[str, SourceFile]) -> str:
    """A sha256 of what the finding is, not where: code, file, the first line's text with its
    whitespace collapsed, and message. A finding keeps its fingerprint when lines above it move,
    so code scanning does not report it as fixed-and-new on every edit."""
    import hashlib

    source = sources.get(d.span.file)
    line = source.line_text(d.span.line) if source is not None else ""
    parts = (d.code, d.span.file, " ".join(line.split()), d.message)
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _sarif_location(span: Span) -> dict:
    from urllib.parse import quote

    return {
        "physicalLocation": {
            "artifactLocation": {"uri": quote(span.file, safe="/"), "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
            },
        }
    }


def _information_uri() -> str | None:
    """The project's home page from the package metadata ([project.urls] Homepage), if it has one."""
    from importlib import metadata

    try:
        meta = metadata.metadata("tactful")
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "documentation", "source", "repository"):
            return url.strip()
    return meta.get("Home-page") or None


def _sarif(result: Result) -> str:
    import json

    import tactful
    from tactful.codes import CODES, explain_text

    index = {code: i for i, code in enumerate(CODES)}
    rules = [
        {
            "id": c.code,
            "name": c.slug,
            "shortDescription": {"text": c.title},
            "fullDescription": {"text": c.explanation},
            "help": {"text": explain_text(c).rstrip("\n")},
            "defaultConfiguration": {"level": c.severity.value},
        }
        for c in CODES.values()
    ]
    driver: dict = {"name": "tactful", "version": tactful.__version__}
    uri = _information_uri()
    if uri:
        driver["informationUri"] = uri
    driver["rules"] = rules

    results = []
    seen: dict[str, int] = {}
    for d in result.diagnostics:
        item: dict = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": d.effective_severity.value,
            "message": {"text": d.message + (f"\nhelp: {d.hint}" if d.hint else "")},
        }
        if d.span.file:
            item["locations"] = [_sarif_location(d.span)]
            # Identical findings on identical lines are told apart by occurrence, as GitHub does.
            digest = fingerprint(d, result.sources)
            seen[digest] = seen.get(digest, 0) + 1
            item["partialFingerprints"] = {FINGERPRINT_KEY: f"{digest}:{seen[digest]}"}
        related = [
            {"id": i, **_sarif_location(r.span), "message": {"text": r.message}}
            for i, r in enumerate(d.related, start=1)
            if r.span.file
        ]
        if related:
            item["relatedLocations"] = related
        results.append(item)

    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
