"""The wheel: built from this checkout, installed into a new virtual environment that cannot see
the checkout, and run from another folder, it finds its stdlib and compiles the shipped library to
the same bytes as the checkout does.

The new venv has no pip and no system site-packages; the running pip installs the wheel and its
dependencies into it (`pip --python`), resolving them the ordinary way (a local wheel cache or
PyPI, whatever pip is configured with). About 6 s on a warm machine."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from output_helpers import LIBRARY_SIZE, REPO, tree

pytestmark = pytest.mark.slow

BIN = "Scripts" if os.name == "nt" else "bin"


def clean_env() -> dict[str, str]:
    """No PYTHONPATH or active venv leaking the checkout into the new environment."""
    drop = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "GITHUB_STEP_SUMMARY", "NO_COLOR"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def sh(*args, cwd: Path, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, env={**clean_env(), **(env or {})},
                       timeout=timeout)
    assert r.returncode == 0, f"{args}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", dist, REPO, cwd=dist)
    (whl,) = dist.glob("tactful-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    root = tmp_path_factory.mktemp("venv") / "v"
    sh(sys.executable, "-m", "venv", "--without-pip", root, cwd=root.parent)
    python = root / BIN / ("python.exe" if os.name == "nt" else "python")
    sh(sys.executable, "-m", "pip", "--python", python, "install", "-q", wheel, cwd=root.parent)
    return root


def test_the_wheel_ships_the_stdlib_and_the_grammar(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    stdlib = {f"tactful/stdlib/{p.name}" for p in (REPO / "stdlib").glob("*.tact")}
    assert stdlib and stdlib <= names
    assert "tactful/syntax/tactful.lark" in names
    assert "tactful/runtime/bundle.py" in names
    assert not [n for n in names if n.startswith(("tests/", "frameworks/", "compiler/"))]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "tactful = tactful.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_package_is_the_wheel_not_the_checkout(venv, tmp_path):
    python = venv / BIN / "python"
    where = sh(python, "-c", "import tactful, sys; print(tactful.__file__)", cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(venv), where
    assert str(REPO / "compiler") not in sh(python, "-c", "import sys; print(sys.path)", cwd=tmp_path).stdout


def test_installed_tactful_checks_the_shipped_library_from_another_folder(venv, tmp_path):
    tactful = venv / BIN / "tactful"
    r = sh(tactful, "check", REPO / "frameworks", cwd=tmp_path)
    assert f"({LIBRARY_SIZE} frameworks): no problems" in r.stderr
    out = json.loads(sh(tactful, "check", REPO / "frameworks", "--format", "json", cwd=tmp_path).stdout)
    assert out["diagnostics"] == [], "no T1101: `use stdlib.signals` and friends resolve"
    assert out["summary"]["frameworks"] == LIBRARY_SIZE


def test_installed_tactful_builds_the_same_bytes_as_the_checkout(venv, tmp_path):
    sh(venv / BIN / "tactful", "build", REPO / "frameworks", "--out", tmp_path / "from-wheel", cwd=tmp_path)
    # This checkout's sources, whatever checkout the running venv was installed from (a worktree shares one venv).
    sh(sys.executable, "-m", "tactful", "build", REPO / "frameworks", "--out", tmp_path / "from-checkout",
       cwd=tmp_path, env={"PYTHONPATH": str(REPO / "compiler")})
    wheel_files, checkout_files = tree(tmp_path / "from-wheel"), tree(tmp_path / "from-checkout")
    assert sorted(wheel_files) == sorted(checkout_files)
    assert [p for p in wheel_files if wheel_files[p] != checkout_files[p]] == []
