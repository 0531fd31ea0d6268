"""Verify: the final text of a reply (edited by an agent, or rephrased by an LLM) checked against its
framework before it is sent. `Library.verify(intent, text, slots, context)` → `Verification`.

The draft is checked by the compiler; the text a person sends is not. Verify re-runs the framework on
the customer's message and compares the final text with what the framework requires, deterministically
(no model judges anything):

- the guards and escalations that hold on the customer's message (V101, V102);
- a next step is still there: the framework's `next` move, or a sentence recognisably doing its job
  (a time, an action, a handoff) (V110);
- the facts the draft printed from slots are still there with their values: a slot value that is
  gone (V111 for a required slot, V113 for an optional one), or replaced by another value of the same
  kind, such as another case reference or amount (V112);
- on a public channel, nothing private: no private slot value (V120), and nothing that looks like an
  e-mail address, a phone number, a card number or a case reference unless it is a public slot's
  value or the framework's own text (V121);
- no unfilled placeholder: `{slot}`, `{{ … }}`, `[[…]]`, "[NAME]", "<customer>" (V130);
- the house style: every discouraged phrase of the bundle's style rules, with the better
  alternative (V140; V141 for rules of severity error);
- the moves' order: the acknowledgement before the next step, when the reply has both (V150).

Each finding has a stable code (the table CODES below, documented in the diagnostics reference), a
level (`block`, `warn`; a policy may turn a code `off` or change its level: VerifyPolicy, read by the
compiler side from tactful.toml's `[verify]` table), a message in plain words, the span of the text
it is about (character offsets, end exclusive; None when it is about the whole reply) and a fix when
one is known. The verdict is `block` when any finding blocks, `warn` when any warns, else `ok`.

Decisions:
- Everything a library needs is prepared once, on its first verify (`Library._verifier`): the style
  rules as one RE2 set (one scan says which rules occur) plus one pattern per rule (for the spans), each slot pattern as an unanchored RE2 search. The
  text checks use stdlib `re` for our own fixed patterns (free of nested repetition, and much cheaper
  to call on short texts than the re2 binding) and RE2 for every pattern a bundle brings.
- The reply the framework would draft for the same request is rendered (with the same seed) and is
  the reference: a fact counts only when the draft printed it, and personal data or a discouraged
  phrase the framework's own text contains is not the editor's doing (the compiler checks the
  framework's texts, and a suppression there stays respected).
- Missing slots are not an error here: what is not given cannot be compared, and is not checked.
- Curly quotes are compared as straight ones (one character for one, so spans stay right).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import re2

from tactful.runtime.errors import (
    InvalidContext,
    InvalidSlots,
    NoReply,
    Problem,
    UnknownIntent,
    UnknownSlots,
)
from tactful.runtime.types import compile_re2

# Verify reads a Library's prepared frameworks (library.py imports this module on first use, so this
# module names the library's types in comments only, never in imports).
Library = Any  # tactful.runtime.library.Library
_Framework = Any  # tactful.runtime.library._Framework

Level = Literal["block", "warn", "off"]
LEVELS: tuple[str, ...] = ("block", "warn", "off")
Verdict = Literal["ok", "warn", "block"]

# --- the codes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifyCode:
    """One finding code: stable, documented in the diagnostics reference, never reused."""

    code: str
    slug: str
    level: Level  # the default level; tactful.toml's [verify] table may change it
    title: str
    explanation: str
    example: str  # a reply text that has it
    fix: str


def _codes(*codes: VerifyCode) -> dict[str, VerifyCode]:
    return {c.code: c for c in codes}


CODES: dict[str, VerifyCode] = _codes(
    VerifyCode(
        "V100", "empty-reply", "block", "the reply is empty",
        "There is no text to send: the draft was deleted, or the editor sent back nothing.",
        "", "Write the reply, or start again from the draft.",
    ),
    VerifyCode(
        "V101", "guard-holds", "warn", "a guard of the framework holds on the customer's message",
        "The framework says its draft must not be sent as written for this message (the customer "
        "wrote in capitals, mentions hardship, is on a third contact …). An edited reply may be fine, "
        "but a person should have written it with the guard's reason in mind.",
        "(any reply, for a message in all caps)",
        "Read the guard's reason and make sure the reply answers it, in your own words.",
    ),
    VerifyCode(
        "V102", "escalation-due", "warn", "an escalation of the framework fires on the customer's message",
        "The case must also go to another team (finance for a chargeback, legal for a legal threat). "
        "Sending the reply does not do that.",
        "(any reply, for a message that mentions a chargeback)",
        "Hand the case over with the framework's handoff note, then send the reply.",
    ),
    VerifyCode(
        "V110", "next-step-missing", "block", "the reply has no next step",
        "Every reply ends in a next step: what happens now, who does it and when, or what the customer "
        "can do. The framework's `next` move is gone, and no sentence does its job (no time, no action, "
        "no handoff). Sympathy without action is the failure the frameworks exist to prevent.",
        "I can see you've been charged twice for the same order.",
        "Put the framework's next step back, or say what happens next and when.",
    ),
    VerifyCode(
        "V111", "required-fact-missing", "block", "a required fact of the draft is gone",
        "The draft printed the value of a required slot (a case reference, an order number), and the "
        "final text no longer has it, so the customer cannot refer to it.",
        "I've passed your case to our finance team.",
        "Put the value back where the draft had it.",
    ),
    VerifyCode(
        "V112", "fact-changed", "block", "a fact of the draft has a different value",
        "The draft printed a slot's value (an amount, a case reference, a date), and the final text has "
        "another value of the same kind instead: a typo, or a value from another conversation.",
        "You were charged $59.00 twice.",
        "Write the slot's value as given.",
    ),
    VerifyCode(
        "V113", "optional-fact-missing", "warn", "an optional fact of the draft is gone",
        "The draft printed the value of an optional slot (an amount, a date) and the final text does not. "
        "That may be deliberate; it often makes the reply vaguer.",
        "To confirm: there are two charges for a single order.",
        "Keep the value if it helps the customer see you have the details.",
    ),
    VerifyCode(
        "V120", "private-slot-leak", "block", "a private value in a public reply",
        "The conversation is public (a post, a comment, a forum thread) and the text contains the value "
        "of a slot the framework declares private: everyone can read it.",
        "Your case BIL-20931 for $49.00 is with finance.",
        "Remove it, and move the conversation to a private channel for the details.",
    ),
    VerifyCode(
        "V121", "personal-data-leak", "block", "personal data in a public reply",
        "The conversation is public and the text contains something that looks like an e-mail address, "
        "a phone number, a card number or a case reference, and it is neither the value of a public slot "
        "nor part of the framework's own text.",
        "We've emailed dana.r@example.com about it.",
        "Remove it; ask the customer to continue in a private message.",
    ),
    VerifyCode(
        "V130", "unfilled-placeholder", "block", "a placeholder is left in the text",
        "A template placeholder (`{amount}`, `{{ name }}`, `[[…]]`) or an editor's marker (\"[NAME]\", "
        "\"<customer>\") was never filled in, and would reach the customer as written.",
        "Hi [NAME], you were charged {amount} twice.",
        "Fill it in, or rewrite the sentence without it.",
    ),
    VerifyCode(
        "V140", "house-style", "warn", "a phrase the house style discourages",
        "The text uses a phrase one of the library's style rules discourages: it reads as scripted, "
        "defensive or dismissive. The rule names a better alternative.",
        "We're sorry for the inconvenience.",
        "Use the rule's alternative, in your own words.",
    ),
    VerifyCode(
        "V141", "house-style-strict", "block", "a phrase the house style forbids",
        "As V140, for a style rule of severity error: the phrase must not be sent.",
        "I'm sorry you feel that way.",
        "Use the rule's alternative, in your own words.",
    ),
    VerifyCode(
        "V150", "moves-order", "warn", "the acknowledgement comes after the next step",
        "The framework's reply acknowledges the customer's problem first and acts after; in the final "
        "text the acknowledgement follows the next step, so the reply opens with process.",
        "I've passed case BIL-20931 to finance. I can see you've been charged twice.",
        "Move the acknowledgement to the start.",
    ),
)

_SLUGS = {c.slug: c for c in CODES.values()}


def lookup(name: str) -> VerifyCode | None:
    """A code by its number (V110) or its slug (next-step-missing)."""
    return CODES.get(name.strip().upper()) or _SLUGS.get(name.strip().lower())


def explain_text(code: VerifyCode) -> str:
    """What `tactful explain V110` prints."""
    return (f"{code.code} {code.slug} ({code.level} by default): {code.title}\n\n{code.explanation}\n\n"
            + (f"For example:\n\n    {code.example}\n\n" if code.example else "") + f"How to fix it: {code.fix}\n")


class PolicyError(ValueError):
    """A [verify] table that names an unknown code or level; `problems` lists each (key, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(m for _, m in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class VerifyPolicy:
    """Which level each code has: the defaults of CODES, changed by `levels` (code → level)."""

    levels: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings: Mapping[str, object]) -> VerifyPolicy:
        """From `{"V140": "block", "optional-fact-missing": "off"}`. Raises PolicyError."""
        levels: dict[str, str] = {}
        problems: list[tuple[str, str]] = []
        for key, value in settings.items():
            code = lookup(str(key))
            if code is None:
                problems.append((str(key), f"`{key}` is not a verify code (they are {', '.join(CODES)})"))
            elif value not in LEVELS:
                problems.append((str(key), f"the level of `{key}` must be \"block\", \"warn\" or \"off\", not {value!r}"))
            else:
                levels[code.code] = str(value)
        if problems:
            raise PolicyError(problems)
        return cls(tuple(sorted(levels.items())))

    def level(self, code: str) -> str:
        for c, level in self.levels:
            if c == code:
                return level
        return CODES[code].level


DEFAULT_POLICY = VerifyPolicy()

# --- the answer -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    level: str  # block | warn
    message: str
    start: int | None  # character offsets into the text, end exclusive; None: the whole reply
    end: int | None
    fix: str | None = None

    @property
    def slug(self) -> str:
        return CODES[self.code].slug

    def to_dict(self, text: str) -> dict:
        span = None if self.start is None else {"start": self.start, "end": self.end, "text": text[self.start:self.end]}
        return {"code": self.code, "slug": self.slug, "level": self.level, "message": self.message,
                "span": span, "fix": self.fix}


@dataclass(frozen=True, slots=True)
class Verification:
    """The verdict on one final text, and every finding, in the order of the text."""

    intent: str
    revision: str
    reply: str  # the id of the framework's reply for this request
    text: str
    verdict: Verdict
    findings: tuple[Finding, ...]

    @property
    def ok_to_send(self) -> bool:
        return self.verdict != "block"

    def to_dict(self) -> dict:
        return {
            "framework": self.intent,
            "revision": self.revision,
            "reply": self.reply,
            "verdict": self.verdict,
            "findings": [f.to_dict(self.text) for f in self.findings],
        }


def format_verification(v: Verification) -> str:
    """The human form: the verdict first, then each finding with the words it is about."""
    blocks = sum(f.level == "block" for f in v.findings)
    warns = len(v.findings) - blocks
    head = {
        "ok": "OK: nothing to fix before sending.",
        "warn": f"WARN: may be sent; {warns} thing{'s' if warns != 1 else ''} to look at.",
        "block": f"BLOCK: do not send yet; {blocks} thing{'s' if blocks != 1 else ''} to fix"
                 + (f", {warns} to look at." if warns else "."),
    }[v.verdict]
    lines = [head, f"{v.intent} · reply {v.reply}"]
    for f in v.findings:
        lines.append("")
        where = "" if f.start is None else f"  {f.start}-{f.end} “{v.text[f.start:f.end]}”"
        lines.append(f"{f.level}[{f.code}] {f.slug}{where}")
        lines.append(f"  {f.message}")
        if f.fix:
            lines.append(f"  = fix: {f.fix}")
    return "\n".join(lines) + "\n"


# --- text patterns (ours, fixed, linear: stdlib re) -----------------------------------------------

_PLACEHOLDERS = re.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|\[\[.*?\]\]"  # Jinja2, wiki-style
    r"|\{\s*[A-Za-z_][\w.]*(?:\s+or\s+\"[^\"\n]*\")?\s*\}"  # a tactful {slot}
    r"|(?-i:\[[A-Z][A-Z0-9 _-]*[A-Z0-9]\]|\[[A-Z]\])"  # [NAME], [CUSTOMER NAME]; not "[Note]"
    r"|\[(?:insert|add|your|customer|agent|name|enter)\b[^\]\n]{0,40}\]"  # [insert date], [your name]
    r"|<(?:customer|name|agent|first[ _]name|last[ _]name|date|amount|order|case|link|company)[\w \-]{0,30}>"
    r"|(?-i:\b(?:TODO|TBD|XXX+)\b)",
    re.IGNORECASE,
)

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_DIGITISH = re.compile(r"\+?\(?\d[\d ().\-]{5,}\d")
_CASE_LIKE = re.compile(r"\b[A-Z]{2,5}-?[0-9]{4,}\b|#[0-9]{5,}\b")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AMOUNT = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")  # an amount's digits; its currency is looked for around it
_CURRENCY_BEFORE = re.compile(r"(?:([$€£¥₹])|\b(USD|EUR|GBP|CAD|AUD) ?) ?$")
_CURRENCY_AFTER = re.compile(r" ?(?:([€£$])|(USD|EUR|GBP|CAD|AUD|dollars|euros|pounds)\b)", re.IGNORECASE)
_CURRENCY_NAMES = {"DOLLARS": "$", "USD": "$", "EUROS": "€", "EUR": "€", "POUNDS": "£", "GBP": "£"}
_DATES = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_NUMBERS = re.compile(r"-?\b\d[\d,]*(?:\.\d+)?\b")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")

# A sentence recognisably doing a next step's job: a time, an action (ours or one we ask for), a handoff.
_NEXT_CUES = re.compile(
    r"\b(?:"
    # a time
    r"today|tonight|tomorrow|this (?:morning|afternoon|evening|week)|by (?:the )?end of"
    r"|within (?:the next )?(?:an?|one|two|three|four|five|\d+|24|48)(?: business| working)? (?:minutes?|hours?|days?|weeks?)"
    r"|in the next (?:\w+ )?(?:minutes?|hours?|days?)|\d+\s*(?:to|-|–)\s*\d+ (?:business |working )?(?:days|hours)"
    r"|by (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|noon|tomorrow|tonight)"
    # an action of ours
    r"|i'll|i will|we'll|we will|i'm (?:sending|passing|escalating|taking|looking|checking|refunding|arranging)"
    r"|we're (?:sending|passing|escalating|taking|looking|checking|refunding|arranging)"
    r"|i've (?:\w+ )?(?:sent|passed|escalated|marked|flagged|forwarded|raised|refunded|issued|asked|booked|arranged|opened|reset|started|added|taken|shared|reported|logged|cancell?ed|reversed|requested)"
    r"|we've (?:\w+ )?(?:sent|passed|escalated|marked|flagged|forwarded|raised|refunded|issued|asked|booked|arranged|opened|reset|started|added|taken|shared|reported|logged|cancell?ed|reversed|requested)"
    r"|let me|let's"
    # an action we ask for
    r"|please|could you|can you|would you|send us|message us|dm us|reply (?:with|here|to)|let us know"
    r"|get in touch|contact us|reach out|follow (?:this|the) link|sign in|log in|reset your"
    # a handoff, or what the customer gets
    r"|you'll (?:hear|get|receive|see|have)|you will (?:hear|get|receive|see|have)|hand(?:ed|ing)? (?:it |this |you )?over"
    r")\b"
)

_STOP = frozenset(
    ["the", "a", "an", "and", "or", "but", "so", "to", "of", "for", "in", "on", "at", "by", "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "you", "your", "yours", "we", "our", "us", "i", "me", "my", "they", "them", "their", "he", "she", "his", "her", "there", "here", "have", "has", "had", "do", "does", "did", "not", "no", "yes", "can", "could", "would", "will", "shall", "should", "may", "might", "must", "just", "than", "then", "too", "very", "also", "if", "about", "into", "over", "i'm", "i've", "i'll", "you've", "you're", "you'll", "we're", "we've", "we'll", "that's", "it's"]
)


def _fold(text: str) -> str:
    """Lower case, straight quotes: one character for one, so offsets stay valid (a character whose
    lower case is longer, such as "İ", is kept as it is)."""
    straight = text.translate(_QUOTES)
    lower = straight.lower()
    if len(lower) != len(straight):
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in straight)
    return lower


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _content_words(text: str) -> set[str]:
    return {w for w in _WORDS.findall(_fold(text)) if len(w) > 2 and w not in _STOP}


def _overlap(needle: set[str], hay: set[str]) -> float:
    return len(needle & hay) / len(needle) if needle else 0.0


def _amounts(text: str) -> list[tuple[int, int, str, Decimal]]:
    """Every number in text with the currency written next to it ("" when none): (start, end, currency,
    value), the span covering the currency. Digits first, then a look around them: one cheap pass."""
    out = []
    for m in _AMOUNT.finditer(text):
        start, end = m.start(), m.end()
        if start and (text[start - 1].isalnum() or text[start - 1] in "-/"):  # BIL-20931, A1, 2024/05
            continue
        try:
            value = Decimal(m.group(0).replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only finds numbers
            continue
        currency = ""
        before = _CURRENCY_BEFORE.search(text, max(0, start - 5), start)
        if before is not None:
            currency = before.group(1) or before.group(2)
            start = before.start()
        else:
            after = _CURRENCY_AFTER.match(text, end)
            if after is not None:
                currency = after.group(1) or after.group(2)
                end = after.end()
        out.append((start, end, _CURRENCY_NAMES.get(currency.upper(), currency.upper()), value))
    return out


def _money_value(text: str) -> tuple[str, Decimal] | None:
    """("$", 49.00) for "$49.00", "49 USD"; None when text is no amount."""
    found = _amounts(text)
    return (found[0][2], found[0][3]) if len(found) == 1 else None


def _same_money(a: tuple[str, Decimal], b: tuple[str, Decimal]) -> bool:
    return a[1] == b[1] and (not a[0] or not b[0] or a[0] == b[0])


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


# --- the prepared verifier ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    about: str
    prefer: str
    strict: bool
    pattern: Any  # an RE2 regex: any of the rule's phrases (whole words) or patterns, case-insensitive


def _phrase_pattern(phrase: str) -> str:
    words = [re2.escape(w) for w in _fold(phrase).split()]
    body = r"\s+".join(words)
    start = r"\b" if re.match(r"\w", phrase.strip()) else ""
    end = r"\b" if re.search(r"\w$", phrase.strip()) else ""
    return start + body + end


class Verifier:
    """What verify needs from one library, prepared once: style rules, slot patterns as searches."""

    __slots__ = ("_any_rule", "_rules", "_searches", "library")

    def __init__(self, library: Library):
        self.library = library
        rules = []
        for rule in library.bundle.style:
            alternatives = [_phrase_pattern(p) for p in rule.avoid if p.split()] + [f"(?:{p})" for p in rule.avoid_patterns]
            if not alternatives:
                continue
            try:
                pattern = compile_re2("(?i)(?:" + "|".join(alternatives) + ")")
            except re2.error:
                continue  # the compiler reports a style pattern RE2 cannot compile; the runtime skips it
            rules.append(_Rule(rule.name, rule.about, rule.prefer, rule.severity == "error", pattern))
        self._rules = tuple(rules)
        self._any_rule = None
        if rules:  # one scan says which rules occur at all: most texts use none of the phrases
            options = re2.Options()
            options.max_mem = 64 << 20
            options.log_errors = False
            self._any_rule = re2.Set.SearchSet(options)
            for r in rules:
                self._any_rule.Add(r.pattern.pattern)
            self._any_rule.Compile()
        self._searches: dict[str, Any] = {}  # a slot pattern -> its unanchored search
        for fw in library.bundle.frameworks:
            for s in fw.slots:
                if s.pattern and s.pattern not in self._searches:
                    try:
                        self._searches[s.pattern] = compile_re2(s.pattern)
                    except re2.error:  # pragma: no cover - Library refuses such a bundle at load
                        pass

    # --- the request ------------------------------------------------------------------------------

    def _slots(self, fw: _Framework, values: dict[str, Any], slots: Mapping[str, Any]) -> dict[str, Any]:
        """The template variables for slots: like a draft's, except that missing slots are allowed."""
        if not fw.checkers.keys() >= slots.keys():
            unknown = [name for name in slots if name not in fw.checkers]
            raise UnknownSlots(fw.model.intent, unknown, fw.slot_names)
        variables = dict(values)
        invalid: list[Problem] = []
        for name, checker, fits, shared in fw.slot_plan:
            value = slots.get(name)
            if value is not None and not isinstance(value, str):
                invalid.append(Problem(("slots", name), f"slot `{name}` must be text, not {value!r}"))
                continue
            if value is None or not value or value.isspace():
                value = values.get(name) if shared and isinstance(values.get(name), str) and values[name].strip() else None
            if value is not None and fits is not None and not fits(value):
                why = checker.problem(value)
                if why is not None:
                    invalid.append(Problem(("slots", name), why))
            variables[name] = value
        if invalid:
            raise InvalidSlots(invalid)
        return variables

    def verify(self, intent: str, text: str, slots: Mapping[str, Any] | None, context: Mapping[str, Any] | None,
               policy: VerifyPolicy) -> Verification:
        library = self.library
        fw = library._frameworks.get(intent)
        if fw is None:
            raise UnknownIntent(intent, library._frameworks)
        if not isinstance(text, str):
            raise TypeError(f"verify() takes the reply as text, not {type(text).__name__}")
        context = dict(context or {})
        values, seed = library._context(context, for_draft=False)
        channel, visibility = values.get("channel"), values.get("visibility")
        if visibility is None:
            if channel is None:
                raise InvalidContext([Problem(("context", "channel"), "context needs a `channel` (or at least a `visibility`)")])
            allowed = library._channels.get(channel) or ()
            values["visibility"] = visibility = allowed[0] if allowed else None
        variables = self._slots(fw, values, slots or {})
        guards, escalations, index = fw.evaluate(values, variables, {})
        if index < 0:
            raise NoReply(intent, str(visibility), fw.model.serves)
        reply = fw.replies[index]
        kinds = reply.renderer.kinds
        draft_texts = reply.renderer.render(variables, seed)

        found: list[Finding] = []

        def add(code: str, message: str, start: int | None = None, end: int | None = None, fix: str | None = None) -> None:
            level = policy.level(code)
            if level != "off":
                found.append(Finding(code, level, message, start, end, fix))

        for g in guards:
            add("V101", f"guard `{g.name}` holds on the customer's message: {g.reason}",
                fix="make sure the reply answers the guard's reason, in your own words")
        for e in escalations:
            add("V102", f"the case must also go to {e.team} (escalation `{e.name}`)",
                fix=f"hand the case to {e.team} with the framework's handoff note")
        folded = _fold(text)
        if not text.strip():
            add("V100", "the reply is empty", fix="write the reply, or start again from the draft")
            return self._answer(intent, reply.choice.id, text, found)
        draft_text = " ".join(filter(None, draft_texts))
        sentences = _sentences(text)
        words = [(_content_words(text[s:e]), s, e) for s, e in sentences]
        self._placeholders(text, add)
        self._style(text, folded, _fold(draft_text), add)
        next_at = self._next_step(kinds, draft_texts, text, folded, sentences, words, add)
        self._facts(fw, variables, draft_text, text, folded, add)
        if visibility == "public":
            self._leaks(fw, variables, draft_text, text, folded, add)
        self._order(kinds, draft_texts, folded, words, next_at, add)
        return self._answer(intent, reply.choice.id, text, found)

    def _answer(self, intent: str, reply: str, text: str, found: list[Finding]) -> Verification:
        found.sort(key=lambda f: (-1 if f.start is None else f.start, f.code))
        verdict: Verdict = "block" if any(f.level == "block" for f in found) else "warn" if found else "ok"
        return Verification(intent, self.library.revision, reply, text, verdict, tuple(found))

    # --- the checks -------------------------------------------------------------------------------

    @staticmethod
    def _placeholders(text: str, add) -> None:
        for m in _PLACEHOLDERS.finditer(text):
            found = m.group(0)
            add("V130", f"“{found}” is a placeholder that was never filled in", m.start(), m.end(),
                fix="fill it in, or rewrite the sentence without it")

    def _style(self, text: str, folded: str, draft_folded: str, add) -> None:
        hits = self._any_rule.Match(folded) if self._any_rule is not None else None
        if not hits:
            return
        kept: dict[str, int] = {}  # as many of a phrase as the draft has are the framework's own words
        for rule in (self._rules[i] for i in sorted(hits)):
            for m in rule.pattern.finditer(folded):
                start, end = m.start(), m.end()
                phrase = m.group(0)
                if phrase in draft_folded:
                    kept[phrase] = kept.get(phrase, 0) + 1
                    if kept[phrase] <= draft_folded.count(phrase):
                        continue  # the compiler's house-style check owns the framework's texts
                words = text[start:end].strip()
                about = f": {rule.about}" if rule.about else ""
                add("V141" if rule.strict else "V140", f"the house style discourages “{words}”{about} (style rule `{rule.name}`)",
                    start, end, fix=f"prefer: {rule.prefer}" if rule.prefer else "rewrite it in your own words")

    def _next_step(self, kinds, draft_texts, text, folded, sentences, words, add) -> int | None:
        """Where the next step is (an offset), or None after reporting it missing (or when the reply has none)."""
        if "next" not in kinds:
            return None
        wanted = [t for k, t in zip(kinds, draft_texts) if k == "next" and t]
        for t in wanted:
            at = folded.find(_fold(t))
            if at != -1:
                return at
        for t in wanted:  # the framework's next step, reworded: most of its words in one sentence
            need = _content_words(t)
            for have, s, _ in words:
                if _overlap(need, have) >= 0.6:
                    return s
        # A sentence that says what happens next in other words; the framework's other moves (its
        # acknowledgement, its restatement) do not count, even when they promise something.
        others = [_content_words(t) for k, t in zip(kinds, draft_texts) if k != "next" and t]
        for (s, e), (have, _, _) in zip(sentences, words):
            if _NEXT_CUES.search(folded, s, e) and not any(_overlap(o, have) >= 0.6 for o in others):
                return s
        add("V110", "the reply has no next step: nothing says what happens now, who does it, or when",
            fix="put the framework's next step back: “" + " ".join(wanted) + "”" if wanted else None)
        return None

    def _facts(self, fw: _Framework, variables, draft_text, text, folded, add) -> None:
        draft_folded = _fold(draft_text)
        for slot in fw.model.slots:
            value = variables.get(slot.name)
            if not value or _fold(value) not in draft_folded:
                continue  # the draft did not print it: nothing to compare
            if slot.type == "money" and (amount := _money_value(value)) is not None:
                amounts = _amounts(text)
                if any(_same_money((c, v), amount) for _, _, c, v in amounts):
                    continue
                # another amount with a currency (or with cents, when the slot's value has no currency)
                others = [(s, e) for s, e, c, _ in amounts if c or (not amount[0] and "." in text[s:e])]
            else:
                if _fold(value) in folded:
                    continue
                others = [m.span() for m in self._same_kind(slot, value, text, fw)]
            if others:
                start, end = others[0]
                add("V112", f"this reads “{text[start:end]}”, but slot `{slot.name}` is {value}", start, end,
                    fix=f"write {value}")
            elif slot.required:
                add("V111", f"the draft said {value} (slot `{slot.name}`), and this text no longer does",
                    fix=f"put {value} back where the draft had it")
            else:
                add("V113", f"the draft said {value} (slot `{slot.name}`), and this text no longer does",
                    fix=f"keep {value} if it helps the customer see you have the details")

    def _same_kind(self, slot, value: str, text: str, fw: _Framework) -> Iterable[re.Match]:
        """Values in text that could stand where slot's value stood (its pattern, else its type)."""
        checker = fw.checkers[slot.name]
        if slot.pattern:
            search = self._searches.get(slot.pattern)
            if search is None:  # pragma: no cover
                return
            for m in search.finditer(text):
                if m.group(0) and m.group(0) != value and (checker.fits is None or checker.fits(m.group(0))):
                    yield m
        elif slot.type == "date" and _ISO_DATE.match(value):
            yield from (m for m in _DATES.finditer(text) if m.group(0) != value)
        elif slot.type == "email":
            yield from (m for m in _EMAIL.finditer(text) if m.group(0).lower() != value.lower())
        elif slot.type == "number":
            yield from (m for m in _NUMBERS.finditer(text) if m.group(0) != value)

    def _leaks(self, fw: _Framework, variables, draft_text, text, folded, add) -> None:
        leaked: list[tuple[int, int]] = []
        for slot in fw.model.slots:
            value = variables.get(slot.name)
            if not slot.private or not value or len(value.strip()) < 2:
                continue
            needle = _fold(value.strip())
            at = folded.find(needle)
            while at != -1:
                add("V120", f"“{text[at:at + len(needle)]}” is the value of private slot `{slot.name}`, in a public reply",
                    at, at + len(needle), fix="remove it, and move the details to a private conversation")
                leaked.append((at, at + len(needle)))
                at = folded.find(needle, at + len(needle))
        public_values = {_fold(v) for s in fw.model.slots if not s.private and (v := variables.get(s.name))}
        public_patterns = [(fw.checkers[s.name].fits, s) for s in fw.model.slots if not s.private and s.pattern]
        draft_folded = _fold(draft_text)

        def allowed(found: str) -> bool:
            f = _fold(found)
            return (f in public_values or f in draft_folded
                    or any(fits is not None and fits(found) for fits, _ in public_patterns))

        def report(start: int, end: int, what: str) -> None:
            if any(s < end and start < e for s, e in leaked):
                return
            if not allowed(text[start:end]):
                leaked.append((start, end))
                add("V121", f"“{text[start:end]}” looks like {what}, in a public reply", start, end,
                    fix="remove it, and ask the customer to continue in a private message")

        for m in _EMAIL.finditer(text):
            report(m.start(), m.end(), "an e-mail address")
        for m in _DIGITISH.finditer(text):
            digits = re.sub(r"\D", "", m.group(0))
            if 13 <= len(digits) <= 19 and _luhn(digits):
                report(m.start(), m.end(), "a card number")
            elif 7 <= len(digits) <= 15 and not _DATES.fullmatch(m.group(0)) \
                    and (len(digits) >= 10 or re.search(r"[ ().+-]", m.group(0))):  # 7 to 9 digits: only with separators
                report(m.start(), m.end(), "a phone number")
        for s in fw.model.slots:  # a private slot's own pattern: its kind of value, even when it is another one
            if s.private and s.pattern and (search := self._searches.get(s.pattern)) is not None:
                for m in search.finditer(text):
                    if m.group(0):
                        report(m.start(), m.end(), f"a value of private slot `{s.name}`")
        for m in _CASE_LIKE.finditer(text):
            report(m.start(), m.end(), "a case or order reference")

    @staticmethod
    def _order(kinds, draft_texts, folded, words, next_at: int | None, add) -> None:
        if next_at is None or "acknowledge" not in kinds:
            return
        ack = next((t for k, t in zip(kinds, draft_texts) if k == "acknowledge" and t), None)
        if not ack:
            return
        at = folded.find(_fold(ack))
        end = at + len(ack)
        if at == -1:
            need = _content_words(ack)
            best = max(((_overlap(need, have), s, e) for have, s, e in words), default=(0.0, -1, -1))
            if best[0] < 0.6:
                return  # rephrased beyond recognition: nothing to place
            _, at, end = best
        if at > next_at:
            add("V150", "the acknowledgement comes after the next step", at, end,
                fix="open with the acknowledgement, then say what happens next")


def verify(library: Library, intent: str, text: str, slots: Mapping[str, Any] | None = None,
           context: Mapping[str, Any] | None = None, *, policy: VerifyPolicy | None = None) -> Verification:
    """Check a final reply text against intent's framework. Raises a DraftError for a bad request."""
    return library._verifier.verify(intent, text, slots, context, policy or DEFAULT_POLICY)
