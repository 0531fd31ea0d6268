"""A large library is checked by two processes (semantics/pipeline.py): the result must be exactly
what one process gives, diagnostics, counts and bundle alike."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tactful import api
from tactful.diagnostics import render
from tactful.emit.build import bundle_json

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "bench"))
from gen_library import write_library  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="two processes are used on Linux only (fork)")


def _both(monkeypatch, paths, *, build: bool):
    results = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("TACTFUL_JOBS", jobs)
        results.append(api.compile(paths) if build else api.check(paths))
    return results


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """120 generated frameworks, the shipped ones beside them, and mistakes that cross files."""
    folder = tmp_path_factory.mktemp("lib")
    write_library(folder, count=120)
    shutil.copytree(ROOT / "frameworks", folder / "shipped")
    (folder / "shared").mkdir()
    (folder / "shared" / "tone.tact").write_text(
        'signal upset "Upset customers"\n  when message mentions "furious", "livid"\n  fires "I am livid"\n'
        '  quiet "I am fine"\n', encoding="utf-8")
    broken = (folder / "family1" / "intent_51.tact")
    text = broken.read_text(encoding="utf-8")
    text = text.replace("family1.intent_51", "family0.intent_2")  # duplicate intent across files
    other = folder / "family1" / "intent_52.tact"  # the same again, silenced where it is reported
    other.write_text(other.read_text(encoding="utf-8").replace(
        'framework family1.intent_52', '# tactful: ignore[T1105] kept on purpose in this test\nframework family0.intent_3'),
        encoding="utf-8")
    text = text.replace("owner finance", "owner finanse")  # unknown team
    text = text.replace('  guard caps_ratio', '  guard upset "Upset."\n  guard caps_ratio')  # not imported
    broken.write_text(text, encoding="utf-8")
    (folder / "family2" / "intent_100.tact").write_text("framework broken.one\n  reply private\n", encoding="utf-8")
    return folder


def test_check_gives_the_same_diagnostics(monkeypatch, library):
    one, two = _both(monkeypatch, [library], build=False)
    assert one.errors > 0
    assert render(one, "json") == render(two, "json")
    assert render(one, "pretty") == render(two, "pretty")
    assert (one.files, one.frameworks) == (two.files, two.frameworks)


def test_build_gives_the_same_bundle(monkeypatch, library, tmp_path):
    clean = tmp_path / "clean"
    write_library(clean, count=130)
    shutil.copytree(ROOT / "frameworks", clean / "shipped")
    one, two = _both(monkeypatch, [clean], build=True)
    assert one.bundle is not None and two.bundle is not None
    assert len(one.bundle.frameworks) == 148
    assert bundle_json(one.bundle) == bundle_json(two.bundle)
