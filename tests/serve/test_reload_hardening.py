"""Reloading survives anything a bundle file holds, runs one load at a time, ends on the newest
file and logs every load and refusal where uvicorn's log shows it (issue #12, "reloads in serve")."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from bundle_builder import make_bundle
from serve_helpers import wait_for_log, write_bundle
from tactful.runtime import BundleError, load_bundle
from tactful.service.app import LibraryHolder, Reloader

REV = {c: "sha256:" + c * 64 for c in "bcdef"}


@pytest.mark.parametrize("raw", [
    "[" * 100_000,  # RecursionError in json.loads
    '{"schema_version": "².0"}',  # ValueError from int() once
    '{"schema_version": "١.٠"}',  # accepted once
    '{"a":' * 50_000 + "1" + "}" * 50_000,
])
def test_hostile_bundle_files_are_bundle_errors(tmp_path, raw):
    path = tmp_path / "bundle.json"
    path.write_text(raw, encoding="utf-8")
    with pytest.raises(BundleError):
        load_bundle(path)


def test_a_reload_never_raises_and_keeps_the_library(tmp_path, monkeypatch, caplog):
    path = tmp_path / "bundle.json"
    write_bundle(path)
    holder = LibraryHolder(path)
    kept = holder.library
    path.write_text("[" * 100_000, encoding="utf-8")
    assert holder.reload() is False and holder.library is kept

    def explode(_):
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr("tactful.service.reload.load_library", explode)
    with caplog.at_level("ERROR", logger="tactful.serve"):
        assert holder.reload() is False and holder.library is kept
    assert "RuntimeError: something nobody expected" in caplog.text


class CountingHolder:
    """A holder whose load takes a while and reads the file's current content, counting overlaps."""

    def __init__(self, path):
        self.path, self.loaded, self.active, self.most = path, [], 0, 0
        self.lock = threading.Lock()

    def reload(self):
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
        content = self.path.read_text()
        time.sleep(0.15)
        self.loaded.append(content)
        with self.lock:
            self.active -= 1
        if content == "boom":
            raise RecursionError("deep")
        return True

    async def refresh(self):
        return await asyncio.to_thread(self.reload)


def test_reload_requests_are_serialized_and_end_on_the_newest_file(tmp_path):
    """Two SIGHUPs close together started two loaders and the slower won: here a burst of requests
    while files change gives loads one at a time, and the last one reads the newest file."""
    path = tmp_path / "bundle.json"
    path.write_text("v0")
    holder = CountingHolder(path)
    reloader = Reloader(holder)

    async def scenario():
        task = asyncio.create_task(reloader.run())
        for i in range(1, 6):
            path.write_text("boom" if i == 3 else f"v{i}")
            reloader.request()
            await asyncio.sleep(0.04)
        while reloader.loads < 2 or holder.active or reloader._wanted.is_set():
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        task.cancel()

    asyncio.run(scenario())
    assert holder.most == 1, "two loads ran at once"
    assert holder.loaded[-1] == "v5"
    assert len(holder.loaded) < 5, "requests during a load are merged"


@pytest.mark.slow
@pytest.mark.serve_options("--no-watch")
def test_every_load_and_refusal_is_logged_and_the_newest_is_served(fresh_server):
    path = fresh_server.bundle_path
    path.write_text("[" * 100_000, encoding="utf-8")
    fresh_server.hup()
    wait_for_log(fresh_server, "nested too deeply")
    for c in "bcd":
        write_bundle(path, revision=REV[c])
        fresh_server.hup()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and httpx.get(fresh_server.url + "/healthz").json()["revision"] != REV["d"]:
        time.sleep(0.05)
    time.sleep(1)
    assert httpx.get(fresh_server.url + "/healthz").json()["revision"] == REV["d"]
    log = fresh_server.log()
    assert "nested too deeply" in log and "kept revision" in log
    assert f"now serving revision {REV['d'][:19]}" in log
    assert "Traceback" not in log


@pytest.mark.slow
def test_the_watcher_survives_a_hostile_file(fresh_server):
    path = fresh_server.bundle_path
    path.write_text('{"schema_version": "².0"}', encoding="utf-8")
    wait_for_log(fresh_server, "not of the form MAJOR.MINOR")  # a poll saw it and the load refused it
    write_bundle(path, revision=REV["e"])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and httpx.get(fresh_server.url + "/healthz").json()["revision"] != REV["e"]:
        time.sleep(0.1)
    assert httpx.get(fresh_server.url + "/healthz").json()["revision"] == REV["e"], fresh_server.log()
    assert "not of the form MAJOR.MINOR" in fresh_server.log()


def test_only_a_regular_bundle_file_of_bounded_size_is_read(tmp_path, monkeypatch):
    """The server reads the file it hands to a drafting engine: a device never ends, a FIFO never
    opens for reading without a writer, and a huge file would sit in the server's memory."""
    from tactful.service import reload

    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    with pytest.raises(BundleError, match="not a regular file"):
        reload.read_bundle(zero)
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.truncate(reload.MAX_BUNDLE + 1)  # sparse: nothing is written
    with pytest.raises(BundleError, match="larger than 512 MiB"):
        reload.read_bundle(big)
    with pytest.raises(BundleError, match="cannot read the bundle"):
        reload.read_bundle(tmp_path / "missing.json")
    write_bundle(tmp_path / "bundle.json")
    assert load_bundle(reload.read_bundle(tmp_path / "bundle.json")).revision == make_bundle().revision
