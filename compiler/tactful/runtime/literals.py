"""The literal text an RE2 pattern needs: what lets a cold library skip compiling most patterns.

`pattern_needs(pattern)` reads a pattern (without RE2) and says which literal strings any match of
it contains: a list of sets, one string of each set in every match. A text that lacks one whole set
cannot match, and the pattern need not be compiled to say so (conditions.TextSet, before its filter
is built: compiling the signals' patterns was most of a cold start, and a message has the literal
pieces of few of them). It is the idea of RE2's own prefilter (FilteredRE2), kept small:

- Only what it understands: literal characters, escaped punctuation, `.`, classes (`[…]`, `\\s`,
  `\\w`, `\\pL`, …), groups (`(…)`, `(?:…)`), alternation, the repetitions `? * + {m} {m,} {m,n}`
  (greedy or lazy), `^ $ \\b \\B \\A \\z`, `\\x{…}`, and a leading `(?i)`. For anything else (other
  flags, named groups, `\\p{…}`, `\\Q…\\E`, a back reference, a pattern RE2 would refuse) it gives None,
  and the pattern is compiled, as before: a pattern RE2 rejects is always compiled, so it is
  refused where it would have been.
- Sound, never exact: a class, `.`, or anything repeated zero times may match anything, so it needs
  nothing; a short alternation of literals is kept as its set of strings (at most 16, concatenated
  with its neighbours while the product stays that small), a longer one needs one of its branches'
  needs.
- Under `(?i)` the strings are lower-case and are looked for in the text lowered, `ſ` read as `s`
  (RE2 folds `ſ` and the Kelvin sign into `s` and `k`; Python lowers the Kelvin sign but not `ſ`).
  A non-ASCII literal under `(?i)` needs nothing (its case variants are RE2's to know).
"""

from __future__ import annotations

import re

_EXACT_MAX = 16  # strings a node's exact set may hold
_FOLD = str.maketrans({"ſ": "s"})

# A node of the reading: ("exact", every string it can match) or ("need", sets of strings each of
# which holds one of its every match's substrings); ("need", ()) needs nothing.
_ANY = ("need", ())
_EMPTY = ("exact", frozenset({""}))

_RUN = re.compile(r"[^\\\[\](){}|?*+.^$]+")  # characters that stand for themselves, read as one piece
_ZERO_WIDTH = frozenset("bBAz")
_CLASS_ESCAPES = frozenset("sSdDwWC")
_CONTROL_ESCAPES = frozenset("ntrfva")


class _NotUnderstood(Exception):
    pass


def pattern_needs(pattern: str) -> "tuple[bool, tuple[frozenset[str], ...]] | None":
    """(whether the strings are for the text lowered, the sets of strings a match needs one of each),
    or None for a pattern this module does not read."""
    folded = pattern.startswith("(?i)")
    body = pattern[4:] if folded else pattern
    try:
        pattern.encode()  # a lone surrogate: RE2 refuses it when it compiles
        needs = _read(body, folded)
    except (_NotUnderstood, UnicodeEncodeError, ValueError):
        return None
    return folded, tuple(needs)


def may_match(needs: "tuple[bool, tuple[frozenset[str], ...]]", text: str, lowered: str) -> bool:
    """Whether a text (and the same text lowered as `folded_text` gives it) has what a pattern needs."""
    folded, sets = needs
    if folded:
        text = lowered
    for strings in sets:
        for s in strings:
            if s in text:
                break
        else:
            return False
    return True


def folded_text(text: str) -> str:
    """The text as the strings of a `(?i)` pattern are looked for in it."""
    lowered = text.lower()
    return lowered if lowered.isascii() or "ſ" not in lowered else lowered.translate(_FOLD)


def _needs(node) -> list[frozenset[str]]:
    kind, value = node
    if kind == "exact":
        return [value] if "" not in value else []
    return list(value)


# The pattern's pieces, read in one pass by the stdlib's `re` (a pattern is some hundred of them):
# a run of characters that stand for themselves (a repeated one on its own), an escape, a class, a group's opening (plain,
# non-capturing, or another `(?` this module does not read), `)`, `|`, a repetition, or one other
# character (`.`, `^`, `$`, a `]` or `{` on its own); first, a group of runs only (`(a|b|c)`), the
# most common piece, at once.
_TOKEN = re.compile(r"""
    \((?:\?:)?([^\\\[\](){}|?*+.^$]*(?:\|[^\\\[\](){}|?*+.^$]*)+)\)
  | ([^\\\[\](){}|?*+.^$]+(?![?*+{])|[^\\\[\](){}|?*+.^$])
  | \\(x\{[0-9A-Fa-f]{1,6}\}|x[0-9A-Fa-f]{2}|[pP][CLMNPSZ]|[bBAzsSdDwWCntrfva]|[!-/:-@\[-^{-~])
  | (\[\^?(?:\\[!-/:-@\[-^{-~]|\\[sSdDwWntrfva]|\\x\{[0-9A-Fa-f]{1,6}\}|\\x[0-9A-Fa-f]{2}|\\[pP][CLMNPSZ]|[^\]\\\[])+\])
  | (\(\?:|\(\?|\()
  | (\))
  | (\|)
  | (\{[0-9]{1,4}(?:,[0-9]{0,4})?\}\??|[?*+]\??)
  | (.)
""", re.VERBOSE | re.DOTALL)
_CLASS_RANGE = re.compile(r"(\\?[^\\])-(\\?[^\\\]])")  # a range in a class: its ends


class _Level:
    """One group being read: its finished branches, the branch being read (exact strings of its
    latest exact atoms, the sets it needs, whether it is exact so far) and its latest atom."""

    __slots__ = ("branches", "strings", "needs", "exact", "atom")

    def __init__(self) -> None:
        self.branches: list = []
        self.strings: frozenset[str] = _EMPTY[1]
        self.needs: list[frozenset[str]] = []
        self.exact = True
        self.atom = None

    def push(self, atom) -> None:
        """Add the latest atom (now that no repetition follows it) to the branch."""
        self.atom = None
        if atom is _EMPTY:
            return
        kind, value = atom
        strings = self.strings
        if kind == "exact":
            if len(value) == 1 and len(strings) == 1:
                (a,), (b,) = strings, value
                self.strings = frozenset({a + b})
                return
            if len(strings) * len(value) <= _EXACT_MAX:
                self.strings = frozenset(a + b for a in strings for b in value)
                return
        self.exact = False  # the branch's strings so far are a piece of every match: needed
        if "" not in strings:
            self.needs.append(strings)
        if kind == "exact":
            self.strings = value
        else:
            self.needs.extend(value)
            self.strings = _EMPTY[1]

    def branch(self) -> None:
        if self.atom is not None:
            self.push(self.atom)
        if self.exact:
            self.branches.append(("exact", self.strings))
        else:
            if "" not in self.strings:
                self.needs.append(self.strings)
            self.branches.append(("need", tuple(self.needs)))
        self.strings, self.needs, self.exact = _EMPTY[1], [], True

    def node(self):
        self.branch()
        return _alternation(self.branches)


def _read(body: str, folded: bool) -> list[frozenset[str]]:
    levels = [_Level()]
    level = levels[0]
    for words, run, escape, klass, group, close, bar, repeat, other in _TOKEN.findall(body):
        if repeat:
            atom = level.atom
            if atom is None:
                raise _NotUnderstood  # nothing to repeat, or a repeated repetition (RE2 refuses both)
            level.push(_repeated(atom, repeat))
            level.atom = None
            continue
        if level.atom is not None:
            level.push(level.atom)
        if words:  # a group of runs, one of which it matches: (a|b|c)
            if folded:
                if not words.isascii():
                    level.atom = _ANY
                    continue
                words = words.lower()
            strings = frozenset(words.split("|"))
            level.atom = ("exact", strings) if len(strings) <= _EXACT_MAX or "" in strings else ("need", (strings,))
        elif run:
            if folded:
                if not run.isascii():
                    level.atom = _ANY
                    continue
                run = run.lower()
            level.atom = ("exact", frozenset({run}))
        elif escape:
            level.atom = _escaped(escape, folded)
        elif klass:
            if "-" in klass and ("\\x" in klass or "\\p" in klass or "\\P" in klass):
                raise _NotUnderstood  # a range whose ends are escapes: RE2's to check
            for low, high in _CLASS_RANGE.findall(klass[1:-1]) if "-" in klass else ():
                if ord(high[-1]) < ord(low[-1]):
                    raise _NotUnderstood  # RE2 refuses a backwards range
            level.atom = _ANY
        elif group:
            if group == "(?":
                raise _NotUnderstood  # flags, named groups
            level = _Level()
            levels.append(level)
        elif close:
            if len(levels) == 1:
                raise _NotUnderstood
            node = levels.pop().node()
            level = levels[-1]
            level.atom = node
        elif bar:
            level.branch()
        elif other in "^$":
            level.atom = _EMPTY
        elif other == ".":
            level.atom = _ANY
        else:
            raise _NotUnderstood  # `[` or `{` that does not start a class or a repetition, a stray `]`
    if len(levels) != 1:
        raise _NotUnderstood
    return _needs(level.node())


def _alternation(branches: list):
    if len(branches) == 1:
        return branches[0]
    if all(kind == "exact" for kind, _ in branches):
        union = frozenset().union(*(value for _, value in branches))
        if len(union) <= _EXACT_MAX:
            return "exact", union
    either = []
    for node in branches:
        needs = _needs(node)
        if not needs:  # a branch that needs nothing: the alternation needs nothing
            return _ANY
        either.append(max(needs, key=_shortest))  # its most telling set
    return "need", (frozenset().union(*either),)


def _shortest(strings: frozenset[str]) -> int:
    return min(map(len, strings))


def _repeated(atom, op: str):
    if op[0] == "{":
        low, _, high = op.rstrip("?")[1:-1].partition(",")
        if int(low) > 1000 or (high and not int(low) <= int(high) <= 1000):
            raise _NotUnderstood  # RE2 refuses it
        minimum = int(low)
    else:
        minimum = 1 if op[0] == "+" else 0
    if op[0] == "?" and atom[0] == "exact":
        return "exact", atom[1] | _EMPTY[1]
    if minimum == 0:
        return _ANY
    return "need", tuple(_needs(atom))


_ZERO_WIDTH = frozenset("bBAz")
_ESCAPED_CLASSES = frozenset("sSdDwWCntrfva")  # classes, and control characters (read as any)


def _escaped(e: str, folded: bool):
    c = e[0]
    if c in _ZERO_WIDTH:
        return _EMPTY
    if c in _ESCAPED_CLASSES or c in "pP":
        return _ANY
    if c == "x":
        char = chr(int(e[2:-1] if e[1] == "{" else e[1:], 16))  # ValueError beyond U+10FFFF
        if "\ud800" <= char <= "\udfff":
            raise _NotUnderstood  # RE2 refuses a surrogate
    else:
        char = c  # escaped punctuation (the token says which escapes there are)
    if folded:
        if not char.isascii():
            return _ANY
        char = char.lower()
    return "exact", frozenset({char})
