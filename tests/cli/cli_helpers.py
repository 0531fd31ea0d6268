"""Running `tactful` the way users and CI do: the installed console script in a subprocess, or
click's CliRunner in-process where the exit code and streams are all a test needs."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from click.testing import CliRunner, Result

REPO = Path(__file__).resolve().parents[2]
# The taxonomy lists every intent of the shipped library, each with exactly one framework.
LIBRARY_SIZE = len(tomllib.loads((REPO / "tactful.toml").read_text(encoding="utf-8"))["taxonomy"]["intents"])
FRAMEWORKS = REPO / "frameworks"
FIXTURES = REPO / "tests" / "fixtures"
# The console script pip installed beside this interpreter (the venv's bin/ or Scripts/).
SCRIPT = Path(sys.executable).with_name("tactful.exe" if os.name == "nt" else "tactful")

# One clean framework, one with a warning (moves out of order), one with an error (a misspelt slot).
CLEAN = (FIXTURES / "valid" / "minimal.tact").read_text(encoding="utf-8")
WARNING = (FIXTURES / "checks" / "T1302-moves-out-of-order.tact").read_text(encoding="utf-8")
ERROR = (FIXTURES / "checks" / "T1201-undeclared-slot.tact").read_text(encoding="utf-8")


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real console script; GITHUB_STEP_SUMMARY and NO_COLOR never leak in from the caller."""
    base = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "NO_COLOR")}
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**base, **(env or {})}, timeout=120)


def invoke(*args: str | Path, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """In-process; stdout and stderr kept apart (result.stdout, result.stderr); `input` is stdin."""
    from tactful.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], env={"GITHUB_STEP_SUMMARY": None, **(env or {})}, input=input)


def project(root: Path, files: dict[str, str]) -> Path:
    """A project folder of its own (an empty tactful.toml) holding files, returned."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "tactful.toml").write_text("", encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def assert_no_traceback(*streams: str) -> None:
    for s in streams:
        assert "Traceback (most recent call last)" not in s, s[-2000:]
