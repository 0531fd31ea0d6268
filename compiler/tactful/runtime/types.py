"""Type names and RE2 compilation shared by the compiler and the runtime.

What a value of each slot type looks like lives in values.py (SlotChecker), which the compiler
also uses for example values, so the two always agree. Every RE2 pattern of a bundle or a program
is compiled through compile_re2, so RE2 never logs to stderr and its errors read the same.
"""

from __future__ import annotations

from collections.abc import Iterable

SLOT_TYPES = ("text", "money", "number", "date", "email", "phone", "url", "enum")
FIELD_TYPES = ("text", "number", "bool", "channel", "visibility", "enum")


def close_matches(name: str, candidates: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Names close to a misspelled one, best first: every "did you mean" of the compiler and the
    runtime comes from here (the compiler proposes one, with a stricter cutoff)."""
    import difflib

    return difflib.get_close_matches(name, list(candidates), n=n, cutoff=cutoff)


def compile_re2(pattern: str, *, max_mem: int | None = None):
    """re2.compile without RE2's own logging to stderr (errors come back as re2.error)."""
    import re2

    options = re2.Options()
    options.log_errors = False
    if max_mem is not None:
        options.max_mem = max_mem
    try:
        return re2.compile(pattern, options)
    except UnicodeEncodeError:  # a lone surrogate, which a JSON file can spell as \ud800
        raise re2.error("the pattern is not valid Unicode (it holds a lone surrogate)") from None


def re2_reason(e: Exception) -> str:
    """RE2's own words: its errors carry bytes, which must not reach a message as b'…'."""
    reason = e.args[0] if e.args else str(e)
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


# What a word is made of, for `mentions` and the house style alike: letters, digits, marks and `_`
# (RE2's \pL \pN \pM; Unicode categories L*, N*, M* in Python).
_WORDISH = r"[\pL\pN\pM_]"


def is_word_char(ch: str) -> bool:
    """Whether a character is part of a word, as _WORDISH says."""
    import unicodedata

    return ch == "_" or unicodedata.category(ch)[0] in "LNM"


def word_pattern(word: str) -> str:
    """One word, literally, with `'` matching `’` too. Raises re2.error for a word that is not valid
    Unicode (a lone surrogate)."""
    import re2

    pieces = word.replace("’", "'").split("'")
    # RE2's QuoteMeta leaves letters, digits and every non-ASCII character as they are: most words
    # need no call into it (a stdlib library has some twenty thousand words).
    try:
        return "['’]".join(p if p.isalnum() else re2.escape(p) for p in pieces)
    except UnicodeEncodeError:
        raise re2.error("the phrase is not valid Unicode (it holds a lone surrogate)") from None


def phrase_parts(phrase: str) -> tuple[str, bool, bool] | None:
    """A phrase's words as RE2 (any run of white space between them), and whether it starts and ends
    with a word character (where a whole-word match needs a boundary); None for a blank phrase."""
    words = phrase.split()
    if not words:
        return None
    return r"\s+".join(word_pattern(w) for w in words), is_word_char(words[0][0]), is_word_char(words[-1][-1])


class PhraseFinder:
    """Where phrases occur as whole words: the rule of `mentions` and of the house style.

    Each phrase is its own small RE2 pattern of its words (phrase_parts), cheap to compile and to
    search for the first time, and the characters around each occurrence are checked here with
    is_word_char: one pattern with Unicode boundaries around every phrase costs RE2 milliseconds per
    message until its automaton has seen enough text. An occurrence that fails the boundary check
    does not hide a later one: the search resumes one character on. Raises re2.error for a phrase
    RE2 cannot compile.

    A phrase of one ASCII word of letters and digits (most phrases) is found in an ASCII text by
    str.find in the text lower-cased, which finds what its pattern finds there (RE2's case folding
    of ASCII letters reaches other characters, `ſ` and the Kelvin sign, only in a text that is not
    ASCII); its pattern is compiled the first time a text that is not ASCII needs it."""

    __slots__ = ("_phrases", "_literal", "_compiled")

    def __init__(self, phrases: Iterable[str]):
        found = []
        for phrase in phrases:
            parts = phrase_parts(phrase)
            if parts is None:
                continue
            body, starts, ends = parts
            word = phrase.strip()
            if word.isascii() and word.isalnum():  # one word: its body is the word itself
                found.append((None, starts, ends, word.lower()))
            else:
                found.append((compile_re2("(?i)" + body), starts, ends, None))
        self._phrases = tuple(found)
        self._literal = any(entry[3] is not None for entry in found)  # a phrase str.find may find
        self._compiled = not any(entry[0] is None for entry in found)  # every pattern compiled

    def _patterns(self) -> tuple:
        """The phrases with every pattern compiled (a race compiles one twice: the same pattern)."""
        phrases = tuple((compile_re2("(?i)" + word) if pattern is None else pattern, before, after, word)
                        for pattern, before, after, word in self._phrases)
        self._phrases, self._compiled = phrases, True
        return phrases

    def spans(self, text: str, *, first: bool = False) -> list[tuple[int, int]]:
        """(start, end) of each whole-word occurrence, in code points (only the first with first=True)."""
        spans = []
        end_of_text = len(text)
        phrases = self._phrases
        lowered = None
        if self._literal and text.isascii():
            lowered = text.lower()
        elif not self._compiled:
            phrases = self._patterns()
        for pattern, before, after, word in phrases:
            pos = 0
            if word is not None and lowered is not None:  # an ASCII text
                size = len(word)
                while (start := lowered.find(word, pos)) >= 0:  # type: ignore[union-attr]
                    end = start + size
                    if (start == 0 or not is_word_char(text[start - 1])) and (
                        end == end_of_text or not is_word_char(text[end])
                    ):
                        spans.append((start, end))
                        if first:
                            return spans
                        pos = end
                    else:
                        pos = start + 1
                continue
            while (m := pattern.search(text, pos)) is not None:
                start, end = m.span()
                if (not before or start == 0 or not is_word_char(text[start - 1])) and (
                    not after or end == end_of_text or not is_word_char(text[end])
                ):
                    spans.append((start, end))
                    if first:
                        return spans
                    pos = end if end > start else start + 1
                else:
                    pos = start + 1
        spans.sort()
        return spans

    def __call__(self, text: object) -> bool:
        """Whether any phrase occurs as whole words in a text (never for a non-text value)."""
        return isinstance(text, str) and bool(self.spans(text, first=True))


MAX_WITHIN = 30  # the largest `within N words`; the compiler checks it (T1406), the runtime refuses more

EMOJI_MODIFIERS = "\ufe0e\ufe0f" + "".join(map(chr, range(0x1F3FB, 0x1F400)))
ZWJ = "\u200d"


def is_one_emoji(text: str) -> bool:
    """Whether text is exactly one emoji: code points joined by ZWJ, with modifiers, a flag or a keycap."""
    if not text:
        return False
    if text[0] in "0123456789#*" and text.endswith("\u20e3"):
        return all(c in "\ufe0f\u20e3" for c in text[1:])
    core = "".join(c for c in text if c not in EMOJI_MODIFIERS and not 0xE0020 <= ord(c) <= 0xE007F)
    for part in core.split(ZWJ):
        if len(part) == 2 and all(0x1F1E6 <= ord(c) <= 0x1F1FF for c in part):
            continue  # a flag: two regional indicators
        if len(part) != 1 or ord(part) < 0xA9 or part.isalnum() or part.isspace():
            return False
    return True
