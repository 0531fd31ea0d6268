"""`make run`, the README's first command, as a newcomer sees it: each step's summary once, a draft,
and at the end where everything is. Run in a copy of the repository with a stand-in .venv whose
`python` and `tactful` are this interpreter's (the real target installs them first)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> str:
    if shutil.which("make") is None:
        pytest.skip("no make")
    repo = tmp_path_factory.mktemp("repo")
    for name in ("Makefile", "pyproject.toml", "tactful.toml"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "frameworks", repo / "frameworks")
    shutil.copytree(ROOT / "examples" / "replay", repo / "examples" / "replay")
    shutil.copytree(ROOT / "compiler", repo / "compiler", ignore=shutil.ignore_patterns("__pycache__"))
    venv = repo / ".venv" / "bin"
    venv.mkdir(parents=True)
    path = os.pathsep.join(p for p in (str(ROOT / "compiler"), os.environ.get("PYTHONPATH", "")) if p)
    for name, run in (("python", ""), ("tactful", " -m tactful")):
        (venv / name).write_text(f'#!/bin/sh\nPYTHONPATH="{path}" exec "{sys.executable}"{run} "$@"\n', encoding="utf-8")
        (venv / name).chmod(0o755)
    (repo / ".venv" / ".installed").touch()  # newer than pyproject.toml: setup installs nothing
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "GITHUB_STEP_SUMMARY")}
    done = subprocess.run(["make", "--no-print-directory", "run"], cwd=repo, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    return done.stdout


def test_each_summary_is_printed_once(output):
    assert output.count("checked ") == 1, output
    lines = output.split("\n")
    for start in ("checked ", "Built ", "Wrote "):
        assert sum(line.startswith(start) for line in lines) == 1, (start, output)
    assert sum(bool(re.match(r"\d+ examples: ", line)) for line in lines) == 1, output
    assert "PASS" not in output, "the test step prints failures and the summary only"


def test_it_ends_with_where_everything_is(output):
    lines = output.split("\n")
    tail = output.rstrip().split("\n")[-6:]
    assert tail[0] == "Where everything is:"
    assert [line.split()[0] for line in tail[1:]] == ["bundle", "test", "evaluation", "library", "sources"]
    assert "out/bundle.json" in tail[1] and "out/site-src/site/index.html" in tail[4]
    assert any(line.startswith("Hold/send: ") for line in lines), "eval's summary"
    assert any(re.match(r"\d+ rows from 1 file: ", line) for line in lines), "replay's summary"


def test_it_shows_a_draft(output):
    assert "HOLD: do not send this draft as written." in output and "BIL-20931" in output
