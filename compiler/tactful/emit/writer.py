"""The only code that writes compiled outputs to disk: a whole output folder at once, or nothing.

Decisions (issue #12: killed builds left a truncated bundle.json, or old and new files mixed; two
builds into one folder at once mixed two libraries; a symlinked `templates/` made pruning delete
files elsewhere):

- A write builds the complete new folder beside the output folder (`.<name>.tactful-new-…`), then
  swaps it in with one rename, so the output folder holds the complete old outputs or the complete
  new ones, whenever the process dies. On Linux the swap is `renameat2(RENAME_EXCHANGE)`, which
  exchanges two folders atomically; elsewhere (or on a file system without it) the old folder is
  renamed aside and the new one into place, and a write that finds the output folder missing with
  an old one aside puts it back first.
- Files in the output folder that the outputs do not own (a test report, a docs folder) are carried
  into the new folder as hard links (copies where links are impossible), so they stay, unchanged.
  Files of a pruned folder ({"templates": ".j2"}) that are not among the outputs are not carried:
  a rebuild gives the same folder as a build into an empty one.
- Nothing is followed out of the output folder: a symlink in it is carried as a symlink (never
  read through, never deleted through); an output path where a symlink stood gets a regular file.
  The output folder itself may be a symlink: the folder it names is the one replaced.
- One writer at a time: a lock file beside the output folder (`.<name>.tactful-lock`, filelock). A
  second writer waits for it, up to `wait` seconds, then fails with a message that says so.
- An output whose file in the old folder already holds the same bytes is not written again: the
  new folder gets a hard link to that file (a rebuild after a small change writes only the files
  that changed, and the others keep their modification times). Only regular files are compared:
  an output where a symlink stood is written. The old file is never changed, so the old folder
  stays complete until the swap. When the folder already holds exactly what the write would leave,
  nothing is written at all.
- Files are not fsynced: the guarantee is against a killed process, not a power cut.
- Leftovers of a killed write (`.<name>.tactful-new-…`, `.<name>.tactful-old-…`) are removed by the
  next write, under the lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_WAIT = 60.0  # seconds a write waits for another one into the same folder


class OutputBusy(OSError):
    """Another write into the same output folder did not finish within the wait."""


def write(outputs: dict[str, str], out_dir: Path, *, prune: dict[str, str] | None = None,
          wait: float = LOCK_WAIT, _before_swap: Callable[[], None] | None = None) -> list[Path]:
    """Write each output under out_dir, with `\\n` endings whatever the platform, replacing the
    folder in one step (see the module's docstring). Returns the paths written.

    prune maps folders of out_dir that the outputs own to the suffix of their files ({"templates":
    ".j2"}): such files that are not among the outputs are left from an earlier build and are not
    kept. Everything else in out_dir is kept. Raises OSError (OutputBusy when another write holds
    the folder) and ValueError for an output path outside the folder."""
    for rel in outputs:
        if not rel or rel.startswith("/") or ".." in rel.replace("\\", "/").split("/"):
            raise ValueError(f"refusing to write outside the output folder: {rel}")
    out = Path(os.path.realpath(out_dir)) if os.path.islink(out_dir) else Path(os.path.abspath(out_dir))
    parent, name = out.parent, out.name
    parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(parent / f".{name}.tactful-lock"))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise OutputBusy(f"another tactful build is writing into {out_dir} (waited {wait:g} s for it); "
                         "try again when it has finished") from None
    try:
        _recover(parent, name)
        if out.is_dir() and not out.is_symlink() and _unchanged(str(out), outputs, prune or {}):
            return [Path(out_dir) / rel for rel in sorted(outputs)]  # what a write would leave is there
        new = parent / f".{name}.tactful-new-{secrets.token_hex(6)}"
        os.mkdir(new)
        try:
            old = None
            if out.is_dir():
                os.chmod(new, stat.S_IMODE(out.stat().st_mode))
                _carry(out, new, outputs, prune or {})
                old = str(out)
            _write_all(outputs, str(new), old)
            if _before_swap is not None:
                _before_swap()
            _swap(new, out, parent, name)
        finally:
            if new.exists() or new.is_symlink():  # the old folder after an exchange, or an unfinished new one
                shutil.rmtree(new, ignore_errors=True)
    finally:
        lock.release()
    return [Path(out_dir) / rel for rel in sorted(outputs)]


def _write_all(outputs: dict[str, str], new: str, old: str | None = None) -> None:
    """Each output as a new file under new (a folder of this write's own): each folder made once,
    each file opened, written and closed with three system calls (a build writes thousands), or
    linked from old when old's file holds the same bytes (see _same)."""
    made = {""}
    real: dict[str, bool] = {"": True}  # folders of old that are folders, not symlinks (nothing is followed out)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for rel, text in sorted(outputs.items()):
        folder = rel.rpartition("/")[0]
        if folder not in made:
            os.makedirs(os.path.join(new, folder), exist_ok=True)
            made.update(_ancestors(folder))
        encoded = text.encode("utf-8")  # `\n` stays `\n`: the file is written as bytes
        target = os.path.join(new, rel)
        if old is not None and _real_folder(old, folder, real) and _same(os.path.join(old, rel), encoded):
            try:
                os.link(os.path.join(old, rel), target, follow_symlinks=False)
                continue
            except OSError:  # a file system without hard links (or at its limit): write it
                pass
        data = memoryview(encoded)
        fd = os.open(target, flags, 0o666)
        try:
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)


def _unchanged(out: str, outputs: dict[str, str], prune: dict[str, str]) -> bool:
    """Whether out already holds what writing outputs into it would leave: each output a regular
    file with the same bytes, in real folders (no symlink on the way), and in the pruned folders
    nothing a write would drop (a file left from an earlier build, a folder no output is in). A
    rebuild of unchanged sources then touches nothing; when anything differs (a new revision makes
    bundle.json differ at once) the folder is written as usual."""
    folders = {a for rel in outputs for a in _ancestors(rel.rpartition("/")[0])}
    for folder in folders:
        try:
            if not stat.S_ISDIR(os.lstat(os.path.join(out, folder)).st_mode):
                return False
        except OSError:
            return False
    if not all(_same(os.path.join(out, rel), text.encode("utf-8")) for rel, text in sorted(outputs.items())):
        return False
    stack = []
    for top in prune:
        try:
            if not stat.S_ISDIR(os.lstat(os.path.join(out, top)).st_mode):
                continue  # a file or symlink there: kept as it is, or refused above when an output needs the folder
        except OSError:
            continue
        if top not in folders:
            return False  # a write would not bring it back (see _carry)
        stack.append(top)
    while stack:
        rel_dir = stack.pop()
        with os.scandir(os.path.join(out, rel_dir)) as entries:
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    if rel not in folders:
                        return False  # a write would not bring it back (see _carry)
                    stack.append(rel)
                elif rel not in outputs and rel.endswith(prune[rel.split("/", 1)[0]]):
                    return False  # left from an earlier build: a write prunes it
    return True


def _real_folder(root: str, folder: str, known: dict[str, bool]) -> bool:
    """Whether folder and every folder above it under root is a folder, not a symlink (memo: known)."""
    found = known.get(folder)
    if found is None:
        parent = folder.rpartition("/")[0]
        try:
            found = _real_folder(root, parent, known) and stat.S_ISDIR(os.lstat(os.path.join(root, folder)).st_mode)
        except OSError:
            found = False
        known[folder] = found
    return found


def _same(path: str, data: bytes) -> bool:
    """Whether path is a regular file (not a symlink) that holds exactly data."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False
        with open(path, "rb") as fh:
            return fh.read(len(data) + 1) == data
    except OSError:
        return False


# --- carrying what the outputs do not own ---------------------------------------------------------


def _carry(old: Path, new: Path, outputs: dict[str, str], prune: dict[str, str]) -> None:
    """Link every entry of old that no output replaces into new (no recursion: a stack of folders)."""
    owned_dirs = {rel.rpartition("/")[0] for rel in outputs}
    owned_dirs = {p for d in owned_dirs for p in _ancestors(d)}
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        with os.scandir(old / rel_dir) as entries:
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if rel in outputs:
                    continue  # an output replaces it (a symlink there is not followed: it is dropped)
                top = rel.split("/", 1)[0]
                if entry.is_dir(follow_symlinks=False):
                    if top not in prune:  # a pruned folder's subfolders come back only with files in them
                        (new / rel).mkdir(exist_ok=True)
                        shutil.copystat(entry.path, new / rel, follow_symlinks=False)
                    stack.append(rel)
                    continue
                if rel in owned_dirs:
                    continue  # a file or symlink where the outputs need a folder
                if top in prune and "/" in rel and rel.endswith(prune[top]):
                    continue  # left from an earlier build
                target = new / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), target)
                else:
                    try:
                        os.link(entry.path, target, follow_symlinks=False)
                    except OSError:
                        shutil.copy2(entry.path, target, follow_symlinks=False)


def _ancestors(folder: str) -> list[str]:
    parts = [] if folder in ("", ".") else folder.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


# --- swapping -----------------------------------------------------------------------------------


def _recover(parent: Path, name: str) -> None:
    """Undo what a killed write left: put an old folder back if the output folder is missing, and
    remove the leftovers."""
    out = parent / name
    olds = sorted(parent.glob(f".{name}.tactful-old-*"))
    if not os.path.lexists(out) and olds:
        os.rename(olds[-1], out)
        olds = olds[:-1]
    for leftover in [*olds, *parent.glob(f".{name}.tactful-new-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _swap(new: Path, out: Path, parent: Path, name: str) -> None:
    """Put new in out's place; afterwards new holds the old folder (or nothing)."""
    if not os.path.lexists(out):
        os.rename(new, out)
        return
    if not out.is_dir() or out.is_symlink():
        raise NotADirectoryError(f"{out} exists and is not a folder")
    if _exchange(new, out):
        return
    aside = parent / f".{name}.tactful-old-{secrets.token_hex(6)}"
    os.rename(out, aside)
    os.rename(new, out)  # a kill between the two renames is undone by the next write's _recover()
    os.rename(aside, new)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    with contextlib.suppress(OSError, AttributeError):
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
        at_fdcwd, rename_exchange = -100, 2
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
            return True
    return False


def write_file(path: str | Path, text: str) -> Path:
    """Write one report (a JUnit file, say) with `\n` endings, creating its folder as needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return path
