"""Diagnostics: the values checks report (values.py) and their renderers (terminal.py, ci.py).

The names below are loaded on first use, so the CLI can read FORMATS without importing the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

FORMATS = ("pretty", "compact", "json", "github", "sarif")

_WHERE = {
    "Code": "tactful.codes", "Severity": "tactful.codes",
    "Diagnostic": "tactful.diagnostics.values", "Related": "tactful.diagnostics.values",
    "Findings": "tactful.diagnostics.values",
    "render": "tactful.diagnostics.terminal",
    "FINGERPRINT_KEY": "tactful.diagnostics.ci", "github_summary": "tactful.diagnostics.ci",
}

if TYPE_CHECKING:
    from tactful.codes import Code, Severity
    from tactful.diagnostics.ci import FINGERPRINT_KEY, github_summary
    from tactful.diagnostics.terminal import render
    from tactful.diagnostics.values import Diagnostic, Findings, Related

__all__ = ["FINGERPRINT_KEY", "FORMATS", "Code", "Diagnostic", "Findings", "Related", "Severity", "github_summary",
           "render"]


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
