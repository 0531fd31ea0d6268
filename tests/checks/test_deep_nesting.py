"""Deep nesting: one limit (32 levels of not/and/or, signals counted), enforced by `check` with
T1407 at the condition, and no recursion any input can push to Python's stack limit (issue #12:
1,000 `not`s or 500 alternating parentheses were an internal RecursionError in `check`; at 198
`not`s `check` passed and `build` failed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tactful import api
from tactful.syntax.ast import MAX_CONDITION_DEPTH

FRAMEWORK = '''framework demo.deep "Deep"
  owner support
  guard {cond} as deep "r"
  reply public
    next "ok"
  reply private
    next "ok"
'''


def nots(n: int) -> str:
    return "not " * n + 'message mentions "x"'


def alternating(n: int) -> str:
    cond = 'message mentions "z"'
    for i in range(n):
        cond = f'(message mentions "a{i}" {"and" if i % 2 else "or"} {cond})'
    return cond


def project(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "tactful.toml").write_text("", encoding="utf-8")
    (root / "deep.tact").write_text(text, encoding="utf-8")
    return root


def codes(result) -> list[str]:
    return [str(d.code.value) for d in result.diagnostics]


@pytest.mark.parametrize("cond", [nots(MAX_CONDITION_DEPTH), nots(198), nots(1000), nots(20_000),
                                  alternating(MAX_CONDITION_DEPTH), alternating(500), alternating(5000)],
                         ids=["nots-33", "nots-198", "nots-1000", "nots-20000", "alt-33", "alt-500", "alt-5000"])
def test_too_deep_is_one_t1405_in_check_and_build_refuses(tmp_path, cond):
    root = project(tmp_path, FRAMEWORK.format(cond=cond))
    checked = api.check([root])
    assert codes(checked) == ["T1407"]
    (d,) = checked.diagnostics
    assert d.span.line == 3 and d.span.column > len("  guard ")  # inside the condition on line 3
    compiled = api.compile([root])
    assert compiled.bundle is None and codes(compiled) == ["T1407"]


def test_at_the_limit_check_build_and_draft_agree(tmp_path):
    """32 levels, half of them through signals: check passes, so build and the runtime must too."""
    signals = "".join(f"signal t{i}\n  when not t{i + 1}\n" for i in range(7)) + 'signal t7\n  when message mentions "x"\n'
    text = signals + FRAMEWORK.format(cond="not " * 16 + "t0").replace(
        'as deep "r"\n', f'as deep "r"\n  guard {alternating(MAX_CONDITION_DEPTH - 1)} as alt "r"\n')
    root = project(tmp_path, text)
    result, library = api.compile_library([root])
    assert codes(result) == [] and library is not None
    assert library.draft("demo.deep", {}, {"message": "x z", "channel": "email"}).text == "ok"


def test_a_long_chain_of_signals_is_one_t1405(tmp_path):
    n = 1000
    signals = "".join(f"signal s{i}\n  when s{i + 1}\n" for i in range(n)) + f'signal s{n}\n  when message mentions "x"\n'
    root = project(tmp_path, signals + FRAMEWORK.format(cond="s0"))
    result = api.compile([root])
    assert codes(result) == ["T1407"] and result.bundle is None


