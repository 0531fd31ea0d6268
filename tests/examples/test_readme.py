"""The README's tour shows real behaviour: its framework compiles, its diagnostic is what `check` prints."""

from __future__ import annotations

import re
from pathlib import Path

from tactful import api
from tactful.diagnostics import render

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _framework() -> str:
    return re.search(r"\*\*A framework\*\*.*?```tactful\n(.*?)```", README, re.S).group(1)


def _write(tmp_path: Path, source: str) -> Path:
    folder = tmp_path / "frameworks"
    (folder / "billing").mkdir(parents=True)
    (folder / "billing" / "duplicate_charge.tact").write_text(source, encoding="utf-8")
    return folder


def test_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    commands = [line.split("#")[0].strip() for line in blocks[0].strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_readme_framework_is_clean(tmp_path):
    result = api.check([_write(tmp_path, _framework())])
    assert (result.errors, result.warnings) == (0, 0), render(result, "compact")


def test_readme_diagnostic_is_what_check_prints(tmp_path):
    broken = _framework().replace('"Please send us your case reference by DM', '"Please send us case {case_reference} by DM')
    assert broken != _framework()
    result = api.check([_write(tmp_path, broken)])
    shown = re.search(r"```text\n(error\[T1202\].*?)```", README, re.S).group(1)
    assert render(result, "pretty", color=False).strip() == shown.strip()
