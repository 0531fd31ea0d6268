"""A bounded loopback load test (issue #12, "keep it covered"): clients draft flat out while the
bundle file is swapped (valid bundles, broken ones, hostile ones) and SIGHUPs arrive; no answer is
a 5xx or torn (each is wholly one revision's), and at the end the newest valid bundle is served.

A few seconds in `make test`; TACTFUL_LOAD_SECONDS sets the length (`make fuzz`: 30)."""

from __future__ import annotations

import os
import random
import threading
import time

import httpx
import pytest

from bundle_builder import SLOTS, ctx, duplicate_charge, make_bundle, move, reply
from serve_helpers import write_bundle
from tactful.runtime import Library

pytestmark = pytest.mark.slow
SECONDS = float(os.environ.get("TACTFUL_LOAD_SECONDS", "2"))
INTENT = "billing.duplicate_charge"
BROKEN = ['{"schema_version": "2.0", "revision": ', "[" * 100_000, '{"schema_version": "².0"}', "",
          '{"schema_version": "2.0", "revision": "x", "fields": 7}']


def revision(i: int) -> dict:
    """Bundle number i: its revision and its reply text say i, so a torn answer would disagree."""
    fw = duplicate_charge(replies=[
        reply("private", "private", [move("next", f"Revision {i}: case {{case_reference}}.")]),
        reply("public", "public", [move("next", f"Revision {i}, in public.")]),
    ])
    return dict(frameworks=[fw], revision="sha256:" + f"{i:064x}")


def test_swapping_bundles_under_load(fresh_server):
    rng = random.Random(12)
    body = {"intent": INTENT, "slots": SLOTS, "context": ctx(seed="s")}
    stop = threading.Event()
    answers: list[tuple[int, str, str]] = []
    failures: list[str] = []

    def client():
        with fresh_server.client() as c:
            while not stop.is_set():
                try:
                    r = c.post("/v1/draft", json=body)
                except httpx.TransportError as e:
                    failures.append(f"transport: {e!r}")
                    continue
                if r.status_code != 200:
                    answers.append((r.status_code, "", r.text[:200]))
                    continue
                d = r.json()
                answers.append((r.status_code, d["revision"], d["text"]))

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    newest = 0
    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        if rng.random() < 0.6:
            newest += 1
            write_bundle(fresh_server.bundle_path, **revision(newest))
        else:  # a broken or hostile file, written in place (not atomically, as an editor might)
            fresh_server.bundle_path.write_text(rng.choice(BROKEN), encoding="utf-8")
        if rng.random() < 0.5:
            fresh_server.hup()
        time.sleep(rng.uniform(0.02, 0.25))
    # one refusal for certain (how many loads the swaps above cause depends on the machine's speed)
    fresh_server.bundle_path.write_text(BROKEN[0], encoding="utf-8")
    fresh_server.hup()
    settle = time.monotonic() + 20
    while time.monotonic() < settle and "does not load" not in fresh_server.log():
        time.sleep(0.05)
    newest += 1
    write_bundle(fresh_server.bundle_path, **revision(newest))
    fresh_server.hup()
    want = revision(newest)["revision"]
    settle = time.monotonic() + 20
    while time.monotonic() < settle and httpx.get(fresh_server.url + "/healthz").json()["revision"] != want:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(timeout=30)

    assert not failures, failures[:3]
    assert len(answers) > 20
    assert not [a for a in answers if a[0] >= 500], [a for a in answers if a[0] >= 500][:3]
    assert not [a for a in answers if a[0] != 200], [a for a in answers if a[0] != 200][:3]
    first = Library(make_bundle())
    first_text = first.draft(INTENT, SLOTS, body["context"]).text
    for _, rev, text in answers:  # each answer wholly one revision's
        if rev == first.revision:
            assert text == first_text
        else:
            assert text == f"Revision {int(rev.removeprefix('sha256:'), 16)}: case BIL-20931.", (rev, text)
    assert httpx.get(fresh_server.url + "/healthz").json()["revision"] == want
    final = httpx.post(fresh_server.url + "/v1/draft", json=body).json()
    assert final["text"] == f"Revision {newest}: case BIL-20931."
    log = fresh_server.log()
    assert "Traceback" not in log and "now serving revision" in log and "does not load" in log
