"""Answers from drafting engines (what `tactful serve` uses): the same bytes as answers made in the
server's process, and an engine that stops answering or dies costs a few 503s, never the server.

In process (FastAPI's TestClient runs the app's lifespan, which attaches the engine), so that a
test can reach the engine's process: it stops it (SIGSTOP, as a draft stuck in a loop would) or
kills it.
"""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
from fastapi.testclient import TestClient

from bundle_builder import SLOTS, ctx, make_bundle
from serve_helpers import write_bundle
from tactful.runtime import BundleError, Library
from tactful.service.app import create_app

pytestmark = pytest.mark.slow
INTENT = "billing.duplicate_charge"
DRAFT = {"intent": INTENT, "slots": SLOTS, "context": ctx(seed="c1")}


def _wait_for_new_engine(client, holder, old_pid: int, timeout: float = 30) -> None:
    """Until a draft is answered by an engine other than old_pid."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if holder.backend.engine.process.pid != old_pid and client.post("/v1/draft", json=DRAFT).status_code == 200:
            return
        time.sleep(0.05)
    raise AssertionError("no new engine answered")


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The same bundle served both ways."""
    path = tmp_path_factory.mktemp("engines") / "bundle.json"
    write_bundle(path)
    with TestClient(create_app(path, watch_interval=None)) as local, \
            TestClient(create_app(path, watch_interval=None, isolate=True)) as isolated:
        yield local, isolated


@pytest.mark.parametrize("method, url, body", [
    ("post", "/v1/draft", DRAFT),
    ("post", "/v1/draft", {"intent": INTENT, "slots": {**SLOTS, "amount": 49}, "context": ctx(channel="fax")}),
    ("post", "/v1/draft", {"intent": "billing.nope", "slots": {}, "context": ctx()}),
    ("post", "/v1/draft", {"intent": INTENT, "slots": {**SLOTS, "case_reference": "\ud800"}, "context": ctx(seed="é")}),
    ("post", "/v1/verify", {**DRAFT, "text": "Sorry for the inconvenience. You were charged $59.00 twice.",
                            "policy": {"fact-changed": "warn"}}),
    ("post", "/v1/draft", {"intent": INTENT, "slots": {**SLOTS, "amount": float("nan")}, "context": ctx()}),
    ("post", "/v1/draft", {"intent": INTENT, "slots": SLOTS, "context": {**ctx(), "contact_count": float("inf")}}),
    ("post", "/v1/draft", {"intent": INTENT, "slots": SLOTS, "context": {**ctx(), "\udc80": "x"}}),
    ("post", "/v1/draft", {"intent": 7, "slots": [], "context": "x"}),
    ("get", "/v1/frameworks", None),
    ("get", f"/v1/frameworks/{INTENT}", None),
    ("get", "/v1/frameworks/billing.nope", None),
    ("get", "/healthz", None),
])
def test_an_engine_answers_byte_for_byte_as_the_server_would(both, method, url, body):
    local, isolated = both
    kw = {} if body is None else {"content": json.dumps(body), "headers": {"content-type": "application/json"}}  # \ud800 escaped
    a, b = getattr(local, method)(url, **kw), getattr(isolated, method)(url, **kw)
    assert (a.status_code, a.headers["content-type"], a.content) == (b.status_code, b.headers["content-type"], b.content)


def test_the_openapi_document_describes_the_engines_bundle(both):
    local, isolated = both
    assert local.get("/openapi.json").json() == isolated.get("/openapi.json").json()


def test_a_bundle_that_does_not_load_is_a_bundle_error_naming_the_file(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text('{"schema_version": "2.0", "revision": ', encoding="utf-8")
    with pytest.raises(BundleError, match=r"bundle\.json: .*not valid JSON"):
        create_app(path, isolate=True)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(BundleError, match="not a regular file"):  # read, it would wait for a writer for ever
        create_app(fifo, isolate=True)


def test_a_stuck_engine_costs_503s_within_the_budget_and_is_replaced(tmp_path):
    path = tmp_path / "bundle.json"
    write_bundle(path)
    app = create_app(path, watch_interval=None, isolate=True, draft_budget=0.5)
    with TestClient(app) as client:
        holder = app.state.holder
        assert client.post("/v1/draft", json=DRAFT).status_code == 200
        stuck = holder.backend.engine.process
        os.kill(stuck.pid, signal.SIGSTOP)  # as a draft that never returns would hold it
        try:
            started = time.monotonic()
            r = client.post("/v1/draft", json=DRAFT)
            took = time.monotonic() - started
            assert r.status_code == 503 and r.json()["type"] == "busy", r.text
            assert "longer than 0.5 s" in r.json()["message"] and took < 5
            assert client.get("/healthz").status_code == 200  # the server itself never waits for an engine
            _wait_for_new_engine(client, holder, stuck.pid)
        finally:
            os.kill(stuck.pid, signal.SIGCONT)
        assert client.post("/v1/draft", json=DRAFT).json()["text"] == Library(make_bundle()).draft(**DRAFT).text
        deadline = time.monotonic() + 10
        while stuck.poll() is None and time.monotonic() < deadline:  # the old engine is ended
            time.sleep(0.05)
        assert stuck.poll() is not None


def test_a_dead_engine_costs_503s_and_is_replaced(tmp_path):
    path = tmp_path / "bundle.json"
    write_bundle(path)
    app = create_app(path, watch_interval=None, isolate=True)
    with TestClient(app) as client:
        holder = app.state.holder
        dead = holder.backend.engine.process
        dead.kill()
        dead.wait()
        r = client.post("/v1/draft", json=DRAFT)
        assert r.status_code == 503 and r.json()["type"] == "unavailable", r.text
        _wait_for_new_engine(client, holder, dead.pid)
        assert client.get("/healthz").json()["revision"] == make_bundle().revision


def test_the_engines_end_with_the_server(tmp_path):
    path = tmp_path / "bundle.json"
    write_bundle(path)
    app = create_app(path, watch_interval=None, isolate=True)
    with TestClient(app) as client:
        client.post("/v1/draft", json=DRAFT)
        holder = app.state.holder
        engines = [holder.backend.engine.process, holder._spare.process]
    for process in engines:
        assert process.wait(timeout=10) is not None


def test_an_engine_imports_neither_the_web_framework_nor_the_compiler():
    import subprocess
    import sys

    code = ("import sys, tactful.service.engine, tactful.service.answers; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette', 'uvicorn', 'lark', 'click') "
            "or m.startswith(('tactful.semantics', 'tactful.syntax', 'tactful.emit', 'tactful.cli', 'tactful.service.app'))); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
