"""Finding, reading and parsing source files into a Program: every module, stdlib included.

File paths in spans are relative to the project root (the folder holding tactful.toml) with
forward slashes, so diagnostics and bundles are the same on every machine. A module's name is its
path relative to the folder given on the command line (or the stdlib folder), dotted.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tactful.diagnostics import Diagnostic
from tactful.semantics.config import Config, find_project_root, load_config
from tactful.source import SourceFile
from tactful.syntax import ast

STDLIB_PREFIX = "<stdlib>/"
_SKIP_DIRS = {"node_modules", "site", "__pycache__"}


def stdlib_dir() -> Path:
    """The shipped stdlib: inside the installed package, or beside compiler/ in a checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "stdlib"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "stdlib"


@dataclass
class Program:
    root: Path
    modules: dict[str, ast.Module] = field(default_factory=dict)  # by module name
    sources: dict[str, SourceFile] = field(default_factory=dict)  # by project-relative path
    config: Config = field(default_factory=Config)
    stdlib_modules: set[str] = field(default_factory=set)
    duplicate_modules: list[tuple[str, str, str]] = field(default_factory=list)  # (name, first path, second path)
    whole_library: bool = False  # a folder was compiled, so intents missing from it are really missing

    def revision(self) -> str:
        import hashlib

        h = hashlib.sha256()
        for path in sorted(self.sources):
            data = self.sources[path].text.encode("utf-8")
            h.update(path.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
        return "sha256:" + h.hexdigest()


def _inside(path: str, folder: str) -> str | None:
    """path relative to folder with forward slashes ("" for the folder itself), or None if outside.
    Both are absolute and normal; plain string work, since a library can have thousands of files."""
    if path == folder:
        return ""
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    return path[len(prefix):].replace(os.sep, "/") if path.startswith(prefix) else None


def _project_path(file: str, root: str, base: str) -> str:
    """The path diagnostics and bundles use: relative to the project root, never absolute.

    A file outside the root (a second folder on the command line) is named by its path inside the
    folder it was found in, under that folder's name: `shared/tone.tact`.
    """
    rel = _inside(file, root)
    if rel is not None:
        return rel
    inner = _inside(file, base)
    inner = inner if inner is not None else os.path.basename(file)
    folder = os.path.basename(base)
    return f"{folder}/{inner}" if folder else inner


def _walk(path: Path) -> list[tuple[str, str]]:
    """(file, folder module names start from) pairs under one command-line path, absolute and
    normal (symlinks not followed), sorted as paths. Hidden and generated folders are skipped."""
    top = os.path.abspath(path)
    if path.is_file():
        return [(top, os.path.dirname(top))]
    found = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS]
        found.extend(os.path.join(folder, f) for f in files if f.endswith(".tact"))
    found.sort(key=lambda f: f.split(os.sep))
    return [(f, top) for f in found]


def _identity(file: str) -> tuple[int, int] | str:
    """What makes two paths the same file (through symlinks and hard links too)."""
    try:
        st = os.stat(file)
    except OSError:  # unreadable or a broken link: reported when it is read
        return file
    return st.st_dev, st.st_ino


def discover(paths: list[Path]) -> list[tuple[str, str]]:
    """Every source file under paths once, in order, as (file, folder module names start from).

    A file reached twice (named twice, or through a link) counts once; the stdlib's own files are
    skipped, since the stdlib is always loaded."""
    seen = {_identity(str(f)) for f in stdlib_dir().glob("*.tact")}
    out = []
    for p in paths:
        for file, base in _walk(p):
            # Names come from the paths as given (symlinks not followed); only `seen` looks through them.
            key = _identity(file)
            if key not in seen:
                seen.add(key)
                out.append((file, base))
    return out


@lru_cache(maxsize=64)
def _parse_cached(path: str, text: str, name: str) -> tuple[ast.Module, tuple[Diagnostic, ...]]:
    from tactful.syntax.parser import parse

    module, diags = parse(SourceFile(path, text), name)
    return module, tuple(diags)


def load(paths: list[Path], files: list[tuple[str, str]] | None = None,
         claims: Iterable[range] | None = None) -> tuple[Program, list[Diagnostic]]:
    """Read and parse every file under paths (files: what discover(paths) gives, if known).

    With claims, only the files whose indexes it yields are parsed whole; of the others only the
    declarations and framework heads are read (another process parses them whole: pipeline.py).
    """
    from tactful.syntax.parser import parse, parse_declarations

    root = find_project_root(paths)
    program = Program(root=root, whole_library=any(p.is_dir() for p in paths))
    diags: list[Diagnostic] = []
    program.config, cfg_diags = load_config(root, program.sources)
    diags.extend(cfg_diags)

    std = stdlib_dir()
    for f in sorted(std.glob("*.tact")):
        rel = STDLIB_PREFIX + f.name
        text = f.read_text(encoding="utf-8")
        name = "stdlib." + f.stem
        program.sources[rel] = SourceFile(rel, text)
        module, mdiags = _parse_cached(rel, text, name)  # stdlib is parsed once per process
        program.modules[name] = module
        program.stdlib_modules.add(name)
        diags.extend(mdiags)

    files = discover(paths) if files is None else files
    root_str = str(root)
    names: list[str] = []
    sources: list[SourceFile | None] = []  # None: unreadable, and reported as such by its owner
    unreadable: dict[int, Diagnostic] = {}
    for index, (file, base) in enumerate(files):
        rel = _project_path(file, root_str, base)
        names.append(os.path.splitext(_inside(file, base))[0].replace("/", "."))
        try:
            with open(file, "rb") as fh:
                text = fh.read().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            src = program.sources[rel] = SourceFile(rel, "")
            sources.append(None)
            reason = "it is not valid UTF-8" if isinstance(e, UnicodeDecodeError) else e.strerror or str(e)
            unreadable[index] = Diagnostic("T1005", f"could not read `{rel}`: {reason}", src.span(0, 0),
                                           hint="save the file as UTF-8")
            continue
        src = program.sources[rel] = SourceFile(rel, text[1:] if text.startswith("\ufeff") else text)
        sources.append(src)

    modules: dict[int, ast.Module] = {}
    for batch in (range(len(files)),) if claims is None else claims:
        for index in batch:
            if sources[index] is None:
                diags.append(unreadable[index])
                continue
            modules[index], mdiags = parse(sources[index], names[index])
            diags.extend(mdiags)
    for index, src in enumerate(sources):
        if src is not None and index not in modules:
            modules[index] = parse_declarations(src, names[index])

    for index in sorted(modules):
        name, module = names[index], modules[index]
        if name in program.modules:
            program.duplicate_modules.append((name, program.modules[name].path, module.path))
            continue
        program.modules[name] = module
    return program, diags
