"""The exit-code contract, through the installed console script: 0 clean (warnings allowed),
1 findings (warnings too under --strict), 2 usage, I/O or internal error; never a traceback for
bad input."""

from __future__ import annotations

import json
import os

import pytest

from cli_helpers import CLEAN, ERROR, FIXTURES, FRAMEWORKS, LIBRARY_SIZE, REPO, WARNING, assert_no_traceback, invoke, project, run


@pytest.fixture
def clean(tmp_path):
    return project(tmp_path / "clean", {"minimal.tact": CLEAN})


@pytest.fixture
def warned(tmp_path):
    return project(tmp_path / "warned", {"minimal.tact": CLEAN, "order.tact": WARNING})


@pytest.fixture
def broken(tmp_path):
    return project(tmp_path / "broken", {"minimal.tact": CLEAN, "slot.tact": ERROR})


def test_the_shipped_library_is_clean():
    r = run("check", FRAMEWORKS)
    assert (r.returncode, r.stdout) == (0, "")
    assert f"{LIBRARY_SIZE} frameworks" in r.stderr and "no problems" in r.stderr


def test_clean_exits_0(clean):
    r = run("check", clean)
    assert r.returncode == 0, r.stderr
    assert "1 framework" in r.stderr


def test_warnings_alone_exit_0(warned):
    r = run("check", warned)
    assert r.returncode == 0, r.stderr
    assert "warning[T1302]" in r.stderr


def test_warnings_under_strict_exit_1(warned, clean):
    assert run("check", "--strict", warned).returncode == 1
    assert run("check", "--strict", clean).returncode == 0


def test_errors_exit_1(broken):
    r = run("check", broken)
    assert r.returncode == 1
    assert "error[T1201]" in r.stderr
    assert_no_traceback(r.stdout, r.stderr)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["check", "{p}", "--no-such-option"], id="unknown-option"),
        pytest.param(["check"], id="missing-path"),
        pytest.param(["check", "{p}/no-such-folder"], id="nonexistent-path"),
        pytest.param(["check", "{p}", "--format", "xml"], id="unknown-format"),
        pytest.param(["build", "{p}"], id="build-without-out"),
        pytest.param(["no-such-command"], id="unknown-command"),
        pytest.param([], id="no-command"),
        pytest.param(["explain", "T9999"], id="unknown-code"),
    ],
)
def test_usage_errors_exit_2(clean, args):
    r = run(*(a.format(p=clean) for a in args))
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.strip(), "a usage error says what is wrong"
    assert_no_traceback(r.stdout, r.stderr)


def test_help_and_version_exit_0():
    assert run("--help").returncode == 0
    r = run("--version")
    assert r.returncode == 0 and "0." in r.stdout


def test_build_into_a_path_under_a_file_is_an_io_error(clean, tmp_path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    r = run("build", clean, "--out", tmp_path / "a-file" / "out")
    assert r.returncode == 2
    assert_no_traceback(r.stdout, r.stderr)
    assert "a-file" in r.stderr
    assert "bug in tactful" not in r.stderr, "a disk problem is not an internal error"


# --- garbage in: diagnostics, never a traceback ---------------------------------------------------


@pytest.fixture
def garbage(tmp_path):
    root = project(tmp_path / "garbage", {"good.tact": CLEAN, "slot.tact": ERROR})
    (root / "binary.tact").write_bytes(bytes(range(256)) * 8)
    (root / "empty.tact").write_bytes(b"")
    (root / "huge-line.tact").write_text('framework a.b "x" ' + "x" * 300_000 + "\n", encoding="utf-8")
    (root / "latin1.tact").write_bytes('framework a.c "Caf\xe9"\n'.encode("latin-1"))
    (root / "bom-and-crlf.tact").write_bytes(b"\xef\xbb\xbf\r\n\r\n\t \x0c\x00\r\n")
    (root / "deep.tact").write_text("(" * 5000 + "\n" + "  " * 2000 + "reply\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("fmt", ["pretty", "compact", "json", "github", "sarif"])
def test_garbage_files_are_diagnostics_not_tracebacks(garbage, fmt):
    r = run("check", garbage, "--format", fmt)
    assert r.returncode == 1, r.stderr[-2000:]
    assert_no_traceback(r.stdout, r.stderr)
    assert "internal error" not in r.stderr


def test_every_broken_file_is_reported_and_the_rest_still_checked(garbage):
    r = run("check", garbage, "--format", "json")
    out = json.loads(r.stdout)
    by_file = {}
    for d in out["diagnostics"]:
        by_file.setdefault(d["file"], set()).add(d["code"])
    assert by_file["binary.tact"] == {"T1005"}
    assert by_file["latin1.tact"] == {"T1005"}
    assert "T1001" in by_file["huge-line.tact"]
    assert by_file["slot.tact"] == {"T1201"}, "a well-formed file beside broken ones is still checked"
    assert "good.tact" not in by_file
    assert by_file["empty.tact"] == {"T1006"}, "an empty file is a warning that it declares nothing"
    assert out["summary"]["files"] == 8
    assert out["summary"]["errors"] == sum(d["severity"] == "error" for d in out["diagnostics"])
    assert out["summary"]["frameworks"] >= 2  # good.tact and slot.tact at least


def test_all_errors_of_all_files_are_reported(tmp_path):
    two = ERROR.replace("demo.undeclared_slot", "demo.undeclared_slot_two")
    root = project(tmp_path / "p", {"one.tact": ERROR + "\n" + ERROR.replace("demo.undeclared_slot", "demo.again"),
                                    "sub/two.tact": two})
    out = json.loads(run("check", root, "--format", "json").stdout)
    found = sorted((d["file"], d["line"], d["code"]) for d in out["diagnostics"])
    assert found == [("one.tact", 10, "T1201"), ("one.tact", 22, "T1201"), ("sub/two.tact", 10, "T1201")]
    assert out["summary"]["errors"] == 3 and out["summary"]["files"] == 2


# --- schema and explain ---------------------------------------------------------------------------


def test_schema_prints_a_json_schema():
    r = run("schema")
    assert r.returncode == 0 and r.stderr == ""
    schema = json.loads(r.stdout)
    assert schema["type"] == "object"
    assert {"schema_version", "revision", "frameworks"} <= set(schema["properties"])


def test_explain_by_code_and_by_slug():
    by_code, by_slug = run("explain", "T1201"), run("explain", "undeclared-slot")
    assert by_code.returncode == by_slug.returncode == 0
    assert by_code.stdout == by_slug.stdout
    assert by_code.stdout.startswith("T1201 undeclared-slot (error)")


def test_explain_list_names_every_code():
    from tactful.codes import CODES
    from tactful.runtime.verify import CODES as VERIFY_CODES

    r = invoke("explain", "--list")
    assert r.exit_code == 0
    listed = [line.split()[0] for line in r.stdout.splitlines()]
    assert listed == list(CODES) + list(VERIFY_CODES)
    for code in [*CODES, *VERIFY_CODES]:
        assert invoke("explain", code).exit_code == 0


def test_explain_a_verify_code_by_code_and_by_slug():
    by_code, by_slug = invoke("explain", "V112"), invoke("explain", "fact-changed")
    assert by_code.stdout == by_slug.stdout
    assert by_code.stdout.startswith("V112 fact-changed (block by default)") and "How to fix it:" in by_code.stdout


# --- internal errors: said plainly, exit 2, a traceback only with --debug -------------------------


def _boom(*args, **kwargs):
    raise RuntimeError("simulated failure")


@pytest.mark.parametrize("command", [["check"], ["build", "--out", "OUT"]])
def test_an_internal_error_exits_2_without_a_traceback(monkeypatch, clean, tmp_path, command):
    from tactful import api

    monkeypatch.setattr(api, "check", _boom)
    monkeypatch.setattr(api, "compile", _boom)
    r = invoke(*[tmp_path / "out" if a == "OUT" else a for a in command], clean)
    assert r.exit_code == 2
    assert "internal error" in r.stderr and "simulated failure" in r.stderr
    assert "--debug" in r.stderr, "it says how to get the traceback"
    assert_no_traceback(r.stdout, r.stderr)
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback(monkeypatch, clean):
    from tactful import api

    monkeypatch.setattr(api, "check", _boom)
    r = invoke("--debug", "check", clean)
    assert r.exit_code == 2
    assert "internal error" in r.stderr
    assert "Traceback (most recent call last)" in r.stderr and "_boom" in r.stderr


# --- odd files and huge lines ---------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(__import__("os"), "symlink"), reason="needs symlinks")
@pytest.mark.parametrize("target", ["outside", "dangling"])
def test_a_symlinked_file_is_a_diagnostic_or_checked(tmp_path, target):
    root = project(tmp_path / "p", {"good.tact": CLEAN})
    elsewhere = project(tmp_path / "elsewhere", {"other.tact": CLEAN.replace("demo.minimal", "demo.other")})
    (root / "link.tact").symlink_to(elsewhere / "other.tact" if target == "outside" else tmp_path / "missing.tact")
    r = run("check", root, "--format", "compact")
    assert "internal error" not in r.stderr
    assert r.returncode in (0, 1)


def test_a_huge_line_gives_a_short_message(garbage):
    out = json.loads(run("check", garbage / "huge-line.tact", "--format", "json").stdout)
    assert out["diagnostics"]
    assert max(len(d["message"]) for d in out["diagnostics"]) < 500


def test_a_folder_without_tact_files_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("not a framework\n", encoding="utf-8")
    r = run("check", tmp_path)
    assert r.returncode == 0
    assert "no .tact files were found" in r.stderr


# --- undecodable arguments and output failures (issue #12) ----------------------------------------


def test_an_undecodable_message_is_a_usage_error(tmp_path):
    import subprocess

    from cli_helpers import SCRIPT

    out = tmp_path / "out"
    assert run("build", REPO / "tests" / "runtime" / "fixtures" / "shop", "--out", out).returncode == 0
    for extra in ([b"--message", b"\xff"], [b"--message", b"hi", b"--slot", b"amount=\xff"],
                  [b"--message", b"hi", b"--seed", b"\xfe\xff"]):
        r = subprocess.run([str(SCRIPT), "draft", "shop.double_charge", "--bundle", str(out / "bundle.json"),
                            "--channel", "email", *extra], capture_output=True, timeout=120)
        assert r.returncode == 2, r.stderr
        assert b"is not valid UTF-8 text" in r.stderr and b"internal error" not in r.stderr


def test_an_unwritable_step_summary_is_an_io_error_not_a_bug(tmp_path):
    r = run("check", "--format", "github", FIXTURES / "valid" / "minimal.tact",
            env={"GITHUB_STEP_SUMMARY": str(tmp_path / "missing" / "summary.md")})
    assert r.returncode == 2
    assert "internal error" not in r.stderr and "bug in tactful" not in r.stderr
    assert "No such file or directory" in r.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_stdout_on_a_full_disk_is_an_io_error_not_a_bug():
    import subprocess

    from cli_helpers import SCRIPT

    for args in (["check", "--format", "json", FIXTURES / "valid" / "minimal.tact"], ["explain", "T1201"]):
        with open("/dev/full", "w") as full:
            r = subprocess.run([str(SCRIPT), *map(str, args)], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
        assert r.returncode == 2 and r.stderr.strip() == "error: No space left on device", r.stderr
