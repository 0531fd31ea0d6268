"""Golden output of every format for one hand-built Result. Read the .ambr file as a diff: it is
what a person (pretty, compact, the job summary) or a tool (json, github, sarif) gets."""

from __future__ import annotations

import json

import pytest

from tactful.diagnostics import FORMATS, github_summary, render
from tactful.source import SourceFile

from diagnostics_builders import make_result


@pytest.mark.parametrize("fmt", ["pretty", "compact", "json", "github"])
def test_format(sample, fmt, snapshot):
    assert render(sample, fmt) == snapshot


def test_sarif_results(sample, snapshot):
    # The rules table repeats codes.py and is checked structurally in test_diagnostic_formats;
    # the snapshot keeps what changes with the input.
    run = json.loads(render(sample, "sarif"))["runs"][0]
    assert {k: v for k, v in run.items() if k != "tool"} == snapshot


def test_github_summary(sample, snapshot):
    assert github_summary(sample) == snapshot


@pytest.mark.parametrize("fmt", FORMATS)
def test_clean_run(fmt, snapshot):
    clean = make_result(sources=[SourceFile("a.tact", "framework a.b \"B\"\n")], frameworks=1)
    out = render(clean, fmt)
    if fmt == "sarif":
        out = json.dumps(json.loads(out)["runs"][0]["results"])
    assert out == snapshot


def test_clean_github_summary(snapshot):
    clean = make_result(sources=[SourceFile("a.tact", ""), SourceFile("b.tact", "")], frameworks=2)
    assert github_summary(clean) == snapshot
