"""The grammar file and what other modules read from it, so no keyword list is written twice.

`keywords()` (keyword text → terminal) comes from the grammar's `%declare` lines; `Tables` reads
Lark's rules for the error messages: the keywords that may also be names (the `name` rule) and the
keywords a line of each block can start with (the FIRST sets of its rules).
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

GRAMMAR = Path(__file__).with_name("tactful.lark")


@cache
def grammar_text() -> str:
    return GRAMMAR.read_text(encoding="utf-8")


@cache
def keywords() -> dict[str, str]:
    """Keyword text → terminal, from the grammar's `%declare` lines (USE is `use`)."""
    return {name.lower(): name for line in grammar_text().splitlines() if line.startswith("%declare")
            for name in line.split()[1:] if not name.startswith("_")}


class Tables:
    """What error messages read of the grammar's rules (Lark's, as the engine built them)."""

    def __init__(self, rules) -> None:
        self._by_rule: dict[str, list] = defaultdict(list)
        for rule in rules:
            self._by_rule[str(rule.origin.name)].append(rule.expansion)
        # the keyword terminals that the `name` rule accepts as names (a slot called `example`)
        self.name_keywords = frozenset(s.name for expansion in self._by_rule["name"] for s in expansion
                                       if s.name != "NAME")
        self._lines: dict[str, tuple[str, ...]] = {}

    def line_keywords(self, rule: str) -> tuple[str, ...]:
        """The keywords (as written, sorted) a line of `rule`'s block can start with: in each of its
        expansions, what can start the part after its first newline (`moves: … _NL2 ACKNOWLEDGE …`)
        or, when nothing follows one, what can start the expansion, newlines skipped."""
        words = self._lines.get(rule)
        if words is None:
            found: set[str] = set()
            seen: set[str] = set()

            def first_of(symbols) -> None:
                for symbol in symbols:
                    if symbol.is_term and symbol.name.startswith("_NL"):
                        continue
                    if symbol.is_term:
                        found.add(symbol.name)
                    else:
                        first(str(symbol.name))
                    break

            def first(name: str) -> None:
                if name in seen:
                    return
                seen.add(name)
                for expansion in self._by_rule.get(name, ()):
                    first_of(expansion)

            for expansion in self._by_rule.get(rule, ()):
                lines = [i for i, s in enumerate(expansion) if s.is_term and s.name.startswith("_NL")]
                first_of(expansion[lines[0] + 1:] if lines and lines[0] + 1 < len(expansion) else expansion)
            words = self._lines[rule] = tuple(sorted(k for k, t in keywords().items() if t in found))
        return words
