"""`tactful serve` latency at 500 requests/s, steady and while bundles are reloaded, in the same run.

`make bench` runs it (pytest-benchmark; skipped in `make test`). The figure the issues ask for
(#12, #16): p99 under 10 ms at 500 requests/s, also while a reload runs. A second process drafts
from every framework of the shipped library in turn, open loop (request i is due at start + i/rate,
and its latency counts from then, so a stalled server cannot hide the requests it delayed). First
nothing else happens (the steady figures, the baseline); then this process replaces the bundle file
with the other of two revisions and sends SIGHUP, waits until the server logs that it serves the
new revision, waits a second, and again. Requests due while a reload ran are the "during reloads"
figures, those due in the second after each are "after reloads" (the server starts its next spare
engine then); the ratio of the p99 during reloads to the steady p99 is printed. So is the CPU time
the server process spends per request in each part (on Linux), which a busy machine changes less
than it changes latency: what reloading costs the process that answers; and, at the end, the
server's CPU time for one reload with no traffic.

TACTFUL_BENCH_BASELINE=DIR (a `compiler` folder of another checkout, such as main's) runs the same
load against a server from DIR too, before this tree's, and prints both, for before/after figures
from one run. TACTFUL_BENCH_SECONDS sets the length of the steady part (default 3; the reloads take
twice that).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "serve"))
from serve_helpers import start_server, stop_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RATE = 500
SECONDS = float(os.environ.get("TACTFUL_BENCH_SECONDS", "3"))
GAP = 1.0  # seconds between a reload's end and the next SIGHUP
ADOPTED = "tactful: now serving revision"  # logged once a reload is done (by every version of the service)
SETTLE = 3.0

LOADGEN = r"""
import asyncio, json, sys, time
from urllib.parse import urlsplit

# An open-loop client over raw keep-alive connections (its own cost stays far below what it
# measures): request i is due at start + i / rate, on connection i % CONNECTIONS, with body
# i % len(bodies); its latency counts from when it was due.
url, rate, seconds, bodies = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), json.loads(sys.stdin.read())
CONNECTIONS = 16
host, port = urlsplit(url).hostname, urlsplit(url).port
REQUESTS = [(b"POST /v1/draft HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
             % (host.encode(), len(b))) + b for b in (body.encode() for body in bodies)]

async def send(reader, writer, request):
    writer.write(request)
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status

async def main():
    conns = [await asyncio.open_connection(host, port) for _ in range(CONNECTIONS)]
    for k, (r, w) in enumerate(conns):  # warm up: every body once
        for request in REQUESTS[k::CONNECTIONS]:
            await send(r, w, request)
    total = int(rate * seconds)
    results = []
    start = time.monotonic() + 0.05
    print(json.dumps({"start": start}), flush=True)

    async def worker(k):
        reader, writer = conns[k]
        for i in range(k, total, CONNECTIONS):
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                status = await send(reader, writer, REQUESTS[i % len(REQUESTS)])
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                status = 0
            results.append((due, time.monotonic() - due, status))

    await asyncio.gather(*(worker(k) for k in range(CONNECTIONS)))
    for _, w in conns:
        w.close()
    print(json.dumps({"results": results}), flush=True)

asyncio.run(main())
"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> tuple[Path, list[str], list[str]]:
    """The shipped library as two bundle files that differ only in their revision, and one valid
    draft request for each of its frameworks."""
    from tactful import api
    from tactful.emit.bundle import bundle_json
    from tactful.runtime import DraftError, Library

    bundle = api.compile([ROOT / "frameworks"]).bundle
    assert bundle is not None, "frameworks/ does not compile"
    folder = tmp_path_factory.mktemp("reload-bench")
    revisions = [bundle.revision, "sha256:" + "b" * 64]
    texts = [bundle_json(bundle.model_copy(update={"revision": r})) for r in revisions]
    for i, text in enumerate(texts):
        (folder / f"bundle-{i}.json").write_text(text, encoding="utf-8")
    library = Library(bundle)
    channel = bundle.channels[0].name
    bodies = []
    for fw in bundle.frameworks:
        body = {"intent": fw.intent, "slots": {s.name: s.example for s in fw.slots if s.example is not None},
                "context": {"message": "Hi, I was charged twice for my order last week.", "channel": channel,
                            "seed": "conv-1"}}
        try:
            library.draft(body["intent"], body["slots"], body["context"])
        except DraftError:
            continue
        bodies.append(json.dumps(body))
    assert len(bodies) >= len(bundle.frameworks) // 2, "most frameworks draft from their examples"
    return folder, revisions, bodies


def _cpu_seconds(pid: int) -> float:
    """CPU time of one process so far (Linux's /proc; NaN elsewhere): what the server itself spends,
    which a loaded machine does not change the way it changes latency."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _swap(folder: Path, live: Path, n: int) -> None:
    """Replace the served file with revision n % 2, atomically."""
    tmp = folder / "bundle.tmp"
    tmp.write_bytes((folder / f"bundle-{n % 2}.json").read_bytes())
    os.replace(tmp, live)


def _wait_adopted(server, n: int) -> None:
    """Until the server has logged its n-th reload (the log, not /healthz: asking would cost it)."""
    deadline = time.monotonic() + 60
    while server.log().count(ADOPTED) < n:
        if time.monotonic() > deadline:
            raise AssertionError("the reload did not finish within 60 s:\n" + server.log())
        time.sleep(0.01)


def _measure(folder: Path, revisions: list[str], bodies: list[str], env: dict[str, str]) -> dict[str, float]:
    """One server: a steady part, then reloads one after the other; the figures of each. (The
    revisions alternate, so that every reload adopts a new one.)"""
    live = folder / "bundle.json"
    live.write_bytes((folder / "bundle-0.json").read_bytes())
    server = start_server(live, "--no-watch", env=env)
    time.sleep(SETTLE)  # what starts with the server (a spare engine's imports, say) is not the steady state
    windows: list[tuple[float, float]] = []
    try:
        gen = subprocess.Popen([sys.executable, "-c", LOADGEN, server.url, str(RATE), str(3 * SECONDS)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        gen.stdin.write(json.dumps(bodies))
        gen.stdin.close()
        start = json.loads(gen.stdout.readline())["start"]
        time.sleep(max(0.0, start - time.monotonic()))
        cpu = [_cpu_seconds(server.process.pid)]
        time.sleep(max(0.0, start + SECONDS - time.monotonic()))
        cpu.append(_cpu_seconds(server.process.pid))
        n = 0
        while time.monotonic() < start + 3 * SECONDS - 0.5:
            n += 1
            _swap(folder, live, n)
            began = time.monotonic()
            server.process.send_signal(signal.SIGHUP)
            _wait_adopted(server, n)
            windows.append((began, time.monotonic()))
            time.sleep(GAP)
        cpu.append(_cpu_seconds(server.process.pid))
        reloads_end = time.monotonic()
        out = json.loads(gen.stdout.readline())
        gen.wait(timeout=30)
        assert httpx.get(server.url + "/healthz").json()["revision"] == revisions[n % 2], "not the newest revision"
        idle = []  # the server's CPU time for one reload, nothing else happening
        for _ in range(2):
            n += 1
            _swap(folder, live, n)
            before = _cpu_seconds(server.process.pid)
            server.process.send_signal(signal.SIGHUP)
            _wait_adopted(server, n)
            time.sleep(GAP)  # the spare engine started after a reload is part of its cost
            idle.append(_cpu_seconds(server.process.pid) - before)
    finally:
        stop_server(server)
    results = out["results"]
    assert {s for _, _, s in results} == {200}, f"not every answer was a 200: {sorted({s for _, _, s in results})}"
    steady = [t for due, t, _ in results if due < start + SECONDS]
    during = [t for due, t, _ in results if any(a <= due <= b for a, b in windows)]
    after = [t for due, t, _ in results if any(b < due <= b + GAP for _, b in windows)]
    assert windows and during, "no request was sent during a reload"
    reloading = [t for due, t, _ in results if start + SECONDS <= due < reloads_end]
    return {
        "server_cpu_ms_per_reload": min(idle) * 1e3,
        "server_cpu_ms_per_request_steady": (cpu[1] - cpu[0]) * 1e3 / len(steady),
        "server_cpu_ms_per_request_reloading": (cpu[2] - cpu[1]) * 1e3 / len(reloading),
        "after_p50_ms": _percentile(after, 0.5) * 1e3, "after_p99_ms": _percentile(after, 0.99) * 1e3,
        "steady_p50_ms": _percentile(steady, 0.5) * 1e3, "steady_p99_ms": _percentile(steady, 0.99) * 1e3,
        "reload_p50_ms": _percentile(during, 0.5) * 1e3, "reload_p99_ms": _percentile(during, 0.99) * 1e3,
        "reload_max_ms": max(during) * 1e3, "reloads": len(windows),
        "reload_seconds": sum(b - a for a, b in windows) / len(windows), "requests_during_reloads": len(during),
    }


def _line(label: str, f: dict[str, float]) -> str:
    return (f"{label}: steady p50 {f['steady_p50_ms']:.2f} ms, p99 {f['steady_p99_ms']:.2f} ms; during reloads "
            f"p50 {f['reload_p50_ms']:.2f} ms, p99 {f['reload_p99_ms']:.2f} ms, max {f['reload_max_ms']:.0f} ms "
            f"({f['requests_during_reloads']} requests, {f['reloads']} reloads of {f['reload_seconds']:.2f} s); "
            f"after reloads p50 {f['after_p50_ms']:.2f} ms, p99 {f['after_p99_ms']:.2f} ms; "
            f"p99 ratio during reloads/steady {f['reload_p99_ms'] / f['steady_p99_ms']:.1f}×; the server process's CPU "
            f"per request {f['server_cpu_ms_per_request_steady']:.2f} ms steady, "
            f"{f['server_cpu_ms_per_request_reloading']:.2f} ms while reloading "
            f"({f['server_cpu_ms_per_request_reloading'] / f['server_cpu_ms_per_request_steady']:.1f}×), "
            f"{f['server_cpu_ms_per_reload']:.0f} ms per reload without traffic")


def test_serve_latency_during_reloads(benchmark, shipped):
    folder, revisions, bodies = shipped
    runs: dict[str, dict[str, float]] = {}

    def fire():
        baseline = os.environ.get("TACTFUL_BENCH_BASELINE")
        if baseline:
            runs["baseline"] = _measure(folder, revisions, bodies, {"PYTHONPATH": baseline})
        runs["this tree"] = _measure(folder, revisions, bodies, {})

    benchmark.pedantic(fire, rounds=1, iterations=1)
    print(f"\nHTTP POST /v1/draft at {RATE} requests/s, {len(bodies)} frameworks in turn, {SECONDS:g} s steady then "
          f"{2 * SECONDS:g} s of reloads of the shipped bundle ({GAP:g} s apart):")
    for label, figures in runs.items():
        print("  " + _line(label, figures))
        benchmark.extra_info.update({f"{label} {k}": v for k, v in figures.items()})
    if "baseline" in runs:
        before, after = runs["baseline"], runs["this tree"]
        print(f"  this tree / baseline: p99 during reloads {after['reload_p99_ms'] / before['reload_p99_ms']:.3f}×, "
              f"steady p99 {after['steady_p99_ms'] / before['steady_p99_ms']:.2f}×")
