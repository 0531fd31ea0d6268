"""The corpus and archive row format, and reading it from JSON Lines, CSV or Parquet.

One row is one customer message (`tactful eval --schema` prints the JSON Schema):

    {"id", "intent", "channel", "contact_count"?, "context"?: {field: value}, "message",
     "slots"?: {name: text}, "expect"?: {"send_as_written"?, "escalate"?, "no_escalate"?,
                                          "guards"?, "no_guards"?, "reply"?}}

A corpus row (labelled, `tactful eval`) needs `id` and `expect`; an archive row (`tactful replay`)
needs neither. Keys the format does not know (a `reason`, an export's own columns) are ignored, but a
misspelt key inside `expect` is a bad row: a label nobody checks is worse than none.

Decisions:
- Each row is validated alone. A row that cannot be used (not JSON, not UTF-8, a missing field, a
  wrong type, a duplicate id) becomes a BadRow with its file, line (row number for Parquet) and a
  stable reason slug; reading never stops for one. A file that cannot be read at all (missing, not
  a Parquet file, a CSV without the header) is a CorpusError, with the file and, when known, line.
- CSV: one column per top-level key; `context`, `slots` and `expect` hold JSON text; empty cells are
  absent. Parquet: the same columns, `context`/`slots`/`expect` as structs, maps or JSON text.
- The dev/test split (`split_of`) is the parity of the first byte of sha256(id): even is `dev`, odd
  is `test`. It depends on the id alone, so a row never changes half and nobody picks the halves.

This module imports neither the compiler nor the runtime's drafting code: other tools may read a
corpus the same way.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

EXPECT_LISTS = ("escalate", "no_escalate", "guards", "no_guards")
EXPECT_KEYS = ("send_as_written", *EXPECT_LISTS, "reply")
FORMATS = ("jsonl", "csv", "parquet")


class CorpusError(Exception):
    """A file that cannot be read at all. `file` and `line` (0 when not known) say where."""

    def __init__(self, file: str, message: str, line: int = 0):
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


@dataclass(frozen=True, slots=True)
class Expect:
    send_as_written: bool | None = None
    escalate: tuple[str, ...] = ()
    no_escalate: tuple[str, ...] = ()
    guards: tuple[str, ...] = ()
    no_guards: tuple[str, ...] = ()
    reply: str | None = None

    def to_dict(self) -> dict:
        out: dict[str, Any] = {}
        if self.send_as_written is not None:
            out["send_as_written"] = self.send_as_written
        for key in EXPECT_LISTS:
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        if self.reply is not None:
            out["reply"] = self.reply
        return out


class Row(NamedTuple):
    """One validated row (a named tuple: replay builds millions)."""

    id: str | None
    intent: str
    channel: str
    message: str
    contact_count: int | None
    context: Mapping[str, Any]  # other context fields (visibility, customer_tier, …)
    slots: Mapping[str, str]
    expect: Expect | None
    file: str
    line: int

    def request_context(self) -> dict[str, Any]:
        """The context Library.draft receives; the id, when there is one, is the seed."""
        context: dict[str, Any] = {"message": self.message, "channel": self.channel}
        if self.contact_count is not None:
            context["contact_count"] = self.contact_count
        context.update(self.context)
        if self.id is not None:
            context.setdefault("seed", self.id)
        return context


@dataclass(frozen=True, slots=True)
class BadRow:
    file: str
    line: int
    id: str | None
    reason: str  # a stable slug: not_json, invalid_utf8, not_an_object, missing_field, wrong_type, …
    detail: str

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "id": self.id, "reason": self.reason, "detail": self.detail}


@dataclass
class Corpus:
    rows: list[Row] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class Bad(Exception):
    """A row that cannot be used: why (a slug) and the details."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


# --- one row --------------------------------------------------------------------------------------


def _text(obj: Mapping, key: str, *, required: bool = True) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise Bad("missing_field", f"the row has no `{key}`")
        return None
    if not isinstance(value, str):
        raise Bad("wrong_type", f"`{key}` must be text, not {json.dumps(value, ensure_ascii=False)[:40]}")
    if required and not value.strip():
        raise Bad("missing_field", f"`{key}` is empty")
    return value


def _names(expect: Mapping, key: str) -> tuple[str, ...]:
    value = expect.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Bad("wrong_type", f"`expect.{key}` must be a list of names")
    return tuple(value)


def _mapping(obj: Mapping, key: str) -> dict:
    value = obj.get(key)
    if value is None:
        return {}
    if isinstance(value, str):  # CSV cells and Parquet string columns hold JSON text
        try:
            value = json.loads(value) if value.strip() else {}
        except json.JSONDecodeError as e:
            raise Bad("wrong_type", f"`{key}` is not a JSON object ({e.msg})") from None
    if isinstance(value, list) and all(isinstance(p, tuple) and len(p) == 2 for p in value):  # a Parquet map
        value = dict(value)
    if not isinstance(value, dict):
        raise Bad("wrong_type", f"`{key}` must be an object")
    return {k: v for k, v in value.items() if v is not None} if key != "expect" else value


def _expect(obj: Mapping) -> Expect:
    raw = _mapping(obj, "expect")
    unknown = sorted(k for k, v in raw.items() if k not in EXPECT_KEYS and v is not None)
    if unknown:
        raise Bad("unknown_expectation", f"`expect` has keys this format does not know: {', '.join(unknown)} "
                                         f"(known: {', '.join(EXPECT_KEYS)})")
    send = raw.get("send_as_written")
    if send is not None and not isinstance(send, bool):
        raise Bad("wrong_type", "`expect.send_as_written` must be true or false")
    reply = raw.get("reply")
    if reply is not None and (not isinstance(reply, str) or not reply.strip()):
        raise Bad("wrong_type", "`expect.reply` must be text (public, private, a reply id, or `private when …`)")
    expect = Expect(send, *(_names(raw, k) for k in EXPECT_LISTS), reply)
    if expect == Expect():
        raise Bad("missing_field", "`expect` holds no expectation")
    return expect


ARCHIVE_KEYS = ("id", "intent", "channel", "contact_count", "context", "message", "slots")  # what an archive row may hold
_SCALARS = frozenset({str, int, float, bool})


def _values_or_none(mapping: dict, classes: frozenset) -> dict | None:
    """The mapping without its None values (a Parquet struct's absent fields) when every other value
    is of one of the classes; None otherwise."""
    values = mapping.values()
    if all(v.__class__ in classes for v in values):
        return mapping
    if all(v is None or v.__class__ in classes for v in values):
        return {k: v for k, v in mapping.items() if v is not None}
    return None


def plain_row(row_id: object, intent: object, channel: object, message: object, count: object, context: object,
              slots: object, file: str, line: int) -> Row | None:
    """The common unlabelled row from its values (a record's, or one row of an archive's columns),
    checked in one expression; None sends it down parse_row's full path, which says what is wrong."""
    if not (
        intent.__class__ is str and channel.__class__ is str and message.__class__ is str
        and not intent.isspace() and intent and not channel.isspace() and channel and not message.isspace() and message
        and (count is None or (count.__class__ is int and count >= 1))
        and (row_id is None or (row_id.__class__ is str and row_id and not row_id.isspace()))
    ):
        return None
    if context is None:
        context = {}
    elif context.__class__ is not dict or (context := _values_or_none(context, _SCALARS)) is None:
        return None
    if slots is None:
        slots = {}
    elif slots.__class__ is not dict or (slots := _values_or_none(slots, _TEXT)) is None:
        return None
    return Row(row_id, intent, channel, message, count, context, slots, None, file, line)  # type: ignore[arg-type]


_TEXT = frozenset({str})


def _plain_row(obj: dict, file: str, line: int) -> Row | None:
    get = obj.get
    return plain_row(get("id"), get("intent"), get("channel"), get("message"), get("contact_count"), get("context"),
                     get("slots"), file, line)


def parse_row(obj: object, file: str, line: int, *, labelled: bool) -> Row:
    """A Row from one decoded record. Raises Bad."""
    if not labelled and obj.__class__ is dict:
        row = _plain_row(obj, file, line)  # type: ignore[arg-type]
        if row is not None:
            return row
    if not isinstance(obj, Mapping):
        raise Bad("not_an_object", f"expected a JSON object, found {type(obj).__name__}")
    row_id = obj.get("id")
    if isinstance(row_id, int) and not isinstance(row_id, bool):
        row_id = str(row_id)
    if labelled or row_id is not None:
        row_id = _text({"id": row_id}, "id", required=labelled)
    contact_count = obj.get("contact_count")
    if contact_count is not None:
        if isinstance(contact_count, float) and contact_count.is_integer():
            contact_count = int(contact_count)
        if isinstance(contact_count, str) and contact_count.strip().isdigit():
            contact_count = int(contact_count)
        if not isinstance(contact_count, int) or isinstance(contact_count, bool) or contact_count < 1:
            raise Bad("wrong_type", f"`contact_count` must be a whole number of 1 or more, not {contact_count!r}")
    context = _mapping(obj, "context")
    for key, value in context.items():
        if not isinstance(value, (str, int, float, bool)):
            raise Bad("wrong_type", f"context field `{key}` must be text, a number or true/false")
    slots = _mapping(obj, "slots")
    for key, value in slots.items():
        if not isinstance(value, str):
            raise Bad("wrong_type", f"slot `{key}` must be text")
    expect = None
    if labelled:
        if obj.get("expect") is None:
            raise Bad("missing_field", "the row has no `expect`")
        expect = _expect(obj)
    return Row(
        id=row_id,
        intent=_text(obj, "intent"),  # type: ignore[arg-type]
        channel=_text(obj, "channel"),  # type: ignore[arg-type]
        message=_text(obj, "message"),  # type: ignore[arg-type]
        contact_count=contact_count,
        context=context,
        slots=slots,
        expect=expect,
        file=file,
        line=line,
    )


def _id_of(obj: object) -> str | None:
    value = obj.get("id") if isinstance(obj, Mapping) else None
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


# --- records from files ---------------------------------------------------------------------------


def format_of(path: str | Path) -> str:
    """jsonl, csv or parquet, from the file name (.jsonl, .ndjson, .json, .csv, .parquet, .pq)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise CorpusError(str(path), "cannot tell the format from the file name: use .jsonl, .csv or .parquet")


def decode_line(raw: bytes) -> object:
    """One JSON Lines record. Raises Bad (invalid_utf8, not_json)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Bad("invalid_utf8", f"the line is not UTF-8 (byte {e.start + 1})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise Bad("not_json", f"the line is not JSON (column {e.colno}: {e.msg})") from None
    except RecursionError:
        raise Bad("not_json", "the line is nested too deeply") from None


def _jsonl(path: Path, name: str) -> Iterator[tuple[int, object]]:
    try:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, 1):
                if raw.strip():
                    try:
                        yield number, decode_line(raw)
                    except Bad as bad:
                        yield number, bad
    except OSError as e:
        raise CorpusError(name, f"cannot read the file: {e.strerror or e}") from None


def _csv(path: Path, name: str) -> Iterator[tuple[int, object]]:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CorpusError(name, f"cannot read the file: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise CorpusError(name, "the file is not UTF-8", line) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "message" not in reader.fieldnames:
        raise CorpusError(name, "a CSV corpus needs a header line with at least `message`, `intent` and `channel`", 1)
    try:
        for record in reader:
            yield reader.line_num, {k: v for k, v in record.items() if k is not None and v not in (None, "")}
    except csv.Error as e:
        raise CorpusError(name, f"the CSV is malformed: {e}", reader.line_num) from None


def _parquet(path: Path, name: str) -> Iterator[tuple[int, object]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        raise CorpusError(name, "reading Parquet needs pyarrow (pip install pyarrow)") from None
    number = 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=8192):
            for record in batch.to_pylist():
                number += 1
                yield number, record
    except OSError as e:
        raise CorpusError(name, f"cannot read the Parquet file: {e}", number) from None
    except Exception as e:  # noqa: BLE001 - pyarrow raises ArrowInvalid and friends for corrupt files
        raise CorpusError(name, f"the Parquet file is corrupt or truncated: {e}", number) from None


def records(path: str | Path) -> Iterator[tuple[int, object]]:
    """(line or row number, decoded record or Bad) for every record of a file. Raises CorpusError."""
    p, name = Path(path), str(path)
    if not p.is_file():
        raise CorpusError(name, "no such file")
    kind = format_of(p)
    reader = {"jsonl": _jsonl, "csv": _csv, "parquet": _parquet}[kind]
    return reader(p, name)


_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".parquet", ".pq")


def corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: a file as given; a folder's corpus files (by suffix, see format_of), in
    sorted order, its subfolders included, so `tactful eval frameworks/corpus` reads every family
    file. Raises CorpusError for a folder that holds none."""
    files: list[Path] = []
    for path in paths:
        p = Path(path)
        if not p.is_dir():
            files.append(p)
            continue
        found = sorted(f for f in p.rglob("*") if f.suffix.lower() in _SUFFIXES and f.is_file())
        if not found:
            raise CorpusError(str(path), "the folder holds no corpus file (.jsonl, .csv or .parquet)")
        files += found
    return files


def read_corpus(paths: Iterable[str | Path], *, labelled: bool = True) -> Corpus:
    """Every row of every file (a folder: its corpus files, see corpus_files), validated; ids must be
    unique across the files. Raises CorpusError."""
    corpus = Corpus()
    seen: dict[str, str] = {}
    for path in corpus_files(paths):
        name = str(path)
        corpus.files.append(name)
        for line, obj in records(path):
            if isinstance(obj, Bad):
                corpus.bad.append(BadRow(name, line, None, obj.reason, obj.detail))
                continue
            try:
                row = parse_row(obj, name, line, labelled=labelled)
            except Bad as bad:
                corpus.bad.append(BadRow(name, line, _id_of(obj), bad.reason, bad.detail))
                continue
            if row.id is not None:
                first = seen.get(row.id)
                if first is not None:
                    corpus.bad.append(BadRow(name, line, row.id, "duplicate_id", f"the id `{row.id}` is already used at {first}"))
                    continue
                seen[row.id] = f"{name}:{line}"
            corpus.rows.append(row)
    return corpus


# --- the split ------------------------------------------------------------------------------------


def split_of(row_id: str) -> str:
    """`dev` or `test`: the parity of the first byte of sha256(id, UTF-8)."""
    return "dev" if hashlib.sha256(row_id.encode("utf-8")).digest()[0] % 2 == 0 else "test"


# --- the JSON Schema ------------------------------------------------------------------------------


def corpus_schema() -> dict:
    """The JSON Schema of one corpus row (`tactful eval --schema`)."""
    names = {"type": "array", "items": {"type": "string", "minLength": 1}}
    scalar = {"type": ["string", "number", "boolean"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://tactful.dev/schema/corpus-row.json",
        "title": "A tactful corpus row",
        "description": "One labelled customer message, one per line of a JSON Lines file (or a row of CSV or "
                       "Parquet). Keys not listed here (such as `reason`) are allowed and ignored.",
        "type": "object",
        "required": ["id", "intent", "channel", "message", "expect"],
        "properties": {
            "id": {"type": "string", "minLength": 1, "description": "Unique and stable; it decides the row's half (--split)."},
            "intent": {"type": "string", "minLength": 1, "description": "The framework the message was routed to."},
            "channel": {"type": "string", "minLength": 1, "description": "A channel the bundle declares."},
            "contact_count": {"type": "integer", "minimum": 1, "description": "Contacts about this issue, this one included."},
            "context": {"type": "object", "additionalProperties": scalar,
                        "description": "Other context fields the bundle declares, e.g. visibility, customer_tier."},
            "message": {"type": "string", "minLength": 1, "description": "The customer's words."},
            "slots": {"type": "object", "additionalProperties": {"type": "string"},
                      "description": "Slot values; missing ones are filled from the slots' declared examples."},
            "expect": {
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                "properties": {
                    "send_as_written": {"type": "boolean", "description": "true: no guard may hold; false: some guard must."},
                    "escalate": {**names, "description": "Teams that must be involved: an escalation to the team, or the team owns the framework."},
                    "no_escalate": {**names, "description": "Teams that must not be escalated to."},
                    "guards": {**names, "description": "Guards that must hold."},
                    "no_guards": {**names, "description": "Guards that must stay quiet."},
                    "reply": {"type": "string", "minLength": 1,
                              "description": "`public` or `private` (the reply's visibility), a reply id such as "
                                             "`private.repeat_contact`, or `private when <condition as written>`."},
                },
            },
        },
    }
