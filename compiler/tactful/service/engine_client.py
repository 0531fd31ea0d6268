"""The server's side of a drafting engine (engine.py): starting one, giving it a bundle, asking it.

Requests are written as frames on the engine's socket and answered in order; the server may have
many in flight (one per request being answered), each with its time budget.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import subprocess
import sys

from tactful.service.answers import Answer
from tactful.service.engine import CODES, HEADER, recv_frame, send_frame


class EngineGone(Exception):
    """The engine's process stopped, or its socket closed, before it answered."""


class Engine:
    """An engine process, from the server's side. Starting one is cheap for the server (the new
    process imports the runtime on its own CPU time); `load` or `load_now` gives it its bundle."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tactful.service.engine", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
            )
        self._sock = ours
        self._writer: asyncio.StreamWriter | None = None
        self._listener: asyncio.Task | None = None
        self._pending: dict[int, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self.gone = False

    def load_now(self, raw: bytes, timeout: float) -> Answer:
        """Load, blocking (before the server's event loop runs). Raises EngineGone."""
        self._sock.settimeout(timeout)
        try:
            send_frame(self._sock, 0, CODES.index("load"), raw)
            frame = recv_frame(self._sock)
        except OSError as e:  # socket.timeout included
            raise EngineGone(f"the drafting engine did not load the bundle ({e or 'timed out'})") from None
        finally:
            self._sock.settimeout(None)
        if frame is None:
            raise EngineGone(self._exit_note("while loading the bundle"))
        return frame[1], frame[2]

    async def attach(self) -> None:
        """Start reading answers (once, on the event loop that will ask)."""
        if self._writer is None:
            reader, self._writer = await asyncio.open_connection(sock=self._sock)
            self._listener = asyncio.create_task(self._listen(reader))

    async def load(self, raw: bytes, timeout: float) -> Answer:
        await self.attach()
        return await self.ask("load", raw, timeout)

    async def ask(self, operation: str, body: bytes, timeout: float | None) -> Answer:
        """The engine's answer. Raises TimeoutError after `timeout` seconds, EngineGone if it stops."""
        if self.gone or self._writer is None:
            raise EngineGone("the drafting engine has stopped")
        ident = next(self._ids) % (1 << 32)
        future = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        try:
            self._writer.write(HEADER.pack(ident, CODES.index(operation), len(body)) + body)
            if len(body) > 1 << 16:
                await self._writer.drain()
            return await asyncio.wait_for(future, timeout)
        finally:
            self._pending.pop(ident, None)

    async def _listen(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                ident, status, length = HEADER.unpack(await reader.readexactly(HEADER.size))
                body = await reader.readexactly(length)
                future = self._pending.get(ident)
                if future is not None and not future.done():
                    future.set_result((status, body))
        except (asyncio.IncompleteReadError, OSError):
            pass
        finally:
            self.gone = True
            note = self._exit_note("before it answered")
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(EngineGone(note))

    def _exit_note(self, when: str) -> str:
        code = self.process.poll()
        how = f" (exit status {code})" if code is not None else ""
        return f"the drafting engine stopped {when}{how}"

    async def close(self, grace: float) -> None:
        """Let the engine answer what it was asked (within `grace` seconds), then end it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self._pending and not self.gone and loop.time() < deadline:
            await asyncio.sleep(0.01)
        if self._writer is not None:
            self._writer.close()
        else:
            self._sock.close()
        try:
            await asyncio.to_thread(self.process.wait, max(0.1, deadline - loop.time()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            await asyncio.to_thread(self.process.wait)
        if self._listener is not None:
            await self._listener

    def kill(self) -> None:
        """End the engine now and wait for it (before the event loop runs, or after it stopped)."""
        self.abort()
        self.process.wait()

    def abort(self) -> None:
        """End the engine now, without waiting (a load cancelled with the server)."""
        if self._writer is not None:
            self._writer.close()
        else:
            self._sock.close()
        if self.process.poll() is None:
            self.process.kill()
