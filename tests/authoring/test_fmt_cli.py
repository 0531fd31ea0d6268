"""`tactful fmt` as users and CI run it: in place, --check, --diff, stdin, and the shipped library
kept formatted (so `make test` fails when a framework is committed unformatted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tactful.authoring.fmt import format_paths

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "cli"))
from cli_helpers import assert_no_traceback, invoke, project  # noqa: E402

UGLY = 'framework demo.x   "X"\n    owner support\n    reply public\n        next """Done."""\n'
PRETTY = 'framework demo.x "X"\n  owner support\n\n  reply public\n    next "Done."\n'


def test_the_shipped_library_is_formatted():
    run = format_paths([str(REPO / "frameworks"), str(REPO / "stdlib")], write=False)
    assert not run.invalid and not run.unsafe and not run.unreadable
    assert run.formatted, "no .tact files found"
    assert [f.path for f in run.changed] == [], "run `tactful fmt frameworks/ stdlib/`"


def test_fmt_rewrites_files_in_place_and_leaves_formatted_ones_alone(tmp_path):
    root = project(tmp_path, {"demo/x.tact": UGLY, "demo/y.tact": PRETTY})
    before = (root / "demo/y.tact").stat().st_mtime_ns
    r = invoke("fmt", root / "demo")
    assert r.exit_code == 0, r.stderr
    assert (root / "demo/x.tact").read_text(encoding="utf-8") == PRETTY
    assert (root / "demo/y.tact").stat().st_mtime_ns == before
    assert "reformatted 1 of 2 files" in r.stderr


def test_check_lists_the_files_that_would_change_and_exits_1(tmp_path):
    root = project(tmp_path, {"demo/x.tact": UGLY, "demo/y.tact": PRETTY})
    r = invoke("fmt", "--check", root / "demo")
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [(root / "demo/x.tact").as_posix()]
    assert (root / "demo/x.tact").read_text(encoding="utf-8") == UGLY
    (root / "demo/x.tact").write_text(PRETTY, encoding="utf-8")
    assert invoke("fmt", "--check", root / "demo").exit_code == 0


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path):
    root = project(tmp_path, {"demo/x.tact": UGLY})
    r = invoke("fmt", "--diff", root / "demo")
    assert r.exit_code == 0
    assert '-        next """Done."""' in r.stdout and '+    next "Done."' in r.stdout
    assert (root / "demo/x.tact").read_text(encoding="utf-8") == UGLY


def test_dash_formats_stdin_to_stdout():
    from click.testing import CliRunner

    from tactful.cli import main

    r = CliRunner().invoke(main, ["fmt", "-"], input=UGLY)
    assert r.exit_code == 0
    assert r.stdout == PRETTY


def test_a_file_that_does_not_parse_is_reported_and_left_alone(tmp_path):
    broken = 'framework demo.x "X"\n  owner support support\n'
    root = project(tmp_path, {"demo/x.tact": broken})
    r = invoke("fmt", root / "demo")
    assert r.exit_code == 1
    assert "T1001" in r.stderr and "cannot format" in r.stderr
    assert_no_traceback(r.stdout, r.stderr)
    assert (root / "demo/x.tact").read_text(encoding="utf-8") == broken


def test_the_console_script_checks_the_shipped_library():
    script = Path(sys.executable).with_name("tactful")
    r = subprocess.run([str(script), "fmt", "--check", "frameworks", "stdlib"], cwd=REPO, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_layout_that_would_change_the_meaning_writes_nothing_and_exits_2(tmp_path, monkeypatch):
    import tactful.syntax.layout as layout

    real = layout._layout
    monkeypatch.setattr(layout, "_layout", lambda source, module: real(source, module).replace('"Done."', '"Gone."'))
    root = project(tmp_path, {"demo/x.tact": UGLY})
    r = invoke("fmt", root / "demo")
    assert r.exit_code == 2
    assert f"internal error: formatting `{(root / 'demo/x.tact').as_posix()}` would change what it means" in r.stderr
    assert (root / "demo/x.tact").read_text(encoding="utf-8") == UGLY
    assert_no_traceback(r.stdout, r.stderr)
