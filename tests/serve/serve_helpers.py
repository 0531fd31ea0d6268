"""Helpers for the HTTP tests (own module name: every folder's conftest is `conftest`).

A real `tactful serve` process on a free loopback port, serving a bundle from the builder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "runtime"))
from tactful.emit.bundle import bundle_json
from bundle_builder import make_bundle  # noqa: E402


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    bundle_path: Path

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, **kw)

    def hup(self) -> None:
        self.process.send_signal(signal.SIGHUP)

    def log(self) -> str:
        return (self.bundle_path.parent / "server.log").read_text(encoding="utf-8", errors="replace")


def wait_for_log(server: Server, text: str, timeout: float = 15) -> None:
    """Until the server's log says text (a load or a refusal is logged when it is done)."""
    deadline = time.monotonic() + timeout
    while text not in server.log():
        if time.monotonic() > deadline:
            raise AssertionError(f"the log never said {text!r}:\n{server.log()}")
        time.sleep(0.05)


def write_bundle(path: Path, **overrides) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(bundle_json(make_bundle(**overrides)), encoding="utf-8")
    os.replace(tmp, path)


def start_server(bundle_path: Path, *options: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Server:
    """`tactful serve BUNDLE OPTIONS…` on a free loopback port; env: variables over this process's;
    cwd: the folder it runs in (its tactful.toml is the project's)."""
    port = free_port()
    log = open(bundle_path.parent / "server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tactful", "serve", str(bundle_path), "--host", "127.0.0.1", "--port", str(port), *options],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, cwd=cwd,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"tactful serve exited with {process.returncode}:\n" + (bundle_path.parent / "server.log").read_text())
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return Server(url, process, bundle_path)
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("tactful serve did not answer within 30 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
