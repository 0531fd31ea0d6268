"""Copies of a project in fresh folders, and a built output folder read back as {path: bytes}."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The taxonomy lists every intent of the shipped library, each with exactly one framework.
LIBRARY_SIZE = len(tomllib.loads((REPO / "tactful.toml").read_text(encoding="utf-8"))["taxonomy"]["intents"])
SHOP = Path(__file__).resolve().parent / "fixtures" / "shop"


def copy_library(dst: Path) -> Path:
    """The shipped frameworks/ and the repository's tactful.toml (its taxonomy), under dst."""
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "frameworks", dst / "frameworks")
    shutil.copy2(REPO / "tactful.toml", dst / "tactful.toml")
    return dst


def copy_shop(dst: Path) -> Path:
    return shutil.copytree(SHOP, dst)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def locations(node, path="$"):
    """Every (json path, location dict) in a bundle."""
    if isinstance(node, dict):
        if set(node) >= {"file", "line", "column", "end_line", "end_column"}:
            yield path, node
        for k, v in node.items():
            yield from locations(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from locations(v, f"{path}[{i}]")


def from_stdlib(entry) -> bool:
    """Whether an element of the bundle (the models' data, or bundle.json's, whose `at` starts with its file) is the stdlib's."""
    if not isinstance(entry, dict):
        return False
    return str(entry.get("at") or (entry.get("location") or {}).get("file", "")).startswith("<stdlib>/")


def project_view(bundle: dict) -> dict:
    """The bundle as the project's own sources compile it: what the stdlib contributes (its fields,
    teams, channels, signals, banks, style rules and policy entries) is left out, and the hashes,
    which cover the stdlib sources too, are replaced by a marker. A stdlib edit leaves it alone."""
    out = dict(bundle, revision="sha256:…")
    for key in ("fields", "teams", "channels", "signals", "style", "scorers"):
        if key in bundle:
            out[key] = [e for e in bundle[key] if not from_stdlib(e)]
    out["phrases"] = {name: texts for name, texts in bundle["phrases"].items()
                      if not all(from_stdlib(t) for t in texts)}
    out["frameworks"] = [
        dict(fw, hash="sha256:…", **{key: [e for e in fw[key] if not from_stdlib(e)] for key in ("escalations", "guards")
                                      if key in fw})
        for fw in bundle["frameworks"]
    ]
    return out
