"""One run: load → check → (lower). Returns a Result; never raises for bad input."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from tactful.api import Result
from tactful.diagnostics import Severity
from tactful.semantics import config as cfg
from tactful.semantics.checks import CHECKS
from tactful.semantics.checks.context import Context
from tactful.semantics.loader import discover, load
from tactful.semantics.scope import build_library


@contextmanager
def _no_cyclic_gc():
    """A run allocates millions of small, acyclic objects; the cyclic collector would rescan them all
    again and again (a third of the time of a large check) and find nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(paths: list[Path], *, lower: bool) -> Result:
    with _no_cyclic_gc():
        files = discover(paths)
        if _jobs(len(files)) < 2:
            return _finish(*_part(paths, files, None, lower=lower), lower=lower)
        return _run_in_two(paths, files, lower=lower)


# ---- one process, or two ---------------------------------------------------------------------------
#
# A large library is parsed and checked by two processes (fork). The files are handed out in small
# batches to whichever process asks first, so a process that runs faster (machines are noisy) parses
# more; each then reads only the declarations and framework heads of the files the other took: what
# a check of one file needs to know of the others. Each reports the diagnostics of its own files, and
# lowers its own frameworks when building; only those (small) results cross over. Checks across
# files (duplicate intents, import cycles, the taxonomy) see every head and declaration in both
# processes, so each reports its share.

MIN_FILES_FOR_TWO = 300  # below this, a second process costs more than it saves (measured)
_KEPT: list = []  # what the forked process checked (see _second_half)


def _jobs(files: int) -> int:
    setting = os.environ.get("TACTFUL_JOBS", "")
    if setting.isdigit():
        return min(int(setting), 2)
    if sys.platform != "linux" or len(os.sched_getaffinity(0)) < 2 or threading.active_count() > 1:
        return 1  # fork is only safe in a process with one thread (an editor server may have more)
    return 2 if files >= MIN_FILES_FOR_TWO else 1


class _Batches:
    """Files handed out in batches to whichever process asks first: the batch numbers wait in a
    pipe, one byte each, and a read takes the next one (reads from a pipe never split a byte)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.size = max(1, -(-count // 200))  # at most 200 batches, so a number fits in a byte
        self.fd, write = os.pipe()
        os.write(write, bytes(range(-(-count // self.size))))
        os.close(write)  # the pipe ends when it is empty

    def __iter__(self):
        while batch := os.read(self.fd, 1):
            start = batch[0] * self.size
            yield range(start, min(start + self.size, self.count))


def _part(paths: list[Path], files: list, claims, *, lower: bool):
    """Load and check, keeping the diagnostics this process owns: (program, ctx, diagnostics)."""
    program, diagnostics = load(paths, files, claims)
    lib = build_library(program)
    ctx = Context(program, lib)
    for check in CHECKS:
        diagnostics.extend(check(ctx))
    sups = {}
    for module in program.modules.values():
        src = program.sources.get(module.path)
        if src is None or not module.comments or module.partial:
            continue
        items, sdiags = cfg.suppressions(module, src)
        diagnostics.extend(sdiags)
        if items:
            sups[module.path] = items
    if claims is not None:
        elsewhere = {m.path for m in program.modules.values() if m.partial}
        diagnostics = [d for d in diagnostics if d.span.file not in elsewhere]
    return program, ctx, cfg.apply(diagnostics, program.config, sups)


def _finish(program, ctx, diagnostics, *, lower: bool, elsewhere: tuple = ()) -> Result:
    unique = {}
    for d in diagnostics:
        unique.setdefault((d.code, d.span.file, d.span.start, d.span.end, d.message), d)
    diagnostics = sorted(unique.values(), key=lambda d: d.sort_key())
    frameworks = sum(1 for m, _ in ctx.all_frameworks() if m not in program.stdlib_modules)
    result = Result(diagnostics=diagnostics, sources=program.sources, frameworks=frameworks, root=program.root,
                    config=program.config, program=program)
    if lower and not any(d.effective_severity is Severity.ERROR for d in diagnostics):
        from tactful.runtime.bundle import Framework
        from tactful.semantics.lower import lower as lower_program

        others = [Framework.model_validate_json(text) for text in elsewhere]
        result.bundle = lower_program(ctx, program.revision(), others)
    return result


def _second_half(paths: list[Path], files: list, batches: _Batches, lower: bool) -> tuple[list, list[str] | None]:
    """The forked process's share: its diagnostics, and its frameworks lowered (as JSON) when building."""
    with _no_cyclic_gc():
        _, ctx, diagnostics = _part(paths, files, batches, lower=lower)
        _KEPT.append(ctx)  # this process ends with os._exit: freeing its ASTs would only delay the answer
        frameworks = None
        if lower and not any(d.effective_severity is Severity.ERROR for d in diagnostics):
            from tactful.semantics.lower import lower_frameworks

            frameworks = [fw.model_dump_json() for fw in lower_frameworks(ctx)]
        return diagnostics, frameworks


def _run_in_two(paths: list[Path], files: list, *, lower: bool) -> Result:
    from tactful.syntax.parser import _parser

    _parser()  # build (or load) the parser once, before the fork, for both processes
    batches = _Batches(len(files))
    try:
        child, pipe = _fork(_second_half, paths, files, batches, lower)
        try:
            program, ctx, diagnostics = _part(paths, files, batches, lower=lower)
        except BaseException:
            os.kill(child, signal.SIGKILL)  # nobody will read its answer
            os.waitpid(child, 0)
            os.close(pipe)
            raise
    finally:
        os.close(batches.fd)
    their_diagnostics, their_frameworks = _join(child, pipe)
    if lower and their_frameworks is None:
        lower = False  # the other half has errors: no bundle
    return _finish(program, ctx, diagnostics + their_diagnostics, lower=lower, elsewhere=tuple(their_frameworks or ()))


def _fork(fn, *args) -> tuple[int, int]:
    """Run fn(*args) in a forked process; its pickled outcome comes back through a pipe (see _join)."""
    import pickle
    import traceback

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, then leave without running the parent's exit handlers
        try:
            os.close(read)
            try:
                payload = pickle.dumps(("ok", fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
                payload = pickle.dumps(("error", traceback.format_exc()))
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write)
    return pid, read


def _join(pid: int, read: int):
    import pickle

    with os.fdopen(read, "rb") as answer:
        data = answer.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data) if data else ("error", "it ended without an answer")
    if status != "ok":
        raise RuntimeError(f"the second checking process failed: {value}")
    return value
