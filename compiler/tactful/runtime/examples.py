"""The example runner (`tactful test`): every `example` block and every signal's `fires`/`quiet` lines,
drafted by the runtime it lives beside.

An example is drafted exactly as an inbox would draft it (`Library.draft`) from the request that
`example_request` builds; each `expect` line is then checked against the Draft. The report says, per
example, pass or fail, and on failure which `expect` line (file and line) expected what against what
happened; then a summary, and a coverage line naming the replies, guards and escalations that no
example exercises (a policy guard or escalation counts once for the whole library: it is exercised
when it holds in any framework's example). conformance.json is built from the same requests.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import assert_never

from tactful.runtime.bundle import Example, Expectation, Framework, Location
from tactful.runtime.draft import Draft
from tactful.runtime.errors import DraftError
from tactful.runtime.library import Library


def example_request(fw: Framework, example: Example) -> dict:
    """The request an example stands for: {"intent", "slots", "context"} (the seed names the example)."""
    context: dict = {"message": example.message, "channel": example.channel, "visibility": example.visibility}
    context.update(example.context)
    context["seed"] = f"{fw.intent}/{example.name}"
    return {"intent": fw.intent, "slots": dict(example.slots), "context": context}


def with_example_slots(library: Library, intent: str, slots: Mapping[str, str]) -> dict[str, str]:
    """slots, plus every other slot of the framework that declares an example, set to its example."""
    filled = {s.name: s.example for s in library.framework(intent).slots if s.example is not None}
    filled.update(slots)
    return filled


def where(location: Location) -> str:
    return f"{location.file}:{location.line}"


@dataclass(frozen=True)
class Failure:
    location: Location  # the `expect` line (or the example, when it could not be drafted)
    expected: str
    got: str
    why: tuple[str, ...] = ()  # for a guard or escalation: its condition, part by part (trace.py)


@dataclass(frozen=True)
class Broken:
    """A source file that does not compile: its examples could not run (`tactful check` says why)."""

    file: str
    errors: tuple[str, ...]  # one line per error: "line:column: message [code]"


@dataclass(frozen=True)
class Selection:
    """Which examples to run: intents matching any of `intents` (exact or a glob such as `billing.*`)
    and example names containing `keyword` (case-insensitive). Signal examples run when no intent is
    named and the keyword (if any) is in `signal <name>`; coverage is judged only on a full run."""

    intents: tuple[str, ...] = ()
    keyword: str | None = None

    @property
    def everything(self) -> bool:
        return not self.intents and not self.keyword

    def example(self, intent: str, name: str) -> bool:
        if self.intents and not any(fnmatch.fnmatchcase(intent, i) for i in self.intents):
            return False
        return not self.keyword or self.keyword.lower() in name.lower()

    def signal(self, name: str) -> bool:
        return not self.intents and (not self.keyword or self.keyword.lower() in f"signal {name}".lower())


@dataclass
class Outcome:
    """One example block, or one signal's examples."""

    kind: str  # "example" | "signal"
    owner: str  # the intent, or the signal's name
    name: str  # the example's name, or "fires"/"quiet" summary
    location: Location
    checks: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class Report:
    examples: list[Outcome]
    signals: list[Outcome]
    not_exercised: list[str] | None  # None: not judged (a filtered run, or files that do not compile)
    broken: list[Broken] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(not o.passed for o in (*self.examples, *self.signals)) + len(self.broken)


def _check(e: Expectation, draft: Draft) -> Failure | None:
    guards = [g.name for g in draft.guards]
    teams = [x.team for x in draft.escalations]
    held = ", ".join(f"`{g}`" for g in guards) or "none"
    fired = ", ".join(f"`{t}`" for t in teams) or "none"
    reply = f"reply `{draft.reply.id}`"
    match e.kind:
        case "guard":
            ok = (e.name in guards) if e.name else bool(guards)
            return None if ok else Failure(e.location, f"guard `{e.name or 'any'}` to hold", f"guards held: {held}")
        case "no_guard":
            ok = (e.name not in guards) if e.name else not guards
            return None if ok else Failure(e.location, f"guard `{e.name}` not to hold" if e.name else "no guard to hold", f"guards held: {held}")
        case "escalate":
            ok = (e.name in teams) if e.name else bool(teams)
            return None if ok else Failure(e.location, f"an escalation to `{e.name or 'any team'}`", f"escalated to: {fired}")
        case "no_escalate":
            ok = (e.name not in teams) if e.name else not teams
            return None if ok else Failure(e.location, f"no escalation to `{e.name}`" if e.name else "no escalation", f"escalated to: {fired}")
        case "reply":
            ok = draft.reply.visibility == e.name if e.name in ("public", "private") else draft.reply.id == e.name
            return None if ok else Failure(e.location, f"reply `{e.name}`", reply)
        case "text_contains":
            return None if e.name and e.name in draft.text else Failure(e.location, f"the text to contain {e.name!r}", repr(draft.text))
        case "text_lacks":
            return None if not e.name or e.name not in draft.text else Failure(e.location, f"the text not to contain {e.name!r}", repr(draft.text))
        case "send":
            return None if draft.send_as_written else Failure(e.location, "the draft to be sendable as written", f"held by {held}")
        case "hold":
            return None if not draft.send_as_written else Failure(e.location, "the draft to be held", "no guard held")
        case _:
            assert_never(e.kind)


def _why(library: Library, request: dict, e: Expectation) -> tuple[str, ...]:
    """The trace of the guard or escalations an `expect` line names (empty for other expectations)."""
    if e.kind in ("guard", "no_guard") and e.name:
        return tuple(library.why(request["intent"], request["context"], guard=e.name))
    if e.kind in ("escalate", "no_escalate") and e.name:
        return tuple(library.why(request["intent"], request["context"], team=e.name))
    return ()


def run(library: Library | None, selection: Selection = Selection(), broken: Sequence[Broken] = ()) -> Report:
    """Run the selected examples and signal examples of the library's bundle (none when library is
    None: nothing compiled); `broken` names the files left out because they do not compile."""
    if library is None:
        return Report([], [], None, list(broken))
    bundle = library.bundle
    examples: list[Outcome] = []
    exercised: set[tuple] = set()
    for fw in bundle.frameworks:
        policy_of = {("guard", g.name): g.policy for g in fw.guards} | {("escalation", e.name): e.policy for e in fw.escalations}

        def key(kind: str, name: str, fw: Framework = fw, policy_of: dict = policy_of) -> tuple:
            policy = policy_of.get((kind, name))
            return (kind, "policy", policy, name) if policy else (kind, fw.intent, name)

        for example in fw.examples:
            if not selection.example(fw.intent, example.name):
                continue
            outcome = Outcome("example", fw.intent, example.name, example.location, checks=len(example.expect))
            request = example_request(fw, example)
            try:
                draft = library.draft(request["intent"], request["slots"], request["context"])
            except DraftError as err:
                outcome.failures.append(Failure(example.location, "a draft", f"the runtime refused the example: {err}"))
                examples.append(outcome)
                continue
            exercised.add(("reply", fw.intent, draft.reply.id))
            exercised.update(key("guard", g.name) for g in draft.guards)
            exercised.update(key("escalation", x.name) for x in draft.escalations)
            for e in example.expect:
                failure = _check(e, draft)
                if failure is not None:
                    outcome.failures.append(Failure(failure.location, failure.expected, failure.got, _why(library, request, e)))
            examples.append(outcome)
    signals: list[Outcome] = []
    for signal in bundle.signals:
        if not signal.examples or not selection.signal(signal.name):
            continue
        n = len(signal.examples)
        outcome = Outcome("signal", signal.name, f"{n} example{'s' if n != 1 else ''}", signal.location, checks=len(signal.examples))
        for ex in signal.examples:
            holds = library.signal_holds(signal.name, {"message": ex.message})
            if holds != ex.fires:
                verb = "fires" if ex.fires else "quiet"
                outcome.failures.append(Failure(ex.location, f"`{signal.name}` to {'fire' if ex.fires else 'stay quiet'} on {ex.message!r} ({verb})",
                                                "it fired" if holds else "it stayed quiet"))
        signals.append(outcome)
    if not selection.everything or broken:
        return Report(examples, signals, None, list(broken))
    not_exercised: list[str] = []
    seen: set[tuple] = set()
    for fw in bundle.frameworks:
        for r in fw.replies:
            if ("reply", fw.intent, r.id) not in exercised:
                not_exercised.append(f"reply {fw.intent} {r.id}")
        for kind, items in (("guard", fw.guards), ("escalation", fw.escalations)):
            for item in items:
                k = (kind, "policy", item.policy, item.name) if item.policy else (kind, fw.intent, item.name)
                if k in exercised or k in seen:
                    continue
                seen.add(k)
                label = f"policy {item.policy}" if item.policy else fw.intent
                team = f" → {item.team}" if kind == "escalation" else ""  # type: ignore[union-attr]
                not_exercised.append(f"{kind} {label} {item.name}{team}")
    return Report(examples, signals, not_exercised, list(broken))


# --- renderers ------------------------------------------------------------------------------------


def render_pretty(report: Report, *, quiet: bool = False) -> str:
    """One line per example (only failures and errors when quiet), then the summary."""
    lines: list[str] = []
    for b in report.broken:  # the errors themselves are `tactful check`'s to print (and JUnit's)
        n = len(b.errors)
        lines.append(f"ERROR {b.file}: does not compile ({n} error{'s' if n != 1 else ''}), so its examples did not run")
    for o in report.examples:
        if quiet and o.passed:
            continue
        lines.append(f"{'PASS' if o.passed else 'FAIL'}  {o.owner}: {o.name}  ({where(o.location)})")
        for f in o.failures:
            at = where(f.location)
            lines.append(f"      {at}: expected {f.expected}")
            lines.append(f"      {' ' * len(at)}       got {f.got}")
            lines.extend(f"        {w}" for w in f.why)
    for o in report.signals:
        if quiet and o.passed:
            continue
        lines.append(f"{'PASS' if o.passed else 'FAIL'}  signal {o.owner}: {o.name}  ({where(o.location)})")
        for f in o.failures:
            at = where(f.location)
            lines.append(f"      {at}: expected {f.expected}; {f.got}")
    ex_failed = sum(not o.passed for o in report.examples)
    sig_checks = sum(o.checks for o in report.signals)
    sig_failed = sum(len(o.failures) for o in report.signals)
    if lines:
        lines.append("")
    summary = (f"{len(report.examples)} examples: {len(report.examples) - ex_failed} passed, {ex_failed} failed. "
               f"{sig_checks} signal examples: {sig_checks - sig_failed} passed, {sig_failed} failed.")
    if report.broken:
        n = len(report.broken)
        summary += f" {n} file{'s' if n != 1 else ''} did not compile (run `tactful check` for the details)."
    lines.append(summary)
    if report.not_exercised:
        lines.append(f"Not exercised by any example ({len(report.not_exercised)}): " + "; ".join(report.not_exercised) + ".")
    elif report.not_exercised is not None:
        lines.append("Every reply, guard and escalation is exercised by an example.")
    return "\n".join(lines) + "\n"


def render_junit(report: Report) -> str:
    """JUnit XML for CI: a suite of sources (an error case per file that does not compile, when there
    are any), one of examples, one of signals; a testcase each. Always a valid document."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="tactful test")
    if report.broken:
        suite = ET.SubElement(root, "testsuite", name="tactful sources", tests=str(len(report.broken)),
                              failures="0", errors=str(len(report.broken)), skipped="0")
        for b in report.broken:
            case = ET.SubElement(suite, "testcase", classname="sources", name=b.file, file=b.file)
            first = b.errors[0] if b.errors else "it does not compile"
            error = ET.SubElement(case, "error", message=f"{b.file}:{first}", type="compile")
            error.text = "\n".join(f"{b.file}:{e}" for e in b.errors)
    for title, outcomes in (("examples", report.examples), ("signals", report.signals)):
        suite = ET.SubElement(root, "testsuite", name=f"tactful {title}", tests=str(len(outcomes)),
                              failures=str(sum(not o.passed for o in outcomes)), errors="0", skipped="0")
        for o in outcomes:
            case = ET.SubElement(suite, "testcase", classname=o.owner if o.kind == "example" else f"signal.{o.owner}",
                                 name=o.name, file=o.location.file, line=str(o.location.line))
            if o.failures:
                first = o.failures[0]
                failure = ET.SubElement(case, "failure", message=f"expected {first.expected}; got {first.got}", type="expectation")
                failure.text = "\n".join(
                    "\n".join([f"{where(f.location)}: expected {f.expected}; got {f.got}", *f.why])
                    for f in o.failures
                )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
