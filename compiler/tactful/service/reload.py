"""The library in service, and its reloading, for both ways the service answers.

In the server's own process (LibraryHolder; `create_app`'s default, for tests and for embedding the
app in another server) a library is loaded in a worker thread and answers from worker threads. In
engines (EngineHolder; `tactful serve`) each library lives in a drafting engine, a process of its
own (engine.py), and the server only forwards requests: loading never competes with answering for
the interpreter lock, so a reload does not slow the answers down.

Either way a holder's `backend` is replaced only by a completely loaded (and, in an engine, warmed)
one, with one reference assignment: each request reads it once and is answered by one library from
start to end. One Reloader runs the loads one at a time and merges requests, so the service always
ends on the newest file; a bundle that does not load, for any reason, is logged and refused, the
library in service stays, and neither the loader nor the watcher ever stops.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from tactful.runtime.errors import BundleError
from tactful.runtime.library import Library, load_library
from tactful.service.answers import Answer, answer, context_schema, encode, error_body
from tactful.service.engine_client import Engine, EngineGone
from tactful.service.limits import DRAFT_BUDGET, LOAD_TIMEOUT, MAX_BUNDLE
log = logging.getLogger("tactful.serve")

_DOING = {"draft": "drafting", "verify": "verifying"}


def _busy(operation: str, request: dict[str, Any], budget: float) -> Answer:
    log.error("tactful: a %s of %.200r took longer than %.1f s; answered 503", operation, request.get("intent"), budget)
    message = f"{_DOING.get(operation, 'answering')} took longer than {budget:g} s"
    return 503, encode(error_body("busy", message, [([], message)]))


class Backend(Protocol):
    """One loaded library, as the app sees it."""

    revision: str
    frameworks: int
    context_schema: dict

    async def ask(self, operation: str, request: dict[str, Any]) -> Answer: ...


class LocalBackend:
    """A library in this process: each answer is made in a worker thread, within the time budget
    (a thread that overruns it finishes in the background)."""

    def __init__(self, library: Library, budget: float = DRAFT_BUDGET):
        self.library = library
        self.budget = budget

    @property
    def revision(self) -> str:
        return self.library.revision

    @property
    def frameworks(self) -> int:
        return len(self.library.bundle.frameworks)

    @cached_property
    def context_schema(self) -> dict:
        return context_schema(self.library)

    async def ask(self, operation: str, request: dict[str, Any]) -> Answer:
        try:
            return await asyncio.wait_for(asyncio.to_thread(answer, self.library, operation, request), self.budget)
        except TimeoutError:
            return _busy(operation, request, self.budget)


class EngineBackend:
    """A library in a drafting engine. A request that overruns its budget, or an engine that stops,
    is answered with 503 and reported to `trouble`, which replaces the engine."""

    def __init__(self, engine: Engine, about: dict, budget: float, trouble: Callable[[EngineBackend], None]):
        self.engine = engine
        self.revision: str = about["revision"]
        self.frameworks: int = about["frameworks"]
        self.context_schema: dict = about["context_schema"]
        self.budget = budget
        self._trouble = trouble

    async def ask(self, operation: str, request: dict[str, Any]) -> Answer:
        body = json.dumps(request).encode("ascii")  # \u escapes and NaN: the values arrive as the client sent them
        try:
            return await self.engine.ask(operation, body, self.budget)
        except TimeoutError:
            self._trouble(self)
            return _busy(operation, request, self.budget)
        except EngineGone as e:
            log.error("tactful: %s; a new one is being started", e)
            self._trouble(self)
            message = "the drafting engine stopped; try again in a moment"
            return 503, encode(error_body("unavailable", message, [([], message)]))


def _stat(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def read_bundle(path: Path) -> bytes:
    """The bytes of a bundle file, read only if it is a regular file (a FIFO would wait forever, a
    device need not end) of at most MAX_BUNDLE bytes. Raises BundleError."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO opens without waiting for a writer
    except OSError as e:
        raise BundleError(f"cannot read the bundle {path}: {e.strerror or e}") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise BundleError(f"the bundle {path} is not a regular file")
        if st.st_size > MAX_BUNDLE:
            raise BundleError(f"the bundle {path} is larger than {MAX_BUNDLE >> 20} MiB")
        try:
            raw = f.read(MAX_BUNDLE + 1)
        except OSError as e:
            raise BundleError(f"cannot read the bundle {path}: {e.strerror or e}") from None
    if len(raw) > MAX_BUNDLE:
        raise BundleError(f"the bundle {path} is larger than {MAX_BUNDLE >> 20} MiB")
    return raw


class LibraryHolder:
    """The library in service, in this process. `backend` is replaced only by a completely loaded one."""

    def __init__(self, path: str | os.PathLike, budget: float = DRAFT_BUDGET):
        self.path = Path(path)
        self.budget = budget
        self._stamp = _stat(self.path)
        self.backend = LocalBackend(load_library(self.path).prepare(), budget)  # prepared before it serves

    @property
    def library(self) -> Library:
        return self.backend.library

    def reload(self) -> bool:
        """Load the bundle again; swap it in only when it loads. Returns whether it was swapped.

        Never raises: whatever goes wrong (a BundleError, or anything a hostile file provokes) is
        logged as a refusal and the library in service stays."""
        self._stamp = _stat(self.path)
        kept = self.backend.revision[:19]
        try:
            fresh = load_library(self.path).prepare()  # a bundle that does not prepare is refused here, not per request
        except BundleError as e:
            log.error("tactful: kept revision %s; the new bundle does not load: %s", kept, e)
            return False
        except Exception as e:  # noqa: BLE001 - a reload must never stop the service or its watcher
            log.error("tactful: kept revision %s; the new bundle does not load (internal error: %s: %s)",
                      kept, type(e).__name__, str(e)[:200])
            return False
        self.backend = LocalBackend(fresh, self.budget)  # one reference assignment: the old or the new, never a mix
        log.info("tactful: now serving revision %s (loaded %s)", fresh.revision[:19], self.path.name)
        return True

    async def refresh(self) -> bool:
        return await asyncio.to_thread(self.reload)

    def changed(self) -> bool:
        stamp = _stat(self.path)
        return stamp is not None and stamp != self._stamp

    async def start(self, reloader: Reloader) -> None:
        pass

    async def stop(self) -> None:
        pass


class EngineHolder:
    """The library in service, in a drafting engine; a spare engine waits, its imports done, for the
    next reload. The first load happens in the constructor (it raises BundleError when the bundle
    does not load); `start` must run on the event loop before the first request."""

    def __init__(self, path: str | os.PathLike, budget: float = DRAFT_BUDGET, load_timeout: float = LOAD_TIMEOUT):
        self.path = Path(path)
        self.budget = budget
        self.load_timeout = load_timeout
        self._stamp = _stat(self.path)
        self._spare: Engine | None = None
        self._closing: set[asyncio.Task] = set()
        self._reloader: Reloader | None = None
        raw = read_bundle(self.path)
        engine = Engine()
        try:
            status, body = engine.load_now(raw, load_timeout)
        except EngineGone as e:
            engine.kill()
            raise BundleError(str(e)) from None
        del raw
        if status != 200:
            engine.kill()
            raise BundleError(f"{self.path}: {json.loads(body)['error']}")
        self.backend = EngineBackend(engine, json.loads(body), budget, self._trouble)

    async def start(self, reloader: Reloader) -> None:
        self._reloader = reloader
        await self.backend.engine.attach()
        self._spare = Engine()

    async def stop(self) -> None:
        engines = [self.backend.engine] + ([self._spare] if self._spare else [])
        self._spare = None
        await asyncio.gather(*(e.close(grace=1.0) for e in engines), *self._closing, return_exceptions=True)

    def changed(self) -> bool:
        stamp = _stat(self.path)
        return stamp is not None and stamp != self._stamp

    async def refresh(self) -> bool:
        """Load the file in a new engine and adopt it when it is ready. Never raises."""
        self._stamp = _stat(self.path)
        kept = self.backend.revision[:19]
        try:
            return await self._refresh(kept)
        except Exception as e:  # noqa: BLE001 - a reload must never stop the service or its watcher
            log.error("tactful: kept revision %s; the reload failed (internal error: %s: %s)", kept, type(e).__name__, str(e)[:200])
            return False

    async def _refresh(self, kept: str) -> bool:
        try:
            raw = await asyncio.to_thread(read_bundle, self.path)
        except BundleError as e:
            log.error("tactful: kept revision %s; the new bundle does not load: %s", kept, e)
            return False
        engine, self._spare = self._spare or Engine(), None
        try:
            status, body = await engine.load(raw, self.load_timeout)
        except asyncio.CancelledError:  # the server is stopping
            engine.abort()
            raise
        except (EngineGone, TimeoutError) as e:
            log.error("tactful: kept revision %s; the new bundle does not load: %s", kept,
                      e if isinstance(e, EngineGone) else f"loading took longer than {self.load_timeout:g} s")
            await engine.close(grace=0)
            self._spare = Engine()
            return False
        finally:
            del raw
        about = json.loads(body)
        if status != 200:
            if about.get("internal"):
                log.error("tactful: kept revision %s; the new bundle does not load (internal error: %s)", kept, about["error"])
            else:
                log.error("tactful: kept revision %s; the new bundle does not load: %s", kept, about["error"])
            self._retire(engine)  # it exits by itself after a refused load
            self._spare = Engine()
            return False
        old, self.backend = self.backend, EngineBackend(engine, about, self.budget, self._trouble)
        log.info("tactful: now serving revision %s (loaded %s)", self.backend.revision[:19], self.path.name)
        self._retire(old.engine)
        self._spare = Engine()
        return True

    def _retire(self, engine: Engine) -> None:
        """The engine answers what it was asked (within the budget), then ends."""
        task = asyncio.get_running_loop().create_task(engine.close(grace=self.budget + 1))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def _trouble(self, backend: EngineBackend) -> None:
        """The engine in service overran a budget or stopped: load the file in a new one."""
        if backend is self.backend and self._reloader is not None:
            self._reloader.request()


class Holder(Protocol):
    backend: Backend

    async def refresh(self) -> bool: ...
    def changed(self) -> bool: ...


class Reloader:
    """The one loader of a service: requests for a reload (SIGHUP, a changed file) are merged, and
    loads run one at a time, never on the event loop. A request that arrives during a load causes
    one more load after it, so the last load always starts after the last request and the service
    ends on the newest file."""

    def __init__(self, holder: Holder):
        self.holder = holder
        self._wanted = asyncio.Event()
        self.loads = 0  # finished loads, swapped or refused (for tests and logs)

    def request(self) -> None:
        self._wanted.set()

    async def run(self) -> None:
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            try:
                await self.holder.refresh()
            except Exception:  # noqa: BLE001 - refresh() logs its own failures; this is a bug's last net
                log.exception("tactful: the reload failed; the library in service stays")
            self.loads += 1

    async def watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                if self.holder.changed():
                    self.request()
            except Exception:  # noqa: BLE001 - the watcher must outlive anything the file system does
                log.exception("tactful: could not check the bundle file for changes")
