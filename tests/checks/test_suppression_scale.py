"""Suppression comments are matched in linear time (issue #12: 4,000 lines of
`# tactful: ignore[…]` took 5 s, the scan being quadratic). Counted, not timed: the number of
source lines read is proportional to the file."""

from __future__ import annotations

from pathlib import Path

from tactful import api
from tactful.source import SourceFile

MINIMAL = (Path(__file__).parents[1] / "fixtures" / "valid" / "minimal.tact").read_text(encoding="utf-8").splitlines()


def test_many_suppression_comments_read_each_line_a_bounded_number_of_times(tmp_path, monkeypatch):
    n = 3000
    root = tmp_path / "lib"
    root.mkdir()
    (root / "tactful.toml").write_text("", encoding="utf-8")
    lines = MINIMAL[:4] + [f"# tactful: ignore[T1302] reason {i}" for i in range(n)] + MINIMAL[4:]
    (root / "a.tact").write_text("\n".join(lines) + "\n", encoding="utf-8")
    reads = 0
    real = SourceFile.line_text

    def counting(self, line):
        nonlocal reads
        reads += 1
        return real(self, line)

    monkeypatch.setattr(SourceFile, "line_text", counting)
    result = api.check([root])
    assert sum(d.code == "T1706" for d in result.diagnostics) == n  # each covers the reply line, where nothing is reported
    assert reads < 5 * len(lines), reads
