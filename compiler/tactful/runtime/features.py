"""Message features: the numbers conditions can compare, computed once per message.

A bundle lists the features its conditions may use (`Bundle.features`); the runtime refuses a bundle
that needs one it does not compute. Definitions (a runtime in another language must match them;
conformance.json tests it):

- `length`: characters (Unicode code points) in the message.
- `letter_count`: letters (`str.isalpha`).
- `caps_ratio`: capital letters (`str.isupper`) / letters; 0 when there are no letters.
- `word_count`: runs of letters or digits (`str.isalnum`); an apostrophe inside a word does not
  split it ("don't" is one word).
- `exclamation_count`, `question_count`: "!" and "?" characters.
- `max_repeated_punctuation`: the longest run of consecutive "!" or "?" characters, mixed or not
  ("?!?!" is 4); 0 when there are none.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# These two patterns are fixed, simple and linear, so the stdlib `re` (several times faster to call
# than the re2 binding for short texts) is safe here; RE2 is for patterns written in frameworks.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_PUNCT_RUN = re.compile(r"[!?]+")


_ASCII = bytes(range(128))
_NOT_LETTER = bytes(c for c in _ASCII if not chr(c).isalpha())
_NOT_CAPITAL = bytes(c for c in _ASCII if not chr(c).isupper())


def letters_and_capitals(message: str) -> tuple[int, int]:
    """(letters, capital letters) in one pass; caps_ratio and letter_count both come from it."""
    if message.isascii():  # the common case, counted in C
        raw = message.encode("ascii")
        return len(raw.translate(None, _NOT_LETTER)), len(raw.translate(None, _NOT_CAPITAL))
    letters = sum(map(str.isalpha, message))
    return letters, sum(map(str.isupper, filter(str.isalpha, message))) if letters else 0


def caps_ratio(message: str) -> float:
    letters, capitals = letters_and_capitals(message)
    return capitals / letters if letters else 0.0


def letter_count(message: str) -> int:
    return letters_and_capitals(message)[0]


def word_count(message: str) -> int:
    return len(_WORD.findall(message))


def length(message: str) -> int:
    return len(message)


def exclamation_count(message: str) -> int:
    return message.count("!")


def question_count(message: str) -> int:
    return message.count("?")


def max_repeated_punctuation(message: str) -> int:
    marks = message.count("!") + message.count("?")
    return max(map(len, _PUNCT_RUN.findall(message))) if marks > 1 else marks


COMPUTE: dict[str, Callable[[str], float | int]] = {
    "caps_ratio": caps_ratio,
    "letter_count": letter_count,
    "word_count": word_count,
    "length": length,
    "exclamation_count": exclamation_count,
    "question_count": question_count,
    "max_repeated_punctuation": max_repeated_punctuation,
}
FEATURES: tuple[str, ...] = tuple(COMPUTE)


def compute(message: str) -> dict[str, float | int]:
    """Every feature of one message, by name (the runtime computes them lazily, each at most once)."""
    return {name: fn(message) for name, fn in COMPUTE.items()}
