"""The trace: why a draft got its verdict, condition by condition (opt-in: `Library.draft(..., trace=True)`).

The generated code that drafts (conditions.py) short-circuits and keeps nothing; the trace is a
second, plain reading of the same condition trees, run only when asked for, so that drafting
without it keeps its speed. It evaluates every node (no short-circuit: a content designer wants to
see the signal that stayed quiet beside the one that fired), and records for each node whether it
held; for `mentions` and `matches`, the spans of the text that matched; for comparisons, the value
compared. Its verdicts are the generated code's by construction of the same rules (see the
decisions in conditions.py); tests hold the two to each other on every example of the shipped library.

The JSON form (`Trace.to_dict()`, in `tactful draft --format json`; conformance.json holds the compact
form below, `compact_trace`):

    {"features": {name: value},                     every message feature of the message
     "guards":      [{"name", "reason", "when", "held", "condition"}],
     "escalations": [{"name", "team", "when", "held", "condition"}],
     "replies":     [{"id", "visibility", "when", "status", "condition"}]}

`status` of a reply is `chosen`, `held` (it would apply, but an earlier one was chosen),
`not_held` or `other_visibility` (it serves the other visibility); every reply is read. A `condition` node is `{"op", "held", …}` with the fields of the bundle's condition
(`of`, `name`, `field`, `phrases`, `pattern`, `cmp`, `value`, `values`) plus: `signal` nodes carry
their signal's tree in `of`; `mentions`/`matches` carry `spans` ([{"start", "end", "text"}], code
point offsets into the field's text); `compare`, `is`, `in` and `field` carry `actual` (the value
read, null when the caller did not pass it); `scores` carries `actual` (the score, rounded to
SCORE_DIGITS decimals) and `because` (what drove it: `[[feature, weight], …]`, see `because()`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, assert_never

import re2

from tactful.runtime.bundle import (
    AllOf,
    AnyOf,
    AtLeastOf,
    Bundle,
    Compare,
    Condition,
    FieldTrue,
    Framework,
    HasEmoji,
    In,
    Is,
    Matches,
    Mentions,
    Not,
    Scores,
    SignalRef,
)
from tactful.runtime.conditions import PhraseSpans, emoji_pattern, is_asserted, message_words, near_finder
from tactful.runtime.features import COMPUTE, compute
from tactful.runtime.scorers import UNIT, Scorer

_CMP = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


@dataclass(frozen=True, slots=True)
class Trace:
    """Why one draft got its verdict (see the module docstring for the JSON form)."""

    features: dict[str, float | int]
    guards: tuple[dict, ...]
    escalations: tuple[dict, ...]
    replies: tuple[dict, ...]

    def to_dict(self) -> dict:
        return {
            "features": dict(self.features),
            "guards": list(self.guards),
            "escalations": list(self.escalations),
            "replies": list(self.replies),
        }

    def signals(self) -> dict[str, bool]:
        """Every signal the framework's conditions reach, and whether it held."""
        found: dict[str, bool] = {}

        def walk(node: dict) -> None:
            if node["op"] == "signal":
                found.setdefault(node["name"], node["held"])
            inner = node.get("of")
            if isinstance(inner, list):
                for n in inner:
                    walk(n)
            elif isinstance(inner, dict):
                walk(inner)

        for item in (*self.guards, *self.escalations, *self.replies):
            if item.get("condition") is not None:
                walk(item["condition"])
        return found


class Tracer:
    """Reads condition trees of one bundle against one message at a time. Owns its compiled
    patterns (built on first use, per instance); safe to share between threads (a pattern compiled
    twice by two threads at once is the same pattern)."""

    def __init__(self, bundle: Bundle, text_set: Callable[[str, str], tuple[Any, int] | None] | None = None):
        """`text_set(field, pattern)`: the runtime's own RE2 filter that holds a pattern on a text
        field, and the pattern's index in it (ConditionCompiler.text_set). With it, a `matches` holds
        exactly when the runtime's scan says so, and only what matched is searched again for its spans."""
        self._signals = {s.name: s for s in bundle.signals}
        self._scorers = {x.name: Scorer(x.name, x.bias, x.weights) for x in bundle.scorers}
        self._text_set = text_set or (lambda field, pattern: None)
        self._mentions: dict[tuple, Any] = {}
        self._regexes: dict[str, Any] = {}
        self._plans: dict[int, tuple[Condition, Callable]] = {}  # id(condition) -> (it, its plan)
        self._compact_plans: dict[int, tuple[Condition, Callable]] = {}  # the same, for compact()
        self._quiets: dict[int, tuple[Condition, Any]] = {}  # id(condition) -> (it, Tracer._quiet of it)
        # the frameworks' own conditions that more than one framework holds (the compiler gives
        # equal conditions one model): forget() keeps their plans, which the others would make again
        seen: set[int] = set()
        self._shared: set[int] = set()
        for fw in bundle.frameworks:
            for cond in _own_conditions(fw):
                (self._shared if id(cond) in seen else seen).add(id(cond))

    @staticmethod
    def _hits(s: Any, text: str, memo: dict) -> frozenset[int]:
        """The indices of the patterns of the runtime's filter `s` that occur in text (one scan per
        message and filter)."""
        key = ("scan", id(s))
        hits = memo.get(key)  # type: ignore[call-overload]
        if hits is None:
            hits = memo[key] = frozenset(s.Match(text) or ())  # type: ignore[index]
        return hits

    def _phrases(self, phrases: tuple[str, ...]) -> PhraseSpans:
        """The runtime's own whole-word occurrences of the phrases (conditions.PhraseSpans)."""
        key = ("spans", phrases)
        spans = self._mentions.get(key)
        if spans is None:
            spans = self._mentions[key] = PhraseSpans(phrases, "trace")
        return spans

    def _near(self, phrases: tuple[str, ...], near: tuple[str, ...], within: int, asserted: bool):
        key = ("near", phrases, near, within, asserted)
        test = self._mentions.get(key)
        if test is None:
            test = self._mentions[key] = near_finder(phrases, near, within, asserted, "trace")
        return test

    def _regex(self, pattern: str):
        compiled = self._regexes.get(pattern)
        if compiled is None:
            compiled = self._regexes[pattern] = re2.compile(pattern)
        return compiled

    def framework(self, fw: Framework, values: Mapping[str, Any], chosen: int) -> Trace:
        """The trace of fw's guards, escalations and replies for one message (`values`: the
        validated context values, every declared field present); `chosen` is the reply's index."""
        message = values.get("message")
        features = compute(message if isinstance(message, str) else "")
        memo: dict = {}
        plan = self._plan
        guards = []
        for g in fw.guards:
            node = plan(g.when)(values, features, memo)
            guards.append({"name": g.name, "reason": g.reason, "when": g.condition_source, "held": node["held"],
                           "condition": node})
        escalations = []
        for e in fw.escalations:
            node = plan(e.when)(values, features, memo)
            escalations.append({"name": e.name, "team": e.team, "when": e.condition_source, "held": node["held"],
                                "condition": node})
        replies = []
        visibility = values.get("visibility")
        for i, r in enumerate(fw.replies):
            node = plan(r.when)(values, features, memo) if r.when is not None else None
            if i == chosen:
                status = "chosen"
            elif r.visibility != visibility:
                status = "other_visibility"
            elif node is None or node["held"]:
                status = "held"
            else:
                status = "not_held"
            replies.append({"id": r.id, "visibility": r.visibility, "when": r.condition_source, "status": status,
                            "condition": node})
        return Trace(features, tuple(guards), tuple(escalations), tuple(replies))

    def forget(self, fw: Framework) -> None:
        """Let go of the plans of fw's own conditions (its own guards, escalations and replies; a
        policy's entries and the signals' trees are every framework's), but those another framework
        holds too; they are made again if fw is traced again."""
        def drop(cond: Condition) -> None:
            self._plans.pop(id(cond), None)
            self._compact_plans.pop(id(cond), None)
            self._quiets.pop(id(cond), None)
            if isinstance(cond, (AllOf, AnyOf, AtLeastOf)):
                for part in cond.of:
                    drop(part)
            elif isinstance(cond, Not):
                drop(cond.of)

        for cond in _own_conditions(fw):
            if id(cond) not in self._shared:
                drop(cond)

    def close(self) -> None:
        """Let go of every plan and pattern (for an owner done with the tracer): a plan refers to
        the tracer, so that a tracer let go with its plans would wait for a full garbage collection."""
        for made in (self._plans, self._compact_plans, self._quiets, self._mentions, self._regexes):
            made.clear()

    def condition(self, cond: Condition, values: Mapping[str, Any], features: Mapping[str, Any],
                  memo: dict | None = None) -> dict:
        """One condition's node (see the module docstring); `memo` shares signal nodes and field scans
        within a message."""
        return self._plan(cond)(values, features, {} if memo is None else memo)

    # --- plans: each condition prepared once, read once per message ------------------------------------
    #
    # A plan is a function (values, features, memo) -> node, made once per condition object (its id
    # is the key; the plan keeps the condition alive) with everything that does not depend on the
    # message worked out: the phrase finder, the prefilter and its place in the runtime's set, the
    # emoji pattern. Signals' trees are shared by every framework that names them, so theirs are made
    # once for the whole library. Per message, `memo` holds each signal's node and each field's scan.

    def _plan(self, cond: Condition) -> Callable[[Mapping[str, Any], Mapping[str, Any], dict], dict]:
        return _planned(self._plans, cond, self._build)

    def _build(self, cond: Condition) -> Callable[[Mapping[str, Any], Mapping[str, Any], dict], dict]:  # noqa: C901
        match cond:
            case AllOf(of=parts) | AnyOf(of=parts):
                plans = [self._plan(c) for c in parts]
                op, every = cond.op, isinstance(cond, AllOf)

                def read(values, features, memo):
                    nodes = [p(values, features, memo) for p in plans]
                    held = all(n["held"] for n in nodes) if every else any(n["held"] for n in nodes)
                    return {"op": op, "held": held, "of": nodes}
            case AtLeastOf(count=count, of=parts):
                plans = [self._plan(c) for c in parts]

                def read(values, features, memo):  # every part is read, so the trace shows each
                    nodes = [p(values, features, memo) for p in plans]
                    held = sum(1 for n in nodes if n["held"]) >= count
                    return {"op": "atleast", "count": count, "held": held, "of": nodes}
            case Not(of=inner):
                plan = self._plan(inner)

                def read(values, features, memo):
                    node = plan(values, features, memo)
                    return {"op": "not", "held": not node["held"], "of": node}
            case SignalRef(name=name):
                signal_plan = self._plan(self._signals[name].when)
                key = ("signal", name)

                def read(values, features, memo):
                    node = memo.get(key)
                    if node is None:
                        inner = signal_plan(values, features, memo)
                        node = memo[key] = {"op": "signal", "name": name, "held": inner["held"], "of": inner}
                    return node
            case FieldTrue(field=field):
                def read(values, features, memo):
                    actual = values.get(field)
                    return {"op": "field", "field": field, "actual": actual, "held": actual is True}
            case Mentions(field=field, phrases=phrases, near=near, within=within, asserted=asserted):
                read = self._mentions_plan(field, tuple(phrases), tuple(near or ()), within, asserted)
            case HasEmoji(field=field, emoji=emoji):
                emoji = tuple(emoji)
                emoji_test = self._emoji_test(field, emoji)

                def read(values, features, memo):
                    spans = [{"start": a, "end": b, "text": m.group()} for a, b, m in emoji_test(values)]
                    return {"op": "has_emoji", "field": field, "emoji": list(emoji), "held": bool(spans), "spans": spans}
            case Scores(field=field, scorer=name, at_least=at_least):
                score_of, scorer = self._score_of(field, name), self._scorers[name]

                def read(values, features, memo):
                    actual = score_of(values, memo)
                    return {"op": "scores", "field": field, "scorer": name, "at_least": at_least,
                            "actual": round(actual, SCORE_DIGITS), "because": because(scorer, values.get(field)),
                            "held": actual >= at_least}
            case Matches(field=field, pattern=pattern):
                matches_test = self._matches_test(field, pattern)

                def read(values, features, memo):
                    found, held = matches_test(values, memo)
                    spans = [{"start": a, "end": b, "text": m.group()} for a, b, m in found]
                    return {"op": "matches", "field": field, "pattern": pattern, "held": held, "spans": spans}
            case Compare(field=field, cmp=cmp, value=value):
                test, computed = _CMP[cmp], field in COMPUTE

                def read(values, features, memo):
                    actual = features[field] if computed else values.get(field)
                    held = actual is not None and test(actual, value)
                    return {"op": "compare", "field": field, "cmp": cmp, "value": value, "actual": actual, "held": held}
            case Is(field=field, value=value):
                source = "visibility" if field == "channel" and value in ("public", "private") else field

                def read(values, features, memo):
                    actual = values.get(source)
                    return {"op": "is", "field": field, "value": value, "actual": actual, "held": actual == value}
            case In(field=field, values=allowed):
                allowed = tuple(allowed)

                def read(values, features, memo):
                    actual = values.get(field)
                    return {"op": "in", "field": field, "values": list(allowed), "actual": actual, "held": actual in allowed}
            case _:
                assert_never(cond)
        return read

    def _mentions_test(self, field: str, phrases: tuple[str, ...], near: tuple[str, ...], within: int | None,
                       asserted: bool):
        """(values, memo) -> (the field's text, the spans found, whether the condition held)."""
        if any(p.split() for p in phrases):
            spans_of = self._phrases(phrases)
            close = self._near(phrases, near, within, asserted) if near else None
        else:  # no phrase to find: the runtime's condition is false
            spans_of = close = None

        def test(values, memo):
            text = values.get(field)
            found: list[tuple[int, int]] = []
            held = False
            if spans_of is not None and isinstance(text, str) and text:
                words = _words_of(values, field, memo)
                found = spans_of(text, words)  # the runtime's own whole-word test, its candidates only
                if asserted:  # `says`: a negated, reported or asked phrase does not count
                    found = [(a, b) for a, b in found if is_asserted(text, a, b)]
                held = bool(found)
                if close is not None:  # the runtime's own proximity test decides
                    held = held and close(text, words)
            return text, found, held

        return test

    def _mentions_plan(self, field: str, phrases: tuple[str, ...], near: tuple[str, ...], within: int | None,
                       asserted: bool):
        op = "says" if asserted else "mentions"
        test = self._mentions_test(field, phrases, near, within, asserted)

        def read(values, features, memo):
            text, found, held = test(values, memo)
            node = {"op": op, "field": field, "phrases": list(phrases), "held": held,
                    "spans": [{"start": a, "end": b, "text": text[a:b]} for a, b in found]}
            if near:
                node["near"], node["within"] = list(near), within
            return node

        return read

    def _matches_test(self, field: str, pattern: str):
        """(values, memo) -> (the spans found, whether the `matches` held): the runtime's scan decides.
        The pattern is compiled the first time the scan finds it (a library's signals hold hundreds,
        and compiling them all was most of its first trace)."""
        found = self._text_set(field, pattern)
        regex = None
        hits_of = self._hits

        def test(values, memo):
            nonlocal regex
            text = values.get(field)
            if isinstance(text, str) and text:
                hits = hits_of(found[0], text, memo) if found is not None else None
                if hits is None or found[1] in hits:
                    if regex is None:  # (a race compiles it twice: the same pattern)
                        regex = self._regex(pattern)
                    spans = [(m.start(), m.end(), m) for m in regex.finditer(text)]
                    return spans, bool(spans) if hits is None else True
            return [], False

        return test

    def _emoji_test(self, field: str, emoji: tuple[str, ...]):
        """(values) -> the spans of the emoji in the field's text."""
        pattern = emoji_pattern(emoji)
        regex = self._regex(pattern) if pattern else None

        def test(values):
            text = values.get(field)
            if regex is not None and isinstance(text, str) and text:
                return [(m.start(), m.end(), m) for m in regex.finditer(text)]
            return []

        return test

    # --- the compact form, read directly ---------------------------------------------------------------
    #
    # What compact_trace(Tracer.framework(…)) gives, without making the JSON form's nodes first (a
    # build traces every example of the library: most of a node is the bundle's, repeated). Each
    # condition gets a second plan, (values, features, memo) -> its compact node; a signal's tree
    # goes into memo[_SIGNALS], once per message.

    def compact(self, fw: Framework, values: Mapping[str, Any]) -> "CompactTrace":
        """compact_trace(self.framework(fw, values, chosen)) and the message's features, read directly."""
        message = values.get("message")
        features = compute(message if isinstance(message, str) else "")
        signals: dict[str, list] = {}
        memo: dict = {_SIGNALS: signals}
        plan = self._compact_plan
        data = {
            "guards": [plan(g.when)(values, features, memo) for g in fw.guards],
            "escalations": [plan(e.when)(values, features, memo) for e in fw.escalations],
            "replies": [None if r.when is None else plan(r.when)(values, features, memo) for r in fw.replies],
        }
        data["signals"] = dict(sorted(signals.items()))
        return CompactTrace(features, data)

    def _compact_plan(self, cond: Condition) -> Callable[[Mapping[str, Any], Mapping[str, Any], dict], list]:
        return _planned(self._compact_plans, cond, self._build_compact)

    def _build_compact(self, cond: Condition) -> Callable[[Mapping[str, Any], Mapping[str, Any], dict], list]:
        """The compact plan of cond. A message has none of the words of most `mentions` and matches
        few patterns (a signal's tree has hundreds of `mentions`), so a node that reads nothing but
        the text of fields (Tracer._quiet) tests once whether anything may be found in it, and when
        not, gives its node of nothing found, worked out once; so do the parts of all/any/at least
        that read nothing else, together (_parts)."""
        read = self._read_compact(cond)
        if isinstance(cond, (AllOf, AnyOf, AtLeastOf, Not)):
            quiet = self._quiet(cond)
            if quiet is not None:
                may_find, node = _may_find(quiet[0], quiet[1]), quiet[2]

                def unless(values, features, memo):
                    return read(values, features, memo) if may_find(values, memo) else node

                return unless
        return read

    def _score_of(self, field: str, name: str) -> Callable[[Mapping[str, Any], dict], float]:
        """(values, memo) -> the scorer's score of the field's text (once per message)."""
        scorer, key = self._scorers[name], ("score", name, field)

        def score_of(values, memo):
            actual = memo.get(key)
            if actual is None:
                actual = memo[key] = scorer.score(values.get(field))
            return actual

        return score_of

    def _quiet(self, cond: Condition) -> tuple[dict, dict, list] | None:
        """When cond reads nothing but the text of fields (`mentions`, `says`, `matches`, under all,
        any, at least and not): the words each field's text must have one of for a phrase to be
        found ({field: words}), the patterns the runtime's scan must find for a `matches` to hold
        ({id of the filter: (field, filter, their indices in it)}), and cond's compact node when
        nothing is found. None for any other condition. Made once per condition (see forget())."""
        known = self._quiets.get(id(cond))
        if known is None or known[0] is not cond:
            known = self._quiets[id(cond)] = (cond, self._find_quiet(cond))
        return known[1]

    def _find_quiet(self, cond: Condition) -> tuple[dict, dict, list] | None:
        match cond:
            case Mentions(field=field, phrases=phrases):
                keys = self._phrases(tuple(phrases)).keys if any(p.split() for p in phrases) else frozenset()
                return None if keys is None else ({field: keys}, {}, _QUIET)
            case Matches(field=field, pattern=pattern):
                found = self._text_set(field, pattern)
                if found is None:
                    return None
                return {}, {id(found[0]): (field, found[0], frozenset((found[1],)))}, _QUIET
            case AllOf(of=parts) | AnyOf(of=parts) | AtLeastOf(of=parts) | Not(of=parts):
                inner = [self._quiet(c) for c in (parts if isinstance(parts, list) else [parts])]
                if None in inner:
                    return None
                words, scans = _merged(inner)  # type: ignore[arg-type]
                nodes = [node for _, _, node in inner]  # type: ignore[misc]
                if isinstance(cond, Not):
                    return words, scans, [0 if nodes[0][0] else 1, nodes[0]]
                if isinstance(cond, AtLeastOf):
                    held = sum(map(_first, nodes)) >= cond.count
                else:
                    held = (all if isinstance(cond, AllOf) else any)(map(_first, nodes))
                return words, scans, [1 if held else 0, *nodes]
        return None

    def _parts(self, parts: list[Condition]) -> Callable[[Mapping[str, Any], Mapping[str, Any], dict], list]:
        """(values, features, memo) -> the compact nodes of parts, a new list. The parts that read
        nothing but the text of fields are indexed by the words and patterns that may make them find
        something: only those the message's words and scans reach are read, the others give their
        nodes of nothing found."""
        plans = [self._compact_plan(c) for c in parts]
        quiet = [self._quiet(c) for c in parts]
        if sum(q is not None for q in quiet) < 2:
            return lambda values, features, memo: [p(values, features, memo) for p in plans]
        base = [None if q is None else q[2] for q in quiet]
        others = [i for i, q in enumerate(quiet) if q is None]
        by_word: dict[str, dict[str, list[int]]] = {}  # field -> word -> the parts it may make find
        by_scan: dict[int, tuple[str, Any, dict[int, list[int]]]] = {}  # id of a filter -> (field, it, index -> parts)
        for i, q in enumerate(quiet):
            if q is None:
                continue
            for field, keys in q[0].items():
                table = by_word.setdefault(field, {})
                for word in keys:
                    table.setdefault(word, []).append(i)
            for key, (field, s, indices) in q[1].items():
                table = by_scan.setdefault(key, (field, s, {}))[2]
                for index in indices:
                    table.setdefault(index, []).append(i)
        word_checks = tuple((field, frozenset(table), table) for field, table in sorted(by_word.items()))
        scan_checks = tuple((field, s, table) for field, s, table in by_scan.values())

        def nodes(values, features, memo):
            reached = set(others)
            for field, keys, table in word_checks:
                for word in keys.intersection(_words_of(values, field, memo)):
                    reached.update(table[word])
            for field, s, table in scan_checks:
                for index in _hits_of(values, field, s, memo):
                    reached.update(table.get(index, ()))
            out = base.copy()
            for i in sorted(reached):  # in order: a signal's tree goes into memo when first read
                out[i] = plans[i](values, features, memo)
            return out

        return nodes

    def _read_compact(self, cond: Condition) -> Callable[[Mapping[str, Any], Mapping[str, Any], dict], list]:  # noqa: C901
        match cond:
            case AllOf(of=parts) | AnyOf(of=parts):
                nodes_of = self._parts(parts)
                test = all if isinstance(cond, AllOf) else any

                def read(values, features, memo):
                    nodes = nodes_of(values, features, memo)
                    nodes.insert(0, 1 if test(map(_first, nodes)) else 0)
                    return nodes
            case AtLeastOf(count=count, of=parts):
                nodes_of = self._parts(parts)

                def read(values, features, memo):
                    nodes = nodes_of(values, features, memo)
                    nodes.insert(0, 1 if sum(map(_first, nodes)) >= count else 0)
                    return nodes
            case Not(of=inner):
                plan = self._compact_plan(inner)

                def read(values, features, memo):
                    node = plan(values, features, memo)
                    return [0 if node[0] else 1, node]
            case SignalRef(name=name):
                signal_plan = self._compact_plan(self._signals[name].when)

                def read(values, features, memo):
                    signals = memo[_SIGNALS]
                    inner = signals.get(name)
                    if inner is None:
                        inner = signals[name] = signal_plan(values, features, memo)
                    return [inner[0]]
            case FieldTrue(field=field):
                def read(values, features, memo):
                    actual = values.get(field)
                    return [1 if actual is True else 0, actual]
            case Mentions(field=field, phrases=phrases, near=near, within=within, asserted=asserted):
                test = self._mentions_test(field, tuple(phrases), tuple(near or ()), within, asserted)
                phrases = tuple(phrases)
                # most messages have none of a list's words: then nothing is found, at once
                index = self._phrases(phrases).keys if any(p.split() for p in phrases) else None

                def read(values, features, memo):
                    if index is not None and index.isdisjoint(_words_of(values, field, memo)):
                        return _QUIET
                    _, found, held = test(values, memo)
                    return [1 if held else 0, *([a, b] for a, b in found)]
            case HasEmoji(field=field, emoji=emoji):
                emoji_test = self._emoji_test(field, tuple(emoji))

                def read(values, features, memo):
                    spans = emoji_test(values)
                    return [1 if spans else 0, *([a, b] for a, b, _ in spans)]
            case Scores(field=field, scorer=name, at_least=at_least):
                score_of = self._score_of(field, name)

                def read(values, features, memo):
                    actual = score_of(values, memo)
                    return [1 if actual >= at_least else 0, round(actual, SCORE_DIGITS)]
            case Matches(field=field, pattern=pattern):
                matches_test = self._matches_test(field, pattern)
                found = self._text_set(field, pattern)
                scan = ("scan", id(found[0])) if found is not None else None
                position = found[1] if found is not None else None

                def read(values, features, memo):
                    hits = memo.get(scan)  # the runtime's scan of the field, once read: most patterns did not match
                    if hits is not None and position not in hits:
                        return [0]
                    spans, held = matches_test(values, memo)
                    return [1 if held else 0, *([a, b] for a, b, _ in spans)]
            case Compare(field=field, cmp=cmp, value=value):
                test, computed = _CMP[cmp], field in COMPUTE

                def read(values, features, memo):
                    actual = features[field] if computed else values.get(field)
                    return [1 if actual is not None and test(actual, value) else 0, actual]
            case Is(field=field, value=value):
                source = "visibility" if field == "channel" and value in ("public", "private") else field

                def read(values, features, memo):
                    actual = values.get(source)
                    return [1 if actual == value else 0, actual]
            case In(field=field, values=allowed):
                allowed = tuple(allowed)

                def read(values, features, memo):
                    actual = values.get(field)
                    return [1 if actual in allowed else 0, actual]
            case _:
                assert_never(cond)
        return read


def _own_conditions(fw: Framework) -> Iterator[Condition]:
    """The conditions of fw's own guards and escalations (not a policy's) and of its replies."""
    for item in (*fw.guards, *fw.escalations):
        if item.policy is None:
            yield item.when
    for r in fw.replies:
        if r.when is not None:
            yield r.when


_SIGNALS = ("compact", "signals")  # memo's key of the compact signal trees of one message
_first = itemgetter(0)
# the node of a `mentions` that found nothing; compact nodes that hold no span or value read from
# the message are shared between traces (the encoder writes them out; nobody changes a trace's data)
_QUIET = [0]


def _merged(quiet: list[tuple[dict, dict, list]]) -> tuple[dict, dict]:
    """The words and scans (Tracer._quiet) of several conditions together."""
    words: dict[str, frozenset[str]] = {}
    scans: dict[int, tuple[str, Any, frozenset[int]]] = {}
    for found, scanned, _ in quiet:
        for field, keys in found.items():
            words[field] = words.get(field, frozenset()) | keys
        for key, (field, s, indices) in scanned.items():
            scans[key] = (field, s, scans[key][2] | indices if key in scans else indices)
    return words, scans


def _may_find(words: dict[str, frozenset[str]], scans: dict) -> Callable[[Mapping[str, Any], dict], bool]:
    """(values, memo) -> whether a field's text has one of its words, or a scan found one of its
    patterns (Tracer._quiet): the fields' words and scans are read once per message, into memo."""
    word_checks = tuple((field, keys) for field, keys in sorted(words.items()) if keys)
    scan_checks = tuple(scans.values())

    def may_find(values, memo):
        for field, keys in word_checks:
            if not keys.isdisjoint(_words_of(values, field, memo)):
                return True
        for field, s, indices in scan_checks:
            if not indices.isdisjoint(_hits_of(values, field, s, memo)):
                return True
        return False

    return may_find


def _words_of(values: Mapping[str, Any], field: str, memo: dict) -> frozenset[str]:
    """A field's words, as _mentions_test reads them (none for a non-text), read once per message."""
    key = ("words", field)
    words = memo.get(key)
    if words is None:
        words = memo[key] = message_words(values.get(field))
    return words


def _hits_of(values: Mapping[str, Any], field: str, s: Any, memo: dict) -> frozenset[int]:
    """Tracer._hits of the field's text; none for a field that is not a non-empty text (no `matches`
    holds on it)."""
    text = values.get(field)
    if not isinstance(text, str) or not text:
        return frozenset()
    return Tracer._hits(s, text, memo)


@dataclass(frozen=True, slots=True)
class CompactTrace:
    """A trace in the compact form (see below), and the message features it was read with. Its
    data shares the nodes that read nothing from the message (a condition that found nothing) with
    other traces: read it, do not change it."""

    features: dict[str, float | int]
    data: dict

    def to_dict(self) -> dict:
        return self.data


# --- the compact form (conformance.json) -------------------------------------------------------------
#
# The JSON form repeats, per node, what the bundle already says (op, field, phrases, patterns) and a
# signal's whole tree at every reference to it; over a large library that is hundreds of megabytes.
# The compact form keeps only what the message decided, and a runtime that knows the bundle puts the
# rest back (expand_trace):
#
#     {"guards": [node, …], "escalations": [node, …], "replies": [node or null, …],
#      "signals": {name: node}}
#
# in the order of the framework's guards, escalations and replies; `signals` holds the tree of every
# signal the conditions reached, once. A node is an array whose first item is 1 when the node held
# and 0 when it did not; what follows depends on the bundle's condition at the same place:
#   all, any   [held, node, …]      one node per part          not     [held, node]
#   signal     [held]               its tree is in `signals`
#   field, compare, is, in          [held, actual]             (actual: the value read, null when not given)
#   scores     [held, score]        the scorer's score of the field's text, rounded to SCORE_DIGITS decimals
#   mentions, says, matches, has_emoji                         [held, [start, end], …] (the matched spans)
# A reply's status is what the draft says: `chosen` for the reply the draft names, `other_visibility`
# for a reply of the other visibility, else `held` or `not_held` by its node (`held` without a condition).
# The trace's message features are the case's `features`; a span's text is the field's text between
# start and end (code points).

SCORE_DIGITS = 6  # a score in a trace: runtimes whose `exp` differs in the last bit still agree
BECAUSE_SHOWN = 5  # a `scores` node's `because`: the features with the largest weights, at most this many


def because(scorer: Scorer, text: object) -> list[list]:
    """What drove a scorer's score of a text, for a trace's `scores` node: `[[feature, weight], …]`,
    the text's features whose weight is not 0 (weight in sixteenths, as the bundle stores it), by
    |weight| descending then by the feature's text (code point order), the first BECAUSE_SHOWN.
    The compact form leaves it out: a runtime works it out from the bundle and the text."""
    return [[f, w] for f, w in scorer.contributions(text)[:BECAUSE_SHOWN]]

_SPANNED = frozenset(("mentions", "says", "matches", "has_emoji"))
_VALUED = frozenset(("field", "compare", "is", "in", "scores"))


def compact_trace(trace: Trace | Mapping) -> dict:
    """The compact form of a trace (see above)."""
    data = trace.to_dict() if isinstance(trace, Trace) else trace
    signals: dict[str, list] = {}

    def node(n: dict) -> list:
        op = n["op"]
        held = 1 if n["held"] else 0
        if op in _SPANNED:
            return [held, *([s["start"], s["end"]] for s in n["spans"])]
        if op in _VALUED:
            return [held, n["actual"]]
        if op == "signal":
            if n["name"] not in signals:
                signals[n["name"]] = node(n["of"])
            return [held]
        if op == "not":
            return [held, node(n["of"])]
        if op in ("all", "any", "atleast"):
            return [held, *map(node, n["of"])]
        raise ValueError(f"unknown trace node {op!r}")

    out = {
        "guards": [node(g["condition"]) for g in data["guards"]],
        "escalations": [node(e["condition"]) for e in data["escalations"]],
        "replies": [None if r["condition"] is None else node(r["condition"]) for r in data["replies"]],
    }
    out["signals"] = dict(sorted(signals.items()))
    return out


def expand_trace(compact: Mapping, fw: Framework, signals: Mapping[str, Any], context: Mapping[str, Any],
                 features: Mapping[str, Any], chosen: Mapping[str, Any], scorers: Iterable[Any] = ()) -> dict:
    """The JSON form (Trace.to_dict()) of a compact trace, from the bundle: fw, the bundle's signals
    by name ({name: Signal}), the request's context (the spans' texts), the message's features, the
    draft's `reply` ({"id", "visibility", …}) and the bundle's scorers (a `scores` node's `because`
    is worked out again from them and the field's text). Raises ValueError (or KeyError) when the
    compact trace does not fit the bundle."""
    table = compact["signals"]
    known = {x.name: Scorer(x.name, x.bias, x.weights) for x in scorers}
    expanded: dict[str, dict] = {}

    def node(cond: Condition, data: list) -> dict:
        held = bool(data[0])
        match cond:
            case AllOf(of=parts) | AnyOf(of=parts):
                if len(data) != len(parts) + 1:
                    raise ValueError(f"a trace node has {len(data) - 1} parts where the bundle has {len(parts)}")
                return {"op": cond.op, "held": held, "of": [node(c, d) for c, d in zip(parts, data[1:])]}
            case AtLeastOf(count=count, of=parts):
                if len(data) != len(parts) + 1:
                    raise ValueError(f"a trace node has {len(data) - 1} parts where the bundle has {len(parts)}")
                return {"op": "atleast", "count": count, "held": held,
                        "of": [node(c, d) for c, d in zip(parts, data[1:])]}
            case Not(of=inner):
                return {"op": "not", "held": held, "of": node(inner, data[1])}
            case SignalRef(name=name):
                if name not in expanded:
                    expanded[name] = {"op": "signal", "name": name, "held": held,
                                      "of": node(signals[name].when, table[name])}
                return expanded[name]
            case FieldTrue(field=field):
                return {"op": "field", "field": field, "actual": data[1], "held": held}
            case Mentions(field=field, phrases=phrases, near=near, within=within, asserted=asserted):
                out = {"op": "says" if asserted else "mentions", "field": field, "phrases": list(phrases),
                       "held": held, "spans": _spans_of(context.get(field), data)}
                if near:
                    out.update(near=list(near), within=within)
                return out
            case HasEmoji(field=field, emoji=emoji):
                return {"op": "has_emoji", "field": field, "emoji": list(emoji), "held": held,
                        "spans": _spans_of(context.get(field), data)}
            case Matches(field=field, pattern=pattern):
                return {"op": "matches", "field": field, "pattern": pattern, "held": held,
                        "spans": _spans_of(context.get(field), data)}
            case Scores(field=field, scorer=name, at_least=at_least):
                return {"op": "scores", "field": field, "scorer": name, "at_least": at_least, "actual": data[1],
                        "because": because(known[name], context.get(field)), "held": held}
            case Compare(field=field, cmp=cmp, value=value):
                return {"op": "compare", "field": field, "cmp": cmp, "value": value, "actual": data[1], "held": held}
            case Is(field=field, value=value):
                return {"op": "is", "field": field, "value": value, "actual": data[1], "held": held}
            case In(field=field, values=allowed):
                return {"op": "in", "field": field, "values": list(allowed), "actual": data[1], "held": held}
            case _:
                assert_never(cond)

    guards = [{"name": g.name, "reason": g.reason, "when": g.condition_source, "held": bool(d[0]),
               "condition": node(g.when, d)} for g, d in zip(fw.guards, compact["guards"], strict=True)]
    escalations = [{"name": e.name, "team": e.team, "when": e.condition_source, "held": bool(d[0]),
                    "condition": node(e.when, d)} for e, d in zip(fw.escalations, compact["escalations"], strict=True)]
    visibility = chosen["visibility"]
    replies = []
    for r, d in zip(fw.replies, compact["replies"], strict=True):
        cond = None if r.when is None or d is None else node(r.when, d)
        if r.id == chosen["id"]:
            status = "chosen"
        elif r.visibility != visibility:
            status = "other_visibility"
        else:
            status = "held" if cond is None or cond["held"] else "not_held"
        replies.append({"id": r.id, "visibility": r.visibility, "when": r.condition_source, "status": status,
                        "condition": cond})
    return {"features": dict(features), "guards": guards, "escalations": escalations, "replies": replies}


def _spans_of(text: object, data: list) -> list[dict]:
    text = text if isinstance(text, str) else ""
    return [{"start": a, "end": b, "text": text[a:b]} for a, b in data[1:]]


# --- the readable form (`tactful draft --explain`) ----------------------------------------------------


def _number(v: Any) -> str:
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:.3g}"
    return str(v)


def node_text(node: dict) -> str:
    """One node as the language writes it, with what was read: `caps_ratio > 0.6 (caps_ratio = 0.04)`."""
    op = node["op"]
    if op in ("all", "any"):
        return "all of:" if op == "all" else "any of:"
    if op == "atleast":
        return f"at least {node['count']} of:"
    if op == "not":
        return "not:"
    if op == "signal":
        return f"signal {node['name']}"
    if op == "field":
        return f"{node['field']} (= {_json(node['actual'])})"
    if op in ("mentions", "says"):
        near = f" near {_phrases(node['near'])} within {node['within']} words" if node.get("near") else ""
        return f"{node['field']} {op} {_phrases(node['phrases'])}{near}: {_spans(node['spans'], 'none found')}"
    if op == "has_emoji":
        return f"{node['field']} has emoji {', '.join(node['emoji'])}: {_spans(node['spans'], 'none found')}"
    if op == "matches":
        pattern = node["pattern"]
        if len(pattern) > _PATTERN_SHOWN:
            pattern = pattern[:_PATTERN_SHOWN] + "…"
        return f"{node['field']} matches /{pattern}/: {_spans(node['spans'], 'no match')}"
    if op == "compare":
        return f"{node['field']} {node['cmp']} {_number(node['value'])} ({node['field']} = {_json(node['actual'])})"
    if op == "scores":
        why = ", ".join(f'"{f}" {_weight(w)}' for f, w in node.get("because", ()))
        return (f"{node['field']} scores at least {_number(node['at_least'])} on {node['scorer']}: "
                f"{node['actual']:.2f} ({'held' if node['held'] else 'not held'})" + (f" — {why}" if why else ""))
    if op == "is":
        return f"{node['field']} is {node['value']} ({_json(node['actual'])})"
    if op == "in":
        return f"{node['field']} in ({', '.join(node['values'])}) ({_json(node['actual'])})"
    raise ValueError(f"unknown trace node {op!r}")


def _weight(units: int) -> str:
    """A scorer's weight (in sixteenths) as the designer reads it: `+2.1`, `−0.6` (one decimal)."""
    return f"{units / UNIT:+.1f}".replace("-", "−")


_PHRASES_SHOWN = 4
_PATTERN_SHOWN = 60


def _phrases(phrases: list[str]) -> str:
    shown = phrases[:_PHRASES_SHOWN]
    more = len(phrases) - len(shown)
    return ", ".join(f'"{p}"' for p in shown) + (f", … ({more} more)" if more else "")


def _spans(spans: list[dict], none: str) -> str:
    return ", ".join(f"“{s['text']}” at {s['start']}" for s in spans) or none


def _json(v: Any) -> str:
    if v is None:
        return "not given"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return _number(v)
    return repr(v)


def _tree(node: dict, depth: int, lines: list[str]) -> None:
    mark = "✓" if node["held"] else "✗"
    lines.append(f"{'  ' * depth}{mark} {node_text(node)}")
    inner = node.get("of")
    if isinstance(inner, list):
        for n in inner:
            _tree(n, depth + 1, lines)
    elif isinstance(inner, dict):
        _tree(inner, depth + 1, lines)


def condition_lines(node: dict) -> list[str]:
    """One condition node as indented lines: ✓ held, ✗ did not."""
    lines: list[str] = []
    _tree(node, 0, lines)
    return lines


def format_trace(trace: Trace | Mapping) -> str:
    """The trace as indented lines: ✓ held, ✗ did not; every guard, escalation and reply."""
    data = trace.to_dict() if isinstance(trace, Trace) else trace
    lines = ["WHY"]
    feats = ", ".join(f"{k} {_number(v)}" for k, v in data["features"].items())
    lines.append(f"  features: {feats}")
    for title, items, label in (
        ("guards", data["guards"], lambda g: f"guard {g['name']}"),
        ("escalations", data["escalations"], lambda e: f"escalate to {e['team']} ({e['name']})"),
    ):
        if not items:
            lines.append(f"  {title}: none declared")
            continue
        lines.append(f"  {title}:")
        for item in items:
            lines.append(f"    {'✓ HELD ' if item['held'] else '✗ quiet'}  {label(item)}")
            _tree(item["condition"], 3, lines)
    lines.append("  replies:")
    for r in data["replies"]:
        lines.append(f"    {r['status'].replace('_', ' '):<16} {r['id']}" + ("" if r["when"] else "  (no condition)"))
        if r["condition"] is not None and r["status"] != "other_visibility":
            _tree(r["condition"], 3, lines)
    return "\n".join(lines) + "\n"


def _planned(plans: dict, cond: Condition, build: Callable[[Condition], Callable]) -> Callable:
    """The plan of a condition from plans (keyed by its id, the entry keeping it alive), built once."""
    entry = plans.get(id(cond))
    if entry is None or entry[0] is not cond:
        entry = plans[id(cond)] = (cond, build(cond))
    return entry[1]
