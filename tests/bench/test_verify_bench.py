"""Verifying a final reply, against drafting it, in the same run (`make bench`).

The figure the issue asks for: under 1 ms for a typical reply, on one core. A typical reply here is a
draft of the private duplicate-charge reply with a personal sentence added and one style slip (so the
style rules are searched in full); the public one has personal data pasted in (so the leak checks run).
The style rules are the stdlib's (compiled from an empty project), so the search is the real one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tactful.runtime import Library

sys.path.insert(0, str(Path(__file__).parent.parent / "runtime"))
from bundle_builder import SLOTS, ctx, make_bundle
from test_verify import INTENT, PUBLIC, framework

RESULTS: dict[str, float] = {}
CONTEXT = ctx("Hi, I was charged twice for my order last week, can you help?", channel="email", seed="conv-1")


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    from tactful import api

    empty = tmp_path_factory.mktemp("stdlib-only")
    (empty / "tactful.toml").write_text("", encoding="utf-8")
    style = api.compile([empty]).bundle.style
    assert style, "the stdlib has style rules"
    return Library(make_bundle([framework()], style=style))


def test_draft(benchmark, library):
    benchmark(library.draft, INTENT, SLOTS, CONTEXT)
    RESULTS["draft"] = benchmark.stats.stats.median


def test_verify_private(benchmark, library):
    text = "Hi Dana, thanks for bearing with us. " + library.draft(INTENT, SLOTS, CONTEXT).text + " Sorry for the inconvenience."
    v = library.verify(INTENT, text, SLOTS, CONTEXT)
    assert [f.code for f in v.findings] == ["V140"]  # the work measured is the work meant
    benchmark(library.verify, INTENT, text, SLOTS, CONTEXT)
    _report("verify (private)", benchmark.stats.stats.median)


def test_verify_public(benchmark, library):
    text = library.draft(INTENT, SLOTS, PUBLIC).text + " Or write to dana.r@example.com, or call +1 415 555 0100."
    v = library.verify(INTENT, text, SLOTS, PUBLIC)
    assert [f.code for f in v.findings] == ["V121", "V121"]
    benchmark(library.verify, INTENT, text, SLOTS, PUBLIC)
    _report("verify (public)", benchmark.stats.stats.median)


def _report(name: str, median: float) -> None:
    line = f"{name}: median {median * 1e6:.1f} µs (target < 1000 µs)"
    if "draft" in RESULTS:
        line += f"; draft {RESULTS['draft'] * 1e6:.1f} µs; ratio {median / RESULTS['draft']:.1f}×"
    print("\n" + line)
