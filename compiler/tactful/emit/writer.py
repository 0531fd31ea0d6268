"""The only code that writes compiled outputs to disk."""

from __future__ import annotations

from pathlib import Path


def write(outputs: dict[str, str], out_dir: Path) -> list[Path]:
    """Write each output under out_dir (created as needed), with `\\n` endings whatever the platform."""
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
