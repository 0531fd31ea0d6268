"""Shared by the syntax tests: parsing a string, the sources worth parsing, walking the AST."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tactful.source import SourceFile
from tactful.syntax import ast
from tactful.syntax.parser import parse

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"

SYNTAX_CODES = {"T1001", "T1002", "T1003", "T1004"}


def parse_text(text: str, path: str = "demo/sample.tact"):
    return parse(SourceFile(path, text))


def clean_sources() -> list[Path]:
    """Files that parse without syntax errors: the valid fixtures, the shipped frameworks and stdlib."""
    files = sorted((FIXTURES / "valid").rglob("*.tact"))
    files += sorted((REPO / "frameworks").rglob("*.tact"))
    files += sorted((REPO / "stdlib").glob("*.tact"))
    return files


def source_id(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def nodes(node):
    """Every AST node below (and including) node, depth first."""
    if isinstance(node, (tuple, list)):
        for x in node:
            yield from nodes(x)
        return
    if not dataclasses.is_dataclass(node):
        return
    yield node
    if isinstance(node, ast.Text):  # its parts are plain data, made into nodes on request
        yield from nodes(node.parts)
        return
    for f in dataclasses.fields(node):
        if f.name not in ("loc", "_by_kind"):
            yield from nodes(getattr(node, f.name))


def has_junk(module: ast.Module) -> bool:
    return any(isinstance(n, ast.Junk) for n in nodes(module.entries))
