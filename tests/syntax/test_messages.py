"""Syntax error messages are plain words: over many broken inputs, no message, label or hint names
a grammar terminal (`_NL`, `$END`, `NAME`, `STRING`, `_INDENT`, `__ANON_0`…)."""

from __future__ import annotations

import random
import re

from syntax_helpers import REPO, SYNTAX_CODES, clean_sources, parse_text
from tactful.syntax.parser import GRAMMAR

# every terminal the grammar defines or names, plus Lark's own ($END, anonymous __ANON_n)
_TERMINALS = sorted(set(re.findall(r"\b_?[A-Z][A-Z0-9_]*\b", GRAMMAR.read_text(encoding="utf-8")))
                    | {"NAME", "STRING", "LONG_STRING", "REGEX", "NUMBER", "_NL", "_INDENT", "_DEDENT"})
_TERMINAL_WORDS = re.compile(r"(?<![\w`])(?:" + "|".join(map(re.escape, _TERMINALS)) + r")(?![\w`])")
_LARK_NAMES = re.compile(r"\$end|__anon|_nl\d*\b|_indent|_dedent|<end-of-file>|\b__\w", re.I)

KEYWORDS = ["framework", "owner", "reply", "next", "slot", "guard", "escalate", "when", "example", "expect",
            "signal", "phrases", "policy", "use", "public", "private", "and", "or", "not", "pick", "as"]
JUNK = ['"', '"""', "{", "}", "[", "]", "(", ")", ",", "/", "\\", ":", "=", ">=", "#", "\t", "@", "é", "."]


def _mutations(text: str, rng: random.Random, count: int):
    lines = text.split("\n")
    for _ in range(count):
        i = rng.randrange(len(lines))
        line = lines[i]
        op = rng.randrange(8)
        new = list(lines)
        if op == 0:
            del new[i]
        elif op == 1:
            new = new[: i + 1]  # the file ends early
            new[-1] = line[: len(line) // 2]
        elif op == 2:
            new[i] = line + " " + rng.choice(KEYWORDS)
        elif op == 3:
            at = rng.randrange(len(line) + 1)
            new[i] = line[:at] + rng.choice(JUNK) + line[at:]
        elif op == 4:
            new[i] = " " * rng.choice([1, 3, 5]) + line
        elif op == 5:
            new[i] = line.lstrip()
        elif op == 6:
            words = line.split(" ")
            if len(words) > 1:
                del words[rng.randrange(len(words))]
            new[i] = " ".join(words)
        else:
            new.insert(i, rng.choice(KEYWORDS) + " " + rng.choice(KEYWORDS))
        yield "\n".join(new)


def _broken_inputs():
    rng = random.Random(20240501)
    seeds = [p.read_text(encoding="utf-8") for p in clean_sources()]
    seeds += [p.read_text(encoding="utf-8", errors="replace") for p in sorted((REPO / "tests/fixtures/checks").glob("T10*.tact"))]
    for text in seeds:
        yield from _mutations(text, rng, 12)
    yield from ["framework", "framework demo", 'framework demo.x "X"', 'framework demo.x "X"\n', "  owner support",
                'use', 'use .', 'team', 'signal s\n  when', 'signal s\n  when a and', 'signal s\n  when (a or b',
                'signal s\n  when channel in (x,', 'signal s\n  when n >=', 'reply public', '"', '"""', '"""\nnever closed',
                '\n\n\n   \n', 'framework demo.x "X"\n  reply public\n    next pick', 'field f enum(', 'field f enum(a,)']


def test_syntax_messages_never_name_grammar_terminals():
    seen = 0
    for text in _broken_inputs():
        _, diagnostics = parse_text(text)
        for d in diagnostics:
            if d.code not in SYNTAX_CODES:
                continue
            seen += 1
            found = text[d.span.start:d.span.end]
            for part in (d.message, d.label, d.hint):
                plain = part.replace(f"`{found}`", "`…`") if found else part
                bad = _TERMINAL_WORDS.search(plain) or _LARK_NAMES.search(plain)
                assert bad is None, f"{d.code} names {bad.group()!r}: {part!r}\nin:\n{text}"
            assert d.message.strip(), text
    assert seen > 150, "the broken inputs produce plenty of syntax errors"
