"""Fixtures for the docs tests; the helpers live in docs_bundle.py."""

from __future__ import annotations

import pytest

from docs_bundle import ROOT, make_bundle
from tactful.runtime import bundle as b


@pytest.fixture
def bundle() -> b.Bundle:
    return make_bundle()


# --- the shipped library ---------------------------------------------------------------------------



@pytest.fixture(scope="session")
def shipped_bundle() -> b.Bundle:
    """The Bundle compiled from the repository's frameworks/ (stdlib included)."""
    from tactful import api
    from tactful.diagnostics import render

    result = api.compile([ROOT / "frameworks"])
    assert result.bundle is not None, "frameworks/ does not compile:\n" + render(result, "compact", color=False)
    return result.bundle


@pytest.fixture(scope="session")
def shipped_site(shipped_bundle, tmp_path_factory):
    """The library site for the shipped frameworks, written and built with `mkdocs build --strict`."""
    from tactful.emit.site import write_site

    site = write_site(shipped_bundle, tmp_path_factory.mktemp("library-site"), build=True)
    assert site.ok, "\n".join(site.problems)
    return site


@pytest.fixture(scope="session")
def project_site(tmp_path_factory):
    """The project's own site (mkdocs.yml at the root), built with `mkdocs build --strict`."""
    from tactful.emit.site import build_site

    site = tmp_path_factory.mktemp("project-site")
    problems = build_site(ROOT / "mkdocs.yml", site)
    assert problems == [], "\n".join(problems)
    return site
