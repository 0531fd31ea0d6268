"""Diagnostics latency after an edit in a 1,000-framework project (the language server's hot path).

`make bench` runs it. The project is generated (gen_library.py: 1,000 frameworks, one file each). The
server's Project is warmed once (every file read and parsed, as when the editor opens the folder);
each round then changes one framework in memory, as a keystroke does, and asks for that file's
diagnostics: re-parse the edited file only, reuse every other file's parsed module, check the program
the file can see. Target: 150 ms on this machine (the figure printed is the median of the rounds).
It also checks that the diagnostics are the edited file's, so a fast wrong answer cannot pass.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tactful.authoring.project import Project

sys.path.insert(0, str(Path(__file__).parent))
from gen_library import write_library  # noqa: E402

TARGET = 0.150


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("lsp-library")
    (root / "tactful.toml").write_text("", encoding="utf-8")
    write_library(root / "frameworks", 1000)
    assert len(list((root / "frameworks").rglob("*.tact"))) == 1000
    project = Project(root)
    project.analyse("frameworks/family0/intent_0.tact")  # the editor opened the folder: read and parse all
    return project


def test_diagnostics_after_an_edit(benchmark, project):
    path = "frameworks/family7/intent_350.tact"
    text = project.text(path)
    assert text is not None
    edits = iter(range(10**6))

    def edit_and_check():
        n = next(edits)
        project.change(path, text.replace("{case_reference}", "{case_referenc}", 1) + "\n" * (n % 3) + f"# edit {n}\n")
        return project.analyse(path)

    analysis = benchmark.pedantic(edit_and_check, rounds=30, iterations=1, warmup_rounds=2)
    assert {d.code.code for d in analysis.diagnostics} >= {"T1201"}
    assert {d.span.file for d in analysis.diagnostics} == {path}
    median = benchmark.stats.stats.median
    print(f"\ndiagnostics after an edit, 1,000 frameworks: {median * 1000:.1f} ms median (target {TARGET * 1000:.0f} ms)")
    assert median < TARGET
