"""Error recovery: a file that does not parse whole is parsed entry by entry, and a broken framework
member by member, so every syntax error of the file is reported once and the healthy entries are
still checked. Broken pieces become Junk nodes.

Entries are the lines that start at column 1 (outside triple-quoted texts); members of a framework start at
its shallowest indentation. Each piece is parsed with the grammar's own entry points (`start`,
`head_chunk`, `member_chunk`) on the engine the whole-file parse used.
"""

from __future__ import annotations

from tactful.codes import Code
from tactful.diagnostics import Diagnostic
from tactful.source import SourceFile
from tactful.syntax import ast
from tactful.syntax.messages import syntax_diagnostic
from tactful.syntax.engine import ERRORS, Engine, prepare


def _chunks(lines: list[str], is_start) -> list[tuple[int, int]]:
    """(first, last+1) line index ranges; a chunk starts where is_start(line) holds outside a \"\"\" block."""
    out: list[tuple[int, int]] = []
    in_long = False
    begin = None
    for i, line in enumerate(lines):
        if not in_long and is_start(line):
            if begin is not None:
                out.append((begin, i))
            begin = i
        if '"""' in line and line.count('"""') % 2:
            in_long = not in_long
    if begin is not None:
        out.append((begin, len(lines)))
    return out


def _is_entry(line: str) -> bool:
    """A line that starts an entry: something at column 1 that is not a comment."""
    return bool(line) and not line[0].isspace() and not line.startswith("#")


def _blank(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def parse_recovering(engine: Engine, source: SourceFile, name: str) -> tuple[ast.Module, list[Diagnostic]]:
    """Parse a file that failed to parse whole: (Module with Junk, every syntax diagnostic)."""
    text = source.text
    diagnostics: list[Diagnostic] = []
    comments: dict[int, ast.Comment] = {}
    entries: list = []
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def attempt(first: int, last: int, start: str, widths: list[int]):
        base = starts[first]
        end = starts[last] - 1 if last < len(starts) else len(text)
        chunk = text[base:end]
        prepared = prepare(chunk) if start != "member_chunk" else "\n" + chunk.rstrip() + "\n"
        try:
            result = engine.run(prepared, start, source, base=base - 1, widths=widths)
        except ERRORS as e:
            diagnostics.append(syntax_diagnostic(e, source, base - 1, engine.tables))
            return None
        finally:
            for o, t in engine.lines.comments:
                comments.setdefault(base - 1 + o, ast.Comment(t, src=source, start=base - 1 + o, end=base - 1 + o + len(t)))
        diagnostics.extend(engine.builder.diagnostics)
        return result

    def junk(first: int, last: int) -> ast.Junk:
        end = starts[last] - 1 if last < len(starts) else len(text)
        return ast.Junk(text[starts[first]:end], src=source, start=starts[first], end=max(end, starts[first]))

    ranges = _chunks(lines, _is_entry)
    if ranges and ranges[0][0] > 0 and not all(_blank(ln) for ln in lines[: ranges[0][0]]):
        ranges.insert(0, (0, ranges[0][0]))
    elif not ranges and text.strip():
        ranges = [(0, len(lines))]
    for first, last in ranges:
        result = attempt(first, last, "start", [0])
        if result is not None:
            entries.extend(result)
            continue
        if not lines[first].startswith("framework"):
            entries.append(junk(first, last))
            continue
        entry_error = diagnostics.pop()
        before = len(diagnostics)
        fw = _recover_framework(lines, first, last, attempt, junk, diagnostics)
        if len(diagnostics) == before:  # member by member hid the error: keep the whole-entry one
            diagnostics.append(entry_error)
            if isinstance(fw, ast.FrameworkDecl):
                fw = ast.FrameworkDecl(fw.intent, fw.title, fw.members + (ast.Junk("", src=source, start=entry_error.span.start, end=entry_error.span.end),),
                                       src=fw.src, start=fw.start, end=fw.end)
        entries.append(fw)
    diagnostics.sort(key=lambda d: d.span.start)
    return ast.Module(name, source.path, tuple(entries), tuple(comments[k] for k in sorted(comments))), diagnostics


def _recover_framework(lines, first, last, attempt, junk, diagnostics):
    """Parse a broken framework member by member, so each broken member is reported on its own."""
    body = [i for i in range(first + 1, last) if not _blank(lines[i])]
    head = attempt(first, first + 1, "head_chunk", [0])
    if not body:
        if head is not None:
            diagnostics.append(Diagnostic(Code.SYNTAX_ERROR, f"framework `{head.intent.value}` has no body", head.span,
                                          label="nothing is indented below this line",
                                          hint="indent its owner, slots and replies below the `framework` line"))
        return junk(first, last)
    # Members start at the shallowest indentation outside """ texts, and the first body line always
    # starts one: a first member indented deeper than the rest is then one T1003, not a T1001 for
    # every line of the members below it.
    indents, in_long = [], False
    for i in range(first + 1, last):
        lead_ws = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        if not in_long and not _blank(lines[i]) and "\t" not in lead_ws:
            indents.append(len(lines[i]) - len(lines[i].lstrip(" ")))
        if lines[i].count('"""') % 2:
            in_long = not in_long
    indent = min(indents, default=len(lines[body[0]]) - len(lines[body[0]].lstrip(" ")))
    ranges = _chunks(lines[first + 1 : last],
                     lambda ln: not _blank(ln) and len(ln) - len(ln.lstrip(" ")) <= indent)
    lead = body[0] - first - 1
    if not ranges or ranges[0][0] > lead:
        ranges.insert(0, (lead, ranges[0][0] if ranges else last - first - 1))
    members = []
    for a, b in ranges:
        a, b = a + first + 1, b + first + 1
        # The first member sets its own depth; the whole-entry error stands if that hides the problem.
        m = attempt(a, b, "member_chunk", [0] if a == body[0] else [0, max(indent, 1)])
        members.append(m if m is not None else junk(a, b))
    if head is None or not members:
        return junk(first, last)
    return ast.FrameworkDecl(head.intent, head.title, tuple(members), src=head.src, start=head.start, end=members[-1].end)
