"""`tactful train`: a scorer's weights, learned from the dev half of a labelled corpus.

A scorer (runtime/scorers.py) is a logistic regression over a message's words and pairs of words.
Training, for one label (a guard name such as `crisis`):

- rows: the corpus's **dev** half only (split_of), in the order of their ids; the test half is
  never read, so `tactful eval --split test` still measures messages the scorer never saw; and,
  when the library is given (`library_examples`), its own examples: a signal's `fires` and `quiet`
  lines when the signal has the label's name, and a framework example's message (a positive when it
  expects the label's guard, a row that should send when it expects `send`);
- positives: rows whose `expect.guards` names the label; negatives: every other row, and a row that
  should be sent as written counts three times (a false hold is what the threshold is chosen against);
- features: those of at least two rows (`MIN_ROWS`); then AdaGrad over the rows in id order for a
  fixed number of epochs, with an L1 step that sets small weights to exactly 0 and a little L2;
- pruning: the `max_weights` weights of largest size are kept (`MAX_WEIGHTS` unless told), and every weight and the bias are
  rounded to whole sixteenths (runtime/scorers.py's UNIT); features whose weight rounds to 0 go;
- the operating point: the same training on four fifths of the rows (folds by a hash of the id),
  scored on the fifth left out, gives the lowest sum that holds at most `FALSE_HOLD_BUDGET` of the
  rows that should send (by default none: one unit above the highest score of such a row); the
  bias is moved by that sum, so that the score is 0.5 there. `scores at
  least 0.5` is the trained operating point; a lower number holds more messages (more recall, more
  false holds), a higher one fewer.

No randomness and a fixed order: the same corpus gives the same file, byte for byte (on one
platform: the arithmetic is IEEE doubles and the standard library's `exp`).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tactful.evaluation.corpus import BadRow, Row, split_of
from tactful.runtime.scorers import UNIT, WEIGHTS_FORMAT, features

EPOCHS = 30
RATE = 0.5
L1 = 0.02
L2 = 1e-3
SEND_WEIGHT = 3.0  # how much more a row that should send counts as a negative
MIN_ROWS = 2
# The L1 step leaves about 400 to 1000 weights on the shipped corpus's safety labels. A cap of 250 cost
# safety-class recall on the older test half, which the scorers never trained on (252 against 256 of
# 300 at a false-hold budget of 0, 263 against 273 at 0.005; on blind batch 14 no difference at 0);
# a cap of 5000 gave the same file as 1000.
MAX_WEIGHTS = 1000
FOLDS = 5
# Of the rows that should send, the share a scorer may hold (cross-validated on dev) at its operating
# point, unless told (`--false-hold-budget`): 0, no such row. The stdlib's safety scorers are trained
# with 0.0025 (recall is their policy; see stdlib/signals.tact).
FALSE_HOLD_BUDGET = 0.0


class TrainError(Exception):
    """The corpus cannot train this label (no dev row names it, or none is a negative)."""


@dataclass(frozen=True, slots=True)
class Trained:
    label: str
    rows: int
    positives: int
    bias: int
    weights: dict[str, int]
    suggested_at_least: float  # 0.5: the bias puts the operating point there
    corpus: str  # sha256 of what it was trained on (each row's id, features and label), "sha256:…"

    def to_json(self) -> str:
        """The weights file (semantics/scorers.py reads it): sorted keys, one feature a line."""
        data = {
            "tactful_scorer": WEIGHTS_FORMAT,
            "label": self.label,
            "unit": UNIT,
            "suggested_at_least": self.suggested_at_least,
            "trained_on": {"split": "dev", "rows": self.rows, "positives": self.positives, "digest": self.corpus},
            "bias": self.bias,
            "weights": dict(sorted(self.weights.items())),
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass(frozen=True, slots=True)
class _Example:
    id: str
    features: tuple[str, ...]  # sorted
    positive: bool
    sendable: bool


@dataclass(frozen=True, slots=True)
class LibraryExample:
    """A labelled message written in the library: `where` is its file and line."""

    where: str
    message: str
    guards: tuple[str, ...]  # the guards it must hold (a signal's `fires`: the signal's name)
    send: bool  # it must be sent as written (a signal's `quiet`, an example that expects `send`)
    signal: str | None = None  # a signal's fires/quiet line: it counts only for that label


def library_examples(paths: Iterable[str | Path]) -> list[LibraryExample]:
    """The labelled messages written in the `.tact` files under paths (files or folders): signals'
    `fires` and `quiet` lines, frameworks' examples. A file that does not parse gives what parsed."""
    from tactful.source import SourceFile
    from tactful.syntax import ast
    from tactful.syntax.parser import parse

    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.rglob("*.tact")) if p.is_dir() else [p])
    out: list[LibraryExample] = []
    for f in files:
        source = SourceFile(f.as_posix(), f.read_text(encoding="utf-8"))
        module, _ = parse(source)
        for e in module.entries:
            if isinstance(e, ast.SignalDecl):
                name = e.name.value
                out += [LibraryExample(f"{source.path}:{t.span.line}", t.value, (name,), False, name) for t in e.fires]
                out += [LibraryExample(f"{source.path}:{t.span.line}", t.value, (), True, name) for t in e.quiet]
            elif isinstance(e, ast.FrameworkDecl):
                for ex in e.of(ast.Example):
                    message = next((it.text.value for it in ex.items if isinstance(it, ast.ExMessage)), None)
                    expects = [it for it in ex.items if isinstance(it, ast.Expect)]
                    if message is None:
                        continue
                    guards = tuple(it.name.value for it in expects if it.kind == "guard" and it.name is not None)
                    out.append(LibraryExample(f"{source.path}:{ex.span.line}", message, guards,
                                              any(it.kind == "send" for it in expects)))
    return out


def training_examples(paths: Iterable[str | Path], corpus: Iterable[Row] = ()) -> tuple[list[LibraryExample], list[BadRow]]:
    """The rows of labelled training files (corpus rows in JSON Lines, CSV or Parquet; folders: the
    files in them), every row used: training material has no test half. A row that is not valid (as
    read_corpus finds it: a duplicate id among the training files too), or whose id a corpus row
    (`corpus`) has, is returned as a BadRow instead: a corpus folder given here by mistake would
    otherwise train on its test half."""
    from tactful.evaluation.corpus import read_corpus

    taken = {row.id: f"{row.file}:{row.line}" for row in corpus if row.id is not None}
    rows = read_corpus(paths)
    out: list[LibraryExample] = []
    bad = list(rows.bad)
    for row in rows.rows:
        first = taken.get(row.id) if row.id is not None else None
        if first is not None:
            bad.append(BadRow(row.file, row.line, row.id, "duplicate_id",
                              f"the id `{row.id}` is a corpus row's ({first}): training files hold rows of their own"))
        elif row.expect is not None:  # (read_corpus reads labelled rows: always)
            out.append(LibraryExample(f"{row.file}:{row.line}", row.message, row.expect.guards, bool(row.expect.send_as_written)))
    return out, bad


def _examples(rows: Iterable[Row], label: str, leave_out: frozenset[str],
              extra: Iterable[LibraryExample]) -> list[_Example]:
    out = []
    for row in rows:
        if row.id is None or row.expect is None or split_of(row.id) != "dev" or row.id in leave_out:
            continue
        out.append(_Example(row.id, tuple(sorted(features(row.message))), label in row.expect.guards,
                            bool(row.expect.send_as_written)))
    for x in extra:
        if x.signal is None or x.signal == label:
            out.append(_Example("library:" + x.where, tuple(sorted(features(x.message))), label in x.guards, x.send))
    out.sort(key=lambda e: e.id)
    return out


def _fit(examples: list[_Example], max_weights: int) -> tuple[int, dict[str, int]]:
    """(bias, weights) in units: AdaGrad with L1 and L2, pruned and rounded (see the module)."""
    rows_of = Counter(f for e in examples for f in e.features)
    vocabulary = {f for f, n in rows_of.items() if n >= MIN_ROWS}
    w: dict[str, float] = {}
    g2: dict[str, float] = {}
    bias, bias_g2 = 0.0, 0.0
    rows = [([f for f in e.features if f in vocabulary], 1.0 if e.positive else 0.0,
             SEND_WEIGHT if e.sendable and not e.positive else 1.0) for e in examples]
    for _ in range(EPOCHS):
        for feats, y, weight in rows:
            z = bias + sum(w.get(f, 0.0) for f in feats)
            z = max(-30.0, min(30.0, z))
            error = (1.0 / (1.0 + math.exp(-z)) - y) * weight
            for f in feats:
                old = w.get(f, 0.0)
                gradient = error + L2 * old
                g2[f] = g2.get(f, 0.0) + gradient * gradient
                step = RATE / math.sqrt(g2[f])
                moved = old - step * gradient
                w[f] = math.copysign(max(0.0, abs(moved) - step * L1), moved)
            bias_g2 += error * error
            bias -= RATE * error / math.sqrt(bias_g2)
    kept = sorted(((f, v) for f, v in w.items() if v), key=lambda fv: (-abs(fv[1]), fv[0]))[:max_weights]
    weights = {f: q for f, v in kept if (q := round(v * UNIT))}
    return round(bias * UNIT), weights


def _units(bias: int, weights: dict[str, int], e: _Example) -> int:
    return bias + sum(weights.get(f, 0) for f in e.features)


def _fold(row_id: str) -> int:
    return hashlib.sha256(("fold:" + row_id).encode()).digest()[0] % FOLDS


def _operating_point(examples: list[_Example], budget: float, max_weights: int) -> int:
    """The sum (units) of the module's docstring, from scores of rows each fold's model did not see."""
    sendable: list[int] = []
    for k in range(FOLDS):
        bias, weights = _fit([e for e in examples if _fold(e.id) != k], max_weights)
        sendable += [_units(bias, weights, e) for e in examples
                     if _fold(e.id) == k and e.sendable and not e.positive]
    if not sendable:
        return 0
    sendable.sort(reverse=True)
    allowed = int(budget * len(sendable))
    # one unit above the (allowed + 1)th highest sum of a row that should send
    return sendable[allowed] + 1 if allowed < len(sendable) else sendable[-1]


def _digest(examples: list[_Example], label: str) -> str:
    h = hashlib.sha256(label.encode() + b"\0")
    for e in examples:
        h.update(json.dumps([e.id, e.features, e.positive, e.sendable]).encode() + b"\0")
    return "sha256:" + h.hexdigest()


def train(rows: Iterable[Row], label: str, *, leave_out: Iterable[str] = (),
          library: Iterable[LibraryExample] = (), false_hold_budget: float = FALSE_HOLD_BUDGET,
          max_weights: int = MAX_WEIGHTS) -> Trained:
    """Learn the scorer of `label` from the dev half of the rows and the library's examples
    (`leave_out`: ids not to train on, to measure on them). Raises TrainError when there is no
    positive or no negative."""
    examples = _examples(rows, label, frozenset(leave_out), library)
    positives = sum(e.positive for e in examples)
    if not positives:
        raise TrainError(f"no row of the dev half (nor example) expects the guard `{label}`: nothing to learn from")
    if positives == len(examples):
        raise TrainError(f"every row of the dev half (and example) expects the guard `{label}`: nothing to tell it from")
    bias, weights = _fit(examples, max_weights)
    bias -= _operating_point(examples, false_hold_budget, max_weights)
    return Trained(label, len(examples), positives, bias, weights, 0.5, _digest(examples, label))
