"""The package's structure: no import circle anywhere (lazy imports count), so every stage can be
used alone. Uses the project's shared cycle finder when it is beside the checkout (it is in CI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FINDER = ROOT.parent / "shared" / "tools" / "import_cycles.py"


@pytest.mark.skipif(not FINDER.is_file(), reason="the shared import-cycle finder is not beside this checkout")
def test_no_import_cycles():
    done = subprocess.run([sys.executable, str(FINDER), str(ROOT / "compiler" / "tactful")],
                          capture_output=True, text=True, timeout=120)
    assert "cycles: 0" in done.stdout, done.stdout + done.stderr


def test_a_diagnostic_takes_a_code_object_not_a_string():
    from tactful.codes import Code
    from tactful.diagnostics import Diagnostic
    from tactful.source import NO_SPAN

    assert Diagnostic(Code.UNDECLARED_SLOT, "m", NO_SPAN).code == "T1201"
    with pytest.raises(TypeError):
        Diagnostic("T1201", "m", NO_SPAN)


def test_the_runtime_imports_neither_the_compiler_nor_lark_nor_click():
    code = ("import sys, tactful.runtime, tactful.runtime.examples; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'click') "
            "or m.startswith(('tactful.semantics', 'tactful.syntax', 'tactful.emit', 'tactful.cli'))); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_eval_and_replay_import_neither_the_compiler_nor_lark_nor_click():
    code = ("import sys, tactful.runtime.library, tactful.runtime.trace, tactful.evaluation.corpus, "
            "tactful.evaluation.score, tactful.evaluation.render, tactful.evaluation.replay; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'click') "
            "or m.startswith(('tactful.semantics', 'tactful.syntax', 'tactful.emit', 'tactful.cli', 'tactful.api'))); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
