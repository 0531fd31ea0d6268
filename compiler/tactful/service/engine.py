"""A drafting engine: a process of its own that loads one bundle and answers requests from it.

Why a process: loading a bundle costs CPU (validation, compiling patterns and conditions), and much
of it runs in single calls that hold the interpreter lock for tens or hundreds of milliseconds. Done
in the server's process, a reload stalled every request (issue #12: p99 from 28 ms to 860 ms). So
`tactful serve` answers from an engine, and a reload starts a new engine, loads and warms the new
bundle there, and adopts it only when it is ready: adopting is swapping one reference, the old
engine finishes what it was asked and exits. The server keeps the connections, so no client sees a
reload but in the revision of its answers. A hostile bundle costs an engine, never the server.

The server (engine_client.Engine) starts it as `python -m tactful.service.engine FD`, FD being its
end of a socket pair. Both directions carry frames: a header (request id, code, length) and `length` bytes. The first
request is `load` with the bundle's bytes; the answer is 200 and what `answers.describe` gives, or
an error status and `{"error", "internal"}` (and the engine exits). Then each request is an
operation of `answers.answer` with its JSON body, answered with the HTTP status and body that
`answers.answer` gives, in the order asked. End of file on the socket ends the engine.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import sys
import threading

# What is imported before the loading thread lowers its priority runs at the server's: so only what
# that takes (the runtime and answers.py are imported by the loading thread; asyncio, which the
# server's side needs, lives in engine_client.py).

HEADER = struct.Struct("!IHI")  # request id, operation (to the engine) or HTTP status (from it), body length
CODES = ("load", "draft", "verify", "frameworks", "framework")  # `load`, then the operations of answers.answer


def send_frame(sock: socket.socket, ident: int, code: int, body: bytes) -> None:
    sock.sendall(HEADER.pack(ident, code, len(body)) + body)


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket) -> tuple[int, int, bytes] | None:
    head = _recv_exactly(sock, HEADER.size)
    if head is None:
        return None
    ident, code, length = HEADER.unpack(head)
    body = _recv_exactly(sock, length)
    return None if body is None else (ident, code, body)


# --- the engine's side ------------------------------------------------------------------------------


LOAD_NICENESS = 10  # how much lower the CPU priority of loading is than that of answering


def load(sock: socket.socket):  # -> Library | None
    """Import the runtime, then load and warm the bundle of the first frame and say whether it
    loaded. Runs at a lower CPU priority where the system allows it for one thread (Linux): on a
    machine with fewer idle cores than busy processes, the server's answers come first."""
    if sys.platform.startswith("linux"):  # a thread's own nice value on Linux; raising it needs no privilege
        try:
            me = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, me, os.getpriority(os.PRIO_PROCESS, me) + LOAD_NICENESS)
        except OSError:
            pass
    from tactful.runtime.errors import BundleError
    from tactful.runtime.library import load_library
    from tactful.service.answers import describe, encode, warm

    first = recv_frame(sock)
    if first is None or CODES[first[1]] != "load":
        return None
    try:
        library = load_library(first[2])
        warm(library)
    except BundleError as e:
        send_frame(sock, first[0], 422, encode({"error": str(e), "internal": False}))
        return None
    except Exception as e:  # noqa: BLE001 - whatever a hostile file provokes is a refusal, reported to the server
        send_frame(sock, first[0], 500, encode({"error": f"{type(e).__name__}: {str(e)[:200]}", "internal": True}))
        return None
    send_frame(sock, first[0], 200, encode(describe(library)))
    return library


def serve(sock: socket.socket, library) -> None:
    """Answer frames until the socket closes."""
    import json
    import traceback

    from tactful.service.answers import answer, encode, error_body

    while (frame := recv_frame(sock)) is not None:
        ident, code, body = frame
        try:
            status, out = answer(library, CODES[code], json.loads(body))
        except Exception:  # noqa: BLE001 - a bug: its traceback goes to the server's log, the client gets a bare 500
            traceback.print_exc()
            status, out = 500, encode(error_body("internal_error", "internal error"))
        send_frame(sock, ident, status, out)


def main(argv: list[str]) -> int:
    # The server handles these; a terminal's Ctrl-C or hang-up reaches the whole process group, and
    # the engine ends when the server closes its socket (or exits, however it exits).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    with socket.socket(fileno=int(argv[0])) as sock:
        loaded: list = []
        loader = threading.Thread(target=lambda: loaded.append(load(sock)), name="load")
        loader.start()  # this thread answers afterwards, at the priority it started with
        loader.join()
        try:
            if loaded and loaded[0] is not None:
                serve(sock, loaded[0])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server went away
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
