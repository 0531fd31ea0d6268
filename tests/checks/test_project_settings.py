"""tactful.toml and suppressions cannot break a build (issue #12): a malformed `diagnostics` value
or an unreadable file is a diagnostic with its line, and the errors that guard the bundle's
integrity cannot be turned off, so whatever `check` passes, `build` builds a bundle the runtime
loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tactful import api
from tactful.codes import CODES, Severity, adjustable
from tactful.runtime import Library

FIXTURES = Path(__file__).parents[1] / "fixtures" / "checks"
MINIMAL = (Path(__file__).parents[1] / "fixtures" / "valid" / "minimal.tact").read_text(encoding="utf-8")
ERROR_FIXTURES = sorted(f for f in FIXTURES.glob("T*.tact") if CODES[f.name.split("-")[0]].severity is Severity.ERROR
                        and f.name.split("-")[0] != "T1703")


def project(tmp_path: Path, toml: str, files: dict[str, str] | None = None) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "tactful.toml").write_text(toml, encoding="utf-8")
    for name, text in (files or {"ok.tact": MINIMAL}).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def t1703(result) -> list[tuple[int, str]]:
    return [(d.span.line, d.message) for d in result.diagnostics if d.code == "T1703"]


@pytest.mark.parametrize("toml", ['diagnostics = "x"\n', "diagnostics = [1, 2]\n", "# settings\ndiagnostics = 3\n",
                                  '[diagnostics]\nT1302 = 3\n', '[diagnostics]\nT1302 = ["off"]\n'])
def test_a_malformed_diagnostics_setting_is_a_diagnostic_with_its_line(tmp_path, toml):
    result = api.check([project(tmp_path, toml)])
    (found,) = t1703(result)
    assert found[0] == len(toml.splitlines()), found


def test_an_unreadable_project_file_is_a_diagnostic(tmp_path, monkeypatch):
    root = project(tmp_path, "")
    real = Path.read_text

    def read_text(self, *args, **kwargs):  # what chmod 000 does for anyone but root
        if self.name == "tactful.toml":
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    result = api.check([root])
    assert t1703(result) == [(1, "could not read tactful.toml: Permission denied")]


def test_the_issues_cases_t1201_and_t1001_cannot_be_turned_off(tmp_path):
    toml = '[diagnostics]\nT1201 = "off"\nT1001 = "warning"\n'
    files = {"a.tact": (FIXTURES / "T1201-undeclared-slot.tact").read_text(encoding="utf-8"),
             "b.tact": (FIXTURES / "T1001-syntax-error.tact").read_text(encoding="utf-8")}
    result = api.compile([project(tmp_path, toml, files)])
    assert [line for line, _ in t1703(result)] == [2, 3]
    assert "guards the bundle's integrity" in t1703(result)[0][1]
    assert {"T1201", "T1001"} <= {d.code.value for d in result.diagnostics if d.effective_severity is Severity.ERROR}
    assert result.bundle is None


@pytest.mark.parametrize("fixture", ERROR_FIXTURES, ids=lambda f: f.stem)
@pytest.mark.parametrize("how", ["off", "warning", "suppressed"])
def test_whatever_a_project_silences_check_and_build_agree(tmp_path, fixture, how):
    """Every error fixture with its code turned off, made a warning, or suppressed on every line it
    is reported on: either the error stays (and nothing is built) or the bundle builds and loads."""
    code = fixture.name.split("-")[0]
    text = fixture.read_text(encoding="utf-8")
    if how == "suppressed":
        lines = text.splitlines()
        reported = {d.span.line for d in api.check([fixture]).diagnostics if d.code == code and d.span.file.endswith(fixture.name)}
        for n in sorted(reported, reverse=True):
            lines.insert(n - 1, f"# tactful: ignore[{code}] the test silences it")
        text, toml = "\n".join(lines) + "\n", ""
    else:
        toml = f'[diagnostics]\n{code} = "{how}"\n'
    result = api.compile([project(tmp_path, toml, {fixture.name: text})])
    if adjustable(CODES[code]):
        if result.errors == 0:
            assert result.bundle is not None
            api.build_outputs(result.bundle)
            Library(result.bundle)
    else:
        assert result.bundle is None and code in {d.code.value for d in result.diagnostics}
