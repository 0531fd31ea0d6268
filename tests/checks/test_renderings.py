"""Snapshots of the pretty (no color) and JSON renderings of representative fixture runs.

The diagnostics come from the checker (api.check on the fixture), never written by hand; the
snapshots pin how a person and a machine see them. Paths are relative to the fixture's project
root, so the snapshots are the same on every machine. Update with `pytest --snapshot-update` and
read the diff.
"""

from __future__ import annotations

import json

import pytest

from golden_fixtures import FIXTURES, run
from tactful.diagnostics import render

REPRESENTATIVE = [
    "checks/T1001-syntax-error.tact",  # a syntax error: the rest of the file is still checked
    "checks/T1201-undeclared-slot.tact",  # the style guide's own example: help with the declaring line
    "checks/T1202-private-slot-in-public-reply.tact",  # a related location
    "checks/T1304-house-style.tact",  # a warning whose help comes from the style rule's `prefer`
    "checks/T1103-import-cycle",  # a folder fixture: two modules
    "checks/T1702-intent-without-framework",  # a diagnostic located in tactful.toml
    "valid/minimal.tact",  # nothing to report
]


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_pretty(name, snapshot):
    assert render(run(FIXTURES / name), "pretty", color=False) == snapshot


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_json(name, snapshot):
    text = render(run(FIXTURES / name), "json")
    json.loads(text)
    assert text == snapshot
