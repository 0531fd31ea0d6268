"""The GitHub Action (action.yml at the repository root), run the way the runner runs it: each
`run:` step after the install, as a bash script, with the step's `env:` (inputs substituted) and the
variables GitHub sets. The install step itself (pip installs the action's checkout) is the wheel
recipe's mechanism, tested in tests/outputs/test_wheel.py; here `tactful` is the one on PATH."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from cli_helpers import REPO, SCRIPT

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
_EXPR = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def defaults(**given: str) -> dict[str, str]:
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values.update({k.replace("_", "-"): v for k, v in given.items()})
    return values


def expand(text: str, inputs: dict[str, str]) -> str:
    def one(m: re.Match) -> str:
        expr = m.group(1)
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr == "github.action_path":
            return str(REPO)
        raise AssertionError(f"action.yml uses an expression this test does not know: {expr}")
    return _EXPR.sub(one, text)


def condition_holds(step: dict, inputs: dict[str, str], failed: bool) -> bool:
    cond = step.get("if")
    if cond is None:
        return not failed
    cond = _EXPR.sub(lambda m: m.group(1), cond)
    assert cond == "!cancelled() && inputs.test == 'true'", cond  # the only condition the action has
    return inputs["test"] == "true"


def run_action(project: Path, tmp_path: Path, **given: str) -> tuple[list[int], Path]:
    """Run the steps after the install; returns each step's exit code and the step summary file."""
    inputs = defaults(**given)
    summary = tmp_path / "step-summary.md"
    summary.touch()
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "NO_COLOR")}
    env.update(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary), GITHUB_ACTION_PATH=str(REPO),
               PATH=f"{SCRIPT.parent}{os.pathsep}{env.get('PATH', '')}")
    codes: list[int] = []
    failed = False
    for step in STEPS[2:]:
        if not condition_holds(step, inputs, failed):
            continue
        assert step["shell"] == "bash"
        step_env = {**env, **{k: expand(str(v), inputs) for k, v in step.get("env", {}).items()}}
        assert "${{" not in step["run"], "inputs reach scripts through env:, never pasted into the script"
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=project, env=step_env,
                              capture_output=True, text=True, timeout=120)
        codes.append(done.returncode)
        failed = failed or done.returncode != 0
    return codes, summary


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return shutil.copytree(REPO / "examples" / "quickstart", tmp_path / "repo")


def test_the_action_sets_up_python_and_installs_tactful_from_its_own_checkout():
    assert ACTION["runs"]["using"] == "composite"
    assert STEPS[0]["uses"].startswith("actions/setup-python@")
    install = STEPS[1]
    assert install["env"]["TACTFUL_SOURCE"] == "${{ github.action_path }}"
    assert 'pip install' in install["run"] and '"$TACTFUL_SOURCE"' in install["run"]
    assert set(ACTION["inputs"]) == {"paths", "strict", "test", "junit-file", "python-version"}


def test_a_clean_library_passes_with_annotations_and_a_junit_report(project, tmp_path):
    codes, summary = run_action(project, tmp_path)
    assert codes == [0, 0]
    cases = list(ET.parse(project / "tactful-tests.xml").getroot().iter("testcase"))
    assert any(c.get("classname") == "delivery.late_order" for c in cases)
    assert "tactful" in summary.read_text(encoding="utf-8").lower()


def test_a_warning_fails_only_when_strict(project, tmp_path):
    file = project / "frameworks" / "delivery" / "late_order.tact"
    file.write_text(file.read_text(encoding="utf-8").replace(
        '    acknowledge "I\'m sorry your order hasn\'t arrived yet."\n    next',
        '    next "We\'re on it."\n    acknowledge "I\'m sorry your order hasn\'t arrived yet."\n    close'), encoding="utf-8")
    assert run_action(project, tmp_path)[0][0] == 1
    assert run_action(project, tmp_path, strict="false")[0][0] == 0


def test_a_broken_file_fails_the_check_and_is_an_error_case_in_junit(project, tmp_path):
    (project / "frameworks" / "delivery" / "broken.tact").write_text('framework delivery.broken "B"\n  owner nobody\n',
                                                                      encoding="utf-8")
    codes, summary = run_action(project, tmp_path, junit_file="reports/junit.xml")
    assert codes == [1, 1], "the test step runs although the check failed"
    root = ET.parse(project / "reports" / "junit.xml").getroot()
    errors = [c.get("name") for c in root.iter("testcase") if c.find("error") is not None]
    assert errors == ["frameworks/delivery/broken.tact"]
    assert "T1107" in summary.read_text(encoding="utf-8")


def test_test_false_only_checks(project, tmp_path):
    codes, _ = run_action(project, tmp_path, test="false")
    assert codes == [0] and not (project / "tactful-tests.xml").exists()


# --- pre-commit: the hooks as pre-commit runs them (entry + args, no file names) -------------------

HOOKS = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}


def run_hook(hook_id: str, project: Path) -> subprocess.CompletedProcess:
    hook = HOOKS[hook_id]
    assert hook["pass_filenames"] is False
    entry = hook["entry"].split()
    assert entry[0] == "tactful"
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "NO_COLOR")}
    return subprocess.run([str(SCRIPT), *entry[1:], *hook["args"]], cwd=project, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_test_hook_does_not_print_the_check_hooks_diagnostics_again(project):
    (project / "frameworks" / "delivery" / "broken.tact").write_text('framework delivery.broken "B"\n  owner nobody\n',
                                                                      encoding="utf-8")
    check = run_hook("tactful-check", project)
    assert check.returncode == 1 and "[T1107]" in check.stdout + check.stderr
    test = run_hook("tactful-test", project)
    out = test.stdout + test.stderr
    assert test.returncode == 1
    assert "ERROR frameworks/delivery/broken.tact: does not compile" in out
    assert "T1107" not in out and "nobody" not in out
    assert "PASS" not in out, "quiet: failures and the summary only"


def test_the_documented_rev_is_the_release_tag_of_this_version():
    import tomllib

    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    ci = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    assert re.findall(r"^\s+rev: (\S+)", ci, re.M) == [f"v{version}"]
    assert "full commit id" in ci, "until the tag exists, the docs say to pin a commit"
