"""The pretty form: rustc's layout, carets under the right characters whatever the line holds."""

from __future__ import annotations

import re

import pytest

from tactful.codes import Code
from tactful.diagnostics import Diagnostic, Related, Severity, render
from tactful.source import NO_SPAN, SourceFile

from diagnostics_builders import make_result, span_of

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def pretty(source: SourceFile, *diagnostics: Diagnostic, **kw) -> str:
    return render(make_result(*diagnostics, sources=[source], **kw), "pretty")


def snippet(out: str) -> tuple[str, str]:
    """The first numbered source line (after `N | `) and the caret line under it (after `  | `)."""
    lines = out.splitlines()
    i = next(i for i, ln in enumerate(lines) if re.match(r"^\s*\d+ \|", ln))
    source_line, caret_line = lines[i], lines[i + 1]
    bar = source_line.index("|")
    assert caret_line[bar] == "|", "the caret line's gutter lines up with the source line's"
    return source_line[bar + 2 :], caret_line[bar + 2 :]


def underlined(out: str) -> str:
    """The displayed characters the carets sit under."""
    shown, carets = snippet(out)
    start = carets.index("^")
    end = start + len(carets[start:]) - len(carets[start:].lstrip("^"))
    return shown[start:end]


def test_the_style_guide_example():
    lines = [f"# {i}" for i in range(1, 43)] + ['    restate "You were charged {ammount} twice."']
    src = SourceFile("frameworks/billing/duplicate_charge.tact", "\n".join(lines) + "\n")
    d = Diagnostic(Code.UNDECLARED_SLOT, "slot `ammount` is not declared", span_of(src, "{ammount}"),
        label="not a slot of `billing.duplicate_charge`", hint="did you mean `amount`? (declared on line 18)",
    )
    assert pretty(src, d, frameworks=1) == (
        "error[T1201]: slot `ammount` is not declared\n"
        "  --> frameworks/billing/duplicate_charge.tact:43:31\n"
        "   |\n"
        '43 |     restate "You were charged {ammount} twice."\n'
        "   |                               ^^^^^^^^^ not a slot of `billing.duplicate_charge`\n"
        "   |\n"
        "   = help: did you mean `amount`? (declared on line 18)\n"
        "\n"
        "error: 1 error in 1 file (1 framework)\n"
    )


def test_no_hint_no_trailing_gutter():
    src = SourceFile("a.tact", 'framework a.b "B"\n')
    out = pretty(src, Diagnostic(Code.INVALID_INTENT, "bad intent", span_of(src, "a.b")))
    assert out.splitlines()[:5] == [
        "error[T1106]: bad intent",
        " --> a.tact:1:11",
        "  |",
        '1 | framework a.b "B"',
        "  |           ^^^",
    ]
    assert out.splitlines()[5] == ""


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('\tnext "x"\n', '"x"'),  # a tab before the span
        ('\t\t  next "{a}\tb"\n', "{a}"),  # tabs and spaces mixed
        ('next "a\tb"\n', "a\tb"),  # a tab inside the span
    ],
)
def test_carets_sit_under_the_span(text, needle):
    src = SourceFile("a.tact", text)
    out = pretty(src, Diagnostic(Code.HOUSE_STYLE, "m", span_of(src, needle)))
    assert underlined(out) == needle.replace("\t", "    ")


@pytest.mark.parametrize(
    ("text", "needle", "carets"),
    [
        ('next "名前 {slot}"\n', "{slot}", " " * 11 + "^" * 6),  # wide characters take two cells
        ('next "名前"\n', "名前", " " * 6 + "^" * 4),
        ('next "e\u0301t\u00e9 {x}"\n', "{x}", " " * 10 + "^" * 3),  # a combining accent takes none
    ],
)
def test_carets_count_terminal_cells(text, needle, carets):
    src = SourceFile("a.tact", text)
    assert snippet(pretty(src, Diagnostic(Code.HOUSE_STYLE, "m", span_of(src, needle))))[1] == carets


def test_tabs_are_expanded_in_the_shown_line():
    src = SourceFile("a.tact", '\tnext "x"\n')
    shown, _ = snippet(pretty(src, Diagnostic(Code.HOUSE_STYLE, "m", span_of(src, '"x"'))))
    assert shown == '    next "x"'


def test_multi_line_span_is_underlined_to_the_end_of_its_first_line():
    src = SourceFile("a.tact", '  reply private\n    next "x"\n')
    span = src.span(src.text.index("private"), src.text.index('"x"') + 3)
    out = pretty(src, Diagnostic(Code.MOVES_OUT_OF_ORDER, "m", span, label="here"))
    shown, carets = snippet(out)
    assert carets == "        ^^^^^^^ here"
    assert underlined(out) == "private"
    assert "next" not in out, "only the first line is shown"


def test_multi_line_span_starting_at_the_end_of_a_line_gets_one_caret():
    src = SourceFile("a.tact", "  reply private\n    next\n")
    nl = src.text.index("\n")
    out = pretty(src, Diagnostic(Code.MOVES_OUT_OF_ORDER, "m", src.span(nl, nl + 5)))
    assert snippet(out)[1] == " " * len("  reply private") + "^"


@pytest.mark.parametrize("text", ['next "x', 'next "x\n'])
def test_span_at_end_of_file(text):
    src = SourceFile("a.tact", text)
    end = len(text)
    out = pretty(src, Diagnostic(Code.UNTERMINATED_TEXT, "the text is not closed", src.span(end, end), label="the file ends here"))
    line, column = src.position(end)
    assert f"a.tact:{line}:{column}" in out
    shown, carets = snippet(out)
    assert shown == src.line_text(line)
    assert carets == " " * len(shown) + "^ the file ends here"


def test_empty_span_gets_one_caret():
    src = SourceFile("a.tact", "abc\n")
    out = pretty(src, Diagnostic(Code.SYNTAX_ERROR, "m", src.span(1, 1)))
    assert snippet(out)[1] == " ^"


def test_gutter_width_covers_every_line_shown():
    src = SourceFile("a.tact", "\n".join(f"line {i}" for i in range(1, 121)) + "\n")
    d = Diagnostic(Code.DUPLICATE_DECLARATION, "`x` is declared twice", src.span(src.offset(9, 1), src.offset(9, 5)),
                   related=(Related(src.span(src.offset(120, 1), src.offset(120, 5)), "first declared here"),))
    lines = pretty(src, d).splitlines()
    assert "  9 | line 9" in lines
    assert "120 | line 120" in lines
    assert lines.count("   --> a.tact:9:1") == 1
    assert lines.count("   --> a.tact:120:1") == 1
    assert "note: first declared here" in lines
    assert lines.index("note: first declared here") > lines.index("  9 | line 9")


def test_control_characters_never_reach_the_terminal():
    src = SourceFile("a.tact", 'next "\x1b[31mred\x07"\n')
    out = pretty(src, Diagnostic(Code.HOUSE_STYLE, "odd \x1b text", span_of(src, "red")))
    assert "\x1b" not in out and "\x07" not in out
    assert underlined(out) == "red"


def test_color_only_when_asked():
    src = SourceFile("a.tact", 'next "x"\n')
    result = make_result(
        Diagnostic(Code.HOUSE_STYLE, "m", span_of(src, '"x"'), label="l", hint="h"),
        Diagnostic(Code.UNDECLARED_SLOT, "m", span_of(src, "next"), related=(Related(span_of(src, "x"), "r"),)),
        sources=[src],
    )
    plain = render(result, "pretty")
    colored = render(result, "pretty", color=True)
    assert not ANSI.search(plain) and "\x1b" not in plain
    assert "\x1b[1;31merror[T1201]" in colored and "\x1b[1;33mwarning[T1304]" in colored
    assert ANSI.sub("", colored) == plain


def test_file_not_among_sources_prints_the_location_only():
    src = SourceFile("a.tact", "")
    ghost = SourceFile("tactful.toml", "[taxonomy]\nx = 1\n")
    out = pretty(src, Diagnostic(Code.INVALID_PROJECT_FILE, "bad value", ghost.span(11, 16)))
    assert out.startswith("error[T1703]: bad value\n --> tactful.toml:2:1\n\n")


def test_diagnostic_without_a_span_prints_its_message_only():
    out = pretty(SourceFile("a.tact", ""), Diagnostic(Code.INTENT_WITHOUT_FRAMEWORK, "intent `a.b` has no framework", NO_SPAN, hint="write it"))
    assert out.startswith("error[T1702]: intent `a.b` has no framework\n  = help: write it\n\n")
    assert "-->" not in out


@pytest.mark.parametrize(
    ("severities", "files", "frameworks", "expected"),
    [
        ([], 12, 18, "checked 12 files (18 frameworks): no problems"),
        ([], 1, 1, "checked 1 file (1 framework): no problems"),
        ([Severity.NOTE], 2, 3, "checked 2 files (3 frameworks): 1 note"),
        ([Severity.WARNING] * 2, 2, 3, "warning: 2 warnings in 1 of 2 files (3 frameworks)"),
        ([Severity.ERROR] * 3 + [Severity.WARNING], 12, 18, "error: 3 errors and 1 warning in 1 of 12 files (18 frameworks)"),
        ([Severity.ERROR, Severity.NOTE], 1, 1, "error: 1 error and 1 note in 1 file (1 framework)"),
    ],
)
def test_summary_line(severities, files, frameworks, expected):
    src = SourceFile("a.tact", "x\n")
    others = [SourceFile(f"other{i}.tact", "") for i in range(files - 1)]
    ds = [Diagnostic(Code.HOUSE_STYLE, "m", src.span(0, 1), severity=s) for s in severities]
    result = make_result(*ds, sources=[src, *others], frameworks=frameworks)
    assert render(result, "pretty").splitlines()[-1] == expected
    assert render(result, "compact").splitlines()[-1] == expected


def test_summary_counts_files_with_problems(sample):
    assert render(sample, "pretty").endswith("in 2 of 3 files (3 frameworks)\n")
