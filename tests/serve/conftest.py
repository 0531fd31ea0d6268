"""Fixtures for the HTTP tests; the helpers live in serve_helpers.py."""

from __future__ import annotations

import pytest

from serve_helpers import Server, start_server, stop_server, write_bundle


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Server:
    path = tmp_path_factory.mktemp("serve") / "bundle.json"
    write_bundle(path)
    s = start_server(path)
    yield s
    stop_server(s)


@pytest.fixture
def fresh_server(tmp_path, request) -> Server:
    """A server of its own, for tests that reload or change the bundle (marker `serve_options`)."""
    marker = request.node.get_closest_marker("serve_options")
    path = tmp_path / "bundle.json"
    write_bundle(path)
    s = start_server(path, *(marker.args if marker else ()))
    yield s
    stop_server(s)
