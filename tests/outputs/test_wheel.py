"""The wheel: built from this checkout, installed into a new virtual environment that cannot see
the checkout, and run from another folder, it finds its stdlib and compiles the shipped library to
the same bytes as the checkout does. The wheel is built and installed with the commands of
docs/install.md's wheel recipe, a local wheelhouse standing in for the git URL and the index.

The new venv has no pip and no system site-packages; the running pip installs the wheel and its
dependencies into it (`pip --python`), resolving them the ordinary way (a local wheel cache or
PyPI, whatever pip is configured with). About 6 s on a warm machine."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
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


def recipe(name: str) -> list[list[str]]:
    """The commands of a recipe in docs/install.md (the block after `<!-- recipe: name -->`), split."""
    doc = (REPO / "docs" / "install.md").read_text(encoding="utf-8")
    block = re.search(rf"<!-- recipe: {name} -->\n```sh\n(.*?)```", doc, re.S).group(1)
    return [shlex.split(line, comments=True) for line in block.strip().split("\n")]


def test_the_wheel_recipe_is_a_build_then_installs_from_the_wheelhouse():
    build, install, docs = recipe("wheel")
    assert build[:4] == ["pip", "wheel", "--no-deps", "--wheel-dir"] and build[5].startswith("git+https://")
    assert install == ["pip", "install", "--find-links", "wheelhouse", "tactful"]
    assert docs == ["pip", "install", "--find-links", "wheelhouse", "tactful[docs]"]
    (git,) = recipe("git")
    assert git[:2] == ["pip", "install"] and re.fullmatch(r"tactful\[docs\] @ git\+https://\S+@\S+", git[2])


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    """`pip wheel --no-deps --wheel-dir wheelhouse <a path to a clone>`, as the recipe says."""
    build = recipe("wheel")[0]
    house = tmp_path_factory.mktemp("build") / build[4]
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    sh(sys.executable, "-m", *build[:4], house, *isolation, "-q", REPO, cwd=house.parent)
    return house


@pytest.fixture(scope="module")
def wheel(wheelhouse) -> Path:
    (whl,) = wheelhouse.glob("tactful-*.whl")
    return whl


def pip_into(python: Path, command: list[str], wheelhouse: Path) -> list[str]:
    """A recipe's `pip …` for the new venv: the running pip installs into it (`--python`)."""
    assert command[0] == "pip"
    return [sys.executable, "-m", "pip", "--python", str(python), *(str(wheelhouse) if a == "wheelhouse" else a
                                                                   for a in command[1:])]


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheelhouse) -> Path:
    root = tmp_path_factory.mktemp("venv") / "v"
    sh(sys.executable, "-m", "venv", "--without-pip", root, cwd=root.parent)
    python = root / BIN / ("python.exe" if os.name == "nt" else "python")
    _, install, docs = recipe("wheel")
    sh(*pip_into(python, install, wheelhouse), "-q", cwd=root.parent)
    # the extra resolves from the same wheelhouse; installing it is the same mechanism, 12 s more
    sh(*pip_into(python, docs, wheelhouse), "--dry-run", "-q", cwd=root.parent)
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
    # no diagnostic at all, so no T1101: `use stdlib.signals` and friends resolve
    assert f"({LIBRARY_SIZE} frameworks): no problems" in r.stderr


def test_installed_tactful_builds_the_same_bytes_as_the_checkout(venv, tmp_path):
    sh(venv / BIN / "tactful", "build", REPO / "frameworks", "--out", tmp_path / "from-wheel", cwd=tmp_path)
    # the checkout this test runs from (this process's tactful), whichever checkout the venv's editable
    # install happens to point at
    from click.testing import CliRunner

    from tactful.cli import main

    done = CliRunner().invoke(main, ["build", str(REPO / "frameworks"), "--out", str(tmp_path / "from-checkout")])
    assert done.exit_code == 0, done.output
    wheel_files, checkout_files = tree(tmp_path / "from-wheel"), tree(tmp_path / "from-checkout")
    assert sorted(wheel_files) == sorted(checkout_files)
    assert [p for p in wheel_files if wheel_files[p] != checkout_files[p]] == []


def test_installed_tactful_links_sarif_rules_to_the_docs_named_in_the_wheels_metadata(venv, tmp_path):
    """Installed, the project's addresses come from the wheel's metadata ([project.urls])."""
    import tomllib

    urls = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    (tmp_path / "a.tact").write_text('framework billing.x "X"\n  owner nobody\n', encoding="utf-8")
    r = subprocess.run([str(venv / BIN / "tactful"), "check", "a.tact", "--format", "sarif"], cwd=tmp_path,
                       capture_output=True, text=True, env=clean_env(), timeout=120)
    assert r.returncode == 1, r.stderr
    driver = json.loads(r.stdout)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == urls["Homepage"]
    assert driver["rules"][0]["helpUri"] == f"{urls['Documentation'].rstrip('/')}/reference/diagnostics/#{driver['rules'][0]['id']}"
