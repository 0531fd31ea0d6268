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
    return re2.compile(pattern, options)


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
    """One word, literally, with `'` matching `’` too."""
    import re2

    pieces = word.replace("’", "'").split("'")
    return "['’]".join(re2.escape(p) for p in pieces)


def phrase_parts(phrase: str) -> tuple[str, bool, bool] | None:
    """A phrase's words as RE2 (any run of white space between them), and whether it starts and ends
    with a word character (where a whole-word match needs a boundary); None for a blank phrase."""
    words = phrase.split()
    if not words:
        return None
    return r"\s+".join(word_pattern(w) for w in words), is_word_char(words[0][0]), is_word_char(words[-1][-1])


def whole_words(phrase: str) -> str | None:
    """One phrase as whole words (RE2; None for a blank phrase): phrase_parts, with no word character
    just before or after it where it starts or ends with one. `mentions` compiles these once per
    bundle; the house style check finds the bare words and tests the boundaries with is_word_char,
    which says the same and costs far less to compile."""
    parts = phrase_parts(phrase)
    if parts is None:
        return None
    body, starts, ends = parts
    before = r"(?:^|[^\pL\pN\pM_])" if starts else ""
    after = r"(?:[^\pL\pN\pM_]|$)" if ends else ""
    return f"{before}(?:{body}){after}"
