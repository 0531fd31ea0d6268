"""Score a library on a labelled corpus: draft every row's verdict, check its `expect`; a row that
misses is drafted again with its trace, to say why.

What counts (the docs page, docs/evaluation.md, says the same for users):

- Each item of a row's `expect` is one expectation: `send_as_written`, each team of `escalate` and
  `no_escalate`, each guard of `guards` and `no_guards`, and `reply`. The headline is the share of
  expectations met.
- `escalate X` is met when the draft escalates to X or X owns the framework; `no_escalate X` when
  the draft does not escalate to X.
- Hold/send: over rows with `send_as_written`; a false hold is a row that should send and was held,
  a false send one that should hold and was sent. The false-hold *rate* (`--max-false-holds`) is
  false holds over the rows that should send.
- Per guard and per team: a row is a positive for a guard when `guards` names it and a negative when
  `no_guards` names it or the row should be sent as written (then no guard may hold); for a team,
  `escalate` and `no_escalate`. Rows that say nothing about a name do not count for it. Precision is
  TP/(TP+FP), recall TP/(TP+FN), support the positives.
- Per signal: a signal is labelled through the guards and escalations that are exactly that signal
  (`guard shouting`, `escalate legal when legal_threat`): a row expecting such a guard (or the only
  escalation to an expected team that does not own the framework) is a positive for the signal, a
  row that forbids it a negative. Whether the signal held is read off the draft: the guard or
  escalation whose condition is exactly the signal held exactly when the signal did.
- Only a row that misses gets a trace (the draft again, with trace=True): a trace reads every
  condition of the framework a second time and records what matched, several times the cost of the
  draft, and only a miss shows it.
- Slots the row does not give are filled with the slots' declared examples, as `tactful draft
  --example-slots` does. A row the runtime refuses (unknown intent, a context field the bundle does
  not declare, a slot that fails its pattern …) is a bad row with its reason, never a crash.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from tactful.evaluation.corpus import BadRow, Corpus, Row, split_of
from tactful.runtime.bundle import Framework, SignalRef
from tactful.runtime.draft import Draft, Verdict
from tactful.runtime.errors import DraftError
from tactful.runtime.types import close_matches
from tactful.runtime.examples import with_example_slots
from tactful.runtime.library import Library
from tactful.runtime.trace import Trace


@dataclass(frozen=True, slots=True)
class Check:
    """One expectation of one row, and whether the draft met it."""

    kind: str  # send_as_written | escalate | no_escalate | guard | no_guard | reply
    name: str | None
    met: bool
    expected: str  # in words: "guard `sarcasm` to hold"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "met": self.met, "expected": self.expected}


@dataclass(frozen=True, slots=True)
class Outcome:
    """One row, drafted and checked."""

    row: Row
    checks: tuple[Check, ...]
    got: dict[str, Any]  # send_as_written, guards, escalations (teams), reply, owner
    trace: Trace | None  # why, for a row that missed; None for a row that met every expectation

    @property
    def missed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.met)


@dataclass
class Tally:
    """Confusion counts for one guard, team or signal."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, got: bool) -> None:
        if expected:
            if got:
                self.tp += 1
            else:
                self.fn += 1
        elif got:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None

    def to_dict(self) -> dict:
        return {"support": self.support, "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
                "precision": self.precision, "recall": self.recall}


@dataclass
class Group:
    """Rows and expectations of one intent or one channel."""

    rows: int = 0
    rows_passed: int = 0
    expectations: int = 0
    met: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.met / self.expectations if self.expectations else None

    def to_dict(self) -> dict:
        return {"rows": self.rows, "rows_passed": self.rows_passed, "expectations": self.expectations,
                "met": self.met, "accuracy": self.accuracy}


@dataclass
class HoldSend:
    rows: int = 0
    correct: int = 0
    should_send: int = 0
    should_hold: int = 0
    false_holds: int = 0
    false_sends: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.rows if self.rows else None

    @property
    def false_hold_rate(self) -> float | None:
        return self.false_holds / self.should_send if self.should_send else None

    @property
    def false_send_rate(self) -> float | None:
        return self.false_sends / self.should_hold if self.should_hold else None

    def to_dict(self) -> dict:
        return {"rows": self.rows, "correct": self.correct, "accuracy": self.accuracy,
                "should_send": self.should_send, "should_hold": self.should_hold,
                "false_holds": self.false_holds, "false_hold_rate": self.false_hold_rate,
                "false_sends": self.false_sends, "false_send_rate": self.false_send_rate}


@dataclass(frozen=True, slots=True)
class Gate:
    name: str  # "min-accuracy", "min-recall legal_review", "max-false-holds"
    limit: float
    actual: float | None
    passed: bool
    note: str = ""

    def to_dict(self) -> dict:
        return {"gate": self.name, "limit": self.limit, "actual": self.actual, "passed": self.passed, "note": self.note}


@dataclass
class EvalReport:
    revision: str
    split: str | None
    files: list[str]
    rows_read: int = 0  # rows of the files, good and bad, before the split
    outcomes: list[Outcome] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    expectations: int = 0
    met: int = 0
    hold_send: HoldSend = field(default_factory=HoldSend)
    guards: dict[str, Tally] = field(default_factory=dict)
    teams: dict[str, Tally] = field(default_factory=dict)
    signals: dict[str, Tally] = field(default_factory=dict)
    intents: dict[str, Group] = field(default_factory=dict)
    channels: dict[str, Group] = field(default_factory=dict)
    unknown_labels: list[dict] = field(default_factory=list)  # labels naming a guard or team the framework lacks
    gates: list[Gate] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return self.met / self.expectations if self.expectations else None

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.missed]

    @property
    def failed_gates(self) -> list[Gate]:
        return [g for g in self.gates if not g.passed]

    def to_dict(self) -> dict:
        return {
            "revision": self.revision,
            "split": self.split,
            "files": list(self.files),
            "rows": {"read": self.rows_read, "scored": len(self.outcomes), "bad": len(self.bad),
                     "passed": sum(not o.missed for o in self.outcomes)},
            "expectations": {"total": self.expectations, "met": self.met, "accuracy": self.accuracy},
            "hold_send": self.hold_send.to_dict(),
            "guards": {k: v.to_dict() for k, v in sorted(self.guards.items())},
            "teams": {k: v.to_dict() for k, v in sorted(self.teams.items())},
            "signals": {k: v.to_dict() for k, v in sorted(self.signals.items())},
            "intents": {k: v.to_dict() for k, v in sorted(self.intents.items())},
            "channels": {k: v.to_dict() for k, v in sorted(self.channels.items())},
            "misses": [miss_dict(o) for o in self.misses],
            "bad_rows": [b.to_dict() for b in self.bad],
            "unknown_labels": list(self.unknown_labels),
            "gates": [g.to_dict() for g in self.gates],
        }


def miss_dict(o: Outcome) -> dict:
    return {
        "id": o.row.id, "file": o.row.file, "line": o.row.line, "intent": o.row.intent, "channel": o.row.channel,
        "message": o.row.message, "expected": [c.to_dict() for c in o.missed], "got": dict(o.got),
        "trace": o.trace.to_dict() if o.trace is not None else None,
    }


# --- scoring --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a framework's guards and escalations are, for labels: computed once per framework."""

    guards: frozenset[str]
    teams: frozenset[str]
    guard_signal: Mapping[str, str]  # guard -> the signal it is exactly
    team_signals: Mapping[str, tuple[str, ...]]  # team -> signals of its escalations that are exactly a signal
    team_only_signal: Mapping[str, str]  # team -> the signal of its only escalation, when that is exactly a signal
    # signal -> the guards and the escalations (by name) whose condition is exactly it: the signal held
    # exactly when one of them did. Only uniquely named ones (the compiler allows no other, T1504).
    signal_guards: Mapping[str, frozenset[str]]
    signal_escalations: Mapping[str, frozenset[str]]


def _exactly(items, names: Counter) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for item in items:
        if isinstance(item.when, SignalRef) and names[item.name] == 1:
            found[item.when.name].add(item.name)
    return {signal: frozenset(named) for signal, named in found.items()}


def _plan(fw: Framework) -> _Plan:
    team_escalations: dict[str, list] = defaultdict(list)
    for e in fw.escalations:
        team_escalations[e.team].append(e)
    return _Plan(
        signal_guards=_exactly(fw.guards, Counter(g.name for g in fw.guards)),
        signal_escalations=_exactly(fw.escalations, Counter(e.name for e in fw.escalations)),
        guards=frozenset(g.name for g in fw.guards),
        teams=frozenset(team_escalations) | ({fw.owner} if fw.owner else set()),
        guard_signal={g.name: g.when.name for g in fw.guards if isinstance(g.when, SignalRef)},
        team_signals={t: tuple(e.when.name for e in es if isinstance(e.when, SignalRef)) for t, es in team_escalations.items()},
        team_only_signal={t: es[0].when.name for t, es in team_escalations.items()
                          if len(es) == 1 and isinstance(es[0].when, SignalRef)},
    )


def _reply_met(want: str, reply) -> bool:
    if want in ("public", "private"):
        return reply.visibility == want
    visibility, sep, when = want.partition(" when ")
    if sep:
        return reply.visibility == visibility.strip() and (reply.when or "").strip() == when.strip()
    return reply.id == want


def evaluate(library: Library, corpus: Corpus, *, split: str | None = None) -> EvalReport:
    """Draft and score every row of the corpus (only the rows of `split`, `dev` or `test`, when given)."""
    report = EvalReport(library.revision, split, list(corpus.files))
    report.rows_read = len(corpus.rows) + len(corpus.bad)
    report.bad.extend(b for b in corpus.bad if split is None or b.id is None or split_of(b.id) == split)
    plans: dict[str, _Plan] = {}
    known_teams = {t.name for t in library.bundle.teams}
    for row in corpus.rows:
        if split is not None and split_of(row.id or "") != split:
            continue
        if row.intent not in library.intents:
            close = close_matches(row.intent, library.intents)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            report.bad.append(BadRow(row.file, row.line, row.id, "unknown_intent",
                                     f"the bundle has no framework for `{row.intent}`{hint}"))
            continue
        fw = library.framework(row.intent)
        slots = with_example_slots(library, row.intent, row.slots)
        context = row.request_context()
        try:
            verdict = library.verdict(row.intent, slots, context)
        except DraftError as e:
            report.bad.append(BadRow(row.file, row.line, row.id, e.kind, str(e)))
            continue
        plan = plans.get(row.intent)
        if plan is None:
            plan = plans[row.intent] = _plan(fw)
        outcome = _score(row, verdict, fw, plan, report, known_teams,
                         partial(library.draft, row.intent, slots, context, trace=True))
        report.outcomes.append(outcome)
    return report


def _score(row: Row, verdict: Verdict, fw: Framework, plan: _Plan, report: EvalReport, known_teams: set[str],
           redraft: Callable[[], Draft]) -> Outcome:
    """Check one row's verdict against its `expect` and count it; `redraft()` drafts the row again with
    its trace (for a row that misses, or to read a signal the verdict does not show)."""
    expect = row.expect
    assert expect is not None
    held = [g.name for g in verdict.guards]
    teams = [e.team for e in verdict.escalations]
    sent = verdict.send_as_written
    checks: list[Check] = []

    def unknown(kind: str, name: str) -> None:
        if name not in (plan.guards if kind == "guard" else plan.teams):
            where = "the framework has no guard" if kind == "guard" else (
                "the bundle has no team" if name not in known_teams else "the framework neither escalates to nor is owned by")
            report.unknown_labels.append({"id": row.id, "file": row.file, "line": row.line, "intent": row.intent,
                                          "kind": kind, "name": name, "note": f"{where} `{name}`"})

    if expect.send_as_written is not None:
        want = expect.send_as_written
        checks.append(Check("send_as_written", "send" if want else "hold", sent == want,
                            "the draft to be sendable as written" if want else "the draft to be held"))
        hs = report.hold_send
        hs.rows += 1
        hs.correct += sent == want
        if want:
            hs.should_send += 1
            hs.false_holds += not sent
        else:
            hs.should_hold += 1
            hs.false_sends += sent
    for team in expect.escalate:
        unknown("team", team)
        checks.append(Check("escalate", team, team in teams or fw.owner == team, f"an escalation to `{team}`"))
    for team in expect.no_escalate:
        unknown("team", team)
        checks.append(Check("no_escalate", team, team not in teams, f"no escalation to `{team}`"))
    for guard in expect.guards:
        unknown("guard", guard)
        checks.append(Check("guard", guard, guard in held, f"guard `{guard}` to hold"))
    for guard in expect.no_guards:
        unknown("guard", guard)
        checks.append(Check("no_guard", guard, guard not in held, f"guard `{guard}` not to hold"))
    if expect.reply is not None:
        checks.append(Check("reply", expect.reply, _reply_met(expect.reply, verdict.reply), f"reply `{expect.reply}`"))

    # per guard, team and signal
    guard_labels: dict[str, bool] = {}
    if expect.send_as_written:
        guard_labels.update(dict.fromkeys(plan.guards, False))
    guard_labels.update(dict.fromkeys(expect.no_guards, False))
    guard_labels.update(dict.fromkeys(expect.guards, True))
    for name, want in guard_labels.items():
        report.guards.setdefault(name, Tally()).add(want, name in held)
    team_labels = dict.fromkeys(expect.no_escalate, False) | dict.fromkeys(expect.escalate, True)
    for name, want in team_labels.items():
        report.teams.setdefault(name, Tally()).add(want, name in teams or (want and fw.owner == name))
    signal_labels: dict[str, bool] = {}
    for name, want in guard_labels.items():
        if not want and name in plan.guard_signal:
            signal_labels[plan.guard_signal[name]] = False
    for name in expect.no_escalate:
        signal_labels.update(dict.fromkeys(plan.team_signals.get(name, ()), False))
    for name, want in guard_labels.items():
        if want and name in plan.guard_signal:
            signal_labels[plan.guard_signal[name]] = True
    for name in expect.escalate:
        if fw.owner != name and name in plan.team_only_signal:
            signal_labels[plan.team_only_signal[name]] = True
    traced: Trace | None = None
    if signal_labels:
        escalated = {e.name for e in verdict.escalations}
        fired: dict[str, bool] = {}
        for name in signal_labels:
            by_guard, by_escalation = plan.signal_guards.get(name), plan.signal_escalations.get(name)
            if by_guard or by_escalation:
                fired[name] = bool(by_guard and not by_guard.isdisjoint(held)) or bool(
                    by_escalation and not by_escalation.isdisjoint(escalated))
            else:  # labelled through an item the verdict cannot name (a bundle with duplicate names)
                traced = traced or redraft().trace
                fired[name] = traced is not None and traced.signals().get(name, False)
        for name, want in signal_labels.items():
            report.signals.setdefault(name, Tally()).add(want, fired[name])

    met = sum(c.met for c in checks)
    report.expectations += len(checks)
    report.met += met
    for groups, key in ((report.intents, row.intent), (report.channels, row.channel)):
        g = groups.setdefault(key, Group())
        g.rows += 1
        g.rows_passed += met == len(checks)
        g.expectations += len(checks)
        g.met += met
    got = {
        "send_as_written": sent,
        "guards": held,
        "escalations": teams,
        "reply": verdict.reply.id,
        "owner": fw.owner,
    }
    if met < len(checks) and traced is None:
        traced = redraft().trace
    return Outcome(row, tuple(checks), got, traced if met < len(checks) else None)


# --- gates ----------------------------------------------------------------------------------------


def apply_gates(
    report: EvalReport,
    *,
    min_accuracy: float | None = None,
    min_recall: Mapping[str, float] | Iterable[tuple[str, float]] = (),
    max_false_holds: float | None = None,
) -> list[Gate]:
    """Check the gates, store them on the report and return them. A recall gate on a name that no
    row labels as a positive fails: nothing shows that the guard or team is caught."""
    gates: list[Gate] = []
    if min_accuracy is not None:
        actual = report.accuracy
        gates.append(Gate("min-accuracy", min_accuracy, actual, actual is not None and actual >= min_accuracy,
                          "" if actual is not None else "no expectations were scored"))
    pairs = min_recall.items() if isinstance(min_recall, Mapping) else min_recall
    for name, limit in pairs:
        tallies = [(kind, t) for kind, table in (("guard", report.guards), ("team", report.teams),
                                                   ("signal", report.signals)) if (t := table.get(name)) is not None]
        if not tallies or all(t.support == 0 for _, t in tallies):
            gates.append(Gate(f"min-recall {name}", limit, None, False,
                              f"no row expects `{name}` (a guard, team or signal) to hold"))
            continue
        for kind, t in tallies:
            if t.support:
                gates.append(Gate(f"min-recall {name}", limit, t.recall, (t.recall or 0.0) >= limit, f"{kind}, support {t.support}"))
    if max_false_holds is not None:
        rate = report.hold_send.false_hold_rate
        gates.append(Gate("max-false-holds", max_false_holds, rate, rate is None or rate <= max_false_holds,
                          f"{report.hold_send.false_holds} of {report.hold_send.should_send} rows that should send"))
    report.gates = gates
    return gates


def run_eval(
    library: Library,
    paths: Iterable[str],
    *,
    split: str | None = None,
    min_accuracy: float | None = None,
    min_recall: Mapping[str, float] | Iterable[tuple[str, float]] = (),
    max_false_holds: float | None = None,
) -> EvalReport:
    """`tactful eval`: read the corpus files, score them, check the gates. Raises CorpusError."""
    from tactful.evaluation.corpus import read_corpus

    report = evaluate(library, read_corpus(paths), split=split)
    apply_gates(report, min_accuracy=min_accuracy, min_recall=min_recall, max_false_holds=max_false_holds)
    return report
