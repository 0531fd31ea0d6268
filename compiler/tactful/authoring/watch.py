"""`tactful check --watch`: check, then check again whenever a .tact file, tactful.toml or a weights
file that a `scorer` names is saved, printing only what changed since the last check (new problems
in full, fixed ones in one line each).

A problem is the same problem after an edit elsewhere in its file moved it: it is known by its
code, file, message and the text of its line, not by its position. watchfiles does the watching.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tactful.diagnostics import Diagnostic
from tactful.semantics.pipeline import Result

__all__ = ["Changes", "changes", "describe", "watch"]


@dataclass
class Changes:
    new: list[Diagnostic]
    fixed: list[Diagnostic]
    result: Result  # the new check, for its sources and counts


def _key(d: Diagnostic, result: Result) -> tuple:
    src = result.sources.get(d.span.file)
    line = src.line_text(d.span.line).strip() if src is not None else ""
    return d.code.code, d.span.file, d.message, line


def changes(before: Result, after: Result) -> Changes:
    """What after reports that before did not (new) and what before reported that after does not (fixed)."""
    old = Counter(_key(d, before) for d in before.diagnostics)
    now = Counter(_key(d, after) for d in after.diagnostics)
    new, fixed = [], []
    seen: Counter = Counter()
    for d in after.diagnostics:
        k = _key(d, after)
        seen[k] += 1
        if seen[k] > old[k]:
            new.append(d)
    seen = Counter()
    for d in before.diagnostics:
        k = _key(d, before)
        seen[k] += 1
        if seen[k] > now[k]:
            fixed.append(d)
    return Changes(new, fixed, after)


def describe(c: Changes) -> str:
    """What changed, for people: `fixed: …` lines, the new problems in full, and the new totals."""
    from dataclasses import replace

    from tactful.diagnostics import render

    lines = [f"fixed: {d.code.code} {d.span.file}:{d.span.line}: {d.message}" for d in c.fixed]
    if c.new:
        shown = render(replace(c.result, diagnostics=c.new), "pretty").rstrip("\n")
        lines.append(shown.rsplit("\n", 1)[0].rstrip("\n"))  # its summary counts only the new ones
    if not c.new and not c.fixed:
        lines.append("no change")
    lines.append(render(c.result, "compact").rstrip("\n").rsplit("\n", 1)[-1])  # the totals line
    return "\n".join(lines)


def _relevant(inputs: frozenset[str]) -> Callable[[object, str], bool]:
    """The watch filter: a .tact file, the project's tactful.toml, or one of the weights files the
    last check read (Result.inputs)."""
    def relevant(change, path: str) -> bool:
        return path.endswith(".tact") or path.endswith("tactful.toml") or str(Path(path).resolve()) in inputs

    return relevant


def watch(paths: Sequence[str], check: Callable[[], Result], report: Callable[[Result, Changes | None], None],
          *, stop_event=None, debounce_ms: int = 200) -> None:
    """Run check now and after every save under paths, of the project's tactful.toml or of a weights
    file a `scorer` names (wherever it is), calling report(result, changes since the last check; None
    the first time). Returns on Ctrl-C or when stop_event is set."""
    from watchfiles import watch as watch_files

    from tactful.semantics.config import PROJECT_FILE, find_project_root

    last = check()
    report(last, None)
    root = find_project_root([Path(p) for p in paths])
    base = [*paths, *([str(root / PROJECT_FILE)] if (root / PROJECT_FILE).is_file() else [])]
    while True:
        inputs = last.inputs
        # a weights file's folder, not the file: an editor saves by writing a new file over the old
        folders = sorted({str(p.parent) for p in inputs if p.parent.is_dir()})
        relevant = _relevant(frozenset(str(p.resolve()) for p in inputs))
        for _ in watch_files(*base, *folders, watch_filter=relevant, debounce=debounce_ms, stop_event=stop_event,
                             raise_interrupt=False):
            result = check()
            report(result, changes(last, result))
            last = result
            if last.inputs != inputs:
                break  # a scorer names another weights file now: watch that one instead
        else:
            return  # stopped
