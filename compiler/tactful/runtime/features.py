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
- `audience`: the largest audience the message states: a number, with its magnitude ("400k",
  "1.2M", "2,500", "half a million", "two million"), followed within two words by an audience word
  ("followers", "subscribers", "subs", "viewers", "views", "watchers", "listeners", "readers", "fans",
  "members", "people", "likes", "shares", "retweets", "reposts", "of you"); 0 when there is none. A bare "50k" (a price, a salary) is not an audience.
- `mentioned_contacts`: how many contacts about the issue the message itself states, this one
  included; 0 when it states none. The largest of: an ordinal before a contact word ("third time",
  "4th email", "fourth thread" -> that number); contacts counted with a number or twice/once ("after
  three emails and two chats" -> 3 + 2, "emailed twice and chatted once" -> 2 + 1), plus this one;
  times stated after a contact verb in the same sentence ("asked three times" -> 3, plus this one);
  past contact verbs in the first person or opening a clause ("I wrote yesterday … I wrote the day
  before", "Emailed Monday, called Tuesday") counted, plus this one; 2 for a follow-up cue ("again", "following up", "still no reply", "chasing",
  "automated reply", "weeks of emails" -> 3). The contact words are those of `_CONTACT_NOUN` (time,
  email, message, chat, call, ticket, thread, request, report, dm, letter, complaint, contact,
  follow-up, appeal) and the contact verbs those of `_CONTACT_VERB` (asked, emailed, messaged,
  called, rang, phoned, chatted, contacted, wrote, written, reported, raised, complained, chased,
  tweeted, dmed, reached out, got in touch, appealed, escalated, followed up, pinged, texted).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

# These two patterns are fixed, simple and linear, so the stdlib `re` (several times faster to call
# than the re2 binding for short texts) is safe here; RE2 is for patterns written in frameworks.
# WORD is the runtime's one word: `word_count`, the windows of `says` and `near`, and the tokens of a
# learned scorer all read words with it.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_PUNCT_RUN = re.compile(r"[!?]+")


def words(text: str) -> list[str]:
    """The text's words in order, lower-cased, with `’` as `'` ("Don’t" -> "don't")."""
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


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
    return len(WORD.findall(message))


def length(message: str) -> int:
    return len(message)


def exclamation_count(message: str) -> int:
    return message.count("!")


def question_count(message: str) -> int:
    return message.count("?")


def max_repeated_punctuation(message: str) -> int:
    marks = message.count("!") + message.count("?")
    return max(map(len, _PUNCT_RUN.findall(message))) if marks > 1 else marks


# --- audience and mentioned contacts: fixed patterns with bounded repetitions (linear) ------------

_MAGNITUDE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mil": 1e6, "mill": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9,
              "billion": 1e9}
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "half a": 0.5, "a couple of": 2, "a few": 3, "several": 3, "multiple": 3}
_AUDIENCE = (  # compiled on first use (_audience), like the contact patterns: a cold start needs neither
    r"(?<![\w.,])(?:(\d{1,3}(?:,\d{3})+|\d{1,12}(?:\.\d{1,3})?)\s?(k|m|mil|mill|million|thousand|bn|b)?"
    r"|(half a|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(thousand|million))(?![\w])"
    r"[ \t]*(?:[a-z]{1,12}[ \t]+){0,2}?"
    r"(?:followers|subscribers|subs|viewers|views|watchers|listeners|readers|fans|members|people|likes|shares|"
    r"retweets|reposts|of\s+you)\b"
)


@cache
def _audience() -> re.Pattern:
    return re.compile(_AUDIENCE, re.IGNORECASE)


def audience(message: str) -> float:
    best = 0.0
    for m in _audience().finditer(message):
        digits, suffix, word, word_magnitude = m.groups()
        if digits is not None:
            value = float(digits.replace(",", "")) * _MAGNITUDE.get((suffix or "").lower(), 1)
        else:
            value = _SMALL[word.lower()] * _MAGNITUDE[word_magnitude.lower()]
        best = max(best, value)
    return best


_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
             "tenth": 10, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9, "10th": 10}
_COUNTS = {**{k: v for k, v in _SMALL.items() if k not in ("a", "half a")}, "twice": 2, "once": 1}
_CONTACT_NOUN = (r"(?:time|email|e-mail|message|msg|chat|call|phone call|ticket|thread|request|report|dm|letter|"
                 r"complaint|contact|follow[- ]up|appeal)")
_ORDINAL_CONTACT = (
    r"\b(second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|[2-9](?:st|nd|rd|th)|10th)[ \t]+(?:[a-z]{1,12}[ \t]+)?"
    + _CONTACT_NOUN + r"s?\b")
_COUNTED_CONTACTS = (
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few|several|multiple)[ \t]+"
    r"(?:(?:more|different|separate|other|previous|earlier|whole|long)[ \t]+)?"
    r"(?:emails?|e-mails?|messages?|msgs|chats?|calls?|phone calls|tickets?|threads?|requests?|reports?|dms?|"
    r"letters?|complaints?|appeals?)\b")
_CONTACT_VERB = (r"(?:asked|emailed|e-mailed|messaged|called|rang|phoned|chatted|contacted|wrote|written|reported|"
                 r"raised|complained|chased|tweeted|dmed|dm'd|reached out|got in touch|appealed|escalated|followed up|"
                 r"pinged|texted)")
_VERB_TIMES = (
    r"\b" + _CONTACT_VERB + r"\b[^.!?\n]{0,60}?\b(twice|once|\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|"
    r"a couple of|a few|several|multiple)(?:[ \t]+times)?\b")
_I_CONTACTED = (r"\b(?:i|we)(?:['’]ve|[ \t]+have|['’]d|[ \t]+had)?[ \t]+(?:already[ \t]+|also[ \t]+)?"
                + _CONTACT_VERB + r"\b")
_CLAUSE_CONTACT = (r"(?:^|[.,;!?]\s*)(?:emailed|e-mailed|called|rang|phoned|messaged|chatted|wrote|dmed|dm'd|"
                   r"tweeted|chased)\b")
_FOLLOW_UP = (
    r"\b(?:again|following up|follow up on|chasing|still no (?:reply|answer|response|update)|no reply|no response|"
    r"heard nothing|automated reply|auto-?reply|still waiting|as i said|already (?:told|sent|explained|asked))\b")
_LONG_CHASE = (r"\b(?:weeks|months|days)[ \t]+of[ \t]+(?:emails|messages|chasing|calls|back and forth)\b"
               r"|\bback and forth\b|\bkeep (?:asking|emailing|chasing|messaging)\b")


def _count(word: str) -> float:
    word = word.lower()
    return float(word) if word.isdigit() else _COUNTS.get(word, 0)


_CONTACT_PATTERNS = (_ORDINAL_CONTACT, _COUNTED_CONTACTS, _VERB_TIMES, _I_CONTACTED, _CLAUSE_CONTACT, _LONG_CHASE,
                     _FOLLOW_UP)
_ALL_CONTACT_PATTERNS = range(len(_CONTACT_PATTERNS))


@cache
def _contact(i: int) -> re.Pattern:
    """_CONTACT_PATTERNS[i], compiled the first time a message may match it (most messages match one
    or none, so a cold start compiles one or none of them)."""
    return re.compile(_CONTACT_PATTERNS[i], re.IGNORECASE)


@cache
def _contact_gate():
    """The patterns as one RE2 set: one pass (a DFA, a few µs) says which of them may match."""
    import re2

    options = re2.Options()
    options.log_errors = False
    gate = re2.Set.SearchSet(options)
    for p in _CONTACT_PATTERNS:
        gate.Add("(?i)" + p.replace(r"\s", r"[\t\n\x0b\x0c\r\x1c-\x1f ]"))
    gate.Compile()
    return gate


def _contact_candidates(message: str) -> "list[int] | range | None":
    """The indices of the patterns above that may match: exactly those that do on ASCII text, where
    RE2's `\\b`, `\\s` and case folding are Python's (`\\s` is widened to Python's ASCII white
    space); every pattern for other text. None when none can: the many messages that state no contact
    cost one RE2 pass instead of seven backtracking searches."""
    return _contact_gate().Match(message) if message.isascii() else _ALL_CONTACT_PATTERNS


def mentioned_contacts(message: str) -> float:
    best = 0.0
    candidates = _contact_candidates(message)
    if not candidates:
        return best
    if 0 in candidates:
        for m in _contact(0).finditer(message):
            best = max(best, _ORDINALS.get(m.group(1).lower(), 0))
    counted = sum(_count(m.group(1)) for m in _contact(1).finditer(message)) if 1 in candidates else 0
    verb_times = sum(_count(m.group(1)) for m in _contact(2).finditer(message)) if 2 in candidates else 0
    stated = max(counted, verb_times)
    if stated:
        best = max(best, stated + 1)
    verbs = sum(len(_contact(i).findall(message)) for i in (3, 4) if i in candidates)
    if verbs:
        best = max(best, verbs + 1)
    if 5 in candidates and _contact(5).search(message):
        best = max(best, 3)
    if 6 in candidates and _contact(6).search(message):
        best = max(best, 2)
    return float(best)


COMPUTE: dict[str, Callable[[str], float | int]] = {
    "caps_ratio": caps_ratio,
    "letter_count": letter_count,
    "word_count": word_count,
    "length": length,
    "exclamation_count": exclamation_count,
    "question_count": question_count,
    "max_repeated_punctuation": max_repeated_punctuation,
    "audience": audience,
    "mentioned_contacts": mentioned_contacts,
}
FEATURES: tuple[str, ...] = tuple(COMPUTE)


def compute(message: str) -> dict[str, float | int]:
    """Every feature of one message, by name (the runtime computes them lazily, each at most once)."""
    return {name: fn(message) for name, fn in COMPUTE.items()}
