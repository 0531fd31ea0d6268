"""Helpers for the docs tests (a module of its own: every folder's conftest is named `conftest`).

A small hand-made Bundle for the docs tests, independent of the compiler.

`text()` turns the language's text notation into parts and a Jinja2 template the way the
compiler does (`{slot}`, `{slot or "fallback"}`, `[optional {slot}]`), so the emitter can be tested
before, and apart from, the front end.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tactful.runtime import bundle as b
from tactful.runtime.render import template_source

FIELDS = {"message", "channel", "visibility", "contact_count", "customer_name"}
_SLOT = re.compile(r'\{(\w+)(?: or "([^"]*)")?\}')


def loc(line: int, file: str = "frameworks/billing/duplicate_charge.tact") -> b.Location:
    return b.Location(file=file, line=line, column=3, end_line=line, end_column=40)


def _parts(src: str) -> list:
    parts: list = []
    pos = 0
    for m in _SLOT.finditer(src):
        if m.start() > pos:
            parts.append(b.LiteralPart(text=src[pos:m.start()]))
        parts.append(b.SlotPart(name=m[1], source="field" if m[1] in FIELDS else "slot", fallback=m[2]))
        pos = m.end()
    if pos < len(src):
        parts.append(b.LiteralPart(text=src[pos:]))
    return parts


def _template(parts: list) -> str:
    out = []
    for p in parts:
        if isinstance(p, b.LiteralPart):
            out.append(p.text.replace("{", '{{ "{" }}'))
        elif isinstance(p, b.SlotPart):
            ref = 'values["%s"]' % p.name
            out.append("{{ %s or %s }}" % (ref, json.dumps(p.fallback)) if p.fallback is not None else "{{ %s }}" % ref)
        else:
            names = " and ".join('values["%s"]' % q.name for q in p.parts if isinstance(q, b.SlotPart))
            out.append("{%% if %s %%}%s{%% endif %%}" % (names, _template(p.parts)))
    return "".join(out)


def text(src: str, line: int = 1, file: str = "frameworks/billing/duplicate_charge.tact") -> b.Text:
    parts: list = []
    for i, chunk in enumerate(re.split(r"\[|\]", src)):
        if i % 2:
            parts.append(b.OptionalPart(parts=_parts(chunk)))
        else:
            parts.extend(_parts(chunk))
    assert _template(parts) == template_source(parts), "the builder writes templates as the compiler does"
    return b.Text(source=src, parts=parts, template=template_source(parts), location=loc(line, file))


def make_bundle() -> b.Bundle:
    sig = lambda name, when, about="": b.Signal(  # noqa: E731
        name=name, module="stdlib.signals", about=about, when=when,
        examples=[b.SignalExample(message="I'M SO ANGRY", fires=True, location=loc(1, "<stdlib>/signals.tact"))],
        location=loc(1, "<stdlib>/signals.tact"))
    dup = b.Framework(
        intent="billing.duplicate_charge",
        title="Duplicate charge",
        module="billing.duplicate_charge",
        owner="finance",
        tags=["billing", "refund"],
        about="The customer sees two charges for one purchase.\nConfirm the concern in plain language.",
        serves=["public", "private"],
        slots=[
            b.Slot(name="case_reference", required=True, private=True, pattern="[A-Z]{3}-[0-9]{4,}",
                   example="BIL-20931", about="Case number from the billing system.", location=loc(12)),
            b.Slot(name="customer_name", example="Dana", location=loc(16)),
            b.Slot(name="amount", type="money", private=True, example="$49.00", location=loc(18)),
            b.Slot(name="order_id", pattern="[0-9]{6,}|ORD-[0-9]+", location=loc(20)),
        ],
        escalations=[
            b.Escalation(name="chargeback", team="finance",
                         when=b.Mentions(field="message", phrases=["chargeback", "bank dispute"]),
                         condition_source='message mentions "chargeback", "bank dispute"',
                         handoff=text('Duplicate charge of {amount} reported by {customer_name or "the customer"}.\n'
                                      "In their words: {message}", 23),
                         location=loc(22)),
            b.Escalation(name="legal_threat", team="legal", when=b.SignalRef(name="legal_threat"),
                         condition_source="legal_threat", policy="house", location=loc(3, "<stdlib>/policy.tact")),
        ],
        guards=[
            b.Guard(name="all_caps", when=b.SignalRef(name="all_caps"), condition_source="all_caps",
                    reason="Written in all caps: acknowledge the frustration in your own words.",
                    policy="house", location=loc(2, "<stdlib>/policy.tact")),
            b.Guard(name="sarcasm", when=b.SignalRef(name="sarcasm"), condition_source="sarcasm",
                    reason="Sarcasm may be masking an escalation: read the whole thread first.", location=loc(30)),
        ],
        replies=[
            b.Reply(id="private.1", visibility="private", when=b.SignalRef(name="repeat_contact"),
                    condition_source="repeat_contact", template="", location=loc(33), moves=[
                        b.Move(kind="acknowledge", text=text("This is the third time you've had to raise this, and that's on us.", 34), location=loc(34)),
                        b.Move(kind="next", text=text("I've escalated case {case_reference} to finance as urgent.", 35), location=loc(35)),
                    ]),
            b.Reply(id="public", visibility="public", template="", location=loc(37), moves=[
                b.Move(kind="acknowledge", text=text("I can see you've been charged twice for the same order.", 38), location=loc(38)),
                b.Move(kind="next", text=text("Please send us your case reference by DM.", 39), location=loc(39)),
            ]),
            b.Reply(id="private", visibility="private", template="", location=loc(41), moves=[
                b.Move(kind="acknowledge", pick="validation", location=loc(42)),
                b.Move(kind="restate", text=text("You were charged {amount} twice[ for order {order_id}], and you'd like the duplicate refunded.", 43), location=loc(43)),
                b.Move(kind="next", text=text("I've passed case {case_reference} to our finance team.", 44), location=loc(44)),
            ]),
        ],
        examples=[
            b.Example(name="caps lock after a duplicate charge", message="YOU CHARGED ME TWICE. AGAIN.",
                      channel="instagram", visibility="private",
                      slots={"case_reference": "BIL-20931", "amount": "$49.00"},
                      context={"contact_count": 1.0},
                      expect=[b.Expectation(kind="guard", name="all_caps", location=loc(52)),
                              b.Expectation(kind="no_escalate", location=loc(53))],
                      location=loc(47)),
        ],
        hash="sha256:" + "1" * 64,
        location=loc(5),
    )
    outage = b.Framework(
        intent="service.outage", title="Service outage", module="service.outage", owner="engineering",
        tags=["outage"], about="The service is down or degraded.", serves=["public", "private"],
        slots=[], escalations=[],
        guards=[],
        opt_outs=[b.OptOut(name="all_caps", reason="Outage reports are often shouted; that is expected.",
                           location=loc(4, "frameworks/service/outage.tact"))],
        replies=[b.Reply(id=v, visibility=v, template="", location=loc(8, "frameworks/service/outage.tact"), moves=[
            b.Move(kind="acknowledge", text=text("The service is down for {customer_name or \"you\"} and many others right now.", 9,
                                                 "frameworks/service/outage.tact"), location=loc(9, "frameworks/service/outage.tact")),
            b.Move(kind="next", text=text("Follow the status page for updates.", 10, "frameworks/service/outage.tact"),
                   location=loc(10, "frameworks/service/outage.tact")),
        ]) for v in ("public", "private")],
        examples=[], hash="sha256:" + "2" * 64, location=loc(3, "frameworks/service/outage.tact"),
    )
    return b.Bundle(
        revision="sha256:" + "a" * 64,
        fields=[b.FieldDecl(name=n, type="text") for n in sorted(FIELDS)],
        features=["caps_ratio"],
        teams=[b.Team(name="comms", title="Communications"), b.Team(name="engineering", title="Engineering on call"),
               b.Team(name="finance", title="Billing and payments"), b.Team(name="legal", title="Legal")],
        channels=[b.Channel(name="instagram", visibilities=["public", "private"])],
        signals=[
            sig("all_caps", b.Compare(field="caps_ratio", cmp=">", value=0.6), "Shouting."),
            sig("legal_threat", b.Mentions(field="message", phrases=["lawyer", "sue"])),
            sig("sarcasm", b.AllOf(of=[b.Matches(field="message", pattern="(?i)thanks a lot"),
                                       b.Not(of=b.AnyOf(of=[b.FieldTrue(field="is_outage_active"),
                                                            b.In(field="channel", values=["x", "tiktok"])]))])),
            sig("repeat_contact", b.Compare(field="contact_count", cmp=">=", value=3)),
        ],
        phrases={"validation": [text("That sounds really frustrating.", 1, "<stdlib>/phrases.tact"),
                                text("I can see why that's a problem.", 2, "<stdlib>/phrases.tact")]},
        style=[b.StyleRule(name="sorry_for_inconvenience", about="Reads as scripted.",
                           avoid=["sorry for the inconvenience"], avoid_patterns=["apologi[sz]e for any inconvenience"],
                           prefer="Name the actual impact.", location=loc(1, "<stdlib>/style.tact"))],
        frameworks=[dup, outage],
    )


ROOT = Path(__file__).resolve().parents[2]
