"""A small builder of Bundle objects, so that runtime and service tests do not depend on the compiler.

`text("You were charged {amount} twice[ for order {order_id}].")` turns the language's text syntax
into parts and the Jinja2 template the compiler writes (see tactful.runtime.render), for the subset
tests need: `{name}`, `{name or "fallback"}`, `[ … ]`. `library_bundle()` is a library shaped like
the design note's duplicate-charge example, with stdlib-like fields, channels and signals.
"""

from __future__ import annotations

import json
import re

from tactful.runtime import bundle as b
from tactful.runtime.render import template_source

LOC = b.Location(file="fixtures/test.tact", line=1, column=1, end_line=1, end_column=2)


def loc(line: int) -> b.Location:
    return b.Location(file="fixtures/test.tact", line=line, column=3, end_line=line, end_column=40)


_SLOT = re.compile(r'\{(\w+)(?: or "([^"]*)")?\}')


def _escape_literal(s: str) -> str:
    return s.replace("{", '{{ "{" }}')


def _compile_parts(src: str, fields: set[str]) -> tuple[list, str]:
    parts, tpl, pos = [], [], 0
    for m in _SLOT.finditer(src):
        if m.start() > pos:
            parts.append(b.LiteralPart(text=src[pos : m.start()]))
            tpl.append(_escape_literal(src[pos : m.start()]))
        name, fallback = m.group(1), m.group(2)
        source = "field" if name in fields else "slot"
        parts.append(b.SlotPart(name=name, source=source, fallback=fallback))
        ref = f'values["{name}"]'
        tpl.append(f"{{{{ {ref} or {json.dumps(fallback)} }}}}" if fallback is not None else f"{{{{ {ref} }}}}")
        pos = m.end()
    if pos < len(src):
        parts.append(b.LiteralPart(text=src[pos:]))
        tpl.append(_escape_literal(src[pos:]))
    return parts, "".join(tpl)


FIELD_NAMES = {"message", "channel", "visibility", "contact_count", "customer_name", "customer_tier", "is_outage_active"}


def text(src: str, line: int = 1) -> b.Text:
    parts: list = []
    tpl: list[str] = []
    for i, chunk in enumerate(re.split(r"\[([^\]]*)\]", src)):
        if i % 2:
            inner, inner_tpl = _compile_parts(chunk, FIELD_NAMES)
            names = [p.name for p in inner if isinstance(p, b.SlotPart)]
            parts.append(b.OptionalPart(parts=inner))
            tpl.append("{% if " + " and ".join(f'values["{n}"]' for n in names) + " %}" + inner_tpl + "{% endif %}")
        elif chunk:
            p, t = _compile_parts(chunk, FIELD_NAMES)
            parts.extend(p)
            tpl.append(t)
    assert "".join(tpl) == template_source(parts), "the builder writes templates as the compiler does"
    return b.Text(source=src, parts=parts, template=template_source(parts), location=loc(line))


def move(kind: str, src: str | None = None, pick: str | None = None, line: int = 1) -> b.Move:
    return b.Move(kind=kind, text=text(src, line) if src is not None else None, pick=pick, location=loc(line))


def reply(id: str, visibility: str, moves: list[b.Move], when=None, source=None, line: int = 1) -> b.Reply:
    template = " ".join(m.text.template if m.text else f"{{{{ picks.{m.kind} }}}}" for m in moves)  # as the compiler writes it
    return b.Reply(id=id, visibility=visibility, when=when, condition_source=source, moves=moves,
                   template=template, location=loc(line))


def mentions(*phrases: str, field: str = "message") -> b.Mentions:
    return b.Mentions(field=field, phrases=list(phrases))


def sig(name: str) -> b.SignalRef:
    return b.SignalRef(name=name)


def expect(kind: str, name: str | None = None, line: int = 1) -> b.Expectation:
    return b.Expectation(kind=kind, name=name, location=loc(line))


FIELDS = [
    b.FieldDecl(name="message", type="text"),
    b.FieldDecl(name="channel", type="channel"),
    b.FieldDecl(name="visibility", type="visibility"),
    b.FieldDecl(name="contact_count", type="number"),
    b.FieldDecl(name="customer_name", type="text"),
    b.FieldDecl(name="customer_tier", type="enum", values=["free", "pro", "business"]),
    b.FieldDecl(name="is_outage_active", type="bool"),
]

CHANNELS = [
    b.Channel(name="x", visibilities=["public", "private"]),
    b.Channel(name="instagram", visibilities=["public", "private"]),
    b.Channel(name="email", visibilities=["private"]),
    b.Channel(name="telegram", visibilities=["private", "public"]),
]

SIGNALS = [
    b.Signal(
        name="all_caps", module="stdlib.signals", location=loc(1),
        when=b.AllOf(of=[b.Compare(field="caps_ratio", cmp=">", value=0.6), b.Compare(field="letter_count", cmp=">=", value=8)]),
        examples=[b.SignalExample(message="YOU CHARGED ME TWICE", fires=True, location=loc(2)),
                  b.SignalExample(message="You charged me twice, NASA says hi", fires=False, location=loc(3))],
    ),
    b.Signal(
        name="legal_threat", module="stdlib.signals", location=loc(5),
        when=mentions("lawyer", "attorney", "sue", "lawsuit", "small claims court"),
        examples=[b.SignalExample(message="I'm going to sue you", fires=True, location=loc(6)),
                  b.SignalExample(message="There is an issue with my order", fires=False, location=loc(7))],
    ),
    b.Signal(
        name="press_mention", module="stdlib.signals", location=loc(9),
        when=mentions("journalist", "reporter", "the press"),
    ),
    b.Signal(
        name="sarcasm", module="stdlib.signals", location=loc(11),
        when=b.AnyOf(of=[b.Matches(field="message", pattern=r"(?i)\bthanks? a lot\b"),
                         b.Matches(field="message", pattern=r"(?i)\bgreat job\b")]),
    ),
    b.Signal(
        name="repeat_contact", module="stdlib.signals", location=loc(13),
        when=b.Compare(field="contact_count", cmp=">=", value=3),
    ),
]


def duplicate_charge(**overrides) -> b.Framework:
    fields = dict(
        intent="billing.duplicate_charge",
        title="Duplicate charge",
        module="billing.duplicate_charge",
        owner="finance",
        tags=["billing", "refund"],
        serves=["public", "private"],
        slots=[
            b.Slot(name="case_reference", required=True, private=True, pattern=r"[A-Z]{3}-[0-9]{4,}", example="BIL-20931", location=loc(20)),
            b.Slot(name="customer_name", example="Dana", location=loc(21)),
            b.Slot(name="amount", type="money", private=True, example="$49.00", location=loc(22)),
            b.Slot(name="order_id", example="A-1", location=loc(23)),
        ],
        escalations=[
            b.Escalation(name="chargeback", team="finance", when=mentions("chargeback", "bank dispute"),
                         condition_source='message mentions "chargeback", "bank dispute"',
                         handoff=text('Duplicate charge of {amount or "an unknown amount"} reported by {customer_name or "the customer"}. In their words: {message}'),
                         location=loc(25)),
            b.Escalation(name="legal_threat", team="legal", when=sig("legal_threat"), condition_source="legal_threat",
                         handoff=text("Legal threat on {channel}. In their words: {message}"), policy="house", location=loc(27)),
            b.Escalation(name="public_press", team="comms",
                         when=b.AllOf(of=[b.Is(field="channel", value="public"), sig("press_mention")]),
                         condition_source="channel is public and press_mention", location=loc(28)),
        ],
        guards=[
            b.Guard(name="all_caps", when=sig("all_caps"), condition_source="all_caps",
                    reason="Written in all caps: acknowledge the frustration in your own words.", policy="house", location=loc(30)),
            b.Guard(name="sarcasm", when=sig("sarcasm"), condition_source="sarcasm",
                    reason="Sarcasm may be masking an escalation: read the whole thread first.", location=loc(31)),
        ],
        replies=[
            reply("private.1", "private", [
                move("acknowledge", "This is the third time you've had to raise this, and that's on us."),
                move("next", "I've escalated case {case_reference} to finance as urgent; you'll hear from them today."),
            ], when=sig("repeat_contact"), source="repeat_contact", line=33),
            reply("public", "public", [
                move("acknowledge", "I can see you've been charged twice for the same order."),
                move("next", "Please send us your case reference by DM so finance can review it."),
            ], line=37),
            reply("private", "private", [
                move("acknowledge", pick="validation"),
                move("restate", "You were charged {amount} twice[ for order {order_id}], and you'd like the duplicate refunded."),
                move("next", "I've passed case {case_reference} to our finance team, {customer_name or \"there\"}."),
            ], line=41),
        ],
        examples=[
            b.Example(name="caps lock after a duplicate charge", message="YOU CHARGED ME TWICE. AGAIN.", channel="instagram",
                      visibility="private", slots={"case_reference": "BIL-20931", "amount": "$49.00"},
                      expect=[expect("guard", "all_caps", 50), expect("no_escalate", None, 51)], location=loc(46)),
            b.Example(name="third contact", message="Still waiting on my refund", channel="email", visibility="private",
                      context={"contact_count": 3.0}, slots={"case_reference": "BIL-20931"},
                      expect=[expect("reply", "private.1", 55), expect("text_contains", "third time", 56), expect("send", None, 57)],
                      location=loc(53)),
        ],
        hash="sha256:" + "0" * 64,
        location=loc(10),
    )
    fields.update(overrides)
    return b.Framework(**fields)


def make_bundle(frameworks=None, **overrides) -> b.Bundle:
    fields = dict(
        revision="sha256:" + "ab" * 32,
        fields=FIELDS,
        features=["caps_ratio", "letter_count", "word_count", "length", "exclamation_count", "question_count", "max_repeated_punctuation"],
        teams=[b.Team(name=t) for t in ("finance", "legal", "comms", "support")],
        channels=CHANNELS,
        signals=SIGNALS,
        phrases={"validation": [text("That sounds really frustrating."), text("I can see why that's a problem."),
                                text("I'd be upset too, {customer_name or \"honestly\"}.")]},
        style=[],
        frameworks=frameworks if frameworks is not None else [duplicate_charge()],
    )
    fields.update(overrides)
    return b.Bundle(**fields)


SLOTS = {"case_reference": "BIL-20931", "amount": "$49.00"}


def ctx(message: str = "I was charged twice for one order.", channel: str = "email", **more) -> dict:
    return {"message": message, "channel": channel, **more}


def bundle_data(bundle: b.Bundle) -> dict:
    """A bundle's JSON data as bundle.json holds it (the compact layout of tactful.runtime.format)."""
    from tactful.runtime.format import compact

    return compact(bundle.model_dump(mode="json"))
