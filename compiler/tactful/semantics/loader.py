"""Finding, reading and parsing source files into a Program: every module, stdlib included.

File paths in spans are relative to the project root (the folder holding tactful.toml) with
forward slashes, so diagnostics and bundles are the same on every machine. A module's name is its
path relative to the folder given on the command line (or the stdlib folder), dotted.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tactful.codes import Code
from tactful.diagnostics import Diagnostic
from tactful.semantics.config import Config, covers_library, find_project_root, load_config
from tactful.semantics.summary import Summary, summarize
from tactful.source import SourceFile
from tactful.syntax import ast
from tactful.syntax.parser import parse

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
    summaries: dict[str, Summary] = field(default_factory=dict)  # by module name, in the same order
    sources: dict[str, SourceFile] = field(default_factory=dict)  # by project-relative path
    config: Config = field(default_factory=Config)
    stdlib_modules: set[str] = field(default_factory=set)
    duplicate_modules: list[tuple[str, str, str]] = field(default_factory=list)  # (name, first path, second path)
    whole_library: bool = False  # the run covers the project's whole library, so missing intents are really missing

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


def _walk(path: Path) -> list[tuple[str, str, str | None]]:
    """(file, folder module names start from, why it cannot be read or None) under one command-line
    path, absolute and normal (symlinks not followed), sorted as paths. Hidden and generated folders
    are skipped; a folder that cannot be listed is an entry with its reason (never skipped
    silently), and so is a file named on the command line that is not a .tact file."""
    top = os.path.abspath(path)
    if not path.is_dir():
        if not top.endswith(".tact"):
            return [(top, os.path.dirname(top), "it is not a .tact file; only .tact files are compiled")]
        return [(top, os.path.dirname(top), None)]
    found: list[tuple[str, str | None]] = []

    def unreadable(e: OSError) -> None:
        found.append((e.filename or top, f"the folder cannot be listed: {e.strerror or e}"))

    for folder, dirs, files in os.walk(top, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS]
        found.extend((os.path.join(folder, f), None) for f in files if f.endswith(".tact"))
    found.sort(key=lambda f: f[0].split(os.sep))
    return [(f, top, why) for f, why in found]


def _identity(file: str) -> tuple[int, int] | str:
    """What makes two paths the same file (through symlinks and hard links too)."""
    try:
        st = os.stat(file)
    except OSError:  # unreadable or a broken link: reported when it is read
        return file
    return st.st_dev, st.st_ino


def discover(paths: list[Path]) -> list[tuple[str, str, str | None]]:
    """Every source file under paths once, in order, as (file, folder module names start from, why
    it cannot be read or None).

    A file reached twice (named twice, or through a link) counts once; the stdlib's own files are
    skipped, since the stdlib is always loaded."""
    seen = {_identity(str(f)) for f in stdlib_dir().glob("*.tact")}
    out = []
    for p in paths:
        for file, base, why in _walk(p):
            # Names come from the paths as given (symlinks not followed); only `seen` looks through them.
            key = _identity(file)
            if key not in seen:
                seen.add(key)
                out.append((file, base, why))
    return out


MAX_SOURCE_BYTES = 4 << 20  # a source file above this is refused (T1005): no library needs one


def _read_source(file: str) -> bytes:
    """A source file's bytes: only a regular file (never a FIFO, a device or what a symlink to one
    names), and only up to MAX_SOURCE_BYTES. Raises OSError with the reason."""
    fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file (a pipe, a device or a folder)")
        if st.st_size > MAX_SOURCE_BYTES:
            raise OSError(errno.EFBIG, f"it is {st.st_size / (1 << 20):.1f} MiB, over the "
                                       f"{MAX_SOURCE_BYTES >> 20} MiB a source file may have")
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > MAX_SOURCE_BYTES:  # it grew while being read
                raise OSError(errno.EFBIG, f"it is over the {MAX_SOURCE_BYTES >> 20} MiB a source file may have")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_sources(files: list[tuple[str, str, str | None]], root: Path) -> list[tuple[str, str, SourceFile | Diagnostic]]:
    """(project path, module name, source or the diagnostic saying why it could not be read), in order."""
    root_str = str(root)
    out: list[tuple[str, str, SourceFile | Diagnostic]] = []
    for file, base, why in files:
        rel = _project_path(file, root_str, base)
        name = os.path.splitext(_inside(file, base) or os.path.basename(file))[0].replace("/", ".")
        hint = "save the file as UTF-8"
        if why is None:
            try:
                text = _read_source(file).decode("utf-8")
            except (OSError, UnicodeDecodeError) as e:
                why = "it is not valid UTF-8" if isinstance(e, UnicodeDecodeError) else e.strerror or str(e)
                hint = hint if isinstance(e, UnicodeDecodeError) else "make it a readable, regular .tact file"
        else:
            hint = "name a folder or .tact files" if "not a .tact file" in why else "make the folder readable"
        if why is not None:
            out.append((rel, name, Diagnostic(Code.UNREADABLE_FILE, f"could not read `{rel}`: {why}",
                                              SourceFile(rel, "").span(0, 0), hint=hint)))
            continue
        out.append((rel, name, SourceFile(rel, text[1:] if text.startswith("\ufeff") else text)))
    return out


@lru_cache(maxsize=64)
def _stdlib_module(path: str, text: str, name: str) -> tuple[ast.Module, Summary, tuple[Diagnostic, ...]]:
    """The stdlib's files are parsed once per process (their ASTs are immutable values)."""
    module, diags = parse(SourceFile(path, text), name)
    return module, summarize(module), tuple(diags)


def stdlib_sources() -> list[tuple[str, str, SourceFile]]:
    out = []
    for f in sorted(stdlib_dir().glob("*.tact")):
        rel = STDLIB_PREFIX + f.name
        out.append((rel, "stdlib." + f.stem, SourceFile(rel, f.read_text(encoding="utf-8"))))
    return out


def parse_file(source: SourceFile, name: str) -> tuple[ast.Module, Summary, list[Diagnostic]]:
    """The per-file phase: one file's AST, its summary and its syntax diagnostics, from that file alone."""
    if source.path.startswith(STDLIB_PREFIX):
        module, summary, diags = _stdlib_module(source.path, source.text, name)
        return module, summary, list(diags)
    module, diags = parse(source, name)
    return module, summarize(module), diags


class ParseCache:
    """Parsed files by path, for callers that check the same project again and again (the language
    server): a file whose text has not changed is not parsed again. Owned by its caller; nothing is
    shared between two caches."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[str, ast.Module, Summary, tuple[Diagnostic, ...]]] = {}

    def parse(self, source: SourceFile, name: str) -> tuple[ast.Module, Summary, list[Diagnostic]]:
        """parse_file(source, name), from the cache when the text has not changed."""
        key = (source.path, name)
        hit = self._entries.get(key)
        if hit is not None and hit[0] == source.text:
            return hit[1], hit[2], list(hit[3])
        module, summary, diags = parse_file(source, name)
        self._entries[key] = (source.text, module, summary, tuple(diags))
        return module, summary, diags

    def forget(self, path: str) -> None:
        for key in [k for k in self._entries if k[0] == path]:
            del self._entries[key]


def module_name_in(path: str, base: str) -> str:
    """A project path's module name when its folder base ("" for the root) was given: `frameworks`
    and `frameworks/billing/refund.tact` give `billing.refund`."""
    inner = path[len(base) + 1:] if base and path.startswith(base + "/") else path
    return os.path.splitext(inner)[0].replace("/", ".")


def load_sources(root: Path, texts: dict[str, str], *, base: str = "", whole_library: bool = True,
                 cache: ParseCache | None = None) -> tuple[Program, list[Diagnostic]]:
    """A Program from sources in memory: {project-relative path: text} (the stdlib and tactful.toml
    are read as for `load`). Module names are the paths inside the folder base, as if base had been
    given on the command line. A cache, when given, saves parsing unchanged files again."""
    sources: dict[str, SourceFile] = {}
    config, diags = load_config(root, sources)
    parse_one = cache.parse if cache is not None else parse_file
    parsed: list[tuple[SourceFile, ast.Module | None, Summary | None]] = []
    files = [(rel, module_name_in(rel, base), SourceFile(rel, text[1:] if text.startswith("\ufeff") else text))
             for rel, text in sorted(texts.items(), key=lambda kv: kv[0].split("/"))]
    for rel, name, source in [*stdlib_sources(), *files]:
        module, summary, mdiags = parse_one(source, name)
        diags.extend(mdiags)
        parsed.append((source, module, summary))
    return assemble(root, whole_library, config, sources, parsed), diags


def assemble(root: Path, whole_library: bool, config: Config, sources: dict[str, SourceFile],
             parsed: list[tuple[SourceFile, ast.Module | None, Summary | None]]) -> Program:
    """The project-wide phase starts here: every module by name (the first file of a name wins; the
    others are recorded as duplicates). An unreadable file has its (empty) source and no module."""
    program = Program(root=root, config=config, whole_library=whole_library, sources=sources)
    for source, module, summary in parsed:
        program.sources[source.path] = source
        if module is None or summary is None:
            continue
        if module.name in program.modules:
            program.duplicate_modules.append((module.name, program.modules[module.name].path, module.path))
            continue
        program.modules[module.name] = module
        program.summaries[module.name] = summary
        if source.path.startswith(STDLIB_PREFIX):
            program.stdlib_modules.add(module.name)
    return program


def load(paths: list[Path], exclude: frozenset[str] = frozenset()) -> tuple[Program, list[Diagnostic]]:
    """Read and parse every file under paths, and the stdlib, into a Program; files whose project
    path is in exclude are left out (and then the run does not cover the whole library)."""
    root = find_project_root(paths)
    sources: dict[str, SourceFile] = {}
    config, diags = load_config(root, sources)  # adds tactful.toml to sources, when there is one
    parsed: list[tuple[SourceFile, ast.Module | None, Summary | None]] = []
    for rel, name, source in [*stdlib_sources(), *read_sources(discover(paths), root)]:
        if rel in exclude:
            continue
        if isinstance(source, Diagnostic):
            diags.append(source)
            parsed.append((SourceFile(rel, ""), None, None))
            continue
        module, summary, mdiags = parse_file(source, name)
        diags.extend(mdiags)
        parsed.append((source, module, summary))
    whole = covers_library(paths, root, config) and not exclude
    return assemble(root, whole, config, sources, parsed), diags
