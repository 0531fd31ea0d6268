"""Where Tactful lives, as pyproject.toml's [project.urls] says (the one place it is written), and the
install command that follows from it: Tactful is not on PyPI yet, so an extra is installed from the
repository at this version's release tag.

Run from a checkout, the checkout's pyproject.toml is read (an editable install's metadata is only as
new as the last install); installed, the distribution's metadata.
"""

from __future__ import annotations

import functools


@functools.cache
def urls() -> dict[str, str]:
    """[project.urls], labels lower-cased (`homepage`, `repository`, `documentation`, `issues`); empty
    when neither a checkout's pyproject.toml nor installed metadata is there."""
    import tomllib
    from importlib import metadata
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"  # compiler/tactful/project.py
    if pyproject.is_file():
        try:
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            project = {}
        if project.get("name") == "tactful":
            return {label.lower(): url for label, url in project.get("urls", {}).items()}
    try:
        meta = metadata.metadata("tactful")
    except metadata.PackageNotFoundError:
        return {}
    found: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        found.setdefault(label.strip().lower(), url.strip())
    return found


def url(*labels: str) -> str | None:
    """The first of labels that [project.urls] has, or None."""
    known = urls()
    return next((known[label] for label in labels if label in known), None)


def install_command(extra: str | None = None) -> str:
    """`pip install "tactful[extra] @ git+<repository>@v<version>"`, as docs/install.md writes it."""
    from tactful import __version__

    name = f"tactful[{extra}]" if extra else "tactful"
    repository = url("repository", "homepage")
    if repository is None:
        return f'pip install "{name}"'
    return f'pip install "{name} @ git+{repository}@v{__version__}"'
