"""Renderers for CI: GitHub workflow commands and job summaries, and SARIF for code scanning."""

from __future__ import annotations

from tactful.codes import Severity
from tactful.diagnostics.values import Diagnostic, Findings, counts, location, plural
from tactful.source import SourceFile, Span

FINGERPRINT_KEY = "tactful/v1"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SUMMARY_ROWS = 500  # GitHub caps a step summary at 1 MiB; a longer table helps nobody


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
        lines.append(f"note: {rel.message} ({location(rel.span)})" if rel.span.file else f"note: {rel.message}")
    return "\n".join(lines)


def github(findings: Findings) -> str:
    command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
    lines = []
    for d in findings.diagnostics:
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


def github_summary(findings: Findings) -> str:
    """The Markdown job summary: a heading, the counts and one table row per diagnostic, by file."""
    errors, warnings, notes = counts(findings)
    out = ["## Tactful", ""]
    checked = f"{plural(findings.files, 'file')} ({plural(findings.frameworks, 'framework')})"
    if not findings.diagnostics:
        return "\n".join(out + [f"Checked {checked}: no problems."]) + "\n"
    counted = ", ".join(plural(n, w) for n, w in ((errors, "error"), (warnings, "warning"), (notes, "note")) if n)
    out += [f"Checked {checked}: **{counted}**.", ""]
    out += ["| File | Line | Severity | Code | Message |", "| --- | ---: | --- | --- | --- |"]
    # Stable sort by file keeps the pipeline's order within each file.
    rows = sorted(findings.diagnostics, key=lambda d: d.span.file)
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


def _sariflocation(span: Span) -> dict:
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
    """The project's home page ([project.urls] Homepage), if it has one."""
    from tactful import project

    return project.url("homepage", "repository", "documentation")


def help_uri(code: str) -> str | None:
    """The absolute link to a code's section of the diagnostics reference on the project site
    ([project.urls] Documentation; anchors are the codes: docs/hooks/generated_pages.py)."""
    from tactful import project

    base = project.url("documentation")
    return f"{base.rstrip('/')}/reference/diagnostics/#{code}" if base else None


def sarif(findings: Findings) -> str:
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
            **({"helpUri": uri} if (uri := help_uri(c.code)) else {}),
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
    for d in findings.diagnostics:
        item: dict = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": d.effective_severity.value,
            "message": {"text": d.message + (f"\nhelp: {d.hint}" if d.hint else "")},
        }
        if d.span.file:
            item["locations"] = [_sariflocation(d.span)]
            # Identical findings on identical lines are told apart by occurrence, as GitHub does.
            digest = fingerprint(d, findings.sources)
            seen[digest] = seen.get(digest, 0) + 1
            item["partialFingerprints"] = {FINGERPRINT_KEY: f"{digest}:{seen[digest]}"}
        related = [
            {"id": i, **_sariflocation(r.span), "message": {"text": r.message}}
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
