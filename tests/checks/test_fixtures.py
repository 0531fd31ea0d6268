"""The checker against its golden fixtures: every fixture reports exactly what it says it expects.

See golden_fixtures.py for the fixture format. To add a diagnostic code, add a fixture under
tests/fixtures/checks/ named `<code>-<slug>.tact` that expects it; test_every_code_has_a_fixture
fails until there is one.
"""

from __future__ import annotations

import re

import pytest

from golden_fixtures import CHECKS, VALID, actual, case_id, cases, describe, expectations, files_of, run
from tactful.codes import CODES

CHECK_CASES = cases(CHECKS)
VALID_CASES = cases(VALID)
ALL_CASES = CHECK_CASES + VALID_CASES


@pytest.mark.parametrize("case", CHECK_CASES, ids=case_id)
def test_fixture_reports_exactly_its_expectations(case):
    expected = expectations(case)
    assert expected, f"{case_id(case)} expects nothing: move it to tests/fixtures/valid/"
    result = run(case)
    got = actual(result)
    missing, unexpected = expected - got, got - expected
    assert not missing and not unexpected, (
        f"{case_id(case)}\nexpected but not reported:\n{describe(result, missing) or '  -'}"
        f"\nreported but not expected:\n{describe(result, unexpected) or '  -'}"
    )


@pytest.mark.parametrize("case", VALID_CASES, ids=case_id)
def test_valid_fixture_is_clean(case):
    assert not expectations(case), f"{case_id(case)} has `# expect:` lines: move it to tests/fixtures/checks/"
    result = run(case)
    assert result.diagnostics == [], describe(result, actual(result))
    assert result.frameworks > 0 or case.name.startswith("library"), "a valid fixture checks at least one framework"


def test_every_code_has_a_fixture():
    expected_codes = {code for case in CHECK_CASES for (_, code, _, _) in expectations(case)}
    missing = sorted(set(CODES) - expected_codes)
    assert not missing, "codes without a fixture that expects them: " + ", ".join(missing)
    unknown = sorted(expected_codes - set(CODES))
    assert not unknown, "fixtures expect codes that do not exist: " + ", ".join(unknown)


@pytest.mark.parametrize("case", CHECK_CASES, ids=case_id)
def test_fixture_name_matches_what_it_expects(case):
    m = re.match(r"(T\d{4})-[a-z0-9-]+(\.tact)?$", case.name)
    assert m, f"{case_id(case)}: name fixtures `<code>-<slug>`, like T1201-undeclared-slot.tact"
    code = m.group(1)
    assert code in CODES, f"{case_id(case)}: {code} is not a code"
    assert code in {c for (_, c, _, _) in expectations(case)}, f"{case_id(case)} does not expect {code}"


@pytest.mark.parametrize("case", CHECK_CASES, ids=case_id)
def test_messages_are_plain_words(case):
    """What a person reads: no Python reprs, no grammar terminal names, spans inside the file."""
    result = run(case)
    for d in result.diagnostics:
        for text in (d.message, d.label, d.hint):
            assert not re.search(r"\bb'|\bb\"|\\x[0-9a-f]{2}|\b_NL\b|\$END|_INDENT|_DEDENT|\bNAME\b|\bSTRING\b|__",
                                 text), f"{d.code} at {d.span.line}:{d.span.column}: {text!r}"
        assert d.message.strip() and "\n" not in d.message, f"{d.code}: {d.message!r}"
        src = result.sources.get(d.span.file)
        assert src is not None, f"{d.code}: span file {d.span.file!r} was not read"
        assert 0 <= d.span.start <= d.span.end <= len(src.text), f"{d.code}: span {d.span} outside the file"


def test_fixtures_cover_both_kinds_of_file():
    """A guard on the harness itself: fixture folders are read whole, tactful.toml included."""
    folders = [c for c in CHECK_CASES if c.is_dir()]
    assert folders, "there are folder fixtures"
    assert any(f.name == "tactful.toml" for c in folders for f in files_of(c))
