"""Every --format end to end: which stream it uses, what other tools parse out of it, and that
file paths in it are project-relative whatever the working directory."""

from __future__ import annotations

import json
import re

import pytest

from cli_helpers import CLEAN, ERROR, WARNING, assert_no_traceback, invoke, project, run

DIAGNOSTIC_KEYS = {"code", "slug", "severity", "message", "file", "line", "column", "end_line", "end_column", "hint"}
SUMMARY_KEYS = {"files", "frameworks", "errors", "warnings"}


@pytest.fixture
def mixed(tmp_path):
    """One clean file, one warning (order.tact 7:5), one error (billing/slot.tact 10:31)."""
    return project(tmp_path / "mixed", {"minimal.tact": CLEAN, "order.tact": WARNING, "billing/slot.tact": ERROR})


def test_json_goes_to_stdout_with_exactly_the_documented_keys(mixed, tmp_path):
    r = run("check", mixed, "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr == "", "nothing but the JSON object is printed"
    out = json.loads(r.stdout)
    assert set(out) == {"diagnostics", "summary"}
    assert set(out["summary"]) == SUMMARY_KEYS
    assert out["summary"] == {"files": 3, "frameworks": 3, "errors": 1, "warnings": 1}
    assert [set(d) for d in out["diagnostics"]] == [DIAGNOSTIC_KEYS] * 2
    first, second = out["diagnostics"]
    assert first == {
        "code": "T1201", "slug": "undeclared-slot", "severity": "error",
        "message": "slot `ammount` is not declared", "file": "billing/slot.tact",
        "line": 10, "column": 31, "end_line": 10, "end_column": 40,
        "hint": "did you mean `amount`? (declared on line 5)",
    }
    assert (second["code"], second["severity"], second["file"], second["line"], second["column"]) == \
        ("T1302", "warning", "order.tact", 7, 5)


def test_json_of_a_clean_run(tmp_path):
    root = project(tmp_path / "p", {"minimal.tact": CLEAN})
    r = run("check", root, "--format", "json")
    assert r.returncode == 0
    assert json.loads(r.stdout) == {"diagnostics": [],
                                    "summary": {"files": 1, "frameworks": 1, "errors": 0, "warnings": 0}}


@pytest.mark.parametrize("given", ["absolute", "relative"])
def test_paths_are_project_relative_from_any_working_directory(mixed, tmp_path, given):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    arg = mixed if given == "absolute" else "../mixed"
    for fmt in ("json", "github", "sarif", "compact", "pretty"):
        r = run("check", arg, "--format", fmt, cwd=elsewhere)
        assert r.returncode == 1
        text = r.stdout + r.stderr
        assert str(tmp_path) not in text, f"{fmt} names a machine-local path"
        assert "billing/slot.tact" in text


def test_compact_and_pretty_go_to_stderr(mixed):
    for fmt in ("compact", "pretty"):
        r = run("check", mixed, "--format", fmt)
        assert r.stdout == ""
        assert "billing/slot.tact:10:31" in r.stderr
    compact = run("check", mixed, "--format", "compact").stderr.splitlines()
    assert compact[0].startswith("billing/slot.tact:10:31: error[T1201] slot `ammount` is not declared")
    assert compact[1].startswith("order.tact:7:5: warning[T1302]")


def test_pretty_underlines_the_span(mixed):
    lines = run("check", mixed).stderr.splitlines()
    src = next(i for i, line in enumerate(lines) if "{ammount}" in line and "|" in line)
    carets = lines[src + 1]
    column = lines[src].index("{ammount}")
    assert carets[column:column + len("{ammount}")] == "^" * len("{ammount}")


def test_github_annotations_and_job_summary(mixed, tmp_path):
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    r = run("check", mixed, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert r.returncode == 1
    commands = r.stdout.splitlines()
    assert commands[0].startswith(
        "::error file=billing/slot.tact,line=10,col=31,endLine=10,endColumn=40,title=T1201 undeclared-slot::"
        "slot `ammount` is not declared")
    assert commands[1].startswith("::warning file=order.tact,line=7,col=5,")
    assert all(re.match(r"::(error|warning|notice) ", c) for c in commands)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n"), "the summary is appended, never overwritten"
    assert "T1201" in text and "T1302" in text and "billing/slot.tact" in text


def test_github_without_the_summary_variable_writes_no_file(mixed, tmp_path):
    r = run("check", mixed, "--format", "github", cwd=tmp_path)
    assert r.returncode == 1 and r.stdout.startswith("::error ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mixed"]


def test_github_summary_for_a_clean_run(tmp_path):
    root = project(tmp_path / "p", {"minimal.tact": CLEAN})
    summary = tmp_path / "summary.md"
    r = run("check", root, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert r.returncode == 0 and r.stdout == ""
    assert summary.read_text(encoding="utf-8").strip()


def test_sarif_is_json_version_2_1_0(mixed):
    r = run("check", mixed, "--format", "sarif")
    assert r.returncode == 1 and r.stderr == ""
    sarif = json.loads(r.stdout)
    assert sarif["version"] == "2.1.0"
    (run_,) = sarif["runs"]
    rules = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules)), "one rule per code"
    results = run_["results"]
    assert sorted(res["ruleId"] for res in results) == ["T1201", "T1302"]
    for res in results:
        assert res["ruleId"] in rules
        assert res["partialFingerprints"]
    uris = {res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in results}
    assert uris == {"billing/slot.tact", "order.tact"}


def test_sarif_fingerprints_are_stable_across_runs_and_folders(mixed, tmp_path):
    import shutil

    copy = shutil.copytree(mixed, tmp_path / "copy")
    prints = []
    for root in (mixed, copy, mixed):
        results = json.loads(run("check", root, "--format", "sarif").stdout)["runs"][0]["results"]
        prints.append([res["partialFingerprints"] for res in results])
    assert prints[0] == prints[1] == prints[2]


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_build_keeps_machine_formats_parseable(mixed, tmp_path, fmt):
    (mixed / "billing" / "slot.tact").unlink()
    r = invoke("build", mixed, "--out", tmp_path / "out", "--format", fmt)
    assert r.exit_code == 0, r.output
    json.loads(r.stdout)
    assert (tmp_path / "out" / "bundle.json").is_file()


@pytest.mark.parametrize("fmt", ["pretty", "compact", "json", "github", "sarif"])
def test_every_format_keeps_the_exit_codes(tmp_path, fmt):
    clean = project(tmp_path / "clean", {"minimal.tact": CLEAN})
    warned = project(tmp_path / "warned", {"order.tact": WARNING})
    broken = project(tmp_path / "broken", {"slot.tact": ERROR})
    got = [
        invoke("check", clean, "--format", fmt).exit_code,
        invoke("check", warned, "--format", fmt).exit_code,
        invoke("check", warned, "--format", fmt, "--strict").exit_code,
        invoke("check", broken, "--format", fmt).exit_code,
    ]
    assert got == [0, 0, 1, 1]


def test_in_process_and_subprocess_agree(mixed):
    a = invoke("check", mixed, "--format", "json")
    b = run("check", mixed, "--format", "json")
    assert (a.exit_code, a.stdout) == (b.returncode, b.stdout)
    assert_no_traceback(a.stdout, a.stderr)
