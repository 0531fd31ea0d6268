"""Finding, reading and parsing source files into a Program: every module, stdlib included.

File paths in spans are relative to the project root (the folder holding tactful.toml) with
forward slashes, so diagnostics and bundles are the same on every machine. A module's name is its
path relative to the folder given on the command line (or the stdlib folder), dotted.
"""

from __future__ import annotations

import hashlib
import os
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
        h = hashlib.sha256()
        for path in sorted(self.sources):
            data = self.sources[path].text.encode("utf-8")
            h.update(path.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
        return "sha256:" + h.hexdigest()


def _project_path(file: Path, root: Path, base: Path) -> str:
    """The path diagnostics and bundles use: relative to the project root, never absolute.

    A file outside the root (a second folder on the command line) is named by its path inside the
    folder it was found in, under that folder's name: `shared/tone.tact`.
    """
    if file.is_relative_to(root):
        return file.relative_to(root).as_posix()
    inner = file.relative_to(base).as_posix() if file.is_relative_to(base) else file.name
    return f"{base.name}/{inner}" if base.name else inner


def _discover(path: Path) -> list[tuple[Path, Path]]:
    """(file, base folder for module names) pairs under one command-line path, sorted."""
    if path.is_file():
        return [(path, path.parent)]
    out = []
    for f in sorted(path.rglob("*.tact")):
        if f.is_dir():
            continue
        rel = f.relative_to(path).parts
        if any(p.startswith(".") or p in _SKIP_DIRS for p in rel[:-1]):
            continue
        out.append((f, path))
    return out


@lru_cache(maxsize=64)
def _parse_cached(path: str, text: str, name: str) -> tuple[ast.Module, tuple[Diagnostic, ...]]:
    from tactful.syntax.parser import parse

    module, diags = parse(SourceFile(path, text), name)
    return module, tuple(diags)


def load(paths: list[Path], part: tuple[int, int] | None = None) -> tuple[Program, list[Diagnostic]]:
    """Read and parse every file under paths. With part=(k, n), only every n-th file from the k-th is
    parsed whole; of the others only declarations and framework heads are read (semantics/parallel.py)."""
    from tactful.syntax.parser import parse, parse_declarations

    root = find_project_root(paths)
    program = Program(root=root, whole_library=any(p.is_dir() for p in paths))
    diags: list[Diagnostic] = []
    program.config, cfg_diags = load_config(root, program.sources)
    diags.extend(cfg_diags)

    std = stdlib_dir()
    std_resolved = std.resolve()
    for f in sorted(std.glob("*.tact")):
        rel = STDLIB_PREFIX + f.name
        text = f.read_text(encoding="utf-8")
        name = "stdlib." + f.stem
        program.sources[rel] = SourceFile(rel, text)
        module, mdiags = _parse_cached(rel, text, name)  # stdlib is parsed once per process
        program.modules[name] = module
        program.stdlib_modules.add(name)
        diags.extend(mdiags)

    seen: set[Path] = set()
    index = -1
    for p in paths:
        for file, base in _discover(p):
            # Names come from the paths as given (symlinks not followed), made absolute and normal.
            absolute = Path(os.path.abspath(file))
            resolved = file.resolve()
            if resolved in seen or std_resolved in resolved.parents:
                continue
            seen.add(resolved)
            index += 1
            whole = part is None or index % part[1] == part[0]
            rel = _project_path(absolute, root, Path(os.path.abspath(base)))
            name = ".".join(absolute.relative_to(os.path.abspath(base)).with_suffix("").parts)
            try:
                text = file.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as e:
                src = SourceFile(rel, "")
                program.sources[rel] = src
                if not whole:
                    continue
                reason = "it is not valid UTF-8" if isinstance(e, UnicodeDecodeError) else e.strerror or str(e)
                diags.append(Diagnostic("T1005", f"could not read `{rel}`: {reason}", src.span(0, 0),
                                        hint="save the file as UTF-8"))
                continue
            if text.startswith("\ufeff"):
                text = text[1:]
            src = SourceFile(rel, text)
            program.sources[rel] = src
            if whole:
                module, mdiags = parse(src, name)
                diags.extend(mdiags)
            else:
                module = parse_declarations(src, name)
            if name in program.modules:
                program.duplicate_modules.append((name, program.modules[name].path, rel))
                continue
            program.modules[name] = module
    return program, diags
