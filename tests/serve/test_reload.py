"""Reloading: SIGHUP and file changes swap in a fully loaded library; a bad bundle never replaces a good one."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from bundle_builder import SLOTS, ctx, duplicate_charge, make_bundle, move, reply
from serve_helpers import wait_for_log, write_bundle

pytestmark = pytest.mark.slow
INTENT = "billing.duplicate_charge"
REV_B = "sha256:" + "cd" * 32


def _revision(server) -> str:
    return httpx.get(server.url + "/healthz").json()["revision"]


def _wait_for(server, revision: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _revision(server) == revision:
            return
        time.sleep(0.05)
    raise AssertionError(f"still serving {_revision(server)}; log:\n{server.log()}")


def _bundle_b():
    fw = duplicate_charge(replies=[
        reply("private", "private", [move("next", "Revision B: case {case_reference}.")]),
        reply("public", "public", [move("next", "Revision B, in public.")]),
    ])
    return dict(frameworks=[fw], revision=REV_B)


@pytest.mark.serve_options("--no-watch")
def test_sighup_reloads(fresh_server):
    first = _revision(fresh_server)
    write_bundle(fresh_server.bundle_path, **_bundle_b())
    time.sleep(1.5)
    assert _revision(fresh_server) == first  # not watching: only the signal reloads
    fresh_server.hup()
    _wait_for(fresh_server, REV_B)
    r = httpx.post(fresh_server.url + "/v1/draft", json={"intent": INTENT, "slots": SLOTS, "context": ctx()})
    assert r.json()["text"] == "Revision B: case BIL-20931."


def test_a_file_change_reloads(fresh_server):
    write_bundle(fresh_server.bundle_path, **_bundle_b())
    _wait_for(fresh_server, REV_B)


def test_a_broken_bundle_is_refused_and_the_old_one_kept(fresh_server):
    good = _revision(fresh_server)
    fresh_server.bundle_path.write_text('{"schema_version": "1.0", "revision": ', encoding="utf-8")
    fresh_server.hup()
    wait_for_log(fresh_server, "the new bundle does not load")
    time.sleep(1.2)  # and a poll of the file (every second) after it
    assert _revision(fresh_server) == good
    r = httpx.post(fresh_server.url + "/v1/draft", json={"intent": INTENT, "slots": SLOTS, "context": ctx()})
    assert r.status_code == 200
    assert "the new bundle does not load" in fresh_server.log()


def test_requests_during_reloads_see_one_whole_library(fresh_server):
    """Flip between two bundles while drafting: every answer is wholly A or wholly B."""
    a_text = None
    b_text = "Revision B: case BIL-20931."
    body = {"intent": INTENT, "slots": SLOTS, "context": ctx(seed="s")}
    with fresh_server.client() as c:
        a = c.post("/v1/draft", json=body).json()
    a_text = a["text"]
    seen: list[tuple[str, str]] = []
    stop = threading.Event()

    def hammer():
        with fresh_server.client() as c:
            while not stop.is_set():
                d = c.post("/v1/draft", json=body).json()
                seen.append((d["revision"], d["text"]))

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for i in range(6):
            if i % 2 == 0:
                write_bundle(fresh_server.bundle_path, **_bundle_b())
            else:
                write_bundle(fresh_server.bundle_path)
            fresh_server.hup()
            time.sleep(0.4)
        deadline = time.monotonic() + 30  # reloads run at a low CPU priority: on a busy machine they take longer
        while {rev for rev, _ in seen} != {make_bundle().revision, REV_B} and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert seen
    assert set(seen) <= {(make_bundle().revision, a_text), (REV_B, b_text)}
    assert {rev for rev, _ in seen} == {make_bundle().revision, REV_B}
