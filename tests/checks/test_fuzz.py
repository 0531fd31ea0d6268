"""api.check never raises: arbitrary text, arbitrary bytes and mutated valid files all come back as
diagnostics (an exception out of the checker is a bug, whatever the input)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from golden_fixtures import FIXTURES
from tactful import api
from tactful.codes import CODES
from tactful.diagnostics import render

REPO = FIXTURES.parents[1]
SEEDS = sorted((FIXTURES / "valid").glob("*.tact")) + sorted((REPO / "frameworks").rglob("*.tact"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]

KEYWORDS = ["framework", "owner", "tags", "serves", "about", "slot", "required", "private", "public", "pattern",
            "example", "escalate", "when", "handoff", "guard", "as", "except", "reply", "acknowledge", "ask",
            "restate", "next", "close", "pick", "message", "channel", "context", "slots", "expect", "no", "send",
            "hold", "text", "contains", "lacks", "use", "team", "field", "signal", "fires", "quiet", "phrases",
            "style", "avoid", "prefer", "severity", "policy", "mentions", "matches", "is", "in", "and", "or", "not",
            "enum", "(", ")", ",", '"', '"""', "{", "}", "[", "]", "/", "\\", "#", "# tactful: ignore[T1304]",
            "{amount}", "{x or 'y'}", "[ {x}]", ">=", "3", "-1.5", "\t", "\r", "\x00", "é", "\u2019", "🙂"]

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / "tactful.toml").write_text("# fuzz project\n", encoding="utf-8")
        yield root


def _check_bytes(root: Path, data: bytes) -> api.Result:
    path = root / "fuzz.tact"
    path.write_bytes(data)
    result = api.check([path])
    for d in result.diagnostics:
        assert d.code in CODES
        src = result.sources.get(d.span.file)
        assert src is not None and 0 <= d.span.start <= d.span.end <= len(src.text), d
    render(result, "pretty")
    render(result, "json")
    return result


@st.composite
def mutated(draw):
    lines = draw(st.sampled_from(SEED_TEXTS)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "chars", "keyword", "indent", "dedent", "tab"]))
        line = lines[i]
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op in ("chars", "keyword"):
            at = draw(st.integers(0, len(line)))
            insert = draw(st.text(max_size=6)) if op == "chars" else " " + draw(st.sampled_from(KEYWORDS)) + " "
            lines[i] = line[:at] + insert + line[at:]
        elif op == "indent":
            lines[i] = " " * draw(st.integers(1, 6)) + line
        elif op == "dedent":
            lines[i] = line[draw(st.integers(0, len(line) - len(line.lstrip(" ")))):]
        else:
            lines[i] = "\t" + line.lstrip(" ")
    return "\n".join(lines)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@SETTINGS
@given(text=_TEXT)
def test_arbitrary_text_never_raises(workdir, text):
    _check_bytes(workdir, text.encode("utf-8"))


@SETTINGS
@given(text=st.lists(st.sampled_from(KEYWORDS + ["\n", "\n  ", "\n    ", " ", "demo.x", "support"]), max_size=40).map("".join))
def test_keyword_soup_never_raises(workdir, text):
    _check_bytes(workdir, text.encode("utf-8"))


@settings(max_examples=50, deadline=None, derandomize=True)
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(workdir, data):
    result = _check_bytes(workdir, data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert [d.code for d in result.diagnostics] == ["T1005"]


@SETTINGS
@given(text=mutated())
def test_mutated_valid_files_never_raise(workdir, text):
    _check_bytes(workdir, text.encode("utf-8"))
