"""The formatter (syntax/layout.py): what the canonical layout is, and that it is safe (the same AST
and comments after formatting) and idempotent on every file we have and on generated frameworks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tactful.source import SourceFile
from tactful.syntax.layout import FormatError, format_source
from tactful.syntax.parser import parse

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def fmt(text: str) -> str:
    return format_source(SourceFile("demo/sample.tact", text)).text


def same_meaning(before: str, after: str) -> None:
    a, da = parse(SourceFile("x.tact", before))
    b, db = parse(SourceFile("x.tact", after))
    assert not da and not db, (da, db)
    assert a.entries == b.entries
    assert [c.text.rstrip() for c in a.comments] == [c.text.rstrip() for c in b.comments]


def _parsing_files() -> list[Path]:
    files = sorted(REPO.joinpath("frameworks").rglob("*.tact")) + sorted(REPO.joinpath("stdlib").glob("*.tact"))
    files += sorted(FIXTURES.rglob("*.tact"))
    out = []
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if not parse(SourceFile("x.tact", text))[1]:
            out.append(f)
    return out


@pytest.mark.parametrize("path", _parsing_files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_file_that_parses_formats_safely_and_idempotently(path):
    text = path.read_text(encoding="utf-8")
    once = fmt(text)
    same_meaning(text, once)
    assert fmt(once) == once


def test_indentation_spacing_and_quotes_become_canonical():
    source = (
        'framework   demo.x    """Demo"""\n'
        "    owner support\n"
        "    tags  a ,b\n"
        "    slot amount   money private\n"
        "        example  \"$5\"\n"
        "    reply public when channel in ( x,instagram )\n"
        '        next   "Done."\n'
    )
    assert fmt(source) == (
        'framework demo.x "Demo"\n'
        "  owner support\n"
        "  tags a, b\n"
        "\n"
        "  slot amount money private\n"
        '    example "$5"\n'
        "\n"
        "  reply public when channel in (x, instagram)\n"
        '    next "Done."\n'
    )


def test_long_texts_open_at_the_line_end_and_keep_relative_indentation():
    source = 'framework demo.x "X"\n  about """First line\n        indented more\n     back"""\n  owner support\n'
    out = fmt(source)
    assert out == (
        'framework demo.x "X"\n'
        '  about """\n'
        "    First line\n"
        "            indented more\n"
        "         back\n"
        '    """\n'
        "  owner support\n"
    )
    same_meaning(source, out)


def test_blank_lines_between_kinds_and_around_replies_and_examples():
    source = (
        "use stdlib.signals\nuse stdlib.phrases\n"
        'framework demo.x "X"\n'
        "  owner support\n\n\n\n  tags a\n"
        "  slot a\n  slot b\n"
        '  guard all_caps "Caps."\n'
        '  reply public\n    next "A."\n'
        '  reply private\n\n    next "B."\n'
        '  example "e"\n    message "m"\n\n    channel x\n'
        "team extra\nteam other\n"
    )
    assert fmt(source) == (
        "use stdlib.signals\nuse stdlib.phrases\n\n"
        'framework demo.x "X"\n'
        "  owner support\n\n  tags a\n\n"
        "  slot a\n  slot b\n\n"
        '  guard all_caps "Caps."\n\n'
        '  reply public\n    next "A."\n\n'
        '  reply private\n    next "B."\n\n'
        '  example "e"\n    message "m"\n    channel x\n\n'
        "team extra\nteam other\n"
    )


def test_comments_stay_where_they_were_written():
    source = (
        "# header\n\n"
        "use stdlib.signals   # for all_caps\n"
        'framework demo.x "X"\n'
        "      # who owns it\n"
        "  owner support\n"
        "  reply public\n"
        "    # the one move\n"
        '    next "A."  # short\n'
        "# the end\n"
    )
    assert fmt(source) == (
        "# header\n\n"
        "use stdlib.signals  # for all_caps\n\n"
        'framework demo.x "X"\n'
        "  # who owns it\n"
        "  owner support\n\n"
        "  reply public\n"
        "    # the one move\n"
        '    next "A."  # short\n'
        "# the end\n"
    )


def test_long_mentions_lists_are_wrapped_one_per_line():
    phrases = ", ".join(f'"phrase number {i}"' for i in range(8))
    source = f'framework demo.x "X"\n  guard message mentions {phrases} "Reason."\n'
    out = fmt(source)
    assert out.splitlines()[1:] == [
        '  guard message mentions "phrase number 0",',
        *[f'      "phrase number {i}",' for i in range(1, 7)],
        '      "phrase number 7" "Reason."',
    ]
    same_meaning(source, out)
    short = 'framework demo.x "X"\n  guard message mentions "a", "b" "Reason."\n'
    assert fmt(short) == short


def test_parentheses_that_carry_structure_are_kept_and_the_others_dropped():
    source = 'framework demo.x "X"\n  guard (a and b) and ((c)) or not (d or e) "R."\n'
    out = fmt(source)
    assert out.splitlines()[1] == '  guard (a and b) and c or not (d or e) "R."'
    same_meaning(source, out)


def test_a_comment_inside_a_wrapped_list_keeps_the_line_as_written():
    source = 'framework demo.x "X"\n    guard message mentions "a",\n        "b",  # second\n        "c" "R."\n'
    out = fmt(source)
    assert out == 'framework demo.x "X"\n  guard message mentions "a",\n      "b",  # second\n      "c" "R."\n'
    # on the list's first line, a comment stays at the end of that line and the list is joined
    first = 'framework demo.x "X"\n  guard message mentions "a",  # first\n      "b" "R."\n'
    assert fmt(first) == 'framework demo.x "X"\n  guard message mentions "a", "b" "R."  # first\n'


def test_a_file_with_syntax_errors_is_not_formatted():
    with pytest.raises(FormatError) as e:
        fmt('framework demo.x "X"\n  owner support support\n')
    assert [d.code for d in e.value.diagnostics] == ["T1001"]


def test_a_style_with_two_prefer_lines_is_refused_rather_than_losing_one():
    source = 'style s "S"\n  avoid "x"\n  prefer "a"\n  prefer "b"\n'
    with pytest.raises(FormatError, match="more than one `prefer`"):
        fmt(source)


# --- generated frameworks ---------------------------------------------------------------------------

_WORD = st.sampled_from(["amount", "case_reference", "message", "all_caps", "sarcasm", "finance", "support", "x"])
_PHRASE = st.text(st.sampled_from("abc xyz'é-"), min_size=1, max_size=12).map(lambda s: '"' + s + '"')
_GAP = st.sampled_from([" ", "  ", "   "])


@st.composite
def conditions(draw, depth=0):
    kind = draw(st.sampled_from(["name", "mentions", "compare", "is", "in"] + (["and", "or", "not", "group"] if depth < 2 else [])))
    if kind == "name":
        return draw(_WORD)
    if kind == "mentions":
        return "message mentions " + ", ".join(draw(st.lists(_PHRASE, min_size=1, max_size=12)))
    if kind == "compare":
        return f"contact_count {draw(st.sampled_from(['>=', '<', '==']))} {draw(st.sampled_from(['3', '0.5', '-1']))}"
    if kind == "is":
        return "channel is " + draw(_WORD)
    if kind == "in":
        return "channel in (" + ", ".join(draw(st.lists(_WORD, min_size=1, max_size=3))) + ")"
    if kind == "not":
        return "not " + draw(conditions(depth + 1))
    if kind == "group":
        return "(" + draw(conditions(depth + 1)) + ")"
    return f" {kind} ".join(draw(st.lists(conditions(depth + 1), min_size=2, max_size=3)))


@st.composite
def frameworks(draw):
    step = draw(st.sampled_from([2, 3, 4]))
    one, two = " " * step, " " * step * 2
    lines = []
    if draw(st.booleans()):
        lines += ["# a generated framework", ""]
    lines += ["use stdlib.signals", f'framework demo.generated{draw(_GAP)}"Generated"']
    lines.append(f"{one}owner{draw(_GAP)}support" + draw(st.sampled_from(["", "  # owner"])))
    for i in range(draw(st.integers(0, 3))):
        lines.append(f"{one}slot s{i}" + draw(st.sampled_from(["", " required", " money private"])))
        if draw(st.booleans()):
            lines.append(f'{two}example "{i}"')
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            lines.append(f"{one}# a guard")
        lines.append(f'{one}guard {draw(conditions())}{draw(_GAP)}"Reason."')
    for vis in ("public", "private"):
        when = f" when {draw(conditions())}" if draw(st.booleans()) else ""
        lines.append(f"{one}reply {vis}{when}")
        text = draw(st.sampled_from(['"Done."', '"""Done."""', '"""\n' + two + one + "Two\n" + two + one + 'lines."""']))
        lines.append(f"{two}next {text}")
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(source=frameworks())
def test_generated_frameworks_format_safely_and_idempotently(source):
    module, diagnostics = parse(SourceFile("x.tact", source))
    assert not diagnostics, (source, diagnostics)
    once = fmt(source)  # raises UnsafeFormat if the meaning changed
    same_meaning(source, once)
    assert fmt(once) == once
    assert all(len(line) - len(line.lstrip(" ")) in (0, 2, 4, 6) for line in once.splitlines() if line.strip())


_SEEDS = [p.read_text(encoding="utf-8") for p in _parsing_files() if "checks" not in p.parts]


@st.composite
def noisy(draw):
    """A file that parses, with comments, blank lines, doubled spaces and wrapped lists added."""
    lines = draw(st.sampled_from(_SEEDS)).split("\n")
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["trailing", "own", "blank", "spaces", "wrap"]))
        if op == "trailing":
            lines[i] += "   # t"
        elif op == "own":
            lines.insert(i, draw(st.sampled_from(["", "  ", "    ", "      "])) + "# own")
        elif op == "blank":
            lines.insert(i, "")
        elif op == "spaces" and lines[i].strip():
            lines[i] = lines[i].replace(" ", "  ", 1)
        elif op == "wrap" and '", "' in lines[i]:
            j = lines[i].find('", "')
            indent = len(lines[i]) - len(lines[i].lstrip())
            comment = draw(st.sampled_from(["", "  # w"]))
            lines[i] = lines[i][: j + 2] + comment + "\n" + " " * (indent + 6) + lines[i][j + 3:]
    return "\n".join(lines)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(source=noisy())
def test_noisy_files_format_safely_and_idempotently(source):
    assume(not parse(SourceFile("x.tact", source))[1])  # a comment added inside a text can break it
    once = fmt(source)
    same_meaning(source, once)
    assert fmt(once) == once
