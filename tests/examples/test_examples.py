"""The examples/ folder works as its README and docs say."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tactful import api

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "examples" / "quickstart"


def test_quickstart_framework_is_the_one_in_getting_started():
    doc = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    shown = re.search(r"Create `frameworks/delivery/late_order.tact`:\n\n```tactful\n(.*?)```", doc, re.S).group(1)
    example = (QUICKSTART / "frameworks" / "delivery" / "late_order.tact").read_text(encoding="utf-8")
    assert example.split("\n", 1)[1] == shown


def test_quickstart_is_clean_and_its_example_passes():
    result = api.check([QUICKSTART / "frameworks"])
    assert (result.errors, result.warnings, result.frameworks) == (0, 0, 1)
    done = subprocess.run([str(Path(sys.executable).with_name("tactful")), "test", str(QUICKSTART / "frameworks")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 examples: 4 passed, 0 failed" in done.stdout


def test_bot_drafts_holds_and_asks_for_missing_slots(tmp_path):
    result = api.compile([ROOT / "frameworks"])
    assert result.bundle is not None
    api.write_outputs(api.build_outputs(result.bundle), tmp_path)
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "bot.py"), str(tmp_path / "bundle.json")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    blocks = done.stdout.strip().split("\n\n")
    assert blocks[0].startswith("[billing.duplicate_charge] send as written") and "BIL-20931" in blocks[0]
    assert blocks[1].startswith("[service.outage] HOLD:") and "all caps" in blocks[1]
    assert "cannot draft yet" in blocks[2] and "`case_reference`" in blocks[2]
