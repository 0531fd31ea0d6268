"""A `scorer`'s weights file: where it is, and reading it into weights or a problem to report.

The file is JSON, written by `tactful train` (evaluation/train.py):

    {"tactful_scorer": 1, "label": "crisis", "unit": 16, "bias": -40, "weights": {"kill myself": 51, …},
     "suggested_at_least": 0.55, "trained_on": {…}}

`tactful_scorer` (the format, 1), `unit` (16: weights are whole sixteenths), `bias` and `weights`
are what the compiler reads; the rest is for people. The path in `weights "…"` is relative to the
folder of the `.tact` file that declares the scorer (the shipped stdlib's files are beside its
`.tact` files, in the package).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tactful.runtime.scorers import UNIT, WEIGHTS_FORMAT as FORMAT, scorer_problem
from tactful.semantics.loader import STDLIB_PREFIX, stdlib_dir
from tactful.syntax import ast



@dataclass(frozen=True, slots=True)
class Weights:
    bias: int
    weights: dict[str, int]
    label: str = ""  # for people, from the file: the corpus label, and what it was trained on
    trained_on: tuple[str, int] | None = None  # (digest, rows)


@dataclass(frozen=True, slots=True)
class WeightsProblem:
    message: str  # what is wrong, for the diagnostic's message
    hint: str


def weights_path(root: Path, decl: ast.ScorerDecl) -> Path:
    """The weights file a scorer names: relative to the folder of the file that declares it."""
    file = decl.span.file
    if file.startswith(STDLIB_PREFIX):
        folder = stdlib_dir() / Path(file[len(STDLIB_PREFIX):]).parent
    else:
        folder = (root / file).parent
    return folder / decl.weights.value


_TRAIN_HINT = "write it with `tactful train` (see the scorer reference), or fix the path in `weights`"


def read_weights(path: Path) -> Weights | WeightsProblem:
    """The weights of a scorer's file, or what is wrong with it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return WeightsProblem(f"the weights file `{path.name}` does not exist", _TRAIN_HINT)
    except OSError as e:
        return WeightsProblem(f"the weights file `{path.name}` cannot be read ({e.strerror or e})", _TRAIN_HINT)
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        return WeightsProblem(f"the weights file `{path.name}` is not UTF-8 text", _TRAIN_HINT)
    except json.JSONDecodeError as e:
        return WeightsProblem(f"the weights file `{path.name}` is not valid JSON (line {e.lineno}, column {e.colno}: "
                              f"{e.msg})", _TRAIN_HINT)
    except RecursionError:
        return WeightsProblem(f"the weights file `{path.name}` is nested too deeply to be weights", _TRAIN_HINT)
    if not isinstance(data, dict) or data.get("tactful_scorer") != FORMAT:
        return WeightsProblem(f"`{path.name}` is not a scorer's weights file (it needs `\"tactful_scorer\": {FORMAT}`)",
                              _TRAIN_HINT)
    if data.get("unit") != UNIT:
        return WeightsProblem(f"the weights file `{path.name}` has `unit` {data.get('unit')!r}, and weights are in "
                              f"{UNIT}ths", f"write the weights as whole {UNIT}ths with `\"unit\": {UNIT}` ({_TRAIN_HINT})")
    problem = scorer_problem(data)
    if problem is not None:
        return WeightsProblem(f"the weights file `{path.name}` is not valid: {problem}", _TRAIN_HINT)
    label = data.get("label")
    trained = data.get("trained_on")
    digest, rows = (trained.get("digest"), trained.get("rows")) if isinstance(trained, dict) else (None, None)
    return Weights(data["bias"], dict(sorted(data["weights"].items())), label if isinstance(label, str) else "",
                   (digest, rows) if isinstance(digest, str) and rows.__class__ is int else None)
