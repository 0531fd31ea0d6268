"""A project as an editor sees it: files on disk, some of them open and edited in memory, checked
again and again as the author types. The language server's model of the workspace (no LSP here).

Checking one edited file must be fast in a library of a thousand frameworks, so a check after an edit
re-parses only that file (every other file's parsed module is kept, by text, in a ParseCache) and
checks the program that file can see: the stdlib, the modules it uses (and theirs), the files that
declare something library-wide (teams, channels, fields, policies, style rules), the files that
declare one of its intents (for duplicate intents) and the files that declare a signal or phrase
bank of a name it uses (for "declared in a module this file does not use"). Those are all the modules a file's diagnostics
depend on, so its diagnostics are the ones `tactful check` reports for it, except the
library-wide taxonomy checks, which `tactful check` still runs.

The project of a file is the top folder it sits in under the project root (the folder holding
tactful.toml): `frameworks/billing/refund.tact` is checked with every file under `frameworks/`, as
`tactful check frameworks/` would.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from tactful.diagnostics import Diagnostic
from tactful.semantics import config as cfg
from tactful.semantics.loader import (
    STDLIB_PREFIX,
    ParseCache,
    Program,
    assemble,
    module_name_in,
    stdlib_dir,
    stdlib_sources,
)
from tactful.semantics.model import Model
from tactful.semantics.pipeline import check_program
from tactful.semantics.summary import Summary
from tactful.source import SourceFile
from tactful.syntax import ast

_SKIP_DIRS = {"node_modules", "site", "__pycache__"}
_GLOBAL = (ast.TeamDecl, ast.ChannelDecl, ast.FieldDecl, ast.PolicyDecl, ast.StyleDecl, ast.ScorerDecl)


@dataclass
class Analysis:
    """One file checked in its project's context."""

    path: str  # project-relative
    source: SourceFile
    module: ast.Module
    model: Model
    diagnostics: list[Diagnostic]  # this file's, as `tactful check` reports them

    @property
    def program(self) -> Program:
        return self.model.program


@dataclass
class _File:
    text: str
    name: str
    module: ast.Module | None = None
    uses: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    declares: frozenset[str] = frozenset()  # signals and phrase banks
    is_global: bool = False


class Project:
    """The files of one project, each either as saved on disk or as open in the editor."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self.cache = ParseCache()
        self._lock = threading.Lock()
        self._folders: dict[str, dict[str, _File]] = {}  # base folder → path → file
        self._open: dict[str, str] = {}  # path → text in the editor
        self._config: tuple[cfg.Config, list[Diagnostic], dict[str, SourceFile]] | None = None

    # ---- paths -------------------------------------------------------------------------------
    def relative(self, file: str | Path) -> str | None:
        """The project path of an absolute file path (None outside the project); stdlib files get
        their `<stdlib>/` name."""
        file = os.path.abspath(file)
        std = str(stdlib_dir())
        if file.startswith(std + os.sep):
            return STDLIB_PREFIX + file[len(std) + 1:].replace(os.sep, "/")
        root = str(self.root)
        if not file.startswith(root + os.sep):
            return None
        return file[len(root) + 1:].replace(os.sep, "/")

    def absolute(self, path: str) -> Path:
        if path.startswith(STDLIB_PREFIX):
            return stdlib_dir() / path[len(STDLIB_PREFIX):]
        return self.root / path

    @staticmethod
    def base_of(path: str) -> str:
        return path.split("/", 1)[0] if "/" in path else ""

    # ---- files -------------------------------------------------------------------------------
    def _scan(self, base: str) -> dict[str, _File]:
        folder = self._folders.get(base)
        if folder is not None:
            return folder
        folder = {}
        top = self.root / base if base else self.root
        walk = os.walk(top) if base else [(str(top), [], os.listdir(top))]
        for where, dirs, files in walk:
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
            for f in files:
                if f.endswith(".tact"):
                    rel = self.relative(os.path.join(where, f))
                    try:
                        text = Path(where, f).read_text(encoding="utf-8")
                    except (OSError, UnicodeDecodeError):
                        continue
                    if rel is not None:
                        folder[rel] = _File(text, module_name_in(rel, base))
        self._folders[base] = folder
        return folder

    def _parsed(self, path: str, f: _File) -> _File:
        text = self._open.get(path, f.text)
        if f.module is None or text != f.text:
            f.text = text
            f.module, _, _ = self.cache.parse(SourceFile(path, text), f.name)
            entries = f.module.entries
            f.uses = tuple(e.module.value for e in entries if isinstance(e, ast.Use))
            f.intents = tuple(e.intent.value for e in entries if isinstance(e, ast.FrameworkDecl))
            f.is_global = any(isinstance(e, _GLOBAL) for e in entries)
            f.declares = frozenset(e.name.value for e in entries if isinstance(e, (ast.SignalDecl, ast.PhraseBank)))
        return f

    def open(self, path: str, text: str) -> None:
        """The editor's text of a file replaces the saved one until the file is closed."""
        with self._lock:
            self._open[path] = text
            if not path.startswith(STDLIB_PREFIX):
                folder = self._scan(self.base_of(path))
                if path not in folder:
                    folder[path] = _File(text, module_name_in(path, self.base_of(path)))
            if path == cfg.PROJECT_FILE:
                self._config = None

    change = open

    def close(self, path: str) -> None:
        with self._lock:
            self._open.pop(path, None)
        self.reload(path)

    def reload(self, path: str) -> None:
        """A file changed (or appeared, or went) on disk."""
        with self._lock:
            if path == cfg.PROJECT_FILE:
                self._config = None
                return
            folder = self._folders.get(self.base_of(path))
            if folder is None:
                return
            try:
                text = self.absolute(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                folder.pop(path, None)
                self.cache.forget(path)
                return
            f = folder.get(path)
            if f is None:
                folder[path] = _File(text, module_name_in(path, self.base_of(path)))
            elif path not in self._open:
                f.text, f.module = text, None

    def text(self, path: str) -> str | None:
        if path in self._open:
            return self._open[path]
        try:
            return self.absolute(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def modules(self, base: str) -> dict[str, ast.Module]:
        """Every module of a folder, by project path (parsed on first use)."""
        with self._lock:
            folder = self._scan(base)
            return {p: self._parsed(p, f).module for p, f in folder.items()}

    # ---- checking ----------------------------------------------------------------------------
    def _settings(self) -> tuple[cfg.Config, list[Diagnostic], dict[str, SourceFile]]:
        if self._config is None:
            sources: dict[str, SourceFile] = {}
            config, diags = cfg.load_config(self.root, sources)
            self._config = (config, diags, sources)
        return self._config

    def analyse(self, path: str) -> Analysis:
        """The file checked in its project's context, with the editor's text of every open file."""
        with self._lock:
            config, config_diags, config_sources = self._settings()
            stdlib = stdlib_sources()
            if path.startswith(STDLIB_PREFIX):
                files: dict[str, _File] = {}
                needed: set[str] = set()
            else:
                files = self._scan(self.base_of(path))
                if path not in files:
                    text = self.text(path) or ""
                    files[path] = _File(text, module_name_in(path, self.base_of(path)))
                needed = self._needed(path, files)
            sources = dict(config_sources)
            parsed: list[tuple[SourceFile, ast.Module | None, Summary | None]] = []
            diagnostics = list(config_diags)
            for rel, name, source in stdlib:
                module, summary, mdiags = self.cache.parse(SourceFile(rel, self._open.get(rel, source.text)), name)
                parsed.append((SourceFile(rel, self._open.get(rel, source.text)), module, summary))
                if rel == path:
                    diagnostics.extend(mdiags)
            for rel in sorted(needed, key=lambda p: p.split("/")):
                f = self._parsed(rel, files[rel])
                source = SourceFile(rel, f.text)
                module, summary, mdiags = self.cache.parse(source, f.name)
                parsed.append((source, module, summary))
                if rel == path:
                    diagnostics.extend(mdiags)
            program = assemble(self.root, False, config, sources, parsed)
        model, found = check_program(program, diagnostics)
        source, module = next((s, m) for s, m, _ in parsed if s.path == path)
        return Analysis(path, source, module, model, [d for d in found if d.span.file == path])

    def _needed(self, path: str, files: dict[str, _File]) -> set[str]:
        """The files whose modules path's diagnostics depend on (see the module docstring)."""
        by_name: dict[str, str] = {}
        by_intent: dict[str, list[str]] = {}
        needed = {path}
        refers = _referred(self._parsed(path, files[path]).module)
        for rel, f in files.items():
            f = self._parsed(rel, f)
            by_name.setdefault(f.name, rel)
            for intent in f.intents:
                by_intent.setdefault(intent, []).append(rel)
            if f.is_global or not f.declares.isdisjoint(refers):
                needed.add(rel)
        todo = [path]
        while todo:
            f = files[todo.pop()]
            for intent in f.intents:
                needed.update(by_intent.get(intent, ()))
            for used in f.uses:
                rel = by_name.get(used)
                if rel is not None and rel not in needed:
                    needed.add(rel)
                    todo.append(rel)
        return needed


def _referred(module: ast.Module | None) -> set[str]:
    """The names a module uses as signals or phrase banks (bare names in conditions, `pick` banks,
    `expect guard` names)."""
    out: set[str] = set()
    if module is None:
        return out
    stack: list = list(module.entries)
    while stack:
        n = stack.pop()
        if isinstance(n, ast.NameCond):
            out.add(n.name.value)
        elif isinstance(n, ast.Move) and n.pick is not None:
            out.add(n.pick.value)
        elif isinstance(n, ast.Expect) and n.name is not None:
            out.add(n.name.value)
        for f in getattr(n, "__dataclass_fields__", ()):
            if f in ("span", "_by_kind"):
                continue
            v = getattr(n, f)
            if isinstance(v, tuple):
                stack.extend(x for x in v if hasattr(x, "__dataclass_fields__"))
            elif hasattr(v, "__dataclass_fields__"):
                stack.append(v)
    return out
