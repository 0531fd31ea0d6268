"""A long source line is cut around the span (issue #12: a syntax error on a 1 MB line printed the
whole line)."""

from __future__ import annotations

from tactful import api
from tactful.diagnostics import render


def test_a_syntax_error_on_a_megabyte_line_shows_a_window_around_the_caret(tmp_path):
    root = tmp_path / "lib"
    root.mkdir()
    (root / "tactful.toml").write_text("", encoding="utf-8")
    line = '  guard message mentions "' + "x" * 1_000_000 + '" and nonsense_here ( "r"'
    (root / "a.tact").write_text(f'framework demo.long "Long"\n  owner support\n{line}\n', encoding="utf-8")
    out = render(api.check([root]), "pretty", color=False)
    assert len(out) < 2000, len(out)
    source_line = next(x for x in out.splitlines() if x.startswith("3 | "))
    caret_line = out.splitlines()[out.splitlines().index(source_line) + 1]
    assert source_line.startswith("3 | …") and source_line.endswith('nonsense_here ( "r"')
    assert source_line[caret_line.index("^")] == "("  # the caret is under the token it reports


def test_a_long_span_is_underlined_within_the_window(tmp_path):
    root = tmp_path / "lib"
    root.mkdir()
    (root / "tactful.toml").write_text("", encoding="utf-8")
    cond = "not " * 5000 + 'message mentions "x"'
    (root / "a.tact").write_text(f'framework demo.long "Long"\n  owner support\n  guard {cond} as deep "r"\n',
                                 encoding="utf-8")
    out = render(api.check([root]), "pretty", color=False)
    assert max(len(x) for x in out.splitlines()) < 300
    assert "^" in out and out.count("\n") < 40
