"""Which files are read, and what is said about the ones that cannot be (issue #12, "silent loss of
files"): an unreadable folder is T1005, never skipped; only regular files are read (a FIFO made
`check` wait forever, a symlink to /dev/zero ate memory), up to a size limit; a file named on the
command line that is not a .tact file says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tactful import api
from tactful.semantics.loader import MAX_SOURCE_BYTES

MINIMAL = (Path(__file__).parents[1] / "fixtures" / "valid" / "minimal.tact").read_text(encoding="utf-8")


def library(root: Path) -> Path:
    root.mkdir()
    (root / "tactful.toml").write_text("", encoding="utf-8")
    (root / "ok.tact").write_text(MINIMAL, encoding="utf-8")
    return root


def t1005(result) -> list[str]:
    return [f"{d.span.file}: {d.message}" for d in result.diagnostics if d.code == "T1005"]


def test_an_unreadable_folder_is_reported_not_skipped(tmp_path, monkeypatch):
    root = library(tmp_path / "lib")
    locked = root / "billing"
    locked.mkdir()
    (locked / "refund.tact").write_text(MINIMAL.replace("demo.minimal", "demo.refund"), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # what chmod 000 does for anyone but root (the suite may run as root)
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = api.compile([root])
    assert t1005(result) == ["billing: could not read `billing`: the folder cannot be listed: Permission denied"]
    assert result.bundle is None, "a build with a folder missing must not succeed"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_and_a_symlink_to_a_device_are_refused_without_reading(tmp_path):
    root = library(tmp_path / "lib")
    os.mkfifo(root / "pipe.tact")
    if os.path.exists("/dev/zero"):
        (root / "zero.tact").symlink_to("/dev/zero")
    # In a subprocess with a timeout: before the fix, the FIFO made `check` wait forever.
    r = subprocess.run([sys.executable, "-m", "tactful", "check", str(root)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    assert "could not read `pipe.tact`: it is not a regular file" in r.stderr
    if os.path.exists("/dev/zero"):
        assert "could not read `zero.tact`: it is not a regular file" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    root = library(tmp_path / "lib")
    (root / "huge.tact").write_bytes(b"# " + b"x" * MAX_SOURCE_BYTES + b"\n")
    (msg,) = t1005(api.check([root]))
    assert msg.startswith("huge.tact: could not read `huge.tact`: it is 4.0 MiB, over the 4 MiB")


def test_a_named_file_that_is_not_tact_says_so(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Frameworks\n\nSee `billing/`.\n", encoding="utf-8")
    result = api.check([readme])
    assert t1005(result) == ["README.md: could not read `README.md`: it is not a .tact file; only .tact files are compiled"]
    assert [d.code for d in result.diagnostics] == ["T1005"], "no parse errors for a file that is not a source"
