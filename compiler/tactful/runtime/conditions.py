"""Conditions: compile the bundle's condition data into Python code, once, when first needed.

A condition in the bundle is data (a tree of objects named by their operator key: format.py).
`ConditionCompiler` turns each tree into a Python expression; the library writes one function per
signal, compiled together on the first draft of any framework, and one per framework (every guard,
every escalation, the reply choice), compiled on the framework's first draft (see "code generation"
below for why that is safe). Decisions:

- Every `matches` and `has emoji` of the signals that looks at the same text field is added to one
  RE2 filter (`re2.Filter`, RE2's FilteredRE2), and a framework's own ones to one filter of its own,
  each compiled with the code that uses it. A message is then scanned once per field and filter, on
  the first condition that needs it, and every such condition is a membership test on the indices
  that matched. The filter first looks for the literal pieces each pattern needs (one small
  automaton) and runs only the patterns whose pieces occur: an `re2.Set` of the same patterns
  (proximity patterns such as `\b(he|she)\b[^.!?]{0,50}\b(hurt|hit)`) was an automaton too big for
  RE2's cache, about 160 µs a message it had not seen, against 4 µs. RE2 keeps matching linear in
  the message length, whatever the patterns. The signals' filters are built after their first
  messages (or by Library.prepare()); until then each pattern is compiled when a condition first
  reaches it (TextSet): building them was most of a cold start.
- A `mentions` starts from a word index (PhraseIndex): the message's words (runs of letters, digits,
  marks and `_`, lowercased) are read once per field into a set, and a phrase can occur only if
  every word of it is in that set (a phrase that occurs as whole words has each of its words as a
  whole word of the message). Only such candidates are then confirmed as whole words, each by its
  own small RE2 pattern, compiled the first time it is needed (or by Library.prepare()). Words that
  are not plain ASCII (where Python's and RE2's case folding could differ) are left out of the
  index; a phrase with no ASCII word at all is looked for by RE2, as a prefilter in the field's
  filter. Earlier versions put every phrase into an RE2 set: an automaton too big for RE2's cache,
  which on text it had not seen fell back to its NFA, about 2 ms a message.
- `mentions` means whole words or phrases, case-insensitive: a phrase must not be preceded or
  followed by a letter, digit or mark (so "sue" matches "I'll sue!" but not "issue" or "Suez").
  Spaces inside a phrase match any run of whitespace; a straight apostrophe also matches a curly one.
- `mentions … near … within N words`: a phrase of the first list and one of the second, in either
  order, with at most N words between them (words as `word_count` counts them). RE2 finds the
  occurrences of each list; a binary search over the message's word starts measures the distance.
- `says` is `mentions` that skips a phrase which is negated, reported or asked about: a negation
  cue among the three words before it in its clause ("not", "never", "no", "won't", …), a reporting
  verb among the eight words before it in its clause ("says", "said", "according to", …, unless
  "I"/"we" said it), a reporting verb among the three words after it when someone else is named
  within three words on either side ("my lawyer friend says", "a friend who's a lawyer said"), or
  a question: its sentence starts with a question word ("can", "how", "should", "if", …) and ends
  with "?". Clauses end at . ! ? ; : a line break or "but"; sentences at . ! ? or a line break. Each occurrence is found by RE2 and its window is bounded, so the
  work stays linear in the message.
- `has emoji`: each listed emoji, whatever skin tone or text/emoji presentation selector follows
  any of its code points, and not as a part of a longer joined (ZWJ) sequence: "👏" matches "👏🏽",
  but "👨" does not match inside "👨‍👩‍👧".
  (`PhraseFinder` applies that rule phrase by phrase, checking the boundaries in Python; the tests
  hold it to the same rule written as one RE2 pattern with Unicode boundaries.)
- `matches` is an RE2 search, case-sensitive unless the pattern says `(?i)`.
- A condition on a field the caller did not pass is false (`not` of it is true): `contact_count >= 3`
  does not hold when contact_count is unknown.
- `channel is public` is the shorthand for `visibility is public`.
- Signals are compiled once and shared by every condition that names them; within one message a
  signal is evaluated at most once, as is each message feature (only those a condition reaches) and
  each field's set scan. A cycle of signals, an unknown signal or an unknown field is a BundleError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import re
from bisect import bisect_left
from functools import lru_cache
from itertools import accumulate
from types import CodeType

import re2

from tactful.runtime.errors import BundleError
from tactful.runtime.format import condition_op, condition_operands, phrase_list, weights_of
from tactful.runtime.features import COMPUTE, FEATURES, WORD, letters_and_capitals, words as _words
from tactful.runtime.scorers import Scorer, scorer_problem
from tactful.runtime.literals import folded_text, may_match, pattern_needs
from tactful.runtime.types import (
    EMOJI_MODIFIERS,
    MAX_WITHIN,
    ZWJ,
    PhraseFinder,
    compile_re2,
    is_word_char,
    re2_reason,
    word_pattern,
)

_CMP = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!="}  # the only operators written


def mentions_prefilter(phrases: Iterable[str]) -> str:
    """Any of the phrases anywhere, case-insensitive, boundaries aside: a superset of PhraseFinder's."""
    return "(?i)(?:" + "|".join(r"\s+".join(map(word_pattern, p.split())) for p in phrases if p.split()) + ")"


def phrase_words(phrase: str) -> frozenset[str]:
    """The plain-ASCII runs of word characters of a phrase, lowercased.

    When the phrase occurs as whole words (PhraseFinder's rule), each such run is exactly one of the
    text's words (message_words): inside the phrase a run ends at a space or a non-word character,
    and at the phrase's ends a word character needs a boundary. For ASCII, Python's lower() and
    RE2's case folding agree once `ſ` is read as `s` (message_words does)."""
    if phrase.isascii():  # ASCII word characters are exactly [A-Za-z0-9_]
        return frozenset(phrase.lower().encode().translate(_ASCII_WORDS_ONLY).decode().split())
    runs, run = set(), []
    for ch in phrase + " ":
        if is_word_char(ch):
            run.append(ch)
        elif run:
            word = "".join(run)
            if word.isascii():
                runs.add(word.lower())
            run = []
    return frozenset(runs)


_WORD_RUN = re2.compile(r"[\pL\pN\pM_]+")  # the definition (is_word_char)
# the same on ASCII text: its word characters kept, every other byte a space
_ASCII_WORDS_ONLY = bytes(c if chr(c).isascii() and (chr(c).isalnum() or c == 95) else 32 for c in range(256))
_ASCII_WORDS_AND_BAR = _ASCII_WORDS_ONLY[:124] + b"|" + _ASCII_WORDS_ONLY[125:]  # and `|`, between phrases
_PYTHON_WORD = re.compile(r"\w+")  # the same on text whose every character \w classes as RE2 does
_FOLD = str.maketrans({"ſ": "s"})  # RE2's (?i) folds the long s into s; Python's lower() does not


@lru_cache(maxsize=4096)
def _python_agrees(ch: str) -> bool:
    """Whether Python's `\\w` says of a character what is_word_char says (it does not for marks)."""
    return is_word_char(ch) == (_PYTHON_WORD.match(ch) is not None)


def message_words(text: object) -> frozenset[str]:
    """The words of a text, lowercased, as phrase_words reads a phrase's (none for a non-text value).

    Python's `re` reads them (RE2's findall pays a Python object per word): exactly, for ASCII text,
    and for other text when each of its non-ASCII characters is classed alike by both."""
    if not isinstance(text, str) or not text:
        return frozenset()
    lowered = text.lower()
    if lowered.isascii():  # every other character a space, then split: twice as fast as a findall
        return frozenset(lowered.encode().translate(_ASCII_WORDS_ONLY).decode().split())
    if "ſ" in lowered:
        lowered = lowered.translate(_FOLD)
    if all(_python_agrees(ch) for ch in set(lowered) if ch > "\x7f"):
        return frozenset(_PYTHON_WORD.findall(lowered))
    return frozenset(_WORD_RUN.findall(lowered))


def _ascii_words(phrase: str) -> list[str]:
    """phrase_words of a phrase, as a list (an ASCII phrase's read in C)."""
    if phrase.isascii():
        return phrase.lower().encode().translate(_ASCII_WORDS_ONLY).decode().split()
    return list(phrase_words(phrase))


def _key(words: list[str]) -> tuple[str, frozenset[str] | None]:
    """A phrase's key in a PhraseIndex (its longest word, the first in sorted order among equals) and
    the words it needs besides, None when the key is its only word (most phrases)."""
    key, distinct = _longest(words)
    return key, frozenset(words) if distinct else None


def _longest(words: list[str]) -> tuple[str, bool]:
    """(_key's key, whether the words are not all the same word)."""
    first = key = words[0]
    distinct = False
    for word in words[1:]:
        if word != first:
            distinct = True
        if len(word) > len(key) or (len(word) == len(key) and word < key):
            key = word
    return key, distinct


def _phrases_words(phrases: list[str]) -> list[list[str]]:
    """_ascii_words of each phrase: of an ASCII list in one pass over the list joined by `|`."""
    joined = "|".join(phrases)
    if joined.isascii() and joined.count("|") == len(phrases) - 1:
        return [chunk.split() for chunk in joined.lower().encode().translate(_ASCII_WORDS_AND_BAR).decode().split("|")]
    return [_ascii_words(p) for p in phrases]


def index_phrases(phrases: Iterable[str], where: str) -> "tuple[PhraseIndex | None, list[str]]":
    """A list's non-blank phrases: a PhraseIndex of those with an ASCII word (None when there are
    none), and the others."""
    phrases = phrases if isinstance(phrases, list) else list(phrases)
    indexed: list[str] = []
    keys: set[str] = set()
    others: list[str] = []
    single = True
    for phrase, words in zip(phrases, _phrases_words(phrases)):
        if not words:
            if phrase.split():
                others.append(phrase)
            continue
        indexed.append(phrase)
        if len(words) == 1:
            keys.add(words[0])
        else:
            key, distinct = _longest(words)
            keys.add(key)
            single = single and not distinct
    return (PhraseIndex(indexed, frozenset(keys), single, where) if indexed else None), others


class PhraseIndex:
    """The phrases of one `mentions` that have an ASCII word, keyed by their longest such word
    (index_phrases makes it).

    `maybe(words)`: whether one of them may occur in a text with these words (every ASCII word of
    the phrase among them); `holds(text, words)`: whether one occurs as whole words, confirming only
    those candidates, each with its own PhraseFinder, compiled on first use (`build()` compiles them
    all now; a BundleError for a phrase RE2 cannot compile).

    Only the keys are made up front: the generated code tests them, and most messages have none of
    an index's keys. The phrases by key are sorted out the first time a message has one. A key then
    maps to its phrase when that is the only one and has no other word (most phrases), else to
    (words, phrase) pairs, words None for a phrase whose only word is the key."""

    __slots__ = ("_phrases", "_by_key", "keys", "single", "_finders", "_where")

    def __init__(self, phrases: list[str], keys: frozenset[str], single: bool, where: str):
        self._phrases = phrases
        self._by_key: dict[str, Any] | None = None
        self.keys = keys  # the generated code tests these first, inline
        # every phrase one word, its key: a text that has a key may have a phrase (maybe() is true)
        self.single = single
        self._finders: dict[str, PhraseFinder] = {}  # by phrase, each compiled on first use
        self._where = where

    def _entries(self) -> dict[str, Any]:
        by_key = self._by_key
        if by_key is None:  # a race only sorts them twice
            by_key = {}
            for phrase in self._phrases:
                key, needed = _key(_ascii_words(phrase))
                entry = by_key.get(key)
                if entry is None and needed is None:
                    by_key[key] = phrase
                elif entry is None:
                    by_key[key] = ((needed, phrase),)
                elif entry.__class__ is str:
                    by_key[key] = ((None, entry), (needed, phrase))
                else:
                    by_key[key] = (*entry, (needed, phrase))
            self._by_key = by_key
        return by_key

    def _finder(self, phrase: str) -> PhraseFinder:
        finder = self._finders.get(phrase)
        if finder is None:  # a race only compiles it twice
            finder = self._finders[phrase] = _phrase_finder([phrase], self._where)
        return finder

    def build(self) -> None:
        for phrase in self._phrases:
            self._finder(phrase)

    @property
    def built(self) -> bool:
        return all(phrase in self._finders for phrase in self._phrases)

    def maybe(self, words: frozenset[str]) -> bool:
        by_key = self._by_key if self._by_key is not None else self._entries()
        for key in self.keys.intersection(words):
            entry = by_key[key]
            if entry.__class__ is str:
                return True
            for needed, _ in entry:
                if needed is None or needed <= words:
                    return True
        return False

    def holds(self, text: object, words: frozenset[str]) -> bool:
        by_key = self._by_key if self._by_key is not None else self._entries()
        for key in self.keys.intersection(words):
            entry = by_key[key]
            if entry.__class__ is str:
                if self._finder(entry)(text):
                    return True
                continue
            for needed, phrase in entry:
                if (needed is None or needed <= words) and self._finder(phrase)(text):
                    return True
        return False

    def spans(self, text: str, words: frozenset[str]) -> list[tuple[int, int]]:
        """(start, end) of every whole-word occurrence of the phrases, candidates only (unsorted)."""
        found: list[tuple[int, int]] = []
        by_key = self._by_key if self._by_key is not None else self._entries()
        for key in self.keys.intersection(words):
            entry = by_key[key]
            if entry.__class__ is str:
                found.extend(self._finder(entry).spans(text))
                continue
            for needed, phrase in entry:
                if needed is None or needed <= words:
                    found.extend(self._finder(phrase).spans(text))
        return found


class PhraseSpans:
    """Every whole-word occurrence of a list's phrases, sorted: those with an ASCII word looked up by
    the text's words (PhraseIndex), the others searched phrase by phrase. Raises BundleError for a
    phrase RE2 cannot compile (when it is first searched for, or by build())."""

    __slots__ = ("_index", "_others")

    def __init__(self, phrases: Iterable[str], where: str):
        self._index, others = index_phrases(phrases, where)
        self._others = _phrase_finder(others, where) if others else None

    def build(self) -> None:
        if self._index is not None:
            self._index.build()

    @property
    def keys(self) -> frozenset[str] | None:
        """Words one of which a text must have for a phrase to occur in it; None when a phrase
        without an ASCII word may occur in any text."""
        if self._others is not None:
            return None
        return self._index.keys if self._index is not None else frozenset()

    def __call__(self, text: str, words: frozenset[str] | None = None) -> list[tuple[int, int]]:
        if words is None:
            words = message_words(text)
        found = self._index.spans(text, words) if self._index is not None else []
        if self._others is not None:
            found.extend(self._others.spans(text))
        found.sort()
        return found


# --- proximity, assertion and emoji ------------------------------------------------------------------



def near_finder(phrases: Iterable[str], near: Iterable[str], within: int, asserted: bool, where: str):
    """The test of `mentions|says … near … within N words` on a text and, optionally, its words
    (message_words; read from the text when not given). Raises BundleError."""
    return _near_search(PhraseSpans(phrases, where), PhraseSpans(near, where), within, asserted)


def _near_search(first, second, within: int, asserted: bool):
    """Whether an occurrence of `first` has one of `second` at most `within` words before or after it.

    Both give the (start, end) of every whole-word occurrence of their phrases (PhraseSpans:
    the phrase itself, never the characters around it, so `says` reads the right window); words are
    counted with one pass over the message and a binary search per occurrence, so the cost grows
    with the message as n·log(n), whatever the phrases.
    """

    def search(text: str, words: frozenset[str] | None = None) -> bool:
        if not isinstance(text, str):
            return False
        if words is None:
            words = message_words(text)
        a = first(text, words)
        if not a:
            return False
        b = second(text, words)
        if not b:
            return False
        starts = [m.start() for m in WORD.finditer(text)]

        def word_range(span: tuple[int, int]) -> tuple[int, int]:
            # (index of the occurrence's first word, index just after its last word)
            return bisect_left(starts, span[0]), bisect_left(starts, span[1])

        others = sorted(map(word_range, b))
        firsts = [o[0] for o in others]
        ends_before = list(accumulate((o[1] for o in others), max))  # the furthest end among the first k
        for span in a:
            begin, end = word_range(span)
            i = bisect_left(firsts, end)  # the nearest occurrence starting after this one
            close = i < len(others) and others[i][0] - end <= within
            j = bisect_left(firsts, begin) - 1  # occurrences starting before this one
            if not close and j >= 0:
                close = begin - ends_before[j] <= within  # an overlap counts as near
            if close and (not asserted or is_asserted(text, *span)):
                return True
        return False

    return search


# The cues of `says`. Fixed, simple patterns run on a bounded window: the stdlib `re` is safe here.
_CLAUSE_END = re.compile(r"[.!?;:\n]|\bbut\b", re.IGNORECASE)
_NEGATION = frozenset((
    "not", "never", "no", "nobody", "nothing", "without", "cannot", "wont", "dont", "cant", "didnt", "doesnt",
    "isnt", "wasnt", "arent", "wouldnt", "shouldnt", "couldnt", "aint", "havent", "hasnt", "neither", "nor",
))
_REPORTING = frozenset((
    "says", "said", "say", "reckons", "reckoned", "thinks", "thought", "told", "mentioned", "suggested",
    "suggests", "recommended", "advised", "apparently", "according", "claims", "claimed", "heard",
))
_SELF = frozenset(("i", "we"))
_RELATION = frozenset((
    "friend", "friends", "mate", "mates", "pal", "buddy", "cousin", "brother", "sister", "dad", "mum", "mom",
    "father", "mother", "uncle", "aunt", "neighbour", "neighbor", "colleague", "coworker", "boss", "partner",
    "husband", "wife", "who", "someone", "somebody", "people", "everyone",
))
_SENTENCE_END = re.compile(r"[.!?\n]")
_QUESTION = frozenset(("can", "could", "should", "do", "does", "did", "how", "what", "when", "is", "are", "would",
                       "may", "why", "where", "if"))
_LOOK = 120  # characters looked at on each side of an occurrence: enough for the word windows


def _negated(word: str) -> bool:
    return word in _NEGATION or word.endswith("n't")


def is_asserted(text: str, start: int, end: int) -> bool:
    """Whether the occurrence text[start:end] is stated by the writer: not negated, not reported,
    not asked about."""
    window = text[max(0, start - _LOOK):start]
    sentence = _SENTENCE_END.split(window)[-1]
    rest = text[end:end + _LOOK]
    finish = _SENTENCE_END.search(rest)
    if finish and finish.group() == "?" and (_words(sentence)[:1] or [""])[0] in _QUESTION:
        return False  # "Can I file a chargeback if …?"
    cuts = list(_CLAUSE_END.finditer(window))
    before = window[cuts[-1].end():] if cuts else window
    cut = _CLAUSE_END.search(rest)
    after = rest[:cut.start()] if cut else rest
    words_before = _words(before)
    if any(_negated(w) for w in words_before[-3:]):
        return False
    recent = words_before[-8:]
    for i, w in enumerate(recent):
        if w in _REPORTING and not (i and recent[i - 1] in _SELF):
            return False
    # "my lawyer friend says", "a friend who's a lawyer said": someone else speaks
    near = words_before[-3:] + _words(after)[:3]
    return not (any(w in _REPORTING for w in _words(after)[:3]) and any(w in _RELATION for w in near))


_MODS = r"[\x{FE0E}\x{FE0F}\x{1F3FB}-\x{1F3FF}]"


def emoji_pattern(emoji: Iterable[str]) -> str:
    """RE2: any of the emoji as a whole (not inside a joined sequence), with any modifiers."""
    alternatives = []
    for e in emoji:
        base = [c for c in e if c not in EMOJI_MODIFIERS]
        if not base:
            continue
        alternatives.append("".join(
            (f"\\x{{{ord(c):X}}}" + ("" if c == ZWJ else f"{_MODS}*")) for c in base))
    if not alternatives:
        return ""
    return rf"(?:^|[^\x{{200D}}])(?:{'|'.join(alternatives)})(?:[^\x{{200D}}\x{{FE0E}}\x{{FE0F}}\x{{1F3FB}}-\x{{1F3FF}}]|$)"


def _asserted_search(spans: "PhraseSpans"):
    """`says`: whether one whole-word occurrence of the phrases is asserted."""

    def search(text: str, words: frozenset[str] | None = None) -> bool:
        return isinstance(text, str) and any(is_asserted(text, start, end) for start, end in spans(text, words))

    return search


# --- code generation --------------------------------------------------------------------------------
#
# A condition becomes a Python *expression* over `values` (one message's context values, every
# declared field present) and `m`, the draft's memo: what a message may need several times is kept
# there, computed on first use: each signal's result (by its number, in its function `_sig_<n>`),
# each RE2 filter's scan (`h<n>` for the signals' filters, `g<n>` for a framework's; also a local of
# the function that reads it, so that its second reading is a local's), each text field's words
# (`w_<field>`, shared by all), each message feature (`f<n>`;
# `lc` holds letters and capitals together). The
# source contains only names this module makes up, operators from _CMP and repr() of strings; every
# other value (numbers, RE2 objects, sets of allowed values) is a constant in the namespace the code
# runs in, referred to by a generated name. Nothing a message or a slot holds ever reaches the source.


def _message(values: dict) -> str:
    message = values.get("message")
    return message if isinstance(message, str) else ""


def _ratio(letters_capitals: tuple[int, int]) -> float:
    letters, capitals = letters_capitals
    return capitals / letters if letters else 0.0


def _scanner(s: "re2.Filter", memo: str) -> Callable[[object, dict], Sequence[int]]:
    """The indices of the filter's patterns that occur in a text (none for a non-text or empty value),
    kept in the draft's memo `m` for the other functions that read it."""
    match = s.Match

    def scan(text: object, m: dict) -> Sequence[int]:  # (the binding takes UTF-8 bytes as they are)
        hits = m[memo] = (match(text.encode()) or ()) if isinstance(text, str) and text else ()
        return hits

    return scan


class TextSet:
    """The text conditions (`matches`, `has emoji`, a `mentions`' prefilter) of one compiler on one
    field, as one RE2 filter: a message is scanned once per set (the generated code calls the set's
    scan, `_scan<memo>` in its namespace, on the first condition that needs it), and each condition
    is a membership test on the indices that matched (`index in hits`).

    Building the filter of the signals' patterns was most of a cold start (RE2 parses and compiles
    each pattern, then gathers the literal pieces of all of them into one automaton), while a
    library that drafts a few replies reaches few of them: most sit behind a condition that decides
    first. So a *lazy* set (a group of signals) scans its first messages pattern by pattern: its
    scan gives a `_Hits` whose membership test compiles a pattern the first time a condition reaches
    it (a BundleError then if RE2 rejects it) and searches the message with it. On its BUILD_AFTER-th
    scan, or when `build()` is called (Library.prepare, the tracer), it builds the filter, and the
    generated code scans with that from then on: the same answer for every pattern, in one pass. An
    eager set (a framework's own conditions, a few patterns) is built before its code runs (a
    BundleError then if RE2 rejects a pattern); frameworks whose own patterns on a field are the
    same share one filter (`shared`, the registry's: a library's frameworks repeat their patterns,
    and each filter was most of preparing a framework). A race only compiles a pattern, or builds
    the filter, twice."""

    BUILD_AFTER = 32

    __slots__ = ("field", "patterns", "lazy", "_wheres", "_memo", "_namespace", "_shared", "_filter",
                 "_regexes", "_needs", "_scans")

    def __init__(self, field: str, memo: str, namespace: dict[str, object], *, lazy: bool,
                 shared: "dict[tuple[str, ...], re2.Filter] | None" = None):
        self.field = field
        self.patterns: list[str] = []
        self.lazy = lazy
        self._wheres: list[str] = []  # the condition each pattern comes from, for its error message
        self._memo = memo
        self._namespace = namespace
        self._shared = shared  # built filters by their patterns, for an eager set
        self._filter: "re2.Filter | None" = None
        self._regexes: list[Any] = []  # a lazy set's patterns, each compiled on first use
        self._needs: list[Any] = []  # and what each needs of a text, read on first use
        self._scans = 0
        namespace[f"_scan{memo}"] = self._scan

    def add(self, pattern: str, where: str) -> int:
        """The pattern's index in the set (compiled when the set is built, or a lazy set's first uses it)."""
        self.patterns.append(pattern)
        self._wheres.append(where)
        self._regexes.append(None)
        self._needs.append(_UNREAD)
        return len(self.patterns) - 1

    @property
    def built(self) -> bool:
        return self._filter is not None

    def build(self) -> "re2.Filter":
        """The filter, built now if it is not yet. Raises BundleError."""
        s = self._filter
        if s is None:
            key = tuple(self.patterns)
            s = self._shared.get(key) if self._shared is not None else None
            if s is None:
                s = re2.Filter()
                for pattern, where in zip(self.patterns, self._wheres):
                    _add(s, pattern, where)
                try:
                    s.Compile()
                except re2.error:
                    raise BundleError(f"RE2 could not compile the patterns on field `{self.field}` together") from None
                if self._shared is not None:
                    self._shared[key] = s
            self._filter = s
            self._namespace[f"_scan{self._memo}"] = _scanner(s, self._memo)
        return s

    def _scan(self, text: object, m: dict) -> "Sequence[int] | _Hits":
        self._scans += 1
        if self._scans >= self.BUILD_AFTER or self._filter is not None:
            self.build()
            return self._namespace[f"_scan{self._memo}"](text, m)  # type: ignore[operator]
        hits = m[self._memo] = _Hits(self, text)
        return hits

    def needs(self, index: int):
        """literals.pattern_needs of pattern `index` (read on first use)."""
        needs = self._needs[index]
        if needs is _UNREAD:
            needs = self._needs[index] = pattern_needs(self.patterns[index])
        return needs

    def regex(self, index: int):
        """Pattern `index`, compiled (on first use). Raises BundleError."""
        regex = self._regexes[index]
        if regex is None:
            pattern = self.patterns[index]
            try:
                regex = compile_re2(pattern, max_mem=SET_MAX_MEM)
            except re2.error as e:
                raise BundleError(f"{self._wheres[index]}: RE2 rejects the pattern /{pattern}/: {e}") from None
            self._regexes[index] = regex
        return regex


class _Hits:
    """The patterns of a lazy TextSet that occur in one text, each looked for when first asked about
    (none in a non-text or empty value, as the filter's scan says). A pattern whose literal pieces
    (literals.pattern_needs) the text lacks is not compiled to say so; any other is compiled, then
    searched."""

    __slots__ = ("_set", "_text", "_bytes", "_lowered", "_found")

    def __init__(self, text_set: TextSet, text: object):
        self._set = text_set
        self._text = text if isinstance(text, str) and text else None
        self._bytes: bytes | None = None
        self._lowered: str | None = None
        self._found: dict[int, bool] = {}

    def __contains__(self, index: int) -> bool:
        found = self._found.get(index)
        if found is None:
            text = self._text
            needs = self._set.needs(index)
            if text is not None and needs is not None:
                if needs[0] and self._lowered is None:
                    self._lowered = folded_text(text)
                if not may_match(needs, text, self._lowered or ""):
                    self._found[index] = False
                    return False
            regex = self._set.regex(index)
            if text is None:
                found = False
            else:
                if self._bytes is None:
                    self._bytes = text.encode()
                found = regex.search(self._bytes) is not None
            self._found[index] = found
        return found


_UNREAD = object()


def _add(s: "re2.Filter", pattern: str, where: str) -> None:
    try:
        s.Add(pattern, _FILTER_OPTIONS)
    except (re2.error, UnicodeEncodeError) as e:
        try:
            compile_re2(pattern)  # for its error message, which says more than Filter.Add's
        except re2.error as better:
            e = better
        raise BundleError(f"{where}: RE2 rejects the pattern /{pattern}/: {e}") from None


def _words_of(text: object, m: dict, memo: str) -> frozenset[str]:
    """message_words of a text, kept in the draft's memo `m` for the other functions that read it."""
    words = m[memo] = message_words(text)
    return words


KEY_INDEX_FROM = 16  # `mentions` in the signals from which their gates read a KeyIndex


def _mentions_at_least(signals: Iterable[dict[str, Any]], count: int) -> bool:
    """Whether the signals' conditions have at least `count` `mentions` (counted without recursion)."""
    stack = [s["when"] for s in signals]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if condition_op(node) == "mentions":
            count -= 1
            if count <= 0:
                return True
        else:
            stack.extend(condition_operands(node))
    return False


class KeyIndex:
    """The registry's inverted index of its signals' PhraseIndexes: word -> the numbers of those that
    have it as a key. A signal's `mentions` then tests `number in present` on the numbers present in
    a field's words (`present(...)`, once per message and field) instead of a set operation each.

    Each group of signals adds its indexes before its code runs (`publish`), by replacing the dict
    whole, so a draft running meanwhile reads either the old one or the new one, each complete for
    the code compiled before it."""

    __slots__ = ("_ids", "count")

    def __init__(self) -> None:
        self._ids: dict[str, frozenset[int]] = {}
        self.count = 0

    def publish(self, added: dict[str, list[int]]) -> None:
        if added:
            ids = dict(self._ids)
            same: dict[frozenset[int], frozenset[int]] = {}  # equal sets once: most words share theirs
            for word, numbers in added.items():
                found = ids.get(word, frozenset()).union(numbers)
                ids[word] = same.setdefault(found, found)
            self._ids = ids

    def present(self, text: object, m: dict, words_memo: str, memo: str) -> frozenset[int]:
        """The numbers of the indexes with a key among the text's words (kept in `m` as `words_memo`)."""
        words = m.get(words_memo)
        if words is None:
            words = _words_of(text, m, words_memo)
        ids = self._ids
        found = ids.keys() & words
        if len(found) > 1:
            present = m[memo] = frozenset().union(*map(ids.__getitem__, found))
        else:  # most messages: one key or none
            present = m[memo] = ids[found.pop()] if found else _NONE
        return present


_NONE: frozenset[int] = frozenset()


# RE2's budget for each pattern of a field's filter: Unicode classes under repetition need more than
# RE2's default 8 MiB to keep their DFA cached.
SET_MAX_MEM = 64 << 20
_FILTER_OPTIONS = re2.Options()
_FILTER_OPTIONS.log_errors = False
_FILTER_OPTIONS.max_mem = SET_MAX_MEM

MAX_DEPTH = 64  # the compiler allows 32 (T1407); a bundle deeper than this was not made by it


Condition = dict[str, Any]  # a condition as the bundle stores it: objects named by their operator key


def _check_depth(cond: Condition, where: str) -> None:
    """Refuse a condition nested deeper than MAX_DEPTH before compiling it (which recurses), measured
    without recursion."""
    stack = [(cond, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BundleError(f"{where}: the condition is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            stack.extend((c, depth + 1) for c in condition_operands(node))


class Code(NamedTuple):
    """A condition as a Python expression over `values` (the context) and `m` (the draft's memo),
    and the locals holding the RE2 scans it reads (to set up before it runs)."""

    expr: str
    memos: frozenset[str] = frozenset()


_FALSE = Code("False")
_TRUE = Code("True")


def function_source(name: str, params: str, codes: Iterable[Code], body: Iterable[str], *, memo: bool = False) -> str:
    """`def name(params):` and a fresh memo `m` (with `memo`, `def name(params, m):`: the caller passes
    the memo of the message, a new dict or one that holds signals' results already, see signal_memo),
    the scans' locals set to None, then the body lines (indented here)."""
    memos = sorted(set().union(*(c.memos for c in codes)))
    lines = [f"def {name}({params}, m):"] if memo else [f"def {name}({params}):", "    m = {}"]
    if memos:
        lines.append("    " + " = ".join(memos) + " = None")
    lines.extend("    " + line for line in body)
    return "\n".join(lines) + "\n"


class ConditionCompiler:
    """Compiles condition trees to Python expressions; holds the RE2 filters they share.

    A library has one compiler for its signals (`program=None`), the registry: each signal becomes a
    function `_sig_<n>(values, m)` that evaluates the signal at most once per message (`m` is the
    draft's memo: signal results, field scans, message features). A signal is compiled only when a
    framework that uses it is prepared: a framework's conditions call `_sig_<n>`, and the signals
    they name that are not compiled yet are compiled together by `compile_pending()` into a *group*
    (a compiler with `group_of=` the registry: its own RE2 filters, the registry's namespace), before
    the framework's code runs. (`prepare()` compiles every signal in one group first.) Each framework
    gets its own compiler over the registry (`program=`): its own text conditions go into its own
    RE2 sets. `compile()` validates a condition and returns its Code; `constant()` names a value for
    the generated source; `run()` compiles generated source once and returns its namespace.
    """

    def __init__(self, signals: Iterable[dict[str, Any]], fields: Iterable[str], *,
                 program: "ConditionCompiler | None" = None, prefix: str = "h",
                 group_of: "ConditionCompiler | None" = None, scorers: Iterable[dict[str, Any]] = ()):
        """`signals` and `scorers` as the bundle stores them (name, when, … and name, bias, weights)."""
        self._program = program
        self._counters = 0  # `at least` nodes compiled: each names its own count local
        self._group_of = group_of
        registry = program or group_of
        self._signals = {s["name"]: s for s in signals} if registry is None else registry._signals
        self._scorers: dict[str, Any] = {x["name"]: x for x in scorers} if registry is None else registry._scorers
        self._signal_numbers = {name: i for i, name in enumerate(self._signals)}
        self._fields = set(fields) | set(COMPUTE)
        self._prefix = prefix
        # the registry's, shared by its groups: each signal's Code once compiled
        self._compiled_signals: dict[str, Code] = {} if group_of is None else group_of._compiled_signals
        self._pending: dict[str, str] = {}  # the registry's: signals named but not compiled, and where
        self._groups: list[ConditionCompiler] = []  # the registry's
        self._signal_functions: dict[str, object] = {}  # the registry's: `_sig_N` -> its function, once compiled
        self._signal_sources: list[str] = []
        self._memo_forms: dict[str, tuple[str, str]] = {}  # memo -> (its lazy expression, its computation)
        self._compiling: list[str] = []
        self._set_builders: dict[str, TextSet] = {}
        self._set_names: dict[str, str] = {}  # field -> memo key of its scan
        self._set_indices: dict[tuple[str, str], int] = {}
        self._sets: dict[str, TextSet] | None = None  # once finished
        self._constants: dict[int, str] = {}  # id(value) -> name, for values shared by conditions
        # the registry's: generated source -> its code object. Frameworks of the same shape get the
        # same source (their constants differ in value, not in name): compiled once, run in each one's
        # namespace.
        self._codes: dict[str, CodeType] = {} if registry is None else registry._codes
        # the registry's: the built filters of the frameworks' own text conditions, by their patterns
        self._filters: dict[tuple[str, ...], re2.Filter] = {}
        # a group's PhraseIndexes, by key, for the registry's KeyIndex (published when it runs)
        self._added_keys: dict[str, list[int]] = {}
        if group_of is not None:  # a group: the registry's generated code and lazy tests
            self._key_index: KeyIndex | None = group_of._key_index
            self.lazies: list[_Lazy] = group_of.lazies
            self.namespace: dict[str, object] = group_of.namespace
            return
        self.lazies = []  # tests built on their first call (see prepare())
        # a framework's compiler tests keys inline, as does a library with few `mentions` in its signals
        # (one lookup a draft costs about what five inline tests do)
        many = registry is None and _mentions_at_least(self._signals.values(), KEY_INDEX_FROM)
        self._key_index = KeyIndex() if many else None
        self.namespace = {
            "__builtins__": {"isinstance": isinstance, "str": str, "bool": bool},
            "_message": _message,
            "_lc": letters_and_capitals,
            "_ratio": _ratio,
            "_words_of": _words_of,
        }
        if self._key_index is not None:
            self.namespace["_present"] = self._key_index.present
        for i, name in enumerate(FEATURES):
            self.namespace[f"_feature_{i}"] = COMPUTE[name]

    def _registry(self) -> "ConditionCompiler":
        return self._program or self._group_of or self

    # --- public ---------------------------------------------------------------------------------

    def compile(self, cond: Condition, where: str) -> Code:
        """The expression for cond; `where` names the element in error messages."""
        _check_depth(cond, where)
        return self._compile(cond, where)

    def compile_shared(self, cond: Condition, where: str, known: dict[int, tuple[Condition, Code]],
                       made: list[tuple[Condition, Code]]) -> Code:
        """compile() of a condition many frameworks share (a policy entry's). `known`: by id, the
        Code of each such condition that needs nothing of the compiler that compiled it (no
        constant, memo, scan, lazy test or count local: signals and plain tests only), which any
        framework's compiler can use as it is. `made` gets each such condition compiled here, for
        the caller to add to `known` once the code it is part of runs (then its signals are
        compiled)."""
        hit = known.get(id(cond))
        if hit is not None and hit[0] is cond:
            return hit[1]
        state = (len(self._constants), len(self.lazies), len(self._set_indices), self._counters)
        code = self.compile(cond, where)
        if not code.memos and state == (len(self._constants), len(self.lazies), len(self._set_indices), self._counters):
            made.append((cond, code))
        return code

    def signal(self, name: str, where: str) -> Code:
        signal = self._signals.get(name)
        if signal is not None:
            _check_depth(signal["when"], f"signal `{name}`")
        return self._signal(name, where)

    def signal_source(self) -> str:
        """The source of every signal function made so far (a group)."""
        return "".join(self._signal_sources)

    def signal_function(self, name: str) -> Callable[[dict[str, Any], dict], bool]:
        """The registry's function of a signal, compiled (with compile_pending) if it is not yet.
        Raises KeyError for a name that is no signal."""
        if name not in self._signals:
            raise KeyError(name)
        if name not in self._compiled_signals:
            self._pending.setdefault(name, f"signal `{name}`")
            self.compile_pending()
        return self.namespace[f"_sig_{self._signal_numbers[name]}"]  # type: ignore[return-value]

    def compile_pending(self, names: Iterable[str] = ()) -> str:
        """Compile the signals named so far but not compiled (and `names`), with the signals they
        use, as one group; its source ("" when there was nothing to compile). Registry only."""
        for name in names:
            if name not in self._compiled_signals:
                self._pending.setdefault(name, f"signal `{name}`")
        pending = [(n, w) for n, w in self._pending.items() if n not in self._compiled_signals]
        self._pending = {}
        if not pending:
            return ""
        group = ConditionCompiler((), self._fields, group_of=self, prefix=f"{self._prefix}{len(self._groups)}x")
        compiled = dict(self._compiled_signals)
        try:
            for name, where in pending:
                group.signal(name, where)
            source = group.signal_source()
            if self._key_index is not None:
                self._key_index.publish(group._added_keys)  # before the code that reads it
                group._added_keys = {}
            group.run(source)
        except BaseException:  # nothing of a failed group stays: a later call reports the same error
            for name in [n for n in self._compiled_signals if n not in compiled]:
                del self._compiled_signals[name]
            raise
        self._groups.append(group)
        self._signal_functions.update((k, v) for k, v in self.namespace.items() if k.startswith("_sig_"))
        return source

    def signal_memo(self, held: Mapping[str, Any]) -> dict:
        """A memo for the generated code that holds signals' results already: {name: node} of
        signals whose node's first item says whether it held (a compact trace's `signals`), so
        that the code reads them instead of evaluating the signals again. Registry only."""
        numbers = self._signal_numbers
        return {numbers[name]: bool(node[0]) for name, node in held.items()}

    def close(self) -> None:
        """Let go of the generated code and the tests it holds (for an owner done with the compiler):
        a generated function refers to the namespace that holds it, so that code let go as it is
        would wait for a full garbage collection."""
        self.namespace.clear()
        self.lazies.clear()
        self._signal_functions.clear()
        self._groups.clear()  # (each refers to its registry)

    def text_set(self, field: str, pattern: str) -> "tuple[re2.Filter, int] | None":
        """The registry's: the RE2 filter of the group that holds a pattern (a `matches` pattern, or a
        `mentions` prefilter) on a field, and its index there; None if no compiled signal has it."""
        for group in self._groups:
            index = group._set_indices.get((field, pattern))
            if index is not None:
                return group._set_builders[field].build(), index
        return None

    def constant(self, value: object) -> str:
        """A generated name under which value is in the namespace of the generated code."""
        name = self._constants.get(id(value))
        if name is None:
            name = self._constants[id(value)] = f"_k{self._prefix}{len(self._constants)}"
            self.namespace[name] = value
        return name

    def finish(self) -> None:
        """Build the filters of the eager sets (a lazy set builds its own when it is time); call once,
        after every condition has been compiled."""
        if self._sets is None:
            for text_set in self._set_builders.values():
                if not text_set.lazy:
                    text_set.build()
            self._sets = dict(self._set_builders)

    def run(self, source: str) -> dict[str, object]:
        """Compile and run generated source (function definitions only) in the namespace, once."""
        self.finish()
        if self._program is not None:
            self.namespace.update(self._program._signal_functions)
        code = self._codes.get(source)
        if code is None:
            try:
                code = compile(source, "<tactful conditions>", "exec")
            except (SyntaxError, RecursionError, MemoryError):
                raise BundleError("the bundle's conditions are nested too deeply to compile") from None
            self._codes[source] = code
        exec(code, self.namespace)  # noqa: S102 - generated by this module from validated data
        return self.namespace

    # --- compilation ----------------------------------------------------------------------------

    def _field(self, field: str, where: str, *, features: bool = True) -> str:
        if field not in self._fields:
            raise BundleError(f"{where}: the condition uses `{field}`, which is neither a context field nor a feature")
        if not features and field in COMPUTE:
            raise BundleError(f"{where}: the message feature `{field}` is a number; only comparisons apply to it")
        return field

    def _text(self, field: str, pattern: str, where: str) -> tuple[int, str]:
        """The pattern's index in the field's set, and the memo key of the field's scan."""
        key = (field, pattern)
        index = self._set_indices.get(key)
        if index is None:
            if self._sets is not None:
                raise BundleError("internal: condition compiled after the text sets were finished")
            text_set = self._set_builders.get(field)
            if text_set is None:
                memo = self._set_names[field] = f"{self._prefix}{len(self._set_names)}"
                lazy = self._group_of is not None
                text_set = self._set_builders[field] = TextSet(field, memo, self.namespace, lazy=lazy,
                                                               shared=None if lazy else self._registry()._filters)
                if text_set.lazy:
                    self.lazies.append(text_set)
            index = text_set.add(pattern, where)
            self._set_indices[key] = index
        return index, self._set_names[field]

    def _words(self, field: str) -> tuple[str, str]:
        """The expression for the field's words (message_words, read once per message), its memo."""
        memo = f"w_{field}"
        return self._memo(memo, f"_words_of(values[{field!r}], m, {memo!r})"), memo

    def _memo(self, memo: str, compute: str) -> str:
        """The expression that reads a memo local, computing it (and keeping it in `m`) on first use.
        A signal's function computes its memos first instead (see _signal): a shorter source."""
        lazy = f"({memo} if {memo} is not None else ({memo} := {compute}))"
        self._memo_forms[memo] = (lazy, compute)
        return lazy

    def _phrase_index(self, index: PhraseIndex, field: str, *, confirms: bool) -> tuple[str, str, str]:
        """A PhraseIndex's name for the generated code, the test that one of its keys is among the
        field's words and that test's memo; prepare() compiles its confirmations only where the code
        calls `holds`.

        A group of signals tests the number of the index in the registry's KeyIndex (the memo
        `p_<field>`), any other compiler the index's keys against the field's words."""
        if confirms:
            self.lazies.append(index)
        words, words_memo = self._words(field)
        if self._group_of is None or self._key_index is None:
            return self.constant(index), f"not {self.constant(index.keys)}.isdisjoint({words})", words_memo
        number, self._key_index.count = self._key_index.count, self._key_index.count + 1
        for key in index.keys:
            self._added_keys.setdefault(key, []).append(number)
        memo = f"p_{field}"
        present = self._memo(memo, f"_present(values[{field!r}], m, {words_memo!r}, {memo!r})")
        return self.constant(index), f"{number} in {present}", memo

    def _hits(self, field: str, memo: str) -> str:
        return self._memo(memo, f"_scan{memo}(values[{field!r}], m)")

    def _signal(self, name: str, where: str) -> Code:
        if self._program is not None:
            return self._program._signal(name, where)
        compiled = self._compiled_signals.get(name)
        if compiled is not None:
            return compiled
        signal = self._signals.get(name)
        if signal is None:
            raise BundleError(f"{where}: the condition uses the signal `{name}`, which the bundle does not declare")
        if self._group_of is None:  # the registry: the call now, the function by compile_pending()
            self._pending.setdefault(name, where)
            return Code(f"_sig_{self._signal_numbers[name]}(values, m)")
        if name in self._compiling:
            cycle = " → ".join([*self._compiling[self._compiling.index(name):], name])
            raise BundleError(f"signals refer to each other in a cycle: {cycle}")
        if self._sets is not None:
            raise BundleError("internal: signal compiled after the text sets were finished")
        self._compiling.append(name)
        try:
            inner = self._compile(signal["when"], f"signal `{name}`")
        finally:
            self._compiling.pop()
        n = self._signal_numbers[name]
        # Its memos (a field's words, a filter's scan) are computed up front, each once per message
        # (kept in `m`), so the expression reads plain locals: most signals read them at once anyway,
        # and the source, which Python compiles on the first draft, is half as long.
        expr, scans = inner.expr, []
        for memo in sorted(inner.memos):
            lazy, compute = self._memo_forms[memo]
            expr = expr.replace(lazy, memo)
            scans.append(f"        {memo} = m.get({memo!r})\n        if {memo} is None:\n            {memo} = {compute}\n")
        self._signal_sources.append(
            f"def _sig_{n}(values, m):\n    r = m.get({n})\n    if r is None:\n{''.join(scans)}"
            f"        r = m[{n}] = bool({expr})\n    return r\n")
        compiled = self._compiled_signals[name] = Code(f"_sig_{n}(values, m)")
        return compiled

    def _feature(self, name: str) -> Code:
        """A message feature, computed once per message (kept in `m`; a signal's function reads it
        up front as a local named by its memo, see _signal)."""
        if name in ("letter_count", "caps_ratio"):  # one pass gives both
            memo, compute = "lc", "m.setdefault('lc', _lc(_message(values)))"
        else:
            i = FEATURES.index(name)
            memo, compute = f"f{i}", f"m.setdefault('f{i}', _feature_{i}(_message(values)))"
        lazy = f"(_t if (_t := m.get({memo!r})) is not None else {compute})"
        self._memo_forms[memo] = (lazy, compute)
        if memo == "lc":
            return Code(f"{lazy}[0]" if name == "letter_count" else f"_ratio({lazy})", frozenset({memo}))
        return Code(lazy, frozenset({memo}))

    def _lazy(self, make: Callable[[], Callable[[str], bool]]) -> str:
        lazy = _Lazy(make)
        self.lazies.append(lazy)
        return self.constant(lazy)

    def _compile(self, cond: Condition, where: str) -> Code:  # noqa: C901 - one case per op
        op = condition_op(cond)
        if op == "all" or op == "any":
            codes = [self._compile(c, where) for c in cond[op]]
            if not codes:
                return _TRUE if op == "all" else _FALSE
            joiner = " and " if op == "all" else " or "
            return Code("(" + joiner.join(c.expr for c in codes) + ")", frozenset().union(*(c.memos for c in codes)))
        if op == "atleast":
            count, items = cond[op], cond["of"]
            if count.__class__ is not int or not 1 <= count <= len(items):
                raise BundleError(f"{where}: `at least {count} of` a list of {len(items)} conditions needs a whole "
                                  f"number from 1 to {len(items)}")
            codes = [self._compile(c, where) for c in items]
            # A count local (assigned in the expression, as the memos are): item i is read only while
            # `count` can still be reached, c >= count - (k - i), and the chain stops at the first
            # item that brings c to `count`. Flat, so that a long list nests no parentheses.
            c, k = f"_k{self._counters}", len(codes)
            self._counters += 1
            steps = [f"({c} := 0)"]
            for i, code in enumerate(codes):
                reach = count - (k - i)
                test = f"{code.expr} and ({c} := {c} + 1) >= {count}"
                steps.append(f"({c} >= {reach} and {test})" if reach > 0 else f"({test})")
            return Code("(" + " or ".join(steps) + ")", frozenset().union(*(c.memos for c in codes)))
        if op == "not":
            code = self._compile(cond[op], where)
            return Code(f"(not {code.expr})", code.memos)
        if op == "signal":
            return self._signal(cond[op], where)
        if op == "bool":
            field = self._field(cond[op], where, features=False)
            return Code(f"(values[{field!r}] is True)")
        if op == "mentions":
            field = self._field(cond.get("field", "message"), where, features=False)
            phrases, near = phrase_list(cond[op]), phrase_list(cond.get("near", ()))
            within, asserted = cond.get("within"), cond.get("asserted", False)
            if not any(p.split() for p in phrases) or (near and not any(p.split() for p in near)):
                return _FALSE
            text = f"values[{field!r}]"
            words, words_memo = self._words(field)
            phrase_index, others = index_phrases(phrases, where)
            memos: set[str] = set()
            may, in_set = None, None
            if phrase_index is not None:
                index, gate, gate_memo = self._phrase_index(phrase_index, field, confirms=not (near or asserted))
                memos.update((words_memo, gate_memo))
                may = f"({gate})" if phrase_index.single else f"({gate} and {index}.maybe({words}))"
            if others:
                try:
                    prefilter = mentions_prefilter(others)
                except re2.error as e:  # a phrase that is not valid Unicode (a lone surrogate)
                    raise BundleError(f"{where}: RE2 cannot compile a phrase of a `mentions`: {re2_reason(e)}") from None
                position, memo = self._text(field, prefilter, where)
                memos.add(memo)
                in_set = f"{position} in {self._hits(field, memo)}"
            if near or asserted:
                if near:
                    if within is None or not 1 <= within <= MAX_WITHIN:
                        raise BundleError(f"{where}: `near` needs `within` from 1 to {MAX_WITHIN} words, not {within}")
                    confirm = self._lazy(lambda: near_finder(phrases, near, within, asserted, where))
                else:
                    confirm = self._lazy(lambda: _asserted_search(PhraseSpans(phrases, where)))
                maybe = " or ".join(t for t in (may, in_set) if t)
                near_phrases, near_others = index_phrases(near, where)
                if near_phrases is not None and not near_others:  # and one of `near` may occur too
                    near_index, near_gate, near_memo = self._phrase_index(near_phrases, field, confirms=False)
                    memos.add(near_memo)
                    maybe = f"({maybe}) and {near_gate}"
                    if not near_phrases.single:
                        maybe += f" and {near_index}.maybe({words})"
                memos.add(words_memo)
                return Code(f"(({maybe}) and {confirm}({text}, {words}))", frozenset(memos))
            held = []
            if phrase_index is not None:
                held.append(f"({gate} and {index}.holds({text}, {words}))")
            if others:  # phrase by phrase, boundaries checked in Python: far cheaper for RE2 to start
                held.append(f"({in_set} and {self._lazy(lambda: _phrase_finder(others, where))}({text}))")
            return Code("(" + " or ".join(held) + ")", frozenset(memos))
        if op == "emoji":
            field = self._field(cond.get("field", "message"), where, features=False)
            pattern = emoji_pattern(cond[op])
            if not pattern:
                return _FALSE
            index, memo = self._text(field, pattern, where)
            return Code(f"({index} in {self._hits(field, memo)})", frozenset({memo}))
        if op == "scores":
            field = self._field(cond.get("field", "message"), where, features=False)
            scorer = self._scorers.get(cond[op])
            if scorer is None:
                raise BundleError(f"{where}: the condition uses the scorer `{cond[op]}`, which the bundle does not declare")
            if scorer.__class__ is not Scorer:  # as the bundle stores it: weights grouped by weight
                try:
                    weights = weights_of(scorer["weights"])
                except ValueError as e:
                    raise BundleError(f"scorer `{cond[op]}`: {e}") from None
                problem = scorer_problem({"bias": scorer["bias"], "weights": weights})
                if problem is not None:
                    raise BundleError(f"scorer `{cond[op]}`: {problem}")
                scorer = self._scorers[cond[op]] = Scorer(cond[op], scorer["bias"], weights)
            at_least = cond["at_least"]
            if not 0 <= at_least <= 1:
                raise BundleError(f"{where}: `scores at least {at_least}` needs a number from 0 to 1")
            key = f"s:{cond[op]}:{field}"
            return Code(f"{self.constant(scorer)}.held(values[{field!r}], m, {key!r}, {self.constant(at_least)})")
        if op == "matches":
            field = self._field(cond.get("field", "message"), where, features=False)
            index, memo = self._text(field, cond[op], where)
            return Code(f"({index} in {self._hits(field, memo)})", frozenset({memo}))
        if op == "compare":
            field = self._field(cond[op], where)
            op, k = _CMP[cond["cmp"]], self.constant(cond["value"])
            if field in COMPUTE:
                feature = self._feature(field)
                return Code(f"({feature.expr} {op} {k})", feature.memos)
            return Code(f"((_v := values[{field!r}]) is not None and _v {op} {k})")
        if op == "is":
            field, value = cond[op], cond["value"]
            if field == "channel" and value in ("public", "private"):
                field = "visibility"
            field = self._field(field, where, features=False)
            return Code(f"(values[{field!r}] == {value!r})")
        if op == "in":
            field = self._field(cond[op], where, features=False)
            return Code(f"(values[{field!r}] in {self.constant(frozenset(cond['values']))})")
        raise BundleError(f"{where}: unknown condition `{op}`")  # the schema allows no other op


def _phrase_finder(phrases, where: str) -> PhraseFinder:
    try:
        return PhraseFinder(phrases)
    except re2.error as e:
        raise BundleError(f"{where}: RE2 cannot compile a phrase of a `mentions`: {re2_reason(e)}") from None


class _Lazy:
    """A test on a text built on its first call: a `mentions`' confirmation compiles RE2 patterns
    (for stdlib's signals, most of the time a library takes to prepare), and most messages never get
    that far. `compile_all()` builds it now (Library.prepare). A race only builds it twice."""

    __slots__ = ("_make", "_test")

    def __init__(self, make: Callable[[], Callable[[str], bool]]):
        self._make = make
        self._test: Callable[[str], bool] | None = None

    @property
    def built(self) -> bool:
        return self._test is not None

    def build(self) -> Callable[[str], bool]:
        test = self._test
        if test is None:
            test = self._test = self._make()
        return test

    def __call__(self, text: str, *more: Any) -> bool:
        test = self._test
        if test is None:
            test = self.build()
        return test(text, *more)
