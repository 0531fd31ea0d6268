"""Drafting never blocks the event loop, and a draft has a time budget (issue #12: `9**(9**9)` in a
tampered bundle blocked the loop, and `/healthz` stopped answering).

A bundle can no longer carry code (tests/runtime/test_tampered_bundle.py), so no bundle makes a
draft slow; the stand-in library here is slow on purpose, to test the service's own guarantee.
"""

from __future__ import annotations

import asyncio
import threading
import time

import httpx

from bundle_builder import SLOTS, ctx
from serve_helpers import write_bundle
from tactful.service.app import create_app
from tactful.service.reload import LocalBackend

INTENT = "billing.duplicate_charge"


class SlowLibrary:
    """Drafts as the real library does, after holding its thread (not the loop) for `seconds`."""

    def __init__(self, library, seconds: float):
        self._library, self._seconds = library, seconds
        self.revision, self.bundle = library.revision, library.bundle
        self.release = threading.Event()

    def draft(self, *args):
        self.release.wait(self._seconds)
        return self._library.draft(*args)


def test_a_slow_draft_gets_503_and_the_loop_keeps_serving(tmp_path):
    path = tmp_path / "bundle.json"
    write_bundle(path)
    app = create_app(path, watch_interval=None, draft_budget=0.5)
    holder = app.state.holder
    slow = SlowLibrary(holder.library, seconds=30)
    holder.backend = LocalBackend(slow, budget=0.5)

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            body = {"intent": INTENT, "slots": SLOTS, "context": ctx()}
            drafting = asyncio.create_task(client.post("/v1/draft", json=body))
            await asyncio.sleep(0.1)
            started = time.monotonic()
            health = await client.get("/healthz")  # while the draft is stuck in its thread
            health_took = time.monotonic() - started
            answer = await drafting
            slow.release.set()
            return health, health_took, answer

    health, health_took, answer = asyncio.run(scenario())
    assert health.status_code == 200 and health_took < 0.4
    assert answer.status_code == 503
    assert answer.json()["type"] == "busy" and "longer than 0.5 s" in answer.json()["message"]


def test_a_draft_within_its_budget_is_answered(tmp_path):
    path = tmp_path / "bundle.json"
    write_bundle(path)
    app = create_app(path, watch_interval=None, draft_budget=5)
    app.state.holder.backend = LocalBackend(SlowLibrary(app.state.holder.library, seconds=0.05), budget=5)

    async def call():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            return await client.post("/v1/draft", json={"intent": INTENT, "slots": SLOTS, "context": ctx()})

    r = asyncio.run(call())
    assert r.status_code == 200 and r.json()["framework"] == INTENT


def test_a_body_that_does_not_arrive_in_time_gets_408():
    """A slow client holds no worker: BodyLimit answers 408 when the body is late (10 s in serve)."""
    from tactful.service.app import BodyLimit

    async def app(scope, receive, send):  # pragma: no cover - never reached
        raise AssertionError("the app must not be called")

    async def scenario():
        sent = []
        parts = iter([{"type": "http.request", "body": b"{", "more_body": True}])

        async def receive():
            part = next(parts, None)
            if part is None:
                await asyncio.sleep(30)  # the rest never comes
            return part

        async def send(message):
            sent.append(message)

        started = time.monotonic()
        await BodyLimit(app, timeout=0.2)({"type": "http", "headers": []}, receive, send)
        return sent, time.monotonic() - started

    sent, took = asyncio.run(scenario())
    assert sent[0]["status"] == 408 and took < 5
    assert b"did not arrive within 0.2 s" in sent[1]["body"]
