"""The eval report in four forms: pretty (rich tables, for a terminal), json (every figure, every miss
with its full trace), markdown (a pull-request comment) and junit (one test case per row, for CI).

Each renderer is a pure function of the report: no clock, no paths but the ones the user gave.
A miss shows the parts of its trace that explain it: the guard or escalation it expected or
forbade, the guards that held a draft that should have been sent, the replies for a `reply` label.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable

from tactful.evaluation.score import EvalReport, Outcome, Tally
from tactful.runtime.trace import format_trace

FORMATS = ("pretty", "json", "markdown", "junit")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _got(o: Outcome) -> str:
    g = o.got
    parts = ["SEND" if g["send_as_written"] else "HOLD"]
    parts.append("guards: " + (", ".join(g["guards"]) or "none"))
    parts.append("escalated to: " + (", ".join(g["escalations"]) or "none"))
    parts.append(f"reply {g['reply']}")
    if g["owner"]:
        parts.append(f"owner {g['owner']}")
    return "; ".join(parts)


def relevant_trace(o: Outcome) -> dict:
    """The part of a miss's trace that explains it (same shape as the trace's JSON form)."""
    trace = o.trace.to_dict()
    guards: set[str] = set()
    teams: set[str] = set()
    replies = False
    for c in o.missed:
        match c.kind:
            case "guard" | "no_guard":
                guards.add(c.name or "")
            case "escalate" | "no_escalate":
                teams.add(c.name or "")
            case "send_as_written":
                if c.name == "send":  # held: the guards that held are why
                    guards.update(g["name"] for g in trace["guards"] if g["held"])
                else:  # sent: the guards the row names, else all of them
                    named = set(o.row.expect.guards) if o.row.expect else set()
                    guards.update(named or {g["name"] for g in trace["guards"]})
            case "reply":
                replies = True
    return {
        "features": trace["features"],
        "guards": [g for g in trace["guards"] if g["name"] in guards],
        "escalations": [e for e in trace["escalations"] if e["team"] in teams],
        "replies": trace["replies"] if replies else [],
    }


def _why(o: Outcome) -> str:
    part = relevant_trace(o)
    text = format_trace(part)
    lines = [ln for ln in text.splitlines()[2:] if ln.strip() not in ("replies:",) and "none declared" not in ln]
    return "\n".join(lines)


def _tally_rows(table: dict[str, Tally]) -> list[tuple[str, ...]]:
    return [(name, str(t.support), str(t.tp), str(t.fp), str(t.fn), _pct(t.precision), _pct(t.recall))
            for name, t in sorted(table.items())]


def _summary_lines(r: EvalReport) -> list[str]:
    hs = r.hold_send
    scored = len(r.outcomes)
    passed = sum(not o.missed for o in r.outcomes)
    split = f", {r.split} half" if r.split else ""
    return [
        f"{scored} rows scored from {len(r.files)} file{'s' if len(r.files) != 1 else ''}{split} "
        f"({passed} met every expectation); {len(r.bad)} bad row{'s' if len(r.bad) != 1 else ''}.",
        f"Expectations met: {r.met} of {r.expectations} ({_pct(r.accuracy)}).",
        f"Hold/send: {hs.correct} of {hs.rows} right ({_pct(hs.accuracy)}); "
        f"false holds {hs.false_holds} of {hs.should_send} that should send ({_pct(hs.false_hold_rate)}); "
        f"false sends {hs.false_sends} of {hs.should_hold} that should hold ({_pct(hs.false_send_rate)}).",
    ]


# --- pretty ---------------------------------------------------------------------------------------


class _Page:
    """A plain-text report drawn with rich (colour only when asked): lines, and tables whose text
    columns (the first, unless `left` says otherwise) are left-aligned and the numbers right-aligned."""

    def __init__(self, width: int, color: bool, left: Callable[[int], bool] = lambda i: i == 0) -> None:
        from rich.console import Console

        self._out = io.StringIO()
        self._console = Console(file=self._out, width=width, force_terminal=color, no_color=not color,
                                highlight=False, emoji=False, color_system="standard" if color else None)
        self._left = left
        self._plain: list[str] = []  # unstyled lines not yet printed: one print for a run of them

    def say(self, text: str = "", style: str | None = None) -> None:
        if style is None:
            self._plain.append(text)
            return
        self._flush()
        self._console.print(text, style=style, markup=False, soft_wrap=True)

    def _flush(self) -> None:
        if self._plain:
            self._console.print("\n".join(self._plain), markup=False, soft_wrap=True)
            self._plain.clear()

    def table(self, title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        if not rows:
            return
        self._flush()
        from rich.table import Table

        t = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
        for i, h in enumerate(headers):
            t.add_column(h, justify="left" if self._left(i) else "right", no_wrap=i == 0)
        for row in rows:
            t.add_row(*row)
        self._console.print(t)
        self.say()

    def text(self) -> str:
        self._flush()
        return self._out.getvalue()


def render_pretty(r: EvalReport, *, color: bool = False, width: int = 110) -> str:
    page = _Page(width, color)
    say, table = page.say, page.table

    say(f"tactful eval · bundle {r.revision[:19]}", "bold")
    for line in _summary_lines(r):
        say(line)
    say()
    tally_headers = ("name", "support", "TP", "FP", "FN", "precision", "recall")
    table("Guards", tally_headers, _tally_rows(r.guards))
    table("Escalation teams", tally_headers, _tally_rows(r.teams))
    table("Signals", tally_headers, _tally_rows(r.signals))
    group_headers = ("", "rows", "rows passed", "expectations", "met", "accuracy")
    for title, groups in (("Intents", r.intents), ("Channels", r.channels)):
        table(title, group_headers, [(k, str(g.rows), str(g.rows_passed), str(g.expectations), str(g.met), _pct(g.accuracy))
                                     for k, g in sorted(groups.items())])
    misses = r.misses
    if misses:
        say(f"Misses ({len(misses)})", "bold")
        for o in misses:
            say()
            say(f"✗ {o.row.id}  {o.row.intent} · {o.row.channel}  ({o.row.file}:{o.row.line})", "bold red" if color else None)
            say(f"  message: {o.row.message}")
            for c in o.missed:
                say(f"  expected {c.expected}")
            say(f"  got      {_got(o)}")
            why = _why(o)
            if why:
                say("  why:")
                say("\n".join("  " + ln for ln in why.splitlines()))
        say()
    if r.bad:
        table(f"Bad rows ({len(r.bad)})", ("where", "id", "reason", "detail"),
              [(f"{b.file}:{b.line}", b.id or "", b.reason, b.detail) for b in r.bad])
    if r.unknown_labels:
        say(f"Labels naming a guard or team the framework does not have ({len(r.unknown_labels)}):", "bold")
        for u in r.unknown_labels:
            say(f"  {u['file']}:{u['line']} {u['id']}: {u['note']} ({u['intent']})")
        say()
    _gates(r, say)
    return page.text()


def _gates(r: EvalReport, say: Callable[[str], None]) -> None:
    for g in r.gates:
        actual = "—" if g.actual is None else f"{g.actual:.3f}"
        op = "≤" if g.name.startswith("max") else "≥"
        note = f" ({g.note})" if g.note else ""
        say(f"{'PASS' if g.passed else 'FAIL'}  {g.name}: {actual} {op} {g.limit}{note}")


# --- json -----------------------------------------------------------------------------------------


def render_json(r: EvalReport) -> str:
    """The report indented, its misses one a line: a miss carries its trace (a tree of every
    condition), which indented made the file several times larger and Python's pure encoder about
    4 s slower for 70 misses; json.dumps without indent uses the C encoder."""
    data = r.to_dict()
    misses = data.pop("misses")
    head = json.dumps(data, indent=2, ensure_ascii=False)
    if not misses:
        return head[:-2] + ',\n  "misses": []\n}\n'
    lines = ",\n".join("    " + json.dumps(m, ensure_ascii=False, separators=(",", ":")) for m in misses)
    return head[:-2] + ',\n  "misses": [\n' + lines + "\n  ]\n}\n"


# --- markdown -------------------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _numeric(text: str) -> bool:
    return text.replace(".", "", 1).replace("%", "").replace("—", "").replace("-", "", 1).isdigit() or text == "—"


def _md_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A Markdown table; columns of numbers are right-aligned."""
    right = [i > 0 and bool(rows) and all(_numeric(r[i]) for r in rows) for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if r else "---" for r in right) + "|"]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines + [""]


def render_markdown(r: EvalReport, *, max_misses: int = 50) -> str:
    lines = ["## tactful eval", ""]
    lines += [f"- {ln}" for ln in _summary_lines(r)]
    for g in r.gates:
        actual = "—" if g.actual is None else f"{g.actual:.3f}"
        lines.append(f"- {'✅' if g.passed else '❌'} `{g.name}`: {actual} (limit {g.limit})" + (f", {g.note}" if g.note else ""))
    lines.append("")
    tally_headers = ("name", "support", "TP", "FP", "FN", "precision", "recall")
    for title, table in (("Guards", r.guards), ("Escalation teams", r.teams), ("Signals", r.signals)):
        if table:
            lines += [f"### {title}", ""] + _md_table(tally_headers, _tally_rows(table))
    for title, groups in (("Intents", r.intents), ("Channels", r.channels)):
        if groups:
            lines += [f"### {title}", ""] + _md_table(
                ("", "rows", "passed", "expectations", "met", "accuracy"),
                [(k, str(g.rows), str(g.rows_passed), str(g.expectations), str(g.met), _pct(g.accuracy))
                 for k, g in sorted(groups.items())])
    misses = r.misses
    if misses:
        lines += [f"### Misses ({len(misses)})", ""]
        for o in misses[:max_misses]:
            expected = "; ".join(c.expected for c in o.missed)
            lines.append(f"<details><summary><code>{o.row.id}</code> {o.row.intent} · {o.row.channel}: expected {_md(expected)}</summary>")
            lines.append("")
            lines.append(f"> {_md(o.row.message)}")
            lines.append("")
            lines.append(f"Got: {_md(_got(o))} ({o.row.file}:{o.row.line})")
            lines.append("")
            lines += ["```text", _why(o), "```", "", "</details>", ""]
        if len(misses) > max_misses:
            lines += [f"… and {len(misses) - max_misses} more (run `tactful eval --format json` for every one).", ""]
    if r.bad:
        lines += [f"### Bad rows ({len(r.bad)})", ""] + _md_table(
            ("where", "id", "reason", "detail"), [(f"{b.file}:{b.line}", b.id or "", b.reason, b.detail) for b in r.bad])
    return "\n".join(lines).rstrip("\n") + "\n"


# --- junit ----------------------------------------------------------------------------------------


def render_junit(r: EvalReport) -> str:
    """One testsuite per intent, one testcase per row; a bad row is an error case; gates are a suite."""
    root = ET.Element("testsuites", name="tactful eval", tests=str(len(r.outcomes) + len(r.bad) + len(r.gates)),
                      failures=str(len(r.misses) + len(r.failed_gates)), errors=str(len(r.bad)))
    by_intent: dict[str, list[Outcome]] = {}
    for o in r.outcomes:
        by_intent.setdefault(o.row.intent, []).append(o)
    for intent, outcomes in sorted(by_intent.items()):
        suite = ET.SubElement(root, "testsuite", name=intent, tests=str(len(outcomes)),
                              failures=str(sum(bool(o.missed) for o in outcomes)), errors="0", skipped="0")
        for o in outcomes:
            case = ET.SubElement(suite, "testcase", classname=intent, name=o.row.id or f"line {o.row.line}",
                                 file=o.row.file, line=str(o.row.line))
            if o.missed:
                failure = ET.SubElement(case, "failure", type="expectation",
                                        message="expected " + "; ".join(c.expected for c in o.missed))
                failure.text = f"message: {o.row.message}\ngot: {_got(o)}\n{_why(o)}\n"
    if r.bad:
        suite = ET.SubElement(root, "testsuite", name="bad rows", tests=str(len(r.bad)), failures="0",
                              errors=str(len(r.bad)), skipped="0")
        for b in r.bad:
            case = ET.SubElement(suite, "testcase", classname="bad rows", name=b.id or f"{b.file}:{b.line}",
                                 file=b.file, line=str(b.line))
            ET.SubElement(case, "error", type=b.reason, message=b.detail)
    if r.gates:
        suite = ET.SubElement(root, "testsuite", name="gates", tests=str(len(r.gates)),
                              failures=str(len(r.failed_gates)), errors="0", skipped="0")
        for g in r.gates:
            case = ET.SubElement(suite, "testcase", classname="gates", name=g.name)
            if not g.passed:
                ET.SubElement(case, "failure", type="gate", message=f"{g.name}: {g.actual} against {g.limit} {g.note}".strip())
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render(r: EvalReport, fmt: str, *, color: bool = False) -> str:
    match fmt:
        case "pretty":
            return render_pretty(r, color=color)
        case "json":
            return render_json(r)
        case "markdown":
            return render_markdown(r)
        case "junit":
            return render_junit(r)
        case _:
            raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


# --- replay ---------------------------------------------------------------------------------------

REPLAY_FORMATS = ("pretty", "json", "markdown")


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _replay_headline(data: dict) -> list[str]:
    bundle = data["bundle"]["overall"]
    bad = data["bad"]["total"]
    lines = [
        f"{data['rows']} rows from {len(data['files'])} file{'s' if len(data['files']) != 1 else ''}: "
        f"{data['replayed']} replayed, {bad} bad.",
        f"Held {bundle['holds']} ({_pct(bundle['hold_rate'])}), sent {bundle['sends']} ({_pct(bundle['send_rate'])}), "
        f"escalated {bundle['escalated']} ({_pct(bundle['escalated_rate'])}).",
    ]
    against = data.get("against")
    if against:
        rows = data["replayed"] or 1
        holds = against["holds_delta"]
        verb = "holds" if holds >= 0 else "sends"
        said = [f"This change {verb} {abs(holds)} more draft{'s' if abs(holds) != 1 else ''} ({_signed_pct(holds / rows)})"]
        for team, delta in against["teams_delta"].items():
            said.append(f"escalates {abs(delta)} {'more' if delta > 0 else 'fewer'} to {team}")
        lines.append(", ".join(said) + f"; {against['changed']} rows ({_pct(against['changed_rate'])}) get another verdict.")
    return lines


def _signed_pct(x: float) -> str:
    return f"{'+' if x >= 0 else '−'}{abs(100 * x):.1f}%"


def _count_rows(table: dict) -> list[tuple[str, str, str]]:
    return [(name, str(v["count"]), _pct(v["rate"])) for name, v in table.items()]


def _bucket_rows(table: dict) -> list[tuple[str, ...]]:
    rows = []
    for name, b in table.items():
        top = ", ".join(f"{g} {v['count']}" for g, v in list(b["guards"].items())[:3]) or "—"
        teams = ", ".join(f"{t} {v['count']}" for t, v in b["teams"].items()) or "—"
        rows.append((name, str(b["rows"]), _pct(b["hold_rate"]), _pct(b["escalated_rate"]), top, teams))
    return rows


def _sample_line(s: dict) -> str:
    message = s["message"] if len(s["message"]) <= 160 else s["message"][:159] + "…"
    where = f"{s['file']}:{s['row']}"
    b = s["b"]
    after = "refused" if b is None else (
        f"{'SEND' if b['send_as_written'] else 'HOLD'} [{', '.join(b['guards']) or 'no guard'}]"
        f" → {', '.join(b['escalations']) or 'no escalation'}, {b['reply']}")
    a = s["a"]
    before = (f"{'SEND' if a['send_as_written'] else 'HOLD'} [{', '.join(a['guards']) or 'no guard'}]"
              f" → {', '.join(a['escalations']) or 'no escalation'}, {a['reply']}")
    return f"{s['intent']} · {s['channel']} ({where}): “{message}”  was {before}; now {after}"


def render_replay(report, fmt: str, *, color: bool = False, width: int = 110) -> str:
    data = report.to_dict()
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _replay_markdown(data)
    if fmt != "pretty":
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(REPLAY_FORMATS)}")
    page = _Page(width, color, left=lambda i: i == 0 or i >= 4)  # the samples' text columns
    say, table = page.say, page.table

    say(f"tactful replay · bundle {data['revision'][:19]}" + (f" against {data['against']['revision'][:19]}" if data.get("against") else ""), "bold")
    for line in _replay_headline(data):
        say(line)
    say()
    overall = data["bundle"]["overall"]
    table("Guards", ("guard", "held", "rate"), _count_rows(overall["guards"]))
    table("Escalations", ("team", "rows", "rate"), _count_rows(overall["teams"]))
    table("Replies", ("reply", "rows", "rate"), _count_rows(overall["replies"]))
    headers = ("", "rows", "held", "escalated", "top guards", "teams")
    table("Intents", headers, _bucket_rows(data["bundle"]["intents"]))
    table("Channels", headers, _bucket_rows(data["bundle"]["channels"]))
    against = data.get("against")
    if against:
        table("What changes", ("kind", "rows"), [(k, str(n)) for k, n in against["kinds"].items()])
        table("What changes, by intent", ("kind", "intent", "rows"),
              [(d["kind"], d["intent"], str(d["rows"])) for d in against["kinds_by_intent"]])
        for kind, samples in against["samples"].items():
            say(f"{kind}: {len(samples)} sample{'s' if len(samples) != 1 else ''}", "bold")
            for s in samples:
                say(f"  - {_sample_line(s)}")
        say()
    if data["bad"]["total"]:
        table("Bad rows", ("reason", "rows", "first rows"), [
            (reason, str(v["count"]), ", ".join(f"{r['file']}:{r['row']}" for r in v["rows"][:5]) + (" …" if v["count"] > 5 else ""))
            for reason, v in data["bad"]["reasons"].items()])
    return page.text()


def _replay_markdown(data: dict) -> str:
    lines = ["## tactful replay", ""] + [f"- {ln}" for ln in _replay_headline(data)] + [""]
    overall = data["bundle"]["overall"]
    against = data.get("against")
    if against:
        if against["kinds"]:
            lines += ["### What changes", ""] + _md_table(("kind", "rows"), [(k, str(n)) for k, n in against["kinds"].items()])
            lines += ["### By intent", ""] + _md_table(("kind", "intent", "rows"),
                                                       [(d["kind"], d["intent"], str(d["rows"])) for d in against["kinds_by_intent"]])
            lines += ["### Samples", ""]
            for kind, samples in against["samples"].items():
                lines.append(f"<details><summary>{_md(kind)}: {len(samples)} sample{'s' if len(samples) != 1 else ''}</summary>")
                lines.append("")
                lines += [f"- {_md(_sample_line(s))}" for s in samples]
                lines += ["", "</details>", ""]
        else:
            lines += ["No verdict changes.", ""]
        b = against["bundle"]["overall"]
        lines += ["### Before and after", ""] + _md_table(("", "before", "after"), [
            ("held", f"{overall['holds']} ({_pct(overall['hold_rate'])})", f"{b['holds']} ({_pct(b['hold_rate'])})"),
            ("escalated", f"{overall['escalated']} ({_pct(overall['escalated_rate'])})", f"{b['escalated']} ({_pct(b['escalated_rate'])})"),
            *[(f"to {t}", str(overall["teams"].get(t, {}).get("count", 0)), str(b["teams"].get(t, {}).get("count", 0)))
              for t in sorted(set(overall["teams"]) | set(b["teams"]))],
        ])
    else:
        lines += ["### Guards", ""] + _md_table(("guard", "held", "rate"), _count_rows(overall["guards"]))
        lines += ["### Escalations", ""] + _md_table(("team", "rows", "rate"), _count_rows(overall["teams"]))
        lines += ["### Intents", ""] + _md_table(("", "rows", "held", "escalated", "top guards", "teams"),
                                                 _bucket_rows(data["bundle"]["intents"]))
        lines += ["### Channels", ""] + _md_table(("", "rows", "held", "escalated", "top guards", "teams"),
                                                  _bucket_rows(data["bundle"]["channels"]))
    if data["bad"]["total"]:
        lines += [f"### Bad rows ({data['bad']['total']})", ""] + _md_table(("reason", "rows", "first rows"), [
            (reason, str(v["count"]), ", ".join(f"{r['file']}:{r['row']}" for r in v["rows"][:5]))
            for reason, v in data["bad"]["reasons"].items()])
    return "\n".join(lines).rstrip("\n") + "\n"
