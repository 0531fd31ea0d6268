"""The machine formats: compact, json, GitHub workflow commands and job summary, SARIF."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

import tactful
from tactful.codes import Code, CODES
from tactful.diagnostics import FINGERPRINT_KEY, Diagnostic, Related, Severity, github_summary, render
from tactful.source import NO_SPAN, SourceFile

from diagnostics_builders import make_result, span_of

JSON_KEYS = {"code", "slug", "severity", "message", "file", "line", "column", "end_line", "end_column", "hint"}


def test_unknown_format_fails_loudly(sample):
    with pytest.raises(ValueError, match="xml"):
        render(sample, "xml")


# --- compact ------------------------------------------------------------------------------------


def test_compact_is_one_line_per_diagnostic_then_the_summary():
    src = SourceFile("a b/c.tact", 'next "x"\n')
    out = render(make_result(
        Diagnostic(Code.HOUSE_STYLE, "line one\nline two", span_of(src, '"x"'), hint="try this"),
        Diagnostic(Code.INTENT_WITHOUT_FRAMEWORK, "intent `a.b` has no framework", NO_SPAN),
        sources=[src],
    ), "compact")
    assert out == (
        'a b/c.tact:1:6: warning[T1304] line one line two (help: try this)\n'
        "error[T1702] intent `a.b` has no framework\n"
        "error: 1 error and 1 warning in 1 file (0 frameworks)\n"
    )


# --- json ---------------------------------------------------------------------------------------


def test_json_has_exactly_the_documented_keys(sample):
    data = json.loads(render(sample, "json"))
    assert set(data) == {"diagnostics", "summary"}
    assert set(data["summary"]) == {"files", "frameworks", "errors", "warnings"}
    assert data["summary"] == {"files": 3, "frameworks": 3, "errors": 1, "warnings": 2}
    assert [set(d) for d in data["diagnostics"]] == [JSON_KEYS] * len(sample.diagnostics)


def test_json_values_come_from_the_diagnostic(sample):
    data = json.loads(render(sample, "json"))
    for got, d in zip(data["diagnostics"], sample.diagnostics, strict=True):
        s = d.span
        assert got == {
            "code": d.code, "slug": CODES[d.code].slug, "severity": d.effective_severity.value,
            "message": d.message, "file": s.file, "line": s.line, "column": s.column,
            "end_line": s.end_line, "end_column": s.end_column, "hint": d.hint,
        }
    assert data["diagnostics"][2]["severity"] == "note", "a severity override wins over the default"


def test_json_is_one_object_ending_with_a_newline(sample):
    out = render(sample, "json")
    assert out.endswith("}\n") and out.count("\n}\n") == 1
    json.loads(out)  # exactly one document: trailing data would make this raise


def test_json_without_a_location_says_null():
    out = json.loads(render(make_result(Diagnostic(Code.INTENT_WITHOUT_FRAMEWORK, "m", NO_SPAN), sources=[]), "json"))
    d = out["diagnostics"][0]
    assert [d[k] for k in ("file", "line", "column", "end_line", "end_column")] == [None] * 5


def test_json_keeps_non_ascii_readable():
    src = SourceFile("a.tact", "café\n")
    out = render(make_result(Diagnostic(Code.HOUSE_STYLE, "« café »", src.span(0, 4)), sources=[src]), "json")
    assert "« café »" in out


# --- github -------------------------------------------------------------------------------------


def _unescape(data: str) -> str:
    return data.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_github_escapes_message_and_properties():
    src = SourceFile("odd,dir/a:b%.tact", 'next "x"\n')
    d = Diagnostic(Code.HOUSE_STYLE, "100% sure: a, b\r\nnext", span_of(src, '"x"'), hint="use 50%,\nnot: 100%")
    out = render(make_result(d, sources=[src]), "github")
    assert out == (
        "::warning file=odd%2Cdir/a%3Ab%25.tact,line=1,col=6,endLine=1,endColumn=9,title=T1304 house-style"
        "::100%25 sure: a, b%0D%0Anext%0Ahelp: use 50%25,%0Anot: 100%25\n"
    )


def test_github_message_round_trips(sample):
    for line, d in zip(render(sample, "github").splitlines(), sample.diagnostics, strict=True):
        props, _, message = line[2:].partition("::")
        text = _unescape(message)
        assert text.split("\n")[0] == d.message
        assert ("help: " + d.hint in text) == bool(d.hint)
        kv = dict(p.split("=", 1) for p in props.split(" ", 1)[1].split(","))
        assert _unescape(kv["file"]) == d.span.file and kv["line"] == str(d.span.line)


def test_github_commands_per_severity():
    src = SourceFile("a.tact", "x\n")
    span = src.span(0, 1)
    out = render(make_result(
        Diagnostic(Code.UNDECLARED_SLOT, "e", span), Diagnostic(Code.UNDECLARED_SLOT, "w", span, severity=Severity.WARNING),
        Diagnostic(Code.HOUSE_STYLE, "n", span, severity=Severity.NOTE), sources=[src],
    ), "github")
    assert [ln.split(" ")[0] for ln in out.splitlines()] == ["::error", "::warning", "::notice"]


def test_github_multi_line_annotation_has_no_columns():
    src = SourceFile("a.tact", "ab\ncd\n")
    out = render(make_result(Diagnostic(Code.MOVES_OUT_OF_ORDER, "m", src.span(1, 4)), sources=[src]), "github")
    assert out == "::warning file=a.tact,line=1,endLine=2,title=T1302 moves-out-of-order::m\n"


def test_github_related_locations_follow_the_hint():
    src = SourceFile("a.tact", "x\ny\n")
    d = Diagnostic(Code.DUPLICATE_DECLARATION, "dup", src.span(2, 3), hint="rename", related=(Related(src.span(0, 1), "first here"),))
    out = render(make_result(d, sources=[src]), "github")
    assert out.endswith("::dup%0Ahelp: rename%0Anote: first here (a.tact:1:1)\n")


def test_github_without_a_location():
    out = render(make_result(Diagnostic(Code.INTENT_WITHOUT_FRAMEWORK, "m", NO_SPAN), sources=[]), "github")
    assert out == "::error title=T1702 intent-without-framework::m\n"


def test_github_summary_escapes_table_cells():
    src = SourceFile("a|b.tact", "x\n")
    d = Diagnostic(Code.HOUSE_STYLE, "a | b <script> `x | <y>`", src.span(0, 1), hint="one\ntwo")
    out = github_summary(make_result(d, sources=[src]))
    row = next(ln for ln in out.splitlines() if ln.startswith("| `a"))
    assert row == (
        "| `a\\|b.tact` | 1:1 | warning | `T1304` house-style "
        "| a \\| b &lt;script&gt; `x \\| <y>`<br>help: one<br>two |"
    )
    assert len(re.findall(r"(?<!\\)\|", row)) == 6, "six unescaped pipes: five cells"


def test_github_summary_caps_its_table():
    src = SourceFile("a.tact", "x\n")
    ds = [Diagnostic(Code.HOUSE_STYLE, f"m{i}", src.span(0, 1)) for i in range(510)]
    out = github_summary(make_result(*ds, sources=[src]))
    assert sum(ln.startswith("| `a.tact`") for ln in out.splitlines()) == 500
    assert "and 10 more" in out


def test_github_summary_groups_by_file_keeping_order_within_a_file():
    a, b = SourceFile("a.tact", "x\n"), SourceFile("b.tact", "x\n")
    ds = [Diagnostic(Code.HOUSE_STYLE, m, f.span(0, 1)) for m, f in (("b1", b), ("a1", a), ("b2", b), ("a2", a))]
    rows = [ln for ln in github_summary(make_result(*ds, sources=[a, b])).splitlines() if ln.startswith("| `")]
    assert [r.split("|")[5].strip() for r in rows] == ["a1", "a2", "b1", "b2"]


# --- sarif --------------------------------------------------------------------------------------

# The parts of the SARIF 2.1.0 schema that code scanning relies on (the full schema is not vendored).
REGION = {
    "type": "object",
    "required": ["startLine", "startColumn", "endLine", "endColumn"],
    "properties": {k: {"type": "integer", "minimum": 1} for k in ("startLine", "startColumn", "endLine", "endColumn")},
}
LOCATION = {
    "type": "object",
    "required": ["physicalLocation"],
    "properties": {
        "physicalLocation": {
            "type": "object",
            "required": ["artifactLocation", "region"],
            "properties": {
                "artifactLocation": {
                    "type": "object",
                    "required": ["uri", "uriBaseId"],
                    "properties": {"uri": {"type": "string", "pattern": "^[^/:\\\\][^:\\\\]*$"}, "uriBaseId": {"const": "%SRCROOT%"}},
                },
                "region": REGION,
            },
        }
    },
}
MESSAGE = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}}
LEVEL = {"enum": ["none", "note", "warning", "error"]}
SARIF_SUBSET = {
    "type": "object",
    "required": ["$schema", "version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {
            "type": "array", "minItems": 1, "maxItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "tool": {
                        "type": "object", "required": ["driver"],
                        "properties": {"driver": {
                            "type": "object", "required": ["name", "version", "rules"],
                            "properties": {
                                "name": {"const": "tactful"},
                                "informationUri": {"type": "string", "pattern": "^https?://"},
                                "rules": {"type": "array", "items": {
                                    "type": "object",
                                    "required": ["id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"],
                                    "properties": {
                                        "id": {"type": "string", "pattern": "^T[0-9]{4}$"},
                                        "shortDescription": MESSAGE, "fullDescription": MESSAGE, "help": MESSAGE,
                                        "defaultConfiguration": {"type": "object", "required": ["level"], "properties": {"level": LEVEL}},
                                    },
                                }},
                            },
                        }},
                    },
                    "results": {"type": "array", "items": {
                        "type": "object",
                        "required": ["ruleId", "ruleIndex", "level", "message"],
                        "properties": {
                            "ruleIndex": {"type": "integer", "minimum": 0},
                            "level": LEVEL,
                            "message": MESSAGE,
                            "locations": {"type": "array", "items": LOCATION, "maxItems": 1},
                            "relatedLocations": {"type": "array", "items": {
                                "allOf": [LOCATION, {"required": ["id", "message"], "properties": {"message": MESSAGE}}],
                            }},
                            "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
                        },
                    }},
                },
            },
        },
    },
}


def sarif(result) -> dict:
    return json.loads(render(result, "sarif"))


def test_sarif_matches_the_schema_subset(sample):
    jsonschema.validate(sarif(sample), SARIF_SUBSET)


def test_sarif_subset_schema_has_teeth(sample):
    log = sarif(sample)
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, SARIF_SUBSET)


def test_sarif_header_and_driver(sample):
    log = sarif(sample)
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "tactful" and driver["version"] == tactful.__version__


def test_sarif_has_one_rule_per_code_in_table_order(sample):
    rules = sarif(sample)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    for rule in rules:
        code = CODES[rule["id"]]
        assert rule["name"] == code.slug
        assert rule["shortDescription"]["text"] == code.title
        assert rule["fullDescription"]["text"] == code.explanation
        assert rule["defaultConfiguration"]["level"] == code.severity.value
        assert code.explanation in rule["help"]["text"]


def test_sarif_results_point_at_their_rules(sample):
    run = sarif(sample)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(sample.diagnostics)
    for res, d in zip(run["results"], sample.diagnostics, strict=True):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == d.code
        assert res["level"] == d.effective_severity.value
        assert res["message"]["text"].startswith(d.message)
        assert ("help: " + d.hint in res["message"]["text"]) == bool(d.hint)
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == d.span.file
        assert loc["region"] == {"startLine": d.span.line, "startColumn": d.span.column,
                                 "endLine": d.span.end_line, "endColumn": d.span.end_column}
    related = run["results"][1]["relatedLocations"]
    assert [r["message"]["text"] for r in related] == ["`amount` is declared here"]


def test_sarif_uri_is_percent_encoded():
    src = SourceFile("my frameworks/a#1.tact", "x\n")
    run = sarif(make_result(Diagnostic(Code.HOUSE_STYLE, "m", src.span(0, 1)), sources=[src]))["runs"][0]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20frameworks/a%231.tact"


def test_sarif_without_a_location_has_no_locations():
    res = sarif(make_result(Diagnostic(Code.INTENT_WITHOUT_FRAMEWORK, "m", NO_SPAN), sources=[]))["runs"][0]["results"][0]
    assert "locations" not in res and "partialFingerprints" not in res


def test_sarif_names_no_machine_local_path(sample):
    out = render(sample, "sarif")
    assert str(Path.cwd()) not in out and "file:" not in out


# --- fingerprints ---------------------------------------------------------------------------------

BODY = 'framework a.b "B"\n  reply private\n    next "We refunded {ammount}."\n'


def fingerprint_of(text: str, message: str = "slot `ammount` is not declared", code: str = "T1201", path: str = "a.tact") -> str:
    src = SourceFile(path, text)
    d = Diagnostic(Code(code), message, span_of(src, "{ammount}"))
    res = sarif(make_result(d, sources=[src]))["runs"][0]["results"][0]
    return res["partialFingerprints"][FINGERPRINT_KEY]


def test_fingerprint_survives_lines_moving():
    moved = BODY.replace("  reply private\n", "  slot a\n  slot b\n  slot c\n  reply private\n")
    assert fingerprint_of(moved) == fingerprint_of(BODY)


@pytest.mark.parametrize("indented", ['      next  "We', '\tnext "We', '    next "We'])
def test_fingerprint_survives_reindenting(indented):
    assert fingerprint_of(BODY.replace('    next "We', indented)) == fingerprint_of(BODY)


@pytest.mark.parametrize(
    "change",
    [
        {"message": "slot `ammount` is not a slot"},
        {"code": "T1203"},
        {"path": "b.tact"},
        {"text": BODY.replace("refunded", "paid")},
    ],
)
def test_fingerprint_changes_with_what_the_finding_is(change):
    kwargs = {"text": BODY} | change
    assert fingerprint_of(**kwargs) != fingerprint_of(BODY)


def test_identical_findings_are_told_apart_by_occurrence():
    src = SourceFile("a.tact", "x\nx\n")
    ds = [Diagnostic(Code.HOUSE_STYLE, "m", src.span(0, 1)), Diagnostic(Code.HOUSE_STYLE, "m", src.span(2, 3))]
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in sarif(make_result(*ds, sources=[src]))["runs"][0]["results"]]
    assert prints[0].endswith(":1") and prints[1].endswith(":2")
    assert prints[0][:-2] == prints[1][:-2]
    assert re.fullmatch(r"[0-9a-f]{64}:1", prints[0])


def test_every_sarif_rule_links_to_its_section_of_the_diagnostics_reference(sample):
    import sys
    from urllib.parse import urlsplit

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "hooks"))
    from generated_pages import diagnostics_page

    page = diagnostics_page()
    rules = sarif(sample)["runs"][0]["tool"]["driver"]["rules"]
    assert rules
    for rule in rules:
        uri = urlsplit(rule["helpUri"])
        assert uri.scheme == "https" and uri.netloc, rule["helpUri"]
        assert uri.path.endswith("/reference/diagnostics/") and uri.fragment == rule["id"]
        assert f"{{#{rule['id']}}}" in page, f"the reference page has no anchor #{rule['id']}"
