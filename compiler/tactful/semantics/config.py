"""Project settings (tactful.toml) and inline suppressions, applied to a run's diagnostics."""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from tactful.codes import CODES, Code, adjustable, lookup
from tactful.diagnostics import Diagnostic, Severity
from tactful.source import SourceFile
from tactful.syntax import ast

PROJECT_FILE = "tactful.toml"
_SUPPRESS = re.compile(r"#\s*tactful:\s*ignore\[([^\]]*)\]\s*(.*)$")


@dataclass
class Config:
    path: str | None = None  # project-relative path of tactful.toml, when there is one
    severities: dict[str, Severity | None] = field(default_factory=dict)  # None: off
    intents: list[str] | None = None
    intent_lines: dict[str, int] = field(default_factory=dict)
    # [project] frameworks: the folders (relative to tactful.toml) that hold the library. Taxonomy
    # completeness is checked only when a run covers all of them; by default, the project root.
    frameworks: list[str] = field(default_factory=lambda: ["."])
    verify: dict[str, str] = field(default_factory=dict)  # [verify]: a verify code or slug -> block | warn | off


def find_project_root(paths: list[Path]) -> Path:
    """The nearest folder at or above the first path holding tactful.toml, else that path's folder."""
    first = Path(os.path.abspath(paths[0])) if paths else Path.cwd()
    start = first if first.is_dir() else first.parent
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return start


def covers_library(paths: list[Path], root: Path, config: Config) -> bool:
    """Whether a run over paths reads the whole library: every folder of [project] `frameworks` (by
    default the project root) is one of the folders given or inside one. A subfolder or a single
    file is checked on its own merits, so intents of the taxonomy missing from it are not reported."""
    given = [Path(os.path.abspath(p)) for p in paths if p.is_dir()]
    for folder in config.frameworks:
        wanted = Path(os.path.abspath(root / folder))
        if not any(wanted == g or g in wanted.parents for g in given):
            return False
    return True


def load_config(root: Path, sources: dict[str, SourceFile]) -> tuple[Config, list[Diagnostic]]:
    file = root / PROJECT_FILE
    if not file.is_file():
        return Config(), []
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        src = SourceFile(PROJECT_FILE, "")
        sources[PROJECT_FILE] = src
        return Config(path=PROJECT_FILE), [Diagnostic(
            Code.INVALID_PROJECT_FILE, f"could not read tactful.toml: {e.strerror or e}", src.span(0, 0),
            hint="make the file readable; it holds the project's settings")]
    src = SourceFile(PROJECT_FILE, text)
    sources[PROJECT_FILE] = src
    config = Config(path=PROJECT_FILE)
    diags: list[Diagnostic] = []

    def at(key: str | None) -> "ast.Span":
        if key:
            for n in range(1, src.line_count + 1):
                line = src.line_text(n)
                col = line.find(key)
                if col != -1 and not line.lstrip().startswith("#"):
                    return src.span(src.offset(n, col + 1), src.offset(n, col + 1 + len(key)))
        return src.span(0, min(1, len(text)))

    import tomllib  # only when there is a project file

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # lineno/colno arrived in Python 3.14; before, the position is only in the message
        at_pos = re.search(r"at line (\d+), column (\d+)", str(e))
        line = getattr(e, "lineno", None) or (int(at_pos.group(1)) if at_pos else 1)
        col = getattr(e, "colno", None) or (int(at_pos.group(2)) if at_pos else 1)
        off = src.offset(min(line, src.line_count), 1) + col - 1
        return config, [Diagnostic(Code.INVALID_PROJECT_FILE, f"tactful.toml is not valid TOML: {e.msg if hasattr(e, 'msg') else e}",
                                   src.span(min(off, len(text)), min(off + 1, len(text))))]
    for key in data:
        if key not in ("diagnostics", "taxonomy", "project", "verify"):
            diags.append(Diagnostic(Code.INVALID_PROJECT_FILE, f"tactful.toml has an unknown table `{key}`", at(key),
                                    hint="the tables are [project], [diagnostics], [taxonomy] and [verify]"))
    settings = data.get("diagnostics", {})
    if not isinstance(settings, dict):
        diags.append(Diagnostic(Code.INVALID_PROJECT_FILE, "`diagnostics` must be a table of codes and severities",
                                at("diagnostics"), hint='write it as `[diagnostics]` with lines such as `T1302 = "off"`'))
        settings = {}
    for key, value in settings.items():
        code = lookup(str(key))
        if code is None:
            diags.append(Diagnostic(Code.UNKNOWN_CODE, f"`{key}` is not a diagnostic code", at(str(key)),
                                    hint="run `tactful explain --list` for the codes"))
            continue
        if not isinstance(value, str) or value not in ("error", "warning", "off"):
            diags.append(Diagnostic(Code.INVALID_PROJECT_FILE, f"the severity of `{key}` must be \"error\", \"warning\" or \"off\"",
                                    at(str(key))))
            continue
        if value != "error" and not adjustable(code):
            diags.append(Diagnostic(Code.INVALID_PROJECT_FILE,
                                    f"`{code.code}` ({code.slug}) guards the bundle's integrity and cannot be turned off or made a warning",
                                    at(str(key)), hint=f"fix what it reports; `tactful explain {code.code}` says how"))
            continue
        config.severities[code.code] = None if value == "off" else Severity(value)
    project = data.get("project")
    if isinstance(project, dict) and "frameworks" in project:
        folders = project["frameworks"]
        folders = [folders] if isinstance(folders, str) else folders
        if not isinstance(folders, list) or not folders or not all(isinstance(f, str) and f for f in folders):
            diags.append(Diagnostic(Code.INVALID_PROJECT_FILE, "[project] `frameworks` must be a folder or a list of folders",
                                    at("frameworks"), hint='for example `frameworks = "frameworks"`'))
        else:
            config.frameworks = folders
    diags.extend(_verify_table(data.get("verify"), config, at))
    taxonomy = data.get("taxonomy")
    if taxonomy is not None:
        intents = taxonomy.get("intents") if isinstance(taxonomy, dict) else None
        if not isinstance(intents, list) or not all(isinstance(i, str) for i in intents):
            diags.append(Diagnostic(Code.INVALID_PROJECT_FILE, "[taxonomy] needs `intents`, a list of intent ids", at("taxonomy")))
        else:
            config.intents = intents
            for intent in intents:
                config.intent_lines[intent] = at(f'"{intent}"').line
    return config, diags


def _verify_table(table: object, config: Config, at) -> list[Diagnostic]:
    """[verify]: which findings of `tactful verify` block, warn or are off (`V140 = "block"`)."""
    if table is None:
        return []
    if not isinstance(table, dict):
        return [Diagnostic(Code.INVALID_PROJECT_FILE, "[verify] must be a table of codes and levels", at("verify"))]
    from tactful.runtime.verify import PolicyError, VerifyPolicy

    diags = []
    for key, value in table.items():
        try:
            VerifyPolicy.from_settings({key: value})
        except PolicyError as e:
            diags.append(Diagnostic(Code.INVALID_PROJECT_FILE, f"[verify]: {e}", at(str(key)),
                                    hint="run `tactful explain --list` for the codes"))
            continue
        config.verify[str(key)] = str(value)
    return diags


def verify_settings(paths: list[Path]) -> tuple[dict[str, str], list[Diagnostic]]:
    """The [verify] table of the project holding paths (the current folder when none): settings for
    VerifyPolicy.from_settings, and the problems of the project file."""
    root = find_project_root(paths or [Path.cwd()])
    config, diags = load_config(root, {})
    return config.verify, diags


@dataclass(frozen=True)
class Suppression:
    codes: tuple[str, ...]
    reason: str
    line: int  # the line it covers
    comment: ast.Comment


def suppressions(module: ast.Module, source: SourceFile) -> tuple[list[Suppression], list[Diagnostic]]:
    out: list[Suppression] = []
    diags: list[Diagnostic] = []
    next_code_line: list[int] | None = None  # for each line, the first line at or after it holding code
    for c in module.comments:
        m = _SUPPRESS.match(c.text)
        if not m:
            continue
        codes = tuple(x.strip().upper() for x in m.group(1).split(",") if x.strip())
        for code in codes:
            if code not in CODES:
                diags.append(Diagnostic(Code.UNKNOWN_CODE, f"`{code}` is not a diagnostic code", c.span,
                                        hint="run `tactful explain --list` for the codes"))
        reason = m.group(2).strip()
        if not reason:
            diags.append(Diagnostic(Code.SUPPRESSION_WITHOUT_REASON, "this suppression gives no reason", c.span,
                                    hint="say why after the bracket: `# tactful: ignore[T1304] quoting the customer`"))
        line_text = source.line_text(c.span.line)
        alone = line_text[: c.span.column - 1].strip() == ""
        line = c.span.line
        if alone:
            if next_code_line is None:  # one pass from the end, not a scan per comment (quadratic)
                next_code_line = [0] * (source.line_count + 2)
                next_code_line[source.line_count + 1] = source.line_count + 1
                for n in range(source.line_count, 0, -1):
                    text = source.line_text(n).lstrip()
                    next_code_line[n] = next_code_line[n + 1] if not text or text.startswith("#") else n
            line = next_code_line[min(line + 1, source.line_count + 1)]
        out.append(Suppression(codes, reason, line, c))
    return out, diags


def apply(diagnostics: list[Diagnostic], config: Config, sups: dict[str, list[Suppression]]) -> list[Diagnostic]:
    """Drop suppressed and silenced diagnostics, apply severity overrides, report unused suppressions."""
    used: set[int] = set()
    kept: list[Diagnostic] = []
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    for file, items in sups.items():
        for s in items:
            by_line.setdefault((file, s.line), []).append(s)
    for d in diagnostics:
        hit = None
        for s in by_line.get((d.span.file, d.span.line), ()):
            if d.code in s.codes and adjustable(d.code):
                hit = s
                break
        if hit is not None:
            used.add(id(hit))
            continue
        kept.append(d)
    for file, items in sups.items():
        for s in items:
            if id(s) not in used and all(c in CODES for c in s.codes):
                locked = [c for c in s.codes if not adjustable(CODES[c])]
                if locked:
                    kept.append(Diagnostic(Code.UNUSED_SUPPRESSION,
                                           f"{', '.join(locked)} cannot be suppressed: it guards the bundle's integrity",
                                           s.comment.span, hint="fix what it reports, and remove the comment"))
                    continue
                kept.append(Diagnostic(Code.UNUSED_SUPPRESSION, "this suppression silences nothing", s.comment.span,
                                       hint=f"no {', '.join(s.codes)} is reported on line {s.line}; remove the comment"))
    out: list[Diagnostic] = []
    for d in kept:
        if d.code in config.severities:
            sev = config.severities[d.code]
            if sev is None:
                continue
            d = dataclasses.replace(d, severity=sev)
        out.append(d)
    return out
