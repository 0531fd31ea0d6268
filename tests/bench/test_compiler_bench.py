"""How fast `check` and `build` are on a large library, against fluent.syntax in the same run.

`make bench` runs these (pytest-benchmark; skipped in `make test`). The library is generated: 1,000
frameworks in 20 families, one file each, about 42,000 lines (gen_library.py). The baseline is
fluent.syntax's parser reading an equivalent FTL file set (the same texts, slots and selectors), which
does only parsing. Figures are printed as ratios against it because this machine is noisy: its
speed drifts by a third from minute to minute, so the timings that matter take the best of five.
Run it with `make bench`: `make setup` compiles the package's bytecode first, as an installed wheel
has it (this machine sets PYTHONDONTWRITEBYTECODE, which would make every cold run compile the
compiler from source).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tactful import api

sys.path.insert(0, str(Path(__file__).parent))
from gen_library import write_ftl, write_library  # noqa: E402

RESULTS: dict[str, float] = {}
TACTFUL = Path(sys.executable).with_name("tactful")


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("library")
    return folder, write_library(folder)


@pytest.fixture(scope="module")
def ftl(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("ftl")
    write_ftl(folder)
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.ftl"))]


def _report(name: str, seconds: float) -> None:
    RESULTS[name] = seconds
    base = RESULTS.get("fluent")
    ratio = f" = {seconds / base:.2f}× fluent.syntax parsing" if base else ""
    print(f"\n{name}: {seconds:.3f} s{ratio}")


def test_fluent_syntax_parse_baseline(benchmark, ftl):
    from fluent.syntax import FluentParser

    parser = FluentParser()

    def parse_all():
        return [parser.parse(text) for text in ftl]

    resources = benchmark.pedantic(parse_all, rounds=5, iterations=1)
    assert all(not any(type(e).__name__ == "Junk" for e in r.body) for r in resources)
    _report("fluent", benchmark.stats.stats.min)


def test_check_in_process(benchmark, library):
    folder, lines = library
    result = benchmark.pedantic(api.check, args=([folder],), rounds=3, iterations=1)
    assert result.frameworks == 1000 and result.errors == 0 and lines > 40_000
    _report("check (in process)", benchmark.stats.stats.min)


def _cold_check(benchmark, folder: Path, **env: str):
    env = dict(os.environ, NO_COLOR="1", **env)

    def run():
        return subprocess.run([str(TACTFUL), "check", str(folder)], capture_output=True, text=True, env=env)

    done = benchmark.pedantic(run, rounds=5, iterations=1)
    assert done.returncode == 0, done.stderr
    assert "checked 1000 files (1000 frameworks): no problems" in done.stderr


def test_cold_check_command(benchmark, library):
    """What CI pays: a fresh `tactful check` process (one process: the check never forks), interpreter
    start-up, imports and the end of the process included."""
    _cold_check(benchmark, library[0])
    _report("cold `tactful check` (wall)", benchmark.stats.stats.min)


def test_build_in_process(benchmark, library, tmp_path, monkeypatch):
    """`tactful build`, stage by stage: compile (check, then lower), each emitter, the write. The
    target (issue 16) is at most 1.5× `check` of the same library in the same process. Each round
    builds into a new folder (what a first build or a CI build pays), and the stages printed are the
    fastest round's; then one rebuild into the last folder, with the same outputs (the writer links
    the files that did not change). Full garbage collections are counted per stage (gc.callbacks,
    here only, to measure): each walks every object the build holds, so they are a large part of
    the time of the stages that keep many objects."""
    import gc

    from tactful.emit import BUILD, emitter
    from tactful.semantics import lower

    folder, _ = library
    stages: dict[str, float] = {}
    rounds: list[dict[str, float]] = []
    current = ["other"]
    collections: dict[str, list[float]] = {}  # stage -> [count, seconds] of full collections
    started = [0.0]

    def collected(phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            seen = collections.setdefault(current[0], [0, 0.0])
            seen[0] += 1
            seen[1] += time.perf_counter() - started[0]

    def timed(name, f, *args):
        outer, current[0] = current[0], name
        start = time.perf_counter()
        try:
            out = f(*args)
        finally:
            current[0] = outer
        stages[name] = time.perf_counter() - start
        return out

    lower_program = lower.lower
    monkeypatch.setattr(lower, "lower", lambda *args: timed("lower", lower_program, *args))

    def build(out: Path):
        stages.clear()
        start = time.perf_counter()
        result = timed("compile", api.compile, [folder])
        assert result.bundle is not None
        outputs: dict[str, str] = {}
        for name in BUILD:
            outputs.update(timed(name, emitter(name), result.bundle))
        written = timed("write", api.write_outputs, dict(sorted(outputs.items())), out)
        rounds.append({"total": time.perf_counter() - start, "check (in compile)": stages["compile"] - stages["lower"],
                       **{k: v for k, v in stages.items() if k != "compile"}})
        return written

    outs = iter(tmp_path / f"out{n}" for n in range(10))
    gc.callbacks.append(collected)
    try:
        written = benchmark.pedantic(lambda out: build(out), setup=lambda: ((next(outs),), {}), rounds=3, iterations=1)
    finally:
        gc.callbacks.remove(collected)
    assert len(written) > 1000
    _report("build (in process)", benchmark.stats.stats.min)
    best = min(rounds, key=lambda r: r["total"])
    check = RESULTS.get("check (in process)")
    if check:
        print(f"build = {benchmark.stats.stats.min / check:.2f}× check (target: at most 1.5×)")
    print("stages: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in best.items() if name != "total"))
    print("full collections, per round: " + ", ".join(
        f"{stage} {count / 3:.1f} ({seconds / 3:.2f} s)" for stage, (count, seconds) in collections.items()))
    out = next(p.parent for p in written if p.name == "bundle.json")
    rebuilt = build(out)
    print(f"rebuild, same outputs: {rounds[-1]['total']:.3f} s, write {rounds[-1]['write']:.2f} s")
    assert rebuilt == written
    conformance = out / "conformance.json"
    print(f"conformance.json: {conformance.stat().st_size / 1e6:.1f} MB; {len(written)} files written")


def test_interpreter_start_baseline(benchmark):
    """`tactful --help`: what a command costs before it does anything (imports stay lazy)."""
    def run():
        return subprocess.run([str(TACTFUL), "--help"], capture_output=True, text=True)

    assert benchmark.pedantic(run, rounds=5, iterations=1).returncode == 0
    _report("`tactful --help` (wall)", benchmark.stats.stats.min)
