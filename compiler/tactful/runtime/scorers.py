"""Learned text scorers: a linear model over a text's words and pairs of words.

A `scorer` declaration names a weights file (written by `tactful train` from a labelled corpus); the
bundle stores each scorer's weights once, under `scorers`, and a condition `message scores at least
0.8 on crisis_words` compares the scorer's score of a text field with a number. The definition (a
runtime in another language must match it; conformance.json tests it):

- tokens: the runs of `[^\\W_]+(?:['’][^\\W_]+)*` in the text (letters, digits and marks, an
  apostrophe inside a word kept), each lower-cased (Unicode default case mapping, `str.lower`) with
  `’` replaced by `'`;
- features: every distinct token, and every distinct pair of adjacent tokens joined by one space
  ("i want" from "I want");
- score: s = bias + the sum of the weights of the features present (a feature without a weight
  weighs 0), all whole numbers in sixteenths (`UNIT`), so the sum is exact whatever its order; the
  score is 1 / (1 + e^(-s / 16)), a number between 0 and 1;
- `scores at least T` holds when the score is >= T.

Reading a message is linear in its length: one regex pass and one dictionary lookup per feature.
This module imports nothing heavy (no numpy): the runtime's cold start stays small.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

# tokens(text): the text's tokens, in order (see above): the runtime's words, as `says` and `near` read them
from tactful.runtime.features import words as tokens

UNIT = 16  # weights and bias are whole numbers of 1/UNIT
WEIGHTS_FORMAT = 1  # a weights file's `tactful_scorer` (semantics/scorers.py reads it, `tactful train` writes it)
MAX_WEIGHT = 1 << 20  # |weight| and |bias| bound, in units (a corrupt file is refused, not summed)


def features(text: str) -> set[str]:
    """The distinct features of a text: its tokens and its pairs of adjacent tokens."""
    words = tokens(text)
    found = set(words)
    found.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    return found


def total(weights: Mapping[str, int], bias: int, text: str) -> int:
    """bias + the weights of the text's features, in units."""
    words = tokens(text)
    get = weights.get
    s = bias
    seen: set[str] = set()
    previous = None
    for w in words:
        if w not in seen:
            seen.add(w)
            s += get(w, 0)
        if previous is not None:
            pair = previous + " " + w
            if pair not in seen:
                seen.add(pair)
                s += get(pair, 0)
        previous = w
    return s


def probability(units: int) -> float:
    """1 / (1 + e^(-units / UNIT)), without overflow."""
    z = units / UNIT
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Scorer:
    """One scorer of a bundle: `score(text)` is its score; `contributions(text)` why (for traces)."""

    __slots__ = ("name", "bias", "weights")

    def __init__(self, name: str, bias: int, weights: Mapping[str, int]):
        self.name, self.bias, self.weights = name, bias, dict(weights)

    def score(self, text: object) -> float:
        return probability(total(self.weights, self.bias, text)) if text.__class__ is str else 0.0

    def held(self, text: object, m: dict, key: str, at_least: float) -> bool:
        """Whether the text's score is at least `at_least`; the score is kept in the draft's memo `m`
        under `key` (one read per scorer, field and message, however many conditions use it)."""
        value = m.get(key)
        if value is None:
            value = m[key] = self.score(text)
        return value >= at_least

    def contributions(self, text: object) -> list[tuple[str, int]]:
        """The text's features whose weight is not 0, with it (in units), largest effect first: by
        |weight| descending, then by the feature's text (code point order). Nothing for a field
        without text. A trace shows the first few of these (`because`: what drove the score)."""
        if text.__class__ is not str:
            return []
        get = self.weights.get
        return sorted(((f, w) for f in features(text) if (w := get(f, 0))),
                      key=lambda fw: (-abs(fw[1]), fw[0]))


def scorer_problem(data: object) -> str | None:
    """What is wrong with a scorer's stored weights (`bias` and `weights`), or None when nothing is:
    whole numbers within MAX_WEIGHT, features that are one token or two joined by one space."""
    if not isinstance(data, Mapping):
        return "a scorer's weights are a JSON object"
    bias, weights = data.get("bias"), data.get("weights")
    if bias.__class__ is not int or abs(bias) > MAX_WEIGHT:
        return f"`bias` is a whole number from -{MAX_WEIGHT} to {MAX_WEIGHT}"
    if not isinstance(weights, Mapping):
        return "`weights` is an object: feature → whole number"
    for feature, weight in weights.items():
        if weight.__class__ is not int or abs(weight) > MAX_WEIGHT:
            return f"the weight of {feature!r} is not a whole number from -{MAX_WEIGHT} to {MAX_WEIGHT}"
        if not isinstance(feature, str) or not 1 <= len(tokens(feature)) <= 2 or " ".join(tokens(feature)) != feature:
            return f"{feature!r} is not a feature: one lower-case word, or two joined by one space"
    return None
