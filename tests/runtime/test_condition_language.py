"""Word forms, proximity, `says` and `has emoji`, from source to a draft decision (docs/reference/language.md)."""

from __future__ import annotations

import pytest

from tactful.api import compile_library
from tactful.runtime.conditions import emoji_pattern, is_asserted
from tactful.runtime.types import is_one_emoji
from tactful.semantics.wordforms import phrase_forms, word_forms

SOURCE = '''
signal legal "legal"
  when message says forms of "sue"
  fires "I will sue you"
  quiet "fine"

signal weapon "weapon"
  when message mentions forms of "gun", "knife" near "school" within 4 words
  fires "a gun at school"
  quiet "fine"

signal eye_roll "eye roll"
  when message has emoji "🙃", "👏", "🤦‍♀️"
  fires "🙃"
  quiet "fine"
'''


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("lang")
    (root / "signals.tact").write_text(SOURCE, encoding="utf-8")
    result, lib = compile_library([root])
    assert lib is not None, [str(d) for d in result.diagnostics]
    return lib


def holds(lib, name, message):
    return lib.signal_holds(name, {"message": message})


@pytest.mark.parametrize(("message", "expected"), [
    ("I will sue you", True),
    ("We sued the last shop that did this", True),
    ("suing you is next", True),
    ("There is an issue with my order", False),  # a whole word, never inside another
    ("My parcel is near the Suez canal", False),
    ("I'm not going to sue anyone lol", False),  # negated
    ("I won't sue, I just want my money back", False),
    ("My lawyer friend says I could sue, but I'd rather not", False),  # reported
    ("I don't want a fight. But I will sue if I have to", True),  # the negation is in another clause
    ("Can I sue?", False),  # asked about: the "?" right after the phrase ends the question
    ("Should I sue them for this?", False),
    ("I will sue, sue and sue again", True),
])
def test_says_with_word_forms(library, message, expected):
    assert holds(library, "legal", message) is expected


@pytest.mark.parametrize(("message", "expected"), [
    ("he's bringing his dad's gun to school monday", True),
    ("school tomorrow, and he has guns", True),  # either order, an inflected form
    ("the knife set arrived. Unrelated: my kid starts a new school next week and loves it", False),  # too far apart
    ("the gun-metal grey school bag", True),
])
def test_near(library, message, expected):
    assert holds(library, "weapon", message) is expected


@pytest.mark.parametrize(("message", "expected"), [
    ("amazing service 🙃", True),
    ("speedy as ever 👏🏽👏🏽", True),  # any skin tone
    ("again 🤦‍♀️", True),  # a joined sequence, as a whole
    ("again 🤦", False),  # the bare person is another emoji than the woman facepalming
    ("👨‍👩‍👧 family plan", False),
    ("thanks 🙂", False),
])
def test_has_emoji(library, message, expected):
    assert holds(library, "eye_roll", message) is expected


def test_one_emoji():
    assert all(map(is_one_emoji, ["🙃", "👏🏽", "🤦‍♀️", "🇬🇧", "1️⃣", "❤️", "👨‍👩‍👧"]))
    assert not any(map(is_one_emoji, ["", "lol", "🙃🤡", ":)", "a🙃", " "]))
    assert emoji_pattern([]) == ""


def test_assertion_window_is_bounded_to_the_clause():
    text = "Not happy at all. I will sue"
    assert is_asserted(text, text.index("sue"), len(text))
    text = "I never said I would sue"
    assert not is_asserted(text, text.index("sue"), len(text))


def test_word_forms():
    assert set(word_forms("sue")) == {"sue", "sues", "sued", "suing"}
    assert {"stabbed", "stabbing", "stabs"} <= set(word_forms("stab"))
    assert {"took", "taken", "taking", "takes"} <= set(word_forms("take"))
    assert {"cries", "cried", "crying"} <= set(word_forms("cry"))
    assert {"death threats", "death threat"} <= set(phrase_forms("death threat"))
    assert "issue" not in word_forms("sue")


@pytest.mark.parametrize(("message", "expected"), [
    ("Can I file a chargeback if they don't reply?", False),  # a question about it
    ("If the refund isn't back by Friday I'll sue", True),  # the negation is in the condition, not on "sue"
    ("I will sue. Can you confirm you got this?", True),  # the question is another sentence
])
def test_says_questions_and_conditions(library, message, expected):
    assert holds(library, "legal", message) is expected


def test_near_counts_words_not_characters(library):
    assert holds(library, "weapon", "gun one two three four school")  # four words between
    assert not holds(library, "weapon", "gun one two three four five school")  # five
