"""How fast a bundle loads, and what the first draft and a fresh process cost, against baselines in
the same run.

`make bench` runs these (pytest-benchmark; skipped in `make test`). The figures the issue asks for:
`load_library` of the shipped bundle against `json.loads` of the same file (target ≤ 3×, and ≤ 50 ms),
of the generated 1,000-framework library (target ≤ 1 s), the first draft of a framework against a
draft once it is prepared (target < 5 ms), and a cold start (a fresh process that imports
`tactful.runtime`, loads the shipped bundle and drafts one reply; target < 150 ms) against a fresh
process that only starts. The machine is noisy, so each figure is the best of its rounds.
TACTFUL_BENCH_BASELINE=DIR (a `compiler` folder of another checkout, such as main's) times the cold
start of DIR's runtime too, alternating with this tree's, for before/after figures from one run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tactful import api
from tactful.runtime import load_library

sys.path.insert(0, str(Path(__file__).parent))
from gen_library import write_library  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
RESULTS: dict[str, float] = {}
MESSAGE = "Hi, this is the third time I'm writing about this and nobody has answered."


def _built(folder: Path, out: Path) -> Path:
    result = api.compile([folder])
    assert result.bundle is not None, [d.message for d in result.diagnostics if d.severity == "error"][:3]
    out.mkdir(parents=True, exist_ok=True)
    path = out / "bundle.json"
    path.write_text(api.build_outputs(result.bundle, ["bundle"])["bundle.json"], encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    return _built(REPO / "frameworks", tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="module")
def thousand(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("library")
    write_library(folder)
    return _built(folder, tmp_path_factory.mktemp("library-out"))


def _requests(path: Path) -> list[tuple[str, dict, dict]]:
    """One request per framework that drafts (its slots' examples, a message, its first channel)."""
    library = load_library(path)
    channels = [c["name"] for c in library.data["channels"]]
    out = []
    for intent in library.intents:
        slots = {s.name: s.example for s in library.framework(intent).slots if s.example is not None}
        for channel in channels:
            context = {"message": MESSAGE, "channel": channel}
            try:
                library.draft(intent, slots, context)
            except Exception:  # noqa: BLE001 - a refused request is not a benchmark
                continue
            out.append((intent, slots, context))
            break
    assert len(out) >= 2
    return out


def _best(fn, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _line(name: str, seconds: float, baseline: str | None = None, target: str = "") -> None:
    RESULTS[name] = seconds
    text = f"{name}: {seconds * 1000:.2f} ms"
    if baseline is not None and baseline in RESULTS:
        text += f" = {seconds / RESULTS[baseline]:.2f}× {baseline} ({RESULTS[baseline] * 1000:.2f} ms)"
    print(f"\n{text}{'; target ' + target if target else ''}")


def test_json_loads_baseline(benchmark, shipped):
    raw = shipped.read_bytes()
    benchmark(json.loads, raw)
    _line("json.loads shipped", benchmark.stats.stats.min)
    print(f"shipped bundle: {len(raw):,} bytes")


def test_load_shipped(benchmark, shipped):
    raw = shipped.read_bytes()
    load_library(raw)  # the schema's validator is built once per process
    benchmark(load_library, raw)
    _line("load_library shipped", benchmark.stats.stats.min, "json.loads shipped", "≤ 3× and ≤ 50 ms")


def test_load_thousand(benchmark, thousand):
    raw = thousand.read_bytes()
    RESULTS["json.loads 1k"] = _best(lambda: json.loads(raw), 5)
    benchmark.pedantic(load_library, (raw,), rounds=5, iterations=1)
    _line("load_library 1k", benchmark.stats.stats.min, "json.loads 1k", "≤ 1 s")
    print(f"1k bundle: {len(raw):,} bytes")


def test_prepare_thousand(benchmark, thousand):
    """`load_library(…).prepare()` of the generated 1,000-framework bundle, what a service does before
    it takes traffic (every framework's code, slot checks and texts, every signal and pattern
    compiled), against load_library alone. Its frameworks repeat their slots, their own patterns and
    the house policy's handoffs, which a library compiles and checks once."""
    raw = thousand.read_bytes()
    RESULTS.setdefault("load_library 1k", _best(lambda: load_library(raw), 3))
    library = benchmark.pedantic(lambda: load_library(raw).prepare(), rounds=3, iterations=1)
    assert len(library.intents) == 1000
    _line("load_library + prepare() 1k", benchmark.stats.stats.min, "load_library 1k")


def test_first_draft(benchmark, shipped):
    """The first draft of a framework, once another framework has drafted (the signals every
    framework shares are then compiled), against a draft of a prepared framework. The very first
    draft of a library, which also compiles the signals, is printed beside it."""
    requests = _requests(shipped)
    raw = shipped.read_bytes()
    (first, *_), (intent, slots, context) = requests[0], requests[1]

    def fresh():
        library = load_library(raw)
        library.draft(*requests[0])
        return (library,), {}

    def draft(library):
        library.draft(intent, slots, context)

    prepared = load_library(raw)
    prepared.draft(intent, slots, context)
    RESULTS["prepared draft"] = _best(lambda: prepared.draft(intent, slots, context), 200)
    very_first = min(_timed_first(raw, requests[0]) for _ in range(5))
    benchmark.pedantic(draft, setup=fresh, rounds=10, iterations=1)
    _line("first draft of a framework", benchmark.stats.stats.min, "prepared draft", "< 5 ms")
    _line("first draft of a library (with the signals)", very_first, "prepared draft")


def _timed_first(raw: bytes, request) -> float:
    library = load_library(raw)
    start = time.perf_counter()
    library.draft(*request)
    return time.perf_counter() - start


COLD = """
import sys, time
from tactful.runtime import load_library
library = load_library(sys.argv[1])
library.draft(sys.argv[2], __import__("json").loads(sys.argv[3]), __import__("json").loads(sys.argv[4]))
"""


def test_cold_start(benchmark, shipped):
    """A fresh process: import tactful.runtime, load the shipped bundle, draft one reply; against a
    fresh process that only starts the interpreter."""
    intent, slots, context = _requests(shipped)[0]
    args = [str(shipped), intent, json.dumps(slots), json.dumps(context)]

    # bytecode is written (and then read), as an installed package has it, even where the caller's
    # environment says not to write any: else every run compiles the runtime's modules from source
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run(code: str, *argv: str) -> None:
        subprocess.run([sys.executable, "-c", code, *argv], check=True, env=env)

    RESULTS["interpreter start"] = _best(lambda: run("pass"), 5)
    run(COLD, *args)  # bytecode written once, as an installed package has it
    benchmark.pedantic(run, (COLD, *args), rounds=5, iterations=1)
    _line("cold start (import, load, one draft)", benchmark.stats.stats.min, "interpreter start", "< 150 ms")
    baseline = os.environ.get("TACTFUL_BENCH_BASELINE")
    if baseline:  # another checkout's `compiler` folder (main's, say): both, round for round
        other = {**env, "PYTHONPATH": baseline}
        subprocess.run([sys.executable, "-c", COLD, *args], check=True, env=other)  # its bytecode
        ours, theirs = float("inf"), float("inf")
        for _ in range(7):
            theirs = min(theirs, _best(lambda: subprocess.run([sys.executable, "-c", COLD, *args], check=True, env=other), 1))
            ours = min(ours, _best(lambda: run(COLD, *args), 1))
        RESULTS["cold start, baseline"] = theirs
        _line("cold start, baseline", theirs, "interpreter start")
        _line("cold start, this tree", ours, "cold start, baseline")
