"""One side of `tactful diff`: a folder of sources, a built bundle.json, or a git revision of the
current repository, turned into a Bundle (or the reason it cannot be).

A git revision is read with `git ls-tree` and `git show`, never checked out: the `.tact` files under
the given paths at that revision, and the repository's tactful.toml at that revision (the project
settings: taxonomy, severities), are written into a temporary folder, compiled there, and the folder
is removed. The stdlib is always the one of the tactful that runs (as for any compile).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tactful.runtime.bundle import Bundle
from tactful.semantics.pipeline import Result, run

PROJECT_FILE = "tactful.toml"


@dataclass
class Side:
    label: str  # as the user named it
    bundle: Bundle | None = None
    compiled: Result | None = None  # when it was compiled from sources (with its diagnostics)
    error: str | None = None  # why it could not be read at all

    @property
    def ok(self) -> bool:
        return self.bundle is not None


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60, check=False)


def repository_root(cwd: Path) -> Path | None:
    try:
        done = _git(["rev-parse", "--show-toplevel"], cwd)
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(done.stdout.decode().strip()) if done.returncode == 0 else None


def _is_revision(name: str, repo: Path) -> bool:
    if name.startswith("-"):
        return False
    return _git(["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"], repo).returncode == 0


def _compile(paths: Sequence[Path], label: str) -> Side:
    result = run(list(paths), lower=True)  # what api.compile does (api imports this module)
    if result.bundle is None:
        return Side(label, compiled=result, error=f"{label} does not compile (the errors are above)")
    return Side(label, bundle=result.bundle, compiled=result)


def _from_revision(rev: str, repo: Path, paths: Sequence[str]) -> Side:
    wanted = [str(PurePosixPath(p)).strip("/") or "." for p in paths]
    listing = _git(["ls-tree", "-r", "-z", "--name-only", rev, "--", *wanted], repo)
    if listing.returncode != 0:
        return Side(rev, error=f"git cannot list {', '.join(wanted)} at {rev}: {listing.stderr.decode(errors='replace').strip()}")
    files = [f for f in listing.stdout.decode("utf-8", errors="surrogateescape").split("\0") if f.endswith(".tact")]
    if not files:
        return Side(rev, error=f"there are no .tact files under {', '.join(wanted)} at {rev}")
    has_project = _git(["cat-file", "-e", f"{rev}:{PROJECT_FILE}"], repo).returncode == 0
    with tempfile.TemporaryDirectory(prefix="tactful-diff-") as tmp:
        root = Path(tmp)
        for name in files + ([PROJECT_FILE] if has_project else []):
            shown = _git(["show", f"{rev}:{name}"], repo)
            if shown.returncode != 0:
                return Side(rev, error=f"git cannot read {name} at {rev}: {shown.stderr.decode(errors='replace').strip()}")
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(shown.stdout)
        if not has_project:
            (root / PROJECT_FILE).write_text("", encoding="utf-8")  # the temporary folder is the project
        return _compile([root / p for p in wanted], rev)


def load_side(name: str, *, cwd: Path, paths: Sequence[str] = ("frameworks",)) -> Side:
    """A folder (compiled), a .json file (a built bundle), or else a git revision of the repository
    cwd is in (the .tact files under `paths`, relative to the repository's root)."""
    from tactful.runtime.errors import BundleError
    from tactful.runtime.library import load_bundle

    path = cwd / name
    if path.is_dir():
        return _compile([path], name)
    if path.is_file():
        try:
            return Side(name, bundle=load_bundle(path))
        except BundleError as e:
            return Side(name, error=f"{name}: {e}")
    repo = repository_root(cwd)
    if repo is None:
        return Side(name, error=f"{name} is neither a folder nor a file, and {cwd} is not in a git repository")
    if not _is_revision(name, repo):
        return Side(name, error=f"{name} is neither a folder, a file nor a git revision")
    return _from_revision(name, repo, paths)
