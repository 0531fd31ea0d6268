"""The bundle's JSON layout (schema 5): how a Bundle is written compactly, and read back.

bundle.py's pydantic models are the Bundle as the compiler and every emitter see it: each framework
holds every guard and escalation it applies, each text its source, parts and template, each element
its full location. The JSON stores that without repeating itself (docs/reference/bundle.md):

- what a framework inherits from a policy is a reference, `"<policy>.<name>"`, to the policy's entry
  at the top level, not a copy (the reference is written only when the framework's entry equals the
  policy's, so nothing is lost);
- a location is one string, `file:line:column-end_line:end_column`, and the file is left out when it is
  the file of the top-level element around it (a framework, signal, policy, style rule, phrase);
- a text is its parts; its source and Jinja2 template, which follow from the parts, are not stored
  (`source` is, when it differs from what the parts give); a reply's whole template likewise;
- a reply is keyed by its visibility and a move by its kind (`{"restate": parts, "at": …}`; a pick
  holds the bank's name); a move's text and a handoff are their bare parts when their location
  follows from the element's (docs/reference/bundle.md, "Locations");
- what follows from the rest is left out: a condition's `source` when it is condition_text(), a
  guard's or escalation's `name` when it is its signal's, a `module` when it is the intent or the
  file's (file_module), a framework's `serves` when it is its replies' visibilities;
- a field whose value is its default is left out;
- a list of phrases (`mentions`, `near`) is one string, the phrases joined by `|` (an array when a
  phrase holds `|`), and a `forms of` list is `{"forms": <the phrases written>}`, which a reader
  expands by the word-forms rule (wordforms.py; written only when it expands to the same list);
- examples (a framework's and a signal's) are for people and tests: they are in conformance.json and
  the docs, not in the bundle.

`compact()` turns the models' JSON data (`Bundle.model_dump(mode="json")`) into this layout and
`expand()` turns it back, so that JSON → models → JSON gives the same bytes. The runtime reads the
compact data as it is (library.py) and validates it with `validator()`, a pydantic-core schema built
from plain dicts: loading a bundle builds no pydantic model.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

SCHEMA_VERSION = "5.2"

# Every name a bundle carries follows the language's identifier grammar, checked at load: a name
# reaches generated code (Jinja2 templates, the conditions' Python, file names under templates/),
# and a name that is not an identifier (`7*7`, `message.upper()`, `../x`) is refused there, whatever
# the code that uses it does with it. (Templates also look names up by subscript, never as bare
# variables: see render.py.)
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"
DOTTED = r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$"
REPLY_ID = r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$"
SPAN = r"^(?:.*:)?[0-9]+:[0-9]+-(?:[0-9]+:)?[0-9]+$"
REF = r"^[A-Za-z_][A-Za-z0-9_]*\..*$"

_SPAN = re.compile(r"(?:(.*):)?([0-9]+):([0-9]+)-(?:([0-9]+):)?([0-9]+)", re.DOTALL)

Data = dict[str, Any]

# --- spans ----------------------------------------------------------------------------------------


def span_text(loc: Data | None, file: str | None = None) -> str | None:
    """`line:column-end_line:end_column`, after `file:` unless the file is `file`."""
    if loc is None:
        return None
    end = loc["end_column"] if loc["end_line"] == loc["line"] else f"{loc['end_line']}:{loc['end_column']}"
    at = f"{loc['line']}:{loc['column']}-{end}"
    return at if loc["file"] == file else f"{loc['file']}:{at}"


def span_location(text: str | None, file: str | None = None) -> Data | None:
    """The location of a span string; a span without a file is in `file`."""
    if text is None:
        return None
    m = _SPAN.fullmatch(text)
    if m is None:
        raise ValueError(f"not a span: {text!r}")
    return {"file": m[1] if m[1] is not None else (file or ""), "line": int(m[2]), "column": int(m[3]),
            "end_line": int(m[4] or m[2]), "end_column": int(m[5])}


def span_file(text: str) -> str:
    m = _SPAN.fullmatch(text)
    return m[1] or "" if m else ""


# --- texts ----------------------------------------------------------------------------------------


def text_source(parts: list) -> str:
    """A text as a reader sees it, from its compact parts: `{slot}`s kept, `[ ]` dropped."""
    out = []
    for p in parts:
        if p.__class__ is str:
            out.append(p)
        elif "optional" in p:
            out.append(text_source(p["optional"]))
        else:
            name = p.get("slot") or p.get("field")
            out.append("{" + name + (f' or "{p["or"]}"' if "or" in p else "") + "}")
    return "".join(out)


def _part(p: Data):
    kind = p["kind"]
    if kind == "text":
        return p["text"]
    if kind == "slot":
        out = {p["source"]: p["name"]}
        if p["fallback"] is not None:
            out["or"] = p["fallback"]
        return out
    return {"optional": [_part(q) for q in p["parts"]]}


def _full_part(p) -> Data:
    if p.__class__ is str:
        return {"kind": "text", "text": p}
    if "optional" in p:
        return {"kind": "optional", "parts": [_full_part(q) for q in p["optional"]]}
    source = "slot" if "slot" in p else "field"
    return {"kind": "slot", "name": p[source], "source": source, "fallback": p.get("or")}


def _text(t: Data, file: str | None) -> Data:
    parts = [_part(p) for p in t["parts"]]
    out: Data = {"parts": parts, "at": span_text(t["location"], file)}
    if t["source"] != text_source(parts):
        out["source"] = t["source"]
    return out


def _move(m: Data, file: str | None) -> Data:
    """A move as stored: `{<kind>: what it says, "at": …}`; what it says is a phrase bank's name (a
    pick), or its text: the parts when the text starts one space after the kind and ends with the
    move (its location follows), else the text object."""
    kind, loc = m["kind"], m["location"]
    out: Data
    if m["pick"] is not None:
        out = {kind: m["pick"]}
    else:
        text = _text(m["text"], file)
        t = m["text"]["location"]
        if list(text) == ["parts", "at"] and t == _text_location(loc, kind):
            out = {kind: text["parts"]}
        else:
            out = {kind: text}
    out["at"] = span_text(loc, file)
    return out


def served(visibilities: list[str]) -> list[str]:
    """What a framework serves unless it says: the visibilities its replies have, public first."""
    return [v for v in ("public", "private") if v in visibilities]


def framework_serves(fw: Data) -> list[str]:
    """A stored framework's `serves`."""
    serves = fw.get("serves")
    return serves if serves is not None else served([reply_visibility(r) for r in fw["replies"]])


def _handoff_location(escalation: Data) -> Data:
    """Where a handoff's text is when its parts alone are stored: on the line after its escalation's
    first, ten columns right of it (`handoff ` indented by two), to the escalation's end."""
    return {**escalation, "line": escalation["line"] + 1, "column": escalation["column"] + 10}


def _handoff(t: Data, escalation: Data, file: str | None) -> Data | list:
    """A handoff as stored: its parts when its location follows its escalation's, else the text."""
    text = _text(t, file)
    if list(text) == ["parts", "at"] and t["location"] == _handoff_location(escalation):
        return text["parts"]
    return text


def _full_handoff(stored: Data | list, escalation: Data | None, file: str | None) -> Data:
    if stored.__class__ is list:
        text = _full_text({"parts": stored}, file)
        text["location"] = _handoff_location(escalation)  # type: ignore[arg-type]
        return text
    return _full_text(stored, file)  # type: ignore[arg-type]


def stored_text(stored: Data | list) -> Data:
    """A stored handoff or move text as a text object (`{"parts": …}` for bare parts)."""
    return {"parts": stored} if stored.__class__ is list else stored  # type: ignore[return-value]


def _text_location(move: Data, kind: str) -> Data:
    """Where a move's text is when its parts alone are stored: one space after the kind, to the end."""
    return {**move, "column": move["column"] + len(kind) + 1}


def _full_move(m: Data, file: str | None) -> Data:
    kind = move_kind(m)
    loc = span_location(m["at"], file)
    value = m[kind]
    if value.__class__ is str:
        return {"kind": kind, "text": None, "pick": value, "location": loc}
    if value.__class__ is list:
        text = _full_text({"parts": value}, file)
        text["location"] = _text_location(loc, kind)
    else:
        text = _full_text(value, file)
    return {"kind": kind, "text": text, "pick": None, "location": loc}


def file_module(file: str | None) -> str | None:
    """The module a top-level element's file gives: its path without `.tact`, folders joined by `.`,
    `<stdlib>` read as `stdlib` (`<stdlib>/signals.tact` gives `stdlib.signals`)."""
    if not file or not file.endswith(".tact"):
        return None
    path = file[:-len(".tact")]
    if path.startswith("<stdlib>/"):
        path = "stdlib/" + path[len("<stdlib>/"):]
    return path.replace("/", ".")


def _full_text(t: Data, file: str | None) -> Data:
    from tactful.runtime.render import parts_template

    return {"source": t.get("source", text_source(t["parts"])), "parts": [_full_part(p) for p in t["parts"]],
            "template": parts_template(t["parts"]), "location": span_location(t.get("at"), file)}


def condition_source(x: Data) -> str | None:
    """A stored guard's, escalation's or reply's condition as written: its `source`, which is left
    out when it is the condition's text (condition_text)."""
    source = x.get("source")
    if source is None:
        when = x.get("when")
        if when is not None:
            return condition_text(when)
    return source


def _quoted(stored: object) -> str:
    """A stored phrase list as a condition writes it: `"a", "b"`, after `forms of ` for a forms list."""
    if stored.__class__ is dict:
        return "forms of " + _quoted(stored["forms"])  # type: ignore[index]
    phrases = stored.split(PHRASE_SEPARATOR) if stored.__class__ is str else stored  # type: ignore[union-attr]
    return ", ".join(f'"{p}"' for p in phrases)  # type: ignore[union-attr]


def _number(value: object) -> str:
    """A number as a condition writes it: a whole number without `.0`."""
    if value.__class__ is float and value.is_integer():  # type: ignore[union-attr]
        return str(int(value))  # type: ignore[call-overload]
    return repr(value)


def condition_text(c: Data) -> str:
    """A stored condition in the language's words, as the compiler's `source` usually has it, so
    that the bundle stores a `source` only when it differs (docs/reference/bundle.md, "Conditions").
    Each operand that is an `all` or an `any` is in parentheses."""
    op = condition_op(c)
    if op == "all" or op == "any":
        return f" {'and' if op == 'all' else 'or'} ".join(_operand(x) for x in c[op])
    if op == "atleast":
        return f"at least {c[op]} of (" + "; ".join(condition_text(x) for x in c["of"]) + ")"
    if op == "not":
        return "not " + _operand(c[op])
    if op == "signal" or op == "bool":
        return c[op]
    if op == "compare":
        return f"{c[op]} {c['cmp']} {_number(c['value'])}"
    if op == "is":
        return f"{c[op]} is {c['value']}"
    if op == "in":
        return f"{c[op]} in ({', '.join(c['values'])})"
    field = c.get("field", _TEXT_FIELD)
    if op == "mentions":
        out = f"{field} {'says' if c.get('asserted') else 'mentions'} {_quoted(c[op])}"
        if "near" in c:
            out += f" near {_quoted(c['near'])} within {c.get('within')} words"
        return out
    if op == "emoji":
        return f"{field} has emoji " + ", ".join(f'"{e}"' for e in c[op])
    if op == "scores":
        return f"{field} scores at least {_number(c['at_least'])} on {c[op]}"
    return f"{field} matches /{c[op]}/"


def _operand(c: Data) -> str:
    text = condition_text(c)
    return f"({text})" if "all" in c or "any" in c else text


def reply_ids(replies: list[Data]) -> list[str]:
    """The ids of a framework's replies (as stored), as the compiler gives them: `<visibility>.default`
    without a condition, `<visibility>.<name>` when the condition is a signal or a bool field, else
    `<visibility>.<n>` counting per visibility; a reply that states its `id` keeps it."""
    counters: dict[str, int] = {}
    used: set[str] = set()
    out = []
    for r in replies:
        vis = reply_visibility(r)
        when = r.get("when")
        rid = r.get("id")
        if rid is None:
            if when is None:
                rid = f"{vis}.default"
            elif "signal" in when or "bool" in when:
                rid = f"{vis}.{when.get('signal') or when.get('bool')}"
            else:
                counters[vis] = counters.get(vis, 0) + 1
                rid = f"{vis}.{counters[vis]}"
            while rid in used:
                counters[vis] = counters.get(vis, 0) + 1
                rid = f"{vis}.{counters[vis]}"
        used.add(rid)
        out.append(rid)
    return out


def reply_visibility(r: Data) -> str:
    """A stored reply's visibility: the key its moves are under (`{"private": [moves], …}`)."""
    return "private" if "private" in r else "public"


def move_kind(m: Data) -> str:
    """A stored move's kind: its one kind key (`{"restate": …, "at": …}`)."""
    for key in m:
        if key in MOVE_KINDS:
            return key
    raise KeyError("kind")  # the schema allows no move without one


MOVE_KINDS = ("acknowledge", "ask", "restate", "next", "close")


def move_says(m: Data, kind: str) -> tuple[Data | None, str | None]:
    """(text, phrase bank) of a stored move, one of them None: its kind key holds the bank's name
    (a pick), the text's parts, or a text object."""
    value = m[kind]
    if value.__class__ is str:
        return None, value
    return ({"parts": value} if value.__class__ is list else value), None


def reply_template(moves: list[Data]) -> str:
    """A reply's whole template, from its moves (full data): the moves' templates joined by a space."""
    return " ".join(m["text"]["template"] if m["text"] is not None else f"{{{{ picks.{m['kind']} }}}}" for m in moves)


# --- layout of each element -----------------------------------------------------------------------
# Each entry: (key in the models, key in the JSON, how to write it, default); "at" is the location.

_TEXT, _TEXT_OR_NONE, _AT, _COND, _OMIT, _SOURCE = "text", "text?", "at", "cond", "omit", "source"
_WEIGHTS = "weights"
_MODULE, _VISIBILITY, _MOVES, _SERVES, _HANDOFF, _NAME = "module", "visibility", "moves", "serves", "handoff", "name"
_TEXT_FIELD = "message"  # the field a text condition (mentions, emoji, matches) reads unless it says


# --- phrase lists ----------------------------------------------------------------------------------

PHRASE_SEPARATOR = "|"


def _joined(phrases: list[str]) -> str | list[str]:
    """A list of phrases as stored: one string joined by `|`, or the array when a phrase holds `|`
    (or the list is empty, which "" would not tell from [""])."""
    if phrases and not any(PHRASE_SEPARATOR in p for p in phrases):
        return PHRASE_SEPARATOR.join(phrases)
    return list(phrases)


def stored_phrases(phrases: list[str]) -> str | list[str] | Data:
    """A `mentions` or `near` list as the bundle stores it (phrase_list() reads it back)."""
    from tactful.runtime.wordforms import forms_base

    base = forms_base(phrases)
    if base is not None and len(base) < len(phrases):
        return {"forms": _joined(base)}
    return _joined(phrases)


def phrase_list(stored: object) -> list[str]:
    """The phrases of a stored `mentions` or `near` list (validated: a string, an array of strings
    or {"forms": one of those})."""
    if stored.__class__ is str:
        return stored.split(PHRASE_SEPARATOR)  # type: ignore[union-attr]
    if stored.__class__ is dict:
        from tactful.runtime.wordforms import expand as forms

        return forms(phrase_list(stored["forms"]), True)  # type: ignore[index]
    return list(stored)  # type: ignore[call-overload]


def stored_weights(weights: dict[str, int]) -> dict[str, str]:
    """A scorer's weights as the bundle stores them: each weight (a whole number, as a string) once,
    with its features joined by `|`, sorted (a feature is words and a space: never a `|`)."""
    groups: dict[int, list[str]] = {}
    for feature, weight in weights.items():
        groups.setdefault(weight, []).append(feature)
    return {str(w): "|".join(sorted(fs)) for w, fs in sorted(groups.items())}


def weights_of(stored: dict[str, str]) -> dict[str, int]:
    """A scorer's weights (feature -> whole number) from the bundle's grouped form. Raises ValueError
    for a key that is not a whole number or a feature listed under two weights."""
    out: dict[str, int] = {}
    for key, joined in stored.items():
        weight = int(key)
        for feature in joined.split("|"):
            if feature in out:
                raise ValueError(f"the feature {feature!r} has two weights")
            out[feature] = weight
    return dict(sorted(out.items()))


# A condition is an object whose one operator key says what it is (docs/reference/bundle.md):
# {"all": […]}, {"any": […]}, {"atleast": n, "of": […]} (schema 5.1), {"not": c}, {"signal": name}, {"bool": field},
# {"mentions": phrases, "field"?, "near"?, "within"?, "asserted"?} (phrases: see phrase_list),, {"emoji": [emoji], "field"?},
# {"scores": scorer, "at_least": n, "field"?} (schema 5.2),
# {"matches": pattern, "field"?}, {"compare": field, "cmp": op, "value": n}, {"is": field, "value": v},
# {"in": field, "values": [v]}. The models discriminate on `op` (FieldTrue's is "field").
OPERATORS = ("all", "any", "atleast", "not", "signal", "bool", "mentions", "emoji", "scores", "matches", "compare",
             "is", "in")
_OP_OF_KEY = {"bool": "field"}
_KEY_OF_OP = {"field": "bool"}


def condition_op(c: dict) -> str | None:
    """The operator of a stored condition (its first operator key), or None."""
    for key in c:
        if key in _OPERATOR_SET:
            return key
    return None


_OPERATOR_SET = frozenset(OPERATORS)


def condition_operands(c: dict) -> list | tuple:
    """The conditions a stored condition is made of (an `all`'s, `any`'s or `atleast`'s list, a
    `not`'s one), none for the others: what a walk over a condition tree descends into."""
    op = condition_op(c)
    if op == "all" or op == "any":
        return c[op] or ()
    if op == "atleast":
        return c.get("of") or ()
    if op == "not":
        return (c[op],)
    return ()


def _cond(c: Data | None) -> Data | None:
    """A condition as stored: its operator as the key, without defaults (a text condition's field
    "message", a `mentions`' empty `near`, null `within`, false `asserted`)."""
    if c is None:
        return None
    op = c["op"]
    if op in ("all", "any"):
        return {op: [_cond(x) for x in c["of"]]}
    if op == "atleast":
        return {op: c["count"], "of": [_cond(x) for x in c["of"]]}
    if op == "not":
        return {op: _cond(c["of"])}
    if op == "signal":
        return {op: c["name"]}
    if op == "field":
        return {"bool": c["field"]}
    out: Data
    if op == "mentions":
        out = {op: stored_phrases(c["phrases"])}
        if c["near"]:
            out["near"] = stored_phrases(c["near"])
        if c["within"] is not None:
            out["within"] = c["within"]
        if c["asserted"]:
            out["asserted"] = True
    elif op == "emoji":
        out = {op: c["emoji"]}
    elif op == "scores":
        out = {op: c["scorer"], "at_least": c["at_least"]}
    elif op == "matches":
        out = {op: c["pattern"]}
    elif op == "compare":
        return {op: c["field"], "cmp": c["cmp"], "value": c["value"]}
    elif op == "is":
        return {op: c["field"], "value": c["value"]}
    elif op == "in":
        return {op: c["field"], "values": c["values"]}
    else:  # pragma: no cover - the models allow nothing else
        raise AssertionError(f"unexpected condition {op!r}")
    if c["field"] != _TEXT_FIELD:
        out["field"] = c["field"]
    return out


def _full_cond(c: Data | None) -> Data | None:
    if c is None:
        return None
    op = condition_op(c)
    if op in ("all", "any"):
        return {"op": op, "of": [_full_cond(x) for x in c[op]]}
    if op == "atleast":
        return {"op": op, "count": c[op], "of": [_full_cond(x) for x in c["of"]]}
    if op == "not":
        return {"op": op, "of": _full_cond(c[op])}
    if op == "signal":
        return {"op": op, "name": c[op]}
    if op == "bool":
        return {"op": "field", "field": c[op]}
    if op == "mentions":
        return {"op": op, "field": c.get("field", _TEXT_FIELD), "phrases": phrase_list(c[op]),
                "near": phrase_list(c.get("near", [])),
                "within": c.get("within"), "asserted": c.get("asserted", False)}
    if op == "emoji":
        return {"op": op, "field": c.get("field", _TEXT_FIELD), "emoji": c[op]}
    if op == "scores":
        return {"op": op, "field": c.get("field", _TEXT_FIELD), "scorer": c[op], "at_least": c["at_least"]}
    if op == "matches":
        return {"op": op, "field": c.get("field", _TEXT_FIELD), "pattern": c[op]}
    if op == "compare":
        return {"op": op, "field": c[op], "cmp": c["cmp"], "value": c["value"]}
    if op == "is":
        return {"op": op, "field": c[op], "value": c["value"]}
    return {"op": op, "field": c[op], "values": c["values"]}


# (name, json key, kind, default). Kinds: "" a plain value; "at" a location; "text"/"text?" a Text;
# "cond" a condition; or an element layout (a tuple) for a list of elements.
_SLOT = (("name", "name", "", None), ("type", "type", "", "text"), ("values", "values", "", []),
         ("required", "required", "", False), ("private", "private", "", False), ("pattern", "pattern", "", None),
         ("example", "example", "", None), ("about", "about", "", ""), ("location", "at", _AT, None))
_ESCALATION = (("name", "name", _NAME, None), ("team", "team", "", None), ("when", "when", _COND, None),
               ("condition_source", "source", _SOURCE, None), ("handoff", "handoff", _HANDOFF, None),
               ("policy", "policy", "", None), ("location", "at", _AT, None))
_GUARD = (("name", "name", _NAME, None), ("when", "when", _COND, None), ("condition_source", "source", _SOURCE, None),
          ("reason", "reason", "", None), ("policy", "policy", "", None), ("location", "at", _AT, None))
_OPT_OUT = (("name", "name", "", None), ("reason", "reason", "", None), ("location", "at", _AT, None))
_REPLY = (("id", "id", "", None), ("visibility", None, _VISIBILITY, None), ("when", "when", _COND, None),
          ("condition_source", "source", _SOURCE, None), ("moves", None, _MOVES, None), ("location", "at", _AT, None))
_FRAMEWORK = (("intent", "intent", "", None), ("title", "title", "", None), ("module", "module", _MODULE, None),
              ("owner", "owner", "", None), ("tags", "tags", "", []), ("about", "about", "", ""),
              ("serves", "serves", _SERVES, None), ("slots", "slots", _SLOT, []),
              ("escalations", "escalations", "inherited escalations", []), ("guards", "guards", "inherited guards", []),
              ("opt_outs", "opt_outs", _OPT_OUT, []), ("replies", "replies", _REPLY, None),
              ("examples", "examples", _OMIT, []), ("hash", "hash", "", None), ("location", "at", _AT, None))
_POLICY = (("name", "name", "", None), ("module", "module", _MODULE, None), ("about", "about", "", ""),
           ("guards", "guards", _GUARD, []), ("escalations", "escalations", _ESCALATION, []),
           ("location", "at", _AT, None))
_SIGNAL = (("name", "name", "", None), ("module", "module", _MODULE, None), ("about", "about", _OMIT, ""),
           ("when", "when", _COND, None), ("condition_source", "source", _OMIT, ""),
           ("examples", "examples", _OMIT, []), ("location", "at", _AT, None))
_STYLE = (("name", "name", "", None), ("about", "about", "", ""), ("avoid", "avoid", "", None),
          ("avoid_patterns", "avoid_patterns", "", []), ("prefer", "prefer", "", ""),
          ("severity", "severity", "", "warning"), ("location", "at", _AT, None))
_SCORER = (("name", "name", "", None), ("about", "about", "", ""), ("label", "label", "", ""),
           ("trained_on", "trained_on", "", None), ("bias", "bias", "", None),
           ("weights", "weights", _WEIGHTS, None), ("location", "at", _AT, None))
_FIELD = (("name", "name", "", None), ("type", "type", "", None), ("values", "values", "", []),
          ("about", "about", "", ""), ("location", "at", _AT, None))
_TEAM = (("name", "name", "", None), ("title", "title", "", ""), ("location", "at", _AT, None))
_CHANNEL = (("name", "name", "", None), ("title", "title", "", ""), ("visibilities", "visibilities", "", None),
            ("location", "at", _AT, None))
_TOP = (("fields", _FIELD), ("teams", _TEAM), ("channels", _CHANNEL), ("signals", _SIGNAL), ("style", _STYLE),
        ("scorers", _SCORER), ("policies", _POLICY), ("frameworks", _FRAMEWORK))
# Elements whose location names a file: the elements inside them are in that file.
_REQUIRED = {"fields": True, "features": True, "teams": True, "channels": True, "signals": True, "phrases": True,
             "style": True, "scorers": False, "policies": False, "frameworks": True}


def inherit(entries: dict[str, str], fw: Data, own: list) -> list[tuple[str, str]]:
    """(policy, name) of each policy entry a framework inherits unless it says otherwise: every
    entry of every policy, by name, that the framework neither opts out of nor redefines."""
    skip = {o["name"] for o in fw.get("opt_outs", ())} | {entry_name(e) for e in own}
    return [(entries[n], n) for n in sorted(entries) if n not in skip]


def policy_rule(policies: list[Data]) -> dict[str, dict[str, str]]:
    """For inherit(): per kind ("guards", "escalations"), each policy entry's name and its policy."""
    return {plural: {entry_name(e): p["name"] for p in policies for e in p.get(plural, ())}
            for plural in ("guards", "escalations")}


def entry_name(e: Data) -> str:
    """A guard's or escalation's name, as stored: left out when its condition is a signal of that
    name (`guard repeat_contact "…"`, `escalate legal when legal_threat`)."""
    name = e.get("name")
    if name is None:
        name = e["when"].get("signal")
        if name is None:
            from tactful.runtime.errors import BundleError

            raise BundleError("a guard or escalation without a `name` needs a signal as its condition (the name is left "
                              "out only when it is the signal's)")
    return name


class _Writer:
    def __init__(self, policies: list[Data]):
        self.policies = {(kind, p["name"], e["name"]): e for p in policies
                         for kind in ("guards", "escalations") for e in p[kind]}
        self.rule = policy_rule(policies)
        # by id of a condition's data: (it, _cond of it, condition_text of that); the data of a
        # condition many elements share (model_data gives one per condition model) is written once
        self._conds: dict[int, tuple[Data, Data, str | None]] = {}

    def _cond(self, c: Data) -> tuple[Data, Data, str | None]:
        known = self._conds.get(id(c))
        if known is None or known[0] is not c:
            known = self._conds[id(c)] = (c, _cond(c), None)
        return known

    def _condition_text(self, c: Data) -> str:
        known = self._cond(c)
        if known[2] is None:
            known = self._conds[id(c)] = (c, known[1], condition_text(known[1]))
        return known[2]  # type: ignore[return-value]

    def element(self, x: Data, layout: tuple, file: str | None, top: bool = False) -> Data:
        if top:
            loc = x.get("location")
            file = loc["file"] if loc else None
        out: Data = {}
        for name, key, kind, default in layout:
            value = x[name]
            if kind == "":
                if value != default:
                    out[key] = value
                continue
            if kind == _OMIT:
                continue
            if kind == _SOURCE:  # the condition as written: left out when it is the condition's text
                when = x["when"]
                if value is not None and (when is None or value != self._condition_text(when)):
                    out[key] = value
                continue
            if kind == _MODULE:  # left out when it is the one the element gives (file_module)
                if value != (x["intent"] if "intent" in x else file_module(file if top else None)):
                    out[key] = value
                continue
            if kind == _VISIBILITY:  # the key of the moves
                continue
            if kind == _NAME:  # left out when the condition is a signal of that name
                when = x["when"]
                if not (when is not None and when["op"] == "signal" and when["name"] == value):
                    out[key] = value
                continue
            if kind == _SERVES:  # left out when it is what the replies serve
                if value != served([r["visibility"] for r in x["replies"]]):
                    out[key] = value
                continue
            if kind == _HANDOFF:
                if value is not None:
                    out[key] = _handoff(value, x["location"], file)
                continue
            if kind == _MOVES:
                out[x["visibility"]] = [_move(m, file) for m in value]
                continue
            if kind == _WEIGHTS:
                out[key] = stored_weights(value)
                continue
            if kind == _AT:
                if value is not None:
                    out[key] = span_text(value, None if top else file)
            elif kind in (_TEXT, _TEXT_OR_NONE):
                if value is not None:
                    out[key] = _text(value, file)
            elif kind == _COND:
                if value is not None:
                    out[key] = self._cond(value)[1]
            elif isinstance(kind, str) and kind.startswith("inherited "):
                pass  # written by inheritance(), which needs the whole framework
            else:  # a list of elements
                if value != default:
                    out[key] = [self.element(e, kind, file) for e in value]
        return out

    def inherited(self, plural: str, e: Data, file: str | None):
        policy = e["policy"]
        found = self.policies.get((plural, policy, e["name"])) if policy is not None else None
        if found is not None and (found is e or found == e):  # (the same dump, as model_data gives)
            return f"{policy}.{e['name']}"
        return self.element(e, _GUARD if plural == "guards" else _ESCALATION, file)

    def framework(self, fw: Data) -> Data:
        out = self.element(fw, _FRAMEWORK, None, top=True)
        file = fw["location"]["file"]
        lists = {}
        implicit = True
        for plural in ("guards", "escalations"):
            items = lists[plural] = [self.inherited(plural, e, file) for e in fw[plural]]
            n_own = next((i for i, e in enumerate(items) if e.__class__ is str), len(items))
            refs = items[n_own:]
            rule = inherit(self.rule[plural], fw, fw[plural][:n_own])
            if any(e.__class__ is not str for e in refs) or refs != [f"{p}.{n}" for p, n in rule]:
                implicit = False
        for plural, items in lists.items():
            items = [e for e in items if not implicit or e.__class__ is not str]
            if items:
                out[plural] = items
        if not implicit:
            out["inherit"] = False
        replies = out["replies"]
        if reply_ids([{k: v for k, v in r.items() if k != "id"} for r in replies]) == [r["id"] for r in replies]:
            out["replies"] = [{k: v for k, v in r.items() if k != "id"} for r in replies]
        return out


def compact(full: Data) -> Data:
    """The JSON layout of a bundle, from the models' JSON data (`Bundle.model_dump(mode="json")`)."""
    w = _Writer(full.get("policies", []))
    out: Data = {"schema_version": full["schema_version"], "revision": full["revision"],
                 "generator": full["generator"], "features": full["features"]}
    for key, layout in _TOP:
        if key == "frameworks":
            items = [w.framework(x) for x in full[key]]
        else:
            items = [w.element(x, layout, None, top=True) for x in full[key]]
        if items or _REQUIRED[key]:
            out[key] = items
    out["phrases"] = {bank: [_text(t, None) for t in texts] for bank, texts in full["phrases"].items()}
    return out


class _Reader:
    def __init__(self, policies: list[Data]):
        self.rule = policy_rule(policies)
        self.policies: dict[str, tuple[Data, str]] = {}
        for p in policies:
            file = span_file(p["at"])
            for plural, layout in (("guards", _GUARD), ("escalations", _ESCALATION)):
                for e in p.get(plural, ()):
                    full = self.element(e, layout, file)
                    full["policy"] = p["name"]
                    self.policies[f"{plural}:{p['name']}.{entry_name(e)}"] = full

    def element(self, x: Data, layout: tuple, file: str | None, top: bool = False) -> Data:
        if top:
            file = span_file(x["at"]) if x.get("at") else None
        out: Data = {}
        for name, key, kind, default in layout:
            value = x.get(key)
            if kind == "" or kind == _OMIT:
                out[name] = value if key in x else (default.copy() if isinstance(default, (list, dict)) else default)
            elif kind == _SOURCE:
                out[name] = condition_source(x)
            elif kind == _MODULE:
                out[name] = x[key] if key in x else x["intent"] if "intent" in x else file_module(file)
            elif kind == _VISIBILITY:
                out[name] = reply_visibility(x)
            elif kind == _NAME:
                out[name] = entry_name(x)
            elif kind == _SERVES:
                out[name] = x[key] if key in x else served([reply_visibility(r) for r in x["replies"]])
            elif kind == _HANDOFF:
                out[name] = None if value is None else _full_handoff(value, span_location(x["at"], file), file)
            elif kind == _MOVES:
                out[name] = [_full_move(m, file) for m in x[reply_visibility(x)]]
            elif kind == _WEIGHTS:
                out[name] = weights_of(value)
            elif kind == _AT:
                out[name] = span_location(value, file)
            elif kind in (_TEXT, _TEXT_OR_NONE):
                out[name] = _full_text(value, file) if value is not None else None
            elif kind == _COND:
                out[name] = _full_cond(value)
            elif isinstance(kind, str) and kind.startswith("inherited "):
                plural = kind.split()[1]
                out[name] = [self.inherited(plural, e, file) for e in value or ()]
                if x.get("inherit", True):
                    out[name] += [self.inherited(plural, f"{p}.{n}", file)
                                  for p, n in inherit(self.rule[plural], x, value or ())]
            else:
                out[name] = [self.element(e, kind, file) for e in value] if value is not None else list(default)
        return out

    def inherited(self, plural: str, e, file: str | None) -> Data:
        if isinstance(e, str):
            found = self.policies.get(f"{plural}:{e}")
            if found is None:
                raise KeyError(e)
            return dict(found)
        return self.element(e, _GUARD if plural == "guards" else _ESCALATION, file)


def expand(data: Data) -> Data:
    """The models' JSON data of a bundle in the JSON layout (validated by validator() first)."""
    r = _Reader(data.get("policies", []))
    out: Data = {"schema_version": data["schema_version"], "revision": data["revision"],
                 "generator": data.get("generator", "tactful"), "features": data["features"]}
    for key, layout in _TOP:
        out[key] = [r.element(x, layout, None, top=True) for x in data.get(key, ())]
    out["phrases"] = {bank: [_full_text(t, None) for t in texts] for bank, texts in data["phrases"].items()}
    for fw, stored in zip(out["frameworks"], data.get("frameworks", ())):
        for reply, rid in zip(fw["replies"], reply_ids(stored["replies"])):
            reply["template"] = reply_template(reply["moves"])
            reply["id"] = rid
    return out


class Reader:
    """Turns the frameworks of one compact bundle into the models' JSON data, one at a time."""

    def __init__(self, data: Data):
        self._reader = _Reader(data.get("policies", []))

    def framework(self, fw: Data) -> Data:
        out = self._reader.element(fw, _FRAMEWORK, None, top=True)
        for reply, rid in zip(out["replies"], reply_ids(fw["replies"])):
            reply["template"] = reply_template(reply["moves"])
            reply["id"] = rid
        return out


# --- the schema -----------------------------------------------------------------------------------


def _part_kind(p: object) -> str | None:
    if p.__class__ is str:
        return "text"
    if p.__class__ is dict:
        for key in p:
            if key in _PART_KINDS:
                return key
    return None


_PART_KINDS = frozenset(("slot", "field", "optional"))


def _says_tag(v: object) -> str | None:
    """What a move's kind key or a handoff holds: a phrase bank's name, a text's parts, or a text."""
    return "pick" if v.__class__ is str else "parts" if v.__class__ is list else "text" if v.__class__ is dict else None


def _move_tag(m: object) -> str | None:
    if m.__class__ is dict:
        for key in m:
            if key in MOVE_KINDS:
                return key
    return None


def _reply_tag(r: object) -> str | None:
    if r.__class__ is dict:
        return "private" if "private" in r else "public" if "public" in r else None
    return None


def _condition_tag(c: object) -> str | None:
    return condition_op(c) if c.__class__ is dict else None


def _inherited(e: object) -> str:
    return "inherited" if isinstance(e, str) else "own"


@cache
def core_schema():
    """The pydantic-core schema of the JSON layout: plain dicts, lists and strings, no model."""
    from pydantic_core import core_schema as cs

    def td(required: dict, optional: dict | None = None, title: str | None = None, order: str = ""):
        """A JSON object; its fields are checked (and errors reported) in `order`, then as given."""
        fields = {k: cs.typed_dict_field(v) for k, v in required.items()}
        fields |= {k: cs.typed_dict_field(v, required=False) for k, v in (optional or {}).items()}
        first = [k for k in order.split() if k in fields]
        fields = {k: fields[k] for k in [*first, *(k for k in fields if k not in first)]}
        return cs.typed_dict_schema(fields, extra_behavior="forbid", ref=title)

    def ref(name: str):
        return cs.definition_reference_schema(name)

    text_ = cs.str_schema()
    name = cs.str_schema(pattern=IDENTIFIER)
    dotted = cs.str_schema(pattern=DOTTED)
    names = cs.list_schema(name)
    texts = cs.list_schema(text_)
    span = cs.str_schema(pattern=SPAN)
    boolean = cs.bool_schema()
    integer = cs.int_schema()
    number = cs.union_schema([integer, cs.float_schema(allow_inf_nan=False)], mode="left_to_right")
    visibility = cs.literal_schema(["public", "private"])
    nullable = cs.nullable_schema

    joined = cs.union_schema([text_, texts], mode="left_to_right")
    phrases = cs.union_schema([joined, td({"forms": joined})], mode="left_to_right", custom_error_type="phrases",
                              custom_error_message="not a list of phrases: a string of phrases joined by `|`, an array "
                              'of strings, or {"forms": one of those}')
    simple_parts = {"text": text_, "slot": td({"slot": name}, {"or": text_}), "field": td({"field": name}, {"or": text_})}
    simple = cs.tagged_union_schema(simple_parts, discriminator=_part_kind)
    part = cs.tagged_union_schema(simple_parts | {"optional": td({"optional": cs.list_schema(simple)})},
                                  discriminator=_part_kind)
    parts = cs.list_schema(part)
    text = td({"parts": parts, "at": span}, {"source": text_}, "Text")

    cond = ref("Condition")
    choices = {
        "all": td({"all": cs.list_schema(cond)}),
        "any": td({"any": cs.list_schema(cond)}),
        "atleast": td({"atleast": integer, "of": cs.list_schema(cond)}),
        "not": td({"not": cond}),
        "signal": td({"signal": name}),
        "bool": td({"bool": name}),
        "mentions": td({"mentions": phrases}, {"field": name, "near": phrases, "within": integer, "asserted": boolean}),
        "emoji": td({"emoji": texts}, {"field": name}),
        "scores": td({"scores": name, "at_least": number}, {"field": name}),
        "matches": td({"matches": text_}, {"field": name}),
        "compare": td({"compare": name, "cmp": cs.literal_schema(["<", "<=", ">", ">=", "==", "!="]), "value": number}),
        "is": td({"is": name, "value": text_}),
        "in": td({"in": name, "values": texts}),
    }
    condition = cs.tagged_union_schema(choices, discriminator=_condition_tag, ref="Condition",
                                       custom_error_type="condition",
                                       custom_error_message="not a condition: it needs one operator key ("
                                       + ", ".join(OPERATORS) + ")")

    # a guard's or escalation's `name` is left out when its condition is a signal of that name (entry_name)
    guard = td({"when": cond, "reason": text_, "at": span}, {"name": text_, "source": text_, "policy": name}, "Guard",
               order="name")
    escalation = td({"team": name, "when": cond, "at": span},
                    {"name": name, "source": text_, "policy": name,
                     "handoff": cs.tagged_union_schema(
                         {"parts": parts, "text": ref("Text")}, discriminator=_says_tag, custom_error_type="text",
                         custom_error_message="not a text: its parts, or an object with its parts and location")},
                    "Escalation",
                    order="name")
    inherited = cs.str_schema(pattern=REF)
    slot = td({"name": name, "at": span}, {
        "type": cs.literal_schema(["text", "money", "number", "date", "email", "phone", "url", "enum"]),
        "values": texts, "required": boolean, "private": boolean, "pattern": text_, "example": text_, "about": text_})
    says = cs.tagged_union_schema({"pick": name, "parts": parts, "text": ref("Text")}, discriminator=_says_tag,
                                  custom_error_type="move", custom_error_message="not what a move says: the name of "
                                  "a phrase bank, a text's parts or a text")
    move = cs.tagged_union_schema({k: td({k: says, "at": span}) for k in MOVE_KINDS}, discriminator=_move_tag,
                                  custom_error_type="move", custom_error_message="not a move: it needs one kind key ("
                                  + ", ".join(MOVE_KINDS) + ")")
    reply = cs.tagged_union_schema(
        {v: td({v: cs.list_schema(move), "at": span}, {"id": cs.str_schema(pattern=REPLY_ID), "when": cond,
                                                       "source": text_}, order=f"id {v} when") for v in ("public", "private")},
        discriminator=_reply_tag, custom_error_type="reply",
        custom_error_message="not a reply: it needs its moves under its visibility (public or private)")
    framework = td({"intent": dotted, "title": text_,
                    "replies": cs.list_schema(reply), "hash": text_, "at": span}, {
        "serves": cs.list_schema(visibility), "module": text_, "owner": name, "tags": texts, "about": text_, "slots": cs.list_schema(slot),
        "escalations": cs.list_schema(cs.tagged_union_schema({"inherited": inherited, "own": ref("Escalation")},
                                                             discriminator=_inherited)),
        "guards": cs.list_schema(cs.tagged_union_schema({"inherited": inherited, "own": ref("Guard")},
                                                        discriminator=_inherited)),
        "opt_outs": cs.list_schema(td({"name": name, "reason": text_, "at": span})),
        "inherit": boolean},
        order="intent title module owner tags about serves slots escalations guards opt_outs replies")
    policy = td({"name": name, "at": span}, {
        "module": text_, "about": text_, "guards": cs.list_schema(ref("Guard")), "escalations": cs.list_schema(ref("Escalation"))})
    signal = td({"name": name, "when": cond, "at": span}, {"module": text_})
    style = td({"name": name, "avoid": texts, "at": span}, {
        "about": text_, "avoid_patterns": texts, "prefer": text_,
        "severity": cs.literal_schema(["error", "warning"])})
    field = td({"name": name, "type": cs.literal_schema(["text", "number", "bool", "channel", "visibility", "enum"])},
               {"values": texts, "about": text_, "at": span})
    team = td({"name": name}, {"title": text_, "at": span})
    weight = cs.str_schema(pattern=r"^-?[0-9]+$")
    trained_on = td({"digest": text_, "rows": integer})
    scorer = td({"name": name, "bias": integer, "weights": cs.dict_schema(weight, text_), "at": span},
                {"about": text_, "label": text_, "trained_on": trained_on}, order="name about label trained_on bias weights")
    channel = td({"name": name, "visibilities": cs.list_schema(visibility)}, {"title": text_, "at": span})
    bundle = td({
        "schema_version": text_, "revision": text_, "generator": text_, "features": names,
        "fields": cs.list_schema(field), "teams": cs.list_schema(team), "channels": cs.list_schema(channel),
        "signals": cs.list_schema(signal), "phrases": cs.dict_schema(name, cs.list_schema(ref("Text"))),
        "style": cs.list_schema(style), "frameworks": cs.list_schema(framework),
    }, {"scorers": cs.list_schema(scorer), "policies": cs.list_schema(policy)}, "Bundle",
        order="schema_version revision generator features fields teams channels signals phrases style scorers policies")
    return cs.definitions_schema(cs.definition_reference_schema("Bundle"),
                                 [bundle, condition, text, guard, escalation])


@cache
def validator():
    """The validator of a bundle's JSON data (built once; strict: JSON types as they are)."""
    from pydantic_core import SchemaValidator

    return SchemaValidator(core_schema(), {"strict": True})
