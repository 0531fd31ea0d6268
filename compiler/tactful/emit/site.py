"""The library site on disk: write the docs emitter's files, and optionally build them with mkdocs.

`tactful docs PATH… --out DIR [--build]` is one call to `write_site`. The emitter stays pure; this
module is where the site meets the disk and mkdocs. mkdocs is imported only when building, so the
compiler does not need the `docs` extra to write the Markdown.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tactful.emit.docs import GENERATED_MARK
from tactful.runtime.bundle import Bundle



@dataclass
class SiteResult:
    out_dir: Path
    written: list[Path]
    site_dir: Path | None = None  # set when built
    problems: list[str] = field(default_factory=list)  # mkdocs warnings and errors, in order

    @property
    def ok(self) -> bool:
        return not self.problems


def write_site(bundle: Bundle, out_dir: str | Path, *, build: bool = False,
               site_name: str = "Response frameworks") -> SiteResult:
    """Write mkdocs.yml and docs/ into out_dir; with build, run `mkdocs build --strict` into out_dir/site."""
    from tactful.emit.docs import DOCS, emit

    out = Path(out_dir)
    _clear_previous(out, DOCS)
    written = _write(emit(bundle, site_name=site_name), out)
    result = SiteResult(out_dir=out, written=written)
    if build:
        result.problems = build_site(out / "mkdocs.yml", out / "site")
        if result.ok:
            result.site_dir = out / "site"
    return result


def build_site(config_file: str | Path, site_dir: str | Path) -> list[str]:
    """`mkdocs build --strict` in this process; returns the warnings and errors (empty: success)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    problems: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            problems.append(f"{record.levelname.lower()}: {record.getMessage()}")

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    previous_propagate = logger.propagate
    logger.propagate = False  # mkdocs' own messages come back to the caller as values
    try:
        # mkdocs reads a relative site_dir against the config file's folder, not the working directory
        cfg = load_config(config_file=str(config_file), strict=True, site_dir=str(Path(site_dir).resolve()))
        build(cfg)
    except MkDocsException as e:
        problems.append(f"error: {e}")
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous_propagate
    return problems


def _clear_previous(out: Path, docs_dir: str) -> None:
    """Remove pages a previous `tactful docs` run wrote, so a deleted framework leaves no page.

    Only a folder whose mkdocs.yml carries the generator's mark is touched: never a user's own site.
    """
    config = out / "mkdocs.yml"
    if not config.is_file():
        return
    if not config.read_text(encoding="utf-8").startswith(GENERATED_MARK):
        raise FileExistsError(f"{config} was not written by `tactful docs`; choose another --out folder")
    shutil.rmtree(out / docs_dir, ignore_errors=True)
    shutil.rmtree(out / "site", ignore_errors=True)


def _write(outputs: dict[str, str], out: Path) -> list[Path]:
    from tactful.emit.writer import write

    return write(outputs, out)
