"""What a change to a library means: two Bundles in, the list of changes that matter to a reviewer out.

`diff_bundles(old, new)` is pure (no disk, no git, no clock): it compares frameworks by intent, and
inside a framework slots, guards, escalations, opt-outs, replies and examples by name, and says what
changed in plain words. Each Change has a stable `kind` (the names `tactful diff --fail-on` takes) and
a `level`: `high` for changes that weaken the safety net (a guard or an escalation removed, a slot made
public, a policy opted out of, a framework removed), `medium` for changed behaviour, `low` for the
rest. Renderers for the three formats (pretty, markdown, json) are here too; all are deterministic.

Decisions:
- A policy guard or escalation a framework opts out of disappears from the framework's lowered list:
  that is reported as the guard's removal (so `--fail-on removed-guard` sees it) *and* as the
  opt-out, with its reason.
- Conditions are compared as data (`when`); the difference is shown as the condition's words before
  and after (`condition_source`), with a word diff.
- A reply's text is its moves, one per line (`acknowledge: …`, `next: pick validation`); texts are
  compared with a word diff (difflib over whitespace-separated words).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from tactful.runtime.bundle import Bundle, Escalation, Framework, Guard, Reply, Slot

Level = Literal["high", "medium", "low"]
LEVELS: tuple[str, ...] = ("high", "medium", "low")

# kind -> level; the kinds are a public vocabulary (--fail-on, the JSON form): never rename one
KINDS: dict[str, Level] = {
    "removed-framework": "high",
    "removed-guard": "high",
    "removed-escalation": "high",
    "public-slot": "high",
    "added-opt-out": "high",
    "changed-guard": "medium",
    "changed-escalation": "medium",
    "optional-slot": "medium",
    "removed-slot": "medium",
    "changed-slot-type": "medium",
    "changed-slot-pattern": "medium",
    "removed-reply": "medium",
    "reordered-replies": "medium",
    "removed-example": "medium",
    "changed-framework": "medium",
    "added-framework": "low",
    "added-guard": "low",
    "added-escalation": "low",
    "added-slot": "low",
    "required-slot": "low",
    "private-slot": "low",
    "removed-opt-out": "low",
    "added-reply": "low",
    "changed-reply": "low",
    "added-example": "low",
}

Words = tuple[tuple[str, str], ...]  # ("=", "same words") | ("-", "removed") | ("+", "added")


@dataclass(frozen=True)
class Change:
    framework: str
    kind: str
    subject: str  # the slot, guard, escalation, opt-out, reply or example it is about ("" for the framework)
    summary: str  # plain words, without the framework's name
    before: str | None = None
    after: str | None = None
    words: Words = ()  # a word diff of before → after, when both are texts worth diffing

    @property
    def level(self) -> Level:
        return KINDS[self.kind]

    def to_dict(self) -> dict:
        return {
            "framework": self.framework, "kind": self.kind, "level": self.level, "subject": self.subject,
            "summary": self.summary, "before": self.before, "after": self.after,
            "words": [list(w) for w in self.words],
        }


@dataclass(frozen=True)
class BundleDiff:
    old: str  # labels of the two sides, as the user named them
    new: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def kinds(self) -> set[str]:
        return {c.kind for c in self.changes}

    def to_dict(self) -> dict:
        counts: dict[str, int] = {}
        for c in self.changes:
            counts[c.kind] = counts.get(c.kind, 0) + 1
        return {"old": self.old, "new": self.new, "changes": [c.to_dict() for c in self.changes],
                "counts": dict(sorted(counts.items()))}


# --- comparing ------------------------------------------------------------------------------------


def word_diff(before: str, after: str) -> Words:
    """The words of before and after, as runs kept, removed and added. A line break is a word of its
    own, so that a diff of several lines (a reply's moves) keeps its lines."""
    a, b = _tokens(before), _tokens(after)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", _join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("-", _join(a[i1:i2])))
            if j2 > j1:
                out.append(("+", _join(b[j1:j2])))
    return tuple(out)


def _tokens(text: str) -> list[str]:
    return re.findall(r"\n|[^\s]+", text)


def _join(tokens: list[str]) -> str:
    return " ".join(tokens).replace(" \n ", "\n").replace("\n ", "\n").replace(" \n", "\n")


def changed_lines(words: Words, mark: Callable[[str, str], str]) -> list[str]:
    """The lines of a word diff that have a change, each run rendered by mark(op, text)."""
    lines: list[list[tuple[str, str]]] = [[]]
    for op, text in words:
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                lines.append([])
            if piece.strip():
                lines[-1].append((op, piece.strip()))
    return [" ".join(mark(op, t) for op, t in line) for line in lines if any(op != "=" for op, _ in line)]


def _slot_words(s: Slot) -> str:
    bits = ["required" if s.required else "optional", "private" if s.private else "public", s.type]
    if s.type == "enum" and s.values:
        bits[-1] += f" ({', '.join(s.values)})"
    if s.pattern:
        bits.append(f"/{s.pattern}/")
    return ", ".join(bits)


def _reply_text(r: Reply) -> str:
    lines = [f"when {r.condition_source}" if r.condition_source else "(default)"]
    for m in r.moves:
        lines.append(f"{m.kind}: " + (f"pick {m.pick}" if m.pick is not None else m.text.source if m.text else ""))
    return "\n".join(lines)


def _by_name(items: Iterable, key: str = "name") -> dict:
    return {getattr(i, key): i for i in items}


def _slots(intent: str, old: Sequence[Slot], new: Sequence[Slot]) -> Iterable[Change]:
    a, b = _by_name(old), _by_name(new)
    for name in a.keys() - b.keys():
        yield Change(intent, "removed-slot", name, f"removed slot `{name}`", before=_slot_words(a[name]))
    for name in b.keys() - a.keys():
        yield Change(intent, "added-slot", name, f"added slot `{name}`", after=_slot_words(b[name]))
    for name in a.keys() & b.keys():
        x, y = a[name], b[name]
        if x.private and not y.private:
            yield Change(intent, "public-slot", name, f"slot `{name}` is now public (was private)", _slot_words(x), _slot_words(y))
        elif y.private and not x.private:
            yield Change(intent, "private-slot", name, f"slot `{name}` is now private", _slot_words(x), _slot_words(y))
        if x.required and not y.required:
            yield Change(intent, "optional-slot", name, f"slot `{name}` is now optional (was required)", _slot_words(x), _slot_words(y))
        elif y.required and not x.required:
            yield Change(intent, "required-slot", name, f"slot `{name}` is now required", _slot_words(x), _slot_words(y))
        if (x.type, x.values) != (y.type, y.values):
            yield Change(intent, "changed-slot-type", name, f"slot `{name}` changed type", _slot_words(x), _slot_words(y))
        if x.pattern != y.pattern:
            yield Change(intent, "changed-slot-pattern", name, f"slot `{name}` changed pattern",
                         f"/{x.pattern}/" if x.pattern else "(none)", f"/{y.pattern}/" if y.pattern else "(none)")


def _guard_words(g: Guard) -> str:
    return f"when {g.condition_source}: {g.reason}"


def _escalation_words(e: Escalation) -> str:
    return f"to {e.team} when {e.condition_source}"


def _opted_out(fw: Framework, name: str) -> str:
    for o in fw.opt_outs:
        if o.name == name:
            return f" (opted out of policy `{o.name}`: {o.reason})"
    return ""


def _guards(intent: str, old_fw: Framework, new_fw: Framework) -> Iterable[Change]:
    a, b = _by_name(old_fw.guards), _by_name(new_fw.guards)
    for name in a.keys() - b.keys():
        yield Change(intent, "removed-guard", name, f"removed guard `{name}`{_opted_out(new_fw, name)}", before=_guard_words(a[name]))
    for name in b.keys() - a.keys():
        yield Change(intent, "added-guard", name, f"added guard `{name}`", after=_guard_words(b[name]))
    for name in a.keys() & b.keys():
        x, y = a[name], b[name]
        if x.when != y.when:
            yield Change(intent, "changed-guard", name, f"guard `{name}` holds on another condition",
                         x.condition_source, y.condition_source, word_diff(x.condition_source, y.condition_source))
        if x.reason != y.reason:
            yield Change(intent, "changed-guard", name, f"guard `{name}` gives another reason", x.reason, y.reason,
                         word_diff(x.reason, y.reason))


def _escalations(intent: str, old_fw: Framework, new_fw: Framework) -> Iterable[Change]:
    a, b = _by_name(old_fw.escalations), _by_name(new_fw.escalations)
    for name in a.keys() - b.keys():
        yield Change(intent, "removed-escalation", name, f"removed escalation `{name}`{_opted_out(new_fw, name)}",
                     before=_escalation_words(a[name]))
    for name in b.keys() - a.keys():
        yield Change(intent, "added-escalation", name, f"added escalation `{name}`", after=_escalation_words(b[name]))
    for name in a.keys() & b.keys():
        x, y = a[name], b[name]
        if x.when != y.when:
            yield Change(intent, "changed-escalation", name, f"escalation `{name}` fires on another condition",
                         x.condition_source, y.condition_source, word_diff(x.condition_source, y.condition_source))
        if x.team != y.team:
            yield Change(intent, "changed-escalation", name, f"escalation `{name}` goes to {y.team} (was {x.team})", x.team, y.team)
        hx, hy = (x.handoff.source if x.handoff else ""), (y.handoff.source if y.handoff else "")
        if hx != hy:
            yield Change(intent, "changed-escalation", name, f"escalation `{name}` has another handoff note", hx, hy, word_diff(hx, hy))


def _opt_outs(intent: str, old_fw: Framework, new_fw: Framework) -> Iterable[Change]:
    a, b = _by_name(old_fw.opt_outs), _by_name(new_fw.opt_outs)
    for name in b.keys() - a.keys():
        yield Change(intent, "added-opt-out", name, f"opts out of policy `{name}`", after=b[name].reason)
    for name in a.keys() - b.keys():
        yield Change(intent, "removed-opt-out", name, f"no longer opts out of policy `{name}`", before=a[name].reason)


def _replies(intent: str, old: Sequence[Reply], new: Sequence[Reply]) -> Iterable[Change]:
    a, b = _by_name(old, "id"), _by_name(new, "id")
    for rid in a.keys() - b.keys():
        yield Change(intent, "removed-reply", rid, f"removed reply `{rid}`", before=_reply_text(a[rid]))
    for rid in b.keys() - a.keys():
        yield Change(intent, "added-reply", rid, f"added reply `{rid}`", after=_reply_text(b[rid]))
    common_old = [r.id for r in old if r.id in b]
    common_new = [r.id for r in new if r.id in a]
    if common_old != common_new:  # the first reply that applies wins: the order is behaviour
        yield Change(intent, "reordered-replies", "", "replies are tried in another order",
                     ", ".join(common_old), ", ".join(common_new))
    for rid in [r.id for r in new if r.id in a]:
        x, y = _reply_text(a[rid]), _reply_text(b[rid])
        if x != y:
            yield Change(intent, "changed-reply", rid, f"reply `{rid}` changed", x, y, word_diff(x, y))


def _examples(intent: str, old_fw: Framework, new_fw: Framework) -> Iterable[Change]:
    a, b = _by_name(old_fw.examples), _by_name(new_fw.examples)
    for name in a.keys() - b.keys():
        yield Change(intent, "removed-example", name, f"removed example “{name}”", before=a[name].message)
    for name in b.keys() - a.keys():
        yield Change(intent, "added-example", name, f"added example “{name}”", after=b[name].message)


def _about(intent: str, old: Framework, new: Framework) -> Iterable[Change]:
    """Who owns it and where it is served: routing and coverage, not texts."""
    for what, x, y in (("owner", old.owner or "(none)", new.owner or "(none)"),
                       ("serves", " and ".join(old.serves), " and ".join(new.serves)),
                       ("title", old.title, new.title), ("tags", ", ".join(old.tags), ", ".join(new.tags))):
        if x != y:
            yield Change(intent, "changed-framework", what, f"{what} changed", x, y)


def _framework(old: Framework, new: Framework, examples: bool) -> list[Change]:
    intent = new.intent
    out: list[Change] = list(_about(intent, old, new))
    out += _slots(intent, old.slots, new.slots)
    out += _guards(intent, old, new)
    out += _escalations(intent, old, new)
    out += _opt_outs(intent, old, new)
    out += _replies(intent, old.replies, new.replies)
    if examples:
        out += _examples(intent, old, new)
    return out


def _summary(fw: Framework) -> str:
    return (f"{fw.title}: {len(fw.slots)} slots, {len(fw.guards)} guards, {len(fw.escalations)} escalations, "
            f"{len(fw.replies)} replies")


def diff_bundles(old: Bundle, new: Bundle, *, old_label: str = "old", new_label: str = "new",
                 examples: bool = True) -> BundleDiff:
    """Every change from old to new, by framework (sorted by intent), most serious first within each.
    `examples=False` when a side is a built bundle, which does not carry the frameworks' examples."""
    a, b = _by_name(old.frameworks, "intent"), _by_name(new.frameworks, "intent")
    changes: list[Change] = []
    for intent in sorted(a.keys() | b.keys()):
        if intent not in b:
            changes.append(Change(intent, "removed-framework", "", "removed framework", before=_summary(a[intent])))
        elif intent not in a:
            changes.append(Change(intent, "added-framework", "", "added framework", after=_summary(b[intent])))
        else:
            found = _framework(a[intent], b[intent], examples)
            found.sort(key=lambda c: (LEVELS.index(c.level), c.kind, c.subject, c.summary))
            changes.extend(found)
    return BundleDiff(old_label, new_label, tuple(changes))


# --- rendering --------------------------------------------------------------------------------------


def _long(c: Change) -> bool:
    """Whether a change is shown as its changed lines, word-diffed (long or several-line texts), rather
    than as its words before and after."""
    return bool(c.words) and ("\n" in (c.before or "") or len(c.before or "") > 100)


def _plain(op: str, text: str) -> str:
    return text if op == "=" else f"[-{text}-]" if op == "-" else f"{{+{text}+}}"


def render_pretty(diff: BundleDiff, *, color: bool = False) -> str:
    """For a terminal: frameworks in order, each change on its line, word diffs as [-old-]{+new+}."""
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    if not diff.changes:
        return f"No framework changes between {diff.old} and {diff.new}.\n"
    mark = {"high": paint("!", "1;31"), "medium": paint("~", "33"), "low": paint("·", "2")}
    lines = [f"Framework changes from {diff.old} to {diff.new}: {_counts(diff)}"]
    current = None
    for c in diff.changes:
        if c.framework != current:
            current = c.framework
            lines += ["", paint(current, "1")]
        lines.append(f"  {mark[c.level]} {c.summary}  [{c.kind}]")
        if _long(c):
            lines += [f"      {line}" for line in changed_lines(c.words, _plain)]
        else:
            if c.before is not None:
                lines += [f"      before: {line}" for line in c.before.split("\n")]
            if c.after is not None:
                lines += [f"      after:  {line}" for line in c.after.split("\n")]
    return "\n".join(lines) + "\n"


def _counts(diff: BundleDiff) -> str:
    n = {level: sum(1 for c in diff.changes if c.level == level) for level in LEVELS}
    return f"{n['high']} high, {n['medium']} medium, {n['low']} low"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_").replace("~", "\\~").replace("\n", " ⏎ ")


def _md(op: str, text: str) -> str:
    return _md_escape(text) if op == "=" else f"~~{_md_escape(text)}~~" if op == "-" else f"**{_md_escape(text)}**"


def _md_words(words: Words) -> str:
    return "<br>".join(changed_lines(words, _md))


def render_markdown(diff: BundleDiff) -> str:
    """A pull-request comment: most serious changes first, one bullet each, word diffs inline."""
    lines = [f"## Framework changes: `{diff.old}` → `{diff.new}`", ""]
    if not diff.changes:
        return "\n".join(lines + ["No framework changes.", ""])
    lines += [f"{_counts(diff)}.", ""]
    titles = {"high": "Needs a careful review (the safety net is weaker)", "medium": "Changed behaviour",
              "low": "Other changes"}
    for level in LEVELS:
        items = [c for c in diff.changes if c.level == level]
        if not items:
            continue
        lines += [f"### {titles[level]}", ""]
        for c in items:
            line = f"- **`{c.framework}`**: {c.summary} `{c.kind}`"
            if _long(c):
                line += f"<br>{_md_words(c.words)}"
            else:
                if c.before is not None:
                    line += f"<br>before: {_md_escape(c.before)}"
                if c.after is not None:
                    line += f"<br>after: {_md_escape(c.after)}"
            lines.append(line)
        lines.append("")
    return "\n".join(lines)


def render_json(diff: BundleDiff) -> str:
    return json.dumps(diff.to_dict(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


FORMATS = {"pretty": render_pretty, "markdown": render_markdown, "json": render_json}
