"""Drafts per second, against bare Jinja2 rendering of the same reply text, in the same run.

`make bench` runs these (pytest-benchmark; skipped in `make test`). The figures the issue asks for:
drafts/s on one core with every guard and escalation evaluated (target ≥ 50,000), the ratio of a draft
to rendering the chosen reply's template with Jinja2 alone (target ≤ 1.5×), and the HTTP service's
requests/s and p50/p99 latency under a fixed-rate load from a second process (target p99 < 10 ms at
500 requests/s).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tactful.runtime import Library
from tactful.runtime.render import make_environment

sys.path.insert(0, str(Path(__file__).parent.parent / "runtime"))
from bundle_builder import SLOTS, ctx, make_bundle  # noqa: E402

INTENT = "billing.duplicate_charge"
CONTEXT = ctx("Hi, I was charged twice for my order last week, can you help?", channel="email", seed="conv-1")
RESULTS: dict[str, float] = {}


@pytest.fixture(scope="module")
def library() -> Library:
    return Library(make_bundle())


def _bare(library: Library):
    """The chosen reply's compiled template and the variables it needs, for plain Jinja2."""
    draft = library.draft(INTENT, SLOTS, CONTEXT)
    fw = library.framework(INTENT)
    reply = next(r for r in fw.replies if r.id == draft.reply.id)
    env = make_environment()
    template = env.from_string(reply.template.replace("{{ '' }}", draft.moves[0].text))
    variables = {f.name: None for f in library.bundle.fields} | {s.name: None for s in fw.slots}
    variables |= {k: v for k, v in CONTEXT.items() if k != "seed"} | SLOTS
    assert template.render(variables) == draft.text  # the same text, or the comparison means nothing
    return template, variables


def test_bare_jinja2(benchmark, library):
    template, variables = _bare(library)
    benchmark(template.render, variables)
    RESULTS["bare"] = benchmark.stats.stats.median


def test_draft(benchmark, library):
    guards = library.framework(INTENT).guards
    escalations = library.framework(INTENT).escalations
    assert guards and escalations  # evaluated on every draft
    benchmark(library.draft, INTENT, SLOTS, CONTEXT)
    RESULTS["draft"] = benchmark.stats.stats.median
    per_second = 1 / RESULTS["draft"]
    line = f"drafts/s: {per_second:,.0f} (median {RESULTS['draft'] * 1e6:.1f} µs)"
    if "bare" in RESULTS:
        line += f"; bare Jinja2 {RESULTS['bare'] * 1e6:.1f} µs; ratio {RESULTS['draft'] / RESULTS['bare']:.2f}×"
    print("\n" + line)
    benchmark.extra_info.update({"drafts_per_second": per_second, **{k: v for k, v in RESULTS.items()}})


# --- HTTP: POST /v1/draft under a fixed-rate load from a second process ------------------------------

LOADGEN = r"""
import asyncio, json, sys, time
import httpx

url, rate, total, body = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4].encode()
WORKERS = 8  # connections; request i is sent by worker i % WORKERS at start + i / rate

async def main():
    headers = {"content-type": "application/json"}
    limits = httpx.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10) as client:
        for _ in range(100):  # warm up
            await client.post("/v1/draft", content=body, headers=headers)
        results = []
        start = time.perf_counter() + 0.1

        async def worker(w):
            for i in range(w, total, WORKERS):
                scheduled = start + i / rate
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent = time.perf_counter()
                r = await client.post("/v1/draft", content=body, headers=headers)
                done = time.perf_counter()
                results.append((r.status_code, done - sent, done - scheduled))

        await asyncio.gather(*(worker(w) for w in range(WORKERS)))
        elapsed = time.perf_counter() - start
    print(json.dumps({"results": results, "elapsed": elapsed}))

asyncio.run(main())
"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def test_http_draft_latency_at_a_fixed_rate(benchmark, tmp_path):
    sys.path.insert(0, str(Path(__file__).parent.parent / "serve"))
    from serve_helpers import start_server, stop_server, write_bundle

    path = tmp_path / "bundle.json"
    write_bundle(path)
    server = start_server(path, "--no-watch")
    rate, total = 500, 2500
    body = json.dumps({"intent": INTENT, "slots": SLOTS, "context": CONTEXT})
    try:
        def fire():
            done = subprocess.run([sys.executable, "-c", LOADGEN, server.url, str(rate), str(total), body],
                                  capture_output=True, text=True, check=True)
            return json.loads(done.stdout)

        out = benchmark.pedantic(fire, rounds=1, iterations=1)
    finally:
        stop_server(server)
    statuses = {s for s, _, _ in out["results"]}
    assert statuses == {200}
    service = [t for _, t, _ in out["results"]]
    scheduled = [t for _, _, t in out["results"]]
    figures = {
        "requests_per_second": len(service) / out["elapsed"],
        "p50_ms": _percentile(service, 0.50) * 1e3,
        "p99_ms": _percentile(service, 0.99) * 1e3,
        "p99_from_schedule_ms": _percentile(scheduled, 0.99) * 1e3,
        "max_ms": max(service) * 1e3,
    }
    benchmark.extra_info.update(figures)
    print(f"\nHTTP POST /v1/draft at {rate} req/s offered, {total} requests: {figures['requests_per_second']:.0f} req/s served; "
          f"p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms "
          f"(p99 counted from the scheduled send {figures['p99_from_schedule_ms']:.2f} ms), max {figures['max_ms']:.1f} ms")
    assert statistics.median(service) < 0.1  # a sanity bound; the figures are the point
