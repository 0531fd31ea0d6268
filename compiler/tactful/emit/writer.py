"""The only code that writes compiled outputs to disk."""

from __future__ import annotations

from pathlib import Path


def write(outputs: dict[str, str], out_dir: Path, *, prune: dict[str, str] | None = None) -> list[Path]:
    """Write each output under out_dir (created as needed), with `\\n` endings whatever the platform.

    prune maps folders of out_dir that the outputs own to the suffix of their files ({"templates":
    ".j2"}): such files that are not among the outputs are left from an earlier build and are
    removed, so a rebuild gives the same folder as a build into an empty one. Nothing else is touched."""
    for folder, suffix in (prune or {}).items():
        for path in sorted((out_dir / folder).rglob("*"), reverse=True):
            if path.is_symlink() or path.is_file():
                if path.suffix == suffix and path.relative_to(out_dir).as_posix() not in outputs:
                    path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    written = []
    for rel, text in sorted(outputs.items()):
        if rel.startswith("/") or ".." in Path(rel).parts:
            raise ValueError(f"refusing to write outside the output folder: {rel}")
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        written.append(path)
    return written


def write_file(path: str | Path, text: str) -> Path:
    """Write one report (a JUnit file, say) with `\\n` endings, creating its folder as needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return path
