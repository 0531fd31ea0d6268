"""Read rule definitions out of a Lark grammar, and out of ```lark excerpts in Markdown.

Shared by the sync test and by whoever updates the excerpts in docs/reference/grammar.md.
"""

from __future__ import annotations

import re

_DEF = re.compile(r"^(?P<name>[?!]?[A-Za-z_][A-Za-z_0-9]*(?:\.-?\d+)?)\s*:(?!:)")
_FENCE = re.compile(r"^```lark[^\n]*\n(.*?)^```", re.S | re.M)


def _strip_comment(line: str) -> str:
    # `//` starts a comment unless it is inside a "string" or a /regex/; the grammar keeps its
    # comments on lines of their own or after whitespace, which is all this needs to handle.
    m = re.search(r"(^|\s)//", line)
    return line[: m.start()] if m else line


def rules(text: str) -> dict[str, tuple[str, str]]:
    """{rule name without ?/! or priority: (name as written, definition with whitespace collapsed)}."""
    out: dict[str, tuple[str, str]] = {}
    current: list[str] | None = None
    for raw in text.split("\n"):
        line = _strip_comment(raw).rstrip()
        if not line.strip() or line.lstrip().startswith("%"):
            current = None if not line.strip() or line.startswith("%") else current
            continue
        m = _DEF.match(line)
        if m:
            written = m["name"]
            key = written.lstrip("?!").split(".")[0]
            current = [written, line[m.end():]]
            out[key] = current  # type: ignore[assignment]
        elif current is not None and line[:1].isspace():
            current[1] += " " + line.strip()
    return {k: (v[0], " ".join(v[1].split())) for k, v in out.items()}


def excerpts(markdown: str) -> list[str]:
    return _FENCE.findall(markdown)


def raw_rule(grammar: str, key: str) -> str:
    """A rule's lines as written in the grammar, comments removed: what an excerpt should hold."""
    lines = grammar.split("\n")
    out: list[str] = []
    for i, raw in enumerate(lines):
        m = _DEF.match(raw)
        if m and m["name"].lstrip("?!").split(".")[0] == key:
            out.append(_strip_comment(raw).rstrip())
            for nxt in lines[i + 1:]:
                if nxt[:1].isspace() and nxt.strip() and not _DEF.match(nxt):
                    out.append(_strip_comment(nxt).rstrip())
                else:
                    break
            return "\n".join(ln for ln in out if ln.strip())
    raise KeyError(key)


def update(markdown: str, grammar: str) -> tuple[str, list[str]]:
    """Each ```lark excerpt re-copied from the grammar, keeping which rules it shows.

    Returns the new Markdown and the rules that no longer exist (dropped from their excerpt).
    """
    gone: list[str] = []

    def redo(m: re.Match) -> str:
        keep = []
        for key in rules(m[1]):
            try:
                keep.append(raw_rule(grammar, key))
            except KeyError:
                gone.append(key)
        return "```lark\n" + "\n".join(keep) + "\n```"

    return re.sub(r"^```lark[^\n]*\n(.*?)^```", redo, markdown, flags=re.S | re.M), gone


if __name__ == "__main__":  # python tests/docs/grammar_excerpts.py: re-sync docs/reference/grammar.md
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    reference = root / "docs" / "reference" / "grammar.md"
    grammar_text = (root / "compiler" / "tactful" / "syntax" / "tactful.lark").read_text(encoding="utf-8")
    text, gone = update(reference.read_text(encoding="utf-8"), grammar_text)
    reference.write_text(text, encoding="utf-8")
    shown = set().union(*(rules(b) for b in excerpts(text)))
    missing = sorted(k for k in rules(grammar_text) if not k.lstrip("_").isupper() and k not in shown)
    print(f"updated {reference.relative_to(root)}; dropped: {gone or 'none'}; not shown yet: {missing or 'none'}")
