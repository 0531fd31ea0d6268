"""Reading the golden fixtures of tests/fixtures/: which there are, what each expects, what it got.

A fixture is a `.tact` file, or a folder (several modules, or a `tactful.toml` of its own), under
`tests/fixtures/checks/` (each expects some diagnostics) or `tests/fixtures/valid/` (each must be
clean). Expectations are written inline, in a comment on any line of any file of the fixture
(tactful.toml included):

    # expect: T1201 43:32
    # expect: T1107 5:9, T1107 6:12

meaning: a diagnostic with that code whose primary span starts at that line:column of the file
holding the comment. A run must report exactly that multiset of (file, code, line, column).

Single-file fixtures are checked with `tests/fixtures/` as their project root (it holds an empty
tactful.toml, so the repository's own taxonomy does not apply to them).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from tactful import api

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CHECKS = FIXTURES / "checks"
VALID = FIXTURES / "valid"

_EXPECT = re.compile(r"#\s*expect:(.*)$")
_ITEM = re.compile(r"^(T\d{4})\s+(\d+):(\d+)$")

Key = tuple[str, str, int, int]  # (file relative to tests/fixtures/, code, line, column)


def cases(folder: Path) -> list[Path]:
    """The fixtures of one folder: its .tact files and its sub-folders, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_dir() or p.suffix == ".tact")


def case_id(case: Path) -> str:
    return case.relative_to(FIXTURES).as_posix()


def files_of(case: Path) -> list[Path]:
    if case.is_file():
        return [case]
    return sorted([*case.rglob("*.tact"), *case.rglob("tactful.toml")])


def rel(path: Path) -> str:
    return path.resolve().relative_to(FIXTURES).as_posix()


def expectations(case: Path) -> Counter[Key]:
    """The inline expectations of a fixture. A malformed `# expect:` comment raises ValueError."""
    out: Counter[Key] = Counter()
    for file in files_of(case):
        # bytes that are not UTF-8 are the point of the T1005 fixture: read around them
        text = file.read_bytes().decode("utf-8", errors="replace")
        for n, line in enumerate(text.split("\n"), start=1):
            m = _EXPECT.search(line)
            if not m:
                continue
            for item in m.group(1).split(","):
                im = _ITEM.match(item.strip())
                if im is None:
                    raise ValueError(f"{rel(file)}:{n}: malformed expectation {item.strip()!r}; "
                                     "write `# expect: T1201 43:32`")
                out[(rel(file), im.group(1), int(im.group(2)), int(im.group(3)))] += 1
    return out


@lru_cache(maxsize=None)
def run(case: Path) -> api.Result:
    """api.check on the fixture (cached: several tests look at the same run)."""
    return api.check([case])


def diagnostic_file(result: api.Result, span_file: str) -> str:
    """A diagnostic's file relative to tests/fixtures/ (stdlib paths and empty ones unchanged)."""
    if not span_file or span_file.startswith("<") or result.root is None:
        return span_file
    try:
        return rel(result.root / span_file)
    except ValueError:
        return span_file


def actual(result: api.Result) -> Counter[Key]:
    return Counter((diagnostic_file(result, d.span.file), d.code, d.span.line, d.span.column)
                   for d in result.diagnostics)


def describe(result: api.Result, keys) -> str:
    """One line per key, with the checker's message when the checker reported it."""
    lines = []
    for key in sorted(keys):
        msgs = [d.message for d in result.diagnostics
                if (diagnostic_file(result, d.span.file), d.code, d.span.line, d.span.column) == key]
        file, code, line, col = key
        lines.append(f"  {file}:{line}:{col} {code}" + (f"  {msgs[0]}" if msgs else ""))
    return "\n".join(lines)
