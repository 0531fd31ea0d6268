"""Slow clients hold nothing for long (issue #12: uvicorn ran without header or body read timeouts, so
a client sending its headers a byte a second was held for minutes): a request's line and headers
must arrive within --header-timeout, its body within --body-timeout, and beyond --max-connections
uvicorn answers 503; meanwhile everyone else is served. A real `tactful serve` on loopback, with
timeouts of a second so each test takes a few."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from bundle_builder import SLOTS, ctx

pytestmark = pytest.mark.slow
TIMEOUT = 1.0
DRAFT = {"intent": "billing.duplicate_charge", "slots": SLOTS, "context": ctx()}


def _connect(server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def _closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closes the connection (end of file or reset), None if it does not."""
    started = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def _trickle(sock: socket.socket, data: bytes, every: float, stop: threading.Event) -> None:
    """Send data a byte at a time, until the server closes the connection or stop is set."""
    for byte in data:
        if stop.wait(every):
            return
        try:
            sock.send(bytes([byte]))
        except OSError:
            return


@pytest.mark.serve_options("--no-watch", "--header-timeout", str(TIMEOUT))
def test_a_client_trickling_its_headers_is_cut_off_and_others_are_served(fresh_server):
    head = b"POST /v1/draft HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 200
    slow = _connect(fresh_server)
    stop = threading.Event()
    trickler = threading.Thread(target=_trickle, args=(slow, head, 0.1, stop))
    started = time.monotonic()
    trickler.start()
    try:
        with fresh_server.client() as others:  # served while the slow client trickles
            answers = [others.post("/v1/draft", json=DRAFT).status_code for _ in range(5)]
        took = _closed_within(slow, 10)
    finally:
        stop.set()
        trickler.join()
        slow.close()
    assert answers == [200] * 5
    assert took is not None, "the slow client was still connected after 10 s"
    assert TIMEOUT * 0.8 <= time.monotonic() - started < TIMEOUT + 3


@pytest.mark.serve_options("--no-watch", "--header-timeout", str(TIMEOUT))
def test_a_connection_that_sends_nothing_is_closed(fresh_server):
    idle = _connect(fresh_server)
    try:
        took = _closed_within(idle, 10)
    finally:
        idle.close()
    assert took is not None and took < TIMEOUT + 3


@pytest.mark.serve_options("--no-watch", "--header-timeout", str(TIMEOUT), "--keep-alive", "5")
def test_the_deadline_is_per_request_head_not_per_connection(fresh_server):
    """A keep-alive client pausing between requests for longer than the head deadline (but less than
    the keep-alive time) is not cut off: the deadline starts at a request's first byte."""
    with fresh_server.client() as c:
        for _ in range(3):
            assert c.post("/v1/draft", json=DRAFT).status_code == 200
            time.sleep(TIMEOUT * 1.5)
        assert c.get("/healthz").status_code == 200
    sock = _connect(fresh_server)
    try:  # a whole request sent slowly but each head within the deadline
        for part in (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n\r\n"):
            sock.sendall(part)
            time.sleep(TIMEOUT * 0.4)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        sock.close()


@pytest.mark.serve_options("--no-watch", "--body-timeout", str(TIMEOUT))
def test_a_body_that_does_not_arrive_in_time_is_408(fresh_server):
    sock = _connect(fresh_server)
    try:
        sock.sendall(b"POST /v1/draft HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        started = time.monotonic()
        sock.settimeout(10)
        answer = sock.recv(4096)
        took = time.monotonic() - started
        while b"did not arrive" not in answer and (more := sock.recv(4096)):  # the body may come apart
            answer += more
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408") and b"did not arrive within 1 s" in answer
    assert took < TIMEOUT + 3


@pytest.mark.serve_options("--no-watch", "--max-connections", "3", "--header-timeout", "30")
def test_beyond_the_connection_limit_requests_are_503(fresh_server):
    held = [_connect(fresh_server) for _ in range(3)]
    try:
        time.sleep(0.3)
        r = httpx.get(fresh_server.url + "/healthz", timeout=10)
        assert r.status_code == 503
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 10
    while httpx.get(fresh_server.url + "/healthz", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "still refusing after the connections closed"
        time.sleep(0.1)
