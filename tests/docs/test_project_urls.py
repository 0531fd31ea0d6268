"""Where Tactful lives is written once, in pyproject.toml's [project.urls]; everything a user copies
(the install recipes, the Action's `uses:`, the pre-commit `repo:`, the editor extension's manifest)
names that repository, at the tag of this version, and SARIF reads the same addresses at run time."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
URLS = PROJECT["urls"]
REPOSITORY = URLS["Repository"]
TAG = f"v{PROJECT['version']}"

# What a user reads: the docs, the README, the Action and the editor extension's pages.
TEXTS = sorted([*ROOT.glob("docs/**/*.md"), ROOT / "README.md", ROOT / "action.yml",
                *ROOT.glob("editors/*/README.md"), *ROOT.glob("examples/**/*.md")])


def _where(path: Path, text: str, at: int) -> str:
    return f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, at) + 1}"


def test_pyproject_names_the_repository_its_home_and_its_docs():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/tactful", REPOSITORY), REPOSITORY
    assert URLS["Homepage"] == REPOSITORY
    assert URLS["Issues"] == f"{REPOSITORY}/issues"
    assert re.fullmatch(r"https://\S+/", URLS["Documentation"]), URLS["Documentation"]


def test_no_placeholder_repository_is_left():
    found = [_where(p, t, m.start()) for p in TEXTS for t in [p.read_text(encoding="utf-8")]
             for m in re.finditer(r"\bOWNER[/.]", t)]
    assert not found, f"a placeholder where the repository belongs: {found}"


def test_every_repository_address_is_the_one_in_pyproject():
    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    wrong = []
    for path in TEXTS:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"https://github\.com/[\w.-]+/tactful\b", text):
            if m.group(0) != REPOSITORY:
                wrong.append(f"{_where(path, text, m.start())}: {m.group(0)}")
        for m in re.finditer(r"uses: ([\w.-]+/tactful)@(\S+)", text):
            if m.group(1) != owner_repo:
                wrong.append(f"{_where(path, text, m.start())}: {m.group(0)}")
    assert not wrong, f"not {REPOSITORY}:\n" + "\n".join(wrong)


def test_the_editor_extension_names_the_same_repository():
    manifest = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    assert manifest["repository"]["url"].removesuffix(".git") == REPOSITORY


def _install_commands():
    for path in TEXTS:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"\bpipx? install\b[^`\n]*", text):
            if "tactful" in m.group(0):
                line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end())]
                yield _where(path, text, m.start()), m.group(0), line


INSTALLS = list(_install_commands())


def test_the_docs_have_install_commands():
    assert len(INSTALLS) >= 8, INSTALLS


@pytest.mark.parametrize("where, command, line", INSTALLS, ids=[w for w, _, _ in INSTALLS])
def test_every_install_command_installs_from_the_repository_at_this_versions_tag(where, command, line):
    """Tactful is not on PyPI: a bare `pip install tactful` fails. Each command installs from the
    repository at the release tag, or from a wheelhouse built from it; only the sentences about PyPI
    itself may name the package alone."""
    if "PyPI" in line:
        return
    if "--find-links" in command:
        assert re.search(r"--find-links \S+ \"?tactful\b", command), command
        return
    requirement = re.search(r"\"(tactful(?:\[[\w,]+\])? @ [^\"]+)\"", command)
    assert requirement, f"{where}: {command!r} does not install from the repository"
    assert requirement.group(1).endswith(f" @ git+{REPOSITORY}@{TAG}"), f"{where}: {command!r}"


def test_the_wheel_recipe_builds_from_the_repository_at_the_tag():
    doc = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- recipe: wheel -->\n```sh\n(.*?)```", doc, re.S).group(1)
    assert f'"git+{REPOSITORY}@{TAG}"' in block.split("\n")[0]


def test_pre_commit_installs_from_the_repository_at_the_tag():
    import yaml

    ci = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", ci, re.S).group(1)
    (repo,) = yaml.safe_load(block)["repos"]
    assert (repo["repo"], repo["rev"]) == (REPOSITORY, TAG)


def test_sarif_links_to_the_addresses_in_pyproject(tmp_path):
    from tactful import api
    from tactful.diagnostics import render

    (tmp_path / "a.tact").write_text('framework billing.x "X"\n  owner nobody\n', encoding="utf-8")
    log = json.loads(render(api.check([tmp_path]), "sarif", color=False))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == URLS["Homepage"]
    docs = URLS["Documentation"].rstrip("/")
    assert {r["helpUri"] for r in driver["rules"]} == {f"{docs}/reference/diagnostics/#{r['id']}" for r in driver["rules"]}


# --- what the command line says when an extra is missing -----------------------------------------------


def test_the_install_command_is_the_docs_one():
    from tactful.project import install_command

    assert install_command("lsp") == f'pip install "tactful[lsp] @ git+{REPOSITORY}@{TAG}"'
    assert install_command() == f'pip install "tactful @ git+{REPOSITORY}@{TAG}"'


def _without(monkeypatch, *modules: str) -> None:
    """Importing these (and their submodules) fails, as when the extra is not installed."""
    import sys

    for name in [m for m in sys.modules if m.split(".")[0] in modules] + list(modules):
        monkeypatch.setitem(sys.modules, name, None)


def _invoke(*args: str):
    from click.testing import CliRunner

    from tactful.cli import main

    return CliRunner().invoke(main, list(args))


def test_a_missing_extra_says_how_to_install_it(monkeypatch, tmp_path):
    from tactful.project import install_command

    _without(monkeypatch, "pygls", "tactful.authoring.lsp")
    done = _invoke("lsp")
    assert done.exit_code == 2
    assert f"`tactful lsp` needs the lsp extra: {install_command('lsp')}" in done.output

    _without(monkeypatch, "mkdocs")
    done = _invoke("docs", str(ROOT / "examples" / "quickstart" / "frameworks"), "--out", str(tmp_path / "site"), "--build")
    assert done.exit_code == 2
    assert f"`tactful docs --build` needs the docs extra: {install_command('docs')}" in done.output
    assert "Traceback" not in done.output


def test_replay_on_ray_without_ray_says_how_to_install_it(monkeypatch, tmp_path):
    from tactful.project import install_command

    _without(monkeypatch, "ray")
    archive = tmp_path / "a.jsonl"
    archive.write_text('{"id": "1", "intent": "delivery.late_order", "message": "Where is it?"}\n', encoding="utf-8")
    done = _invoke("replay", str(archive), "--source", str(ROOT / "examples" / "quickstart" / "frameworks"),
                   "--engine", "ray", "--quiet")
    assert done.exit_code == 2, done.output
    assert f"the ray extra: {install_command('ray')}" in done.output
