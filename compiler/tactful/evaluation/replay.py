"""Replay unlabelled traffic through a bundle (`tactful replay`): count what the library does, and what
a second bundle would do differently.

The work is cut into chunks that the driver plans without reading rows: a run of Arrow batches of
one Parquet row group, or a byte range of a JSON Lines file that starts and ends on a line boundary
(the driver counts the newlines, so every chunk knows the line number of its first row). One
per-chunk function (`Replayer.chunk`) reads its chunk in Arrow batches or lines, drafts each row's
verdict (`Library.verdict`: the draft's decisions without rendering its text) and returns `Counts`,
which merge associatively. Memory is bounded by the chunk (at most 65,536 rows, or 4 MiB of lines),
never the file.

Chunks are small enough for every worker to get several (`PIECES_PER_JOB`): a worker takes the
next chunk when it finishes one, so the workers finish together even when a file has a few big row
groups (a 5-million-row file written with pyarrow's defaults has five). A Parquet chunk reads only
the columns a row may hold (an export's other columns, a transcript say, are never decoded), and
converts them to Python column by column; the common row is checked on one fast path
(corpus.plain_row) and only a row that fails it is looked at key by key, to say what is wrong.

Engines run the same function:
- `embedded`: in this process (`jobs=1`) or on a `concurrent.futures.ProcessPoolExecutor` of `jobs`
  spawned worker processes, each with its own Library.
- `ray`: a Ray Data pipeline, `from_items(chunks) → map_batches(Replayer, one chunk a batch) →
  merge`, on the cluster at `ray_address` (or RAY_ADDRESS, or a local Ray). Each chunk is read by the
  worker that replays it, so the files must be readable where the workers run. Ray's own readers
  (`read_parquet`, `read_json`) are not used: they do not say which row of which file a record came
  from, and `read_json` stops at the first malformed line, while a bad row must be reported with
  its row number and the run must go on.

Because chunks, rows and samples are ordered by (file, row), both engines give identical results on
the same input. Rows: see tactful.evaluation.corpus (an archive row needs no `id` and no `expect`).
Slots a row does not give are filled with the slots' declared examples. A row that cannot be replayed
is counted per reason (the corpus reader's reasons, and the runtime's: unknown_intent,
invalid_slots, invalid_context, unknown_context_fields, missing_slots, no_reply) with its first row
numbers; an unreadable or truncated file is a ReplayError.
"""

from __future__ import annotations

import heapq
import json
import multiprocessing
import os
import pickle
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tactful.evaluation.corpus import ARCHIVE_KEYS, Bad, CorpusError, Row, decode_line, format_of, parse_row, plain_row
from tactful.runtime.draft import Verdict
from tactful.runtime.errors import DraftError
from tactful.runtime.library import Library, load_bundle, load_library

SAMPLES = 5  # messages kept per kind of difference
BAD_ROWS_KEPT = 20  # row numbers kept per reason of a bad row
CHUNK_BYTES = 4 << 20  # the largest JSON Lines chunk
MIN_CHUNK_BYTES = 256 << 10  # the smallest, unless a caller asks for smaller
BATCH_ROWS = 8192  # Arrow batch size within a Parquet row group
CHUNK_ROWS = 8 * BATCH_ROWS  # the largest Parquet chunk; the smallest is one batch
PIECES_PER_JOB = 8  # chunks per worker, when the archive is big enough


class ReplayError(Exception):
    """An archive that cannot be read (missing, not Parquet, truncated); says which file and where."""


# --- planning -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chunk:
    file_index: int
    file: str
    kind: str  # jsonl | parquet
    first_row: int  # line (jsonl) or row (parquet) number of the chunk's first row, from 1
    rows: int  # lines (blank ones included) or rows
    start: int  # jsonl: first byte; parquet: the row group
    stop: int  # jsonl: byte after the last; parquet: unused
    skip: int = 0  # parquet: rows of the row group before the chunk's first


def _plan_jsonl(index: int, path: Path, name: str, chunk_bytes: int) -> list[Chunk]:
    chunks = []
    with path.open("rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size:
            fh.seek(size - 1)
            if fh.read(1) != b"\n":  # a last line without its newline must at least be a whole record
                fh.seek(max(0, size - (1 << 20)))
                tail = fh.read().rsplit(b"\n", 1)[-1]
                try:
                    decode_line(tail)
                except Bad:
                    raise ReplayError(f"{name}: the file ends in the middle of a row (truncated?)") from None
        pos, line = 0, 1
        while pos < size:
            fh.seek(min(pos + chunk_bytes, size))
            if fh.tell() < size:
                fh.readline()
            stop = fh.tell()
            fh.seek(pos)
            lines, left = 0, stop - pos
            while left:
                block = fh.read(min(left, 1 << 20))
                lines += block.count(b"\n")
                left -= len(block)
            if stop == size and not (size and _ends_with_newline(fh, size)):
                lines += 1
            chunks.append(Chunk(index, name, "jsonl", line, lines, pos, stop))
            line += lines
            pos = stop
    return chunks


def _ends_with_newline(fh, size: int) -> bool:
    fh.seek(size - 1)
    return fh.read(1) == b"\n"


def _row_groups(path: Path, name: str) -> list[int]:
    """The number of rows of each row group of a Parquet file. Raises ReplayError."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as e:  # noqa: BLE001 - pyarrow raises ArrowInvalid and OSError for corrupt files
        raise ReplayError(f"{name}: not a readable Parquet file ({e})") from None
    return [meta.row_group(group).num_rows for group in range(meta.num_row_groups)]


def _plan_parquet(index: int, name: str, groups: list[int], chunk_rows: int) -> list[Chunk]:
    chunks, row = [], 1
    for group, rows in enumerate(groups):
        for skip in range(0, rows, chunk_rows):
            n = min(chunk_rows, rows - skip)
            chunks.append(Chunk(index, name, "parquet", row, n, group, 0, skip))
            row += n
    return chunks


def plan(paths: Sequence[str | Path], *, chunk_bytes: int | None = None, chunk_rows: int | None = None,
         pieces: int = 1) -> list[Chunk]:
    """The chunks of every archive, in order: at most `chunk_bytes` of JSON Lines or `chunk_rows`
    rows of one Parquet row group each; by default sized to give at least `pieces` chunks of each
    kind (within MIN_CHUNK_BYTES…CHUNK_BYTES and BATCH_ROWS…CHUNK_ROWS). Raises ReplayError."""
    files: list[tuple[int, Path, str, str]] = []
    for index, path in enumerate(paths):
        p, name = Path(path), str(path)
        if not p.is_file():
            raise ReplayError(f"{name}: no such file")
        try:
            kind = format_of(p)
        except CorpusError as e:
            raise ReplayError(str(e)) from None
        if kind == "csv":
            raise ReplayError(f"{name}: replay reads JSON Lines or Parquet archives")
        files.append((index, p, name, kind))
    groups = {index: _row_groups(p, name) for index, p, name, kind in files if kind == "parquet"}
    if chunk_bytes is None:
        size = sum(p.stat().st_size for _, p, _, kind in files if kind == "jsonl")
        chunk_bytes = min(CHUNK_BYTES, max(MIN_CHUNK_BYTES, size // max(1, pieces)))
    if chunk_rows is None:
        rows = -(-sum(map(sum, groups.values())) // max(1, pieces))
        chunk_rows = min(CHUNK_ROWS, max(BATCH_ROWS, -(-rows // BATCH_ROWS) * BATCH_ROWS))  # whole batches
    chunks: list[Chunk] = []
    for index, p, name, kind in files:
        try:
            chunks += (_plan_jsonl(index, p, name, chunk_bytes) if kind == "jsonl"
                       else _plan_parquet(index, name, groups[index], chunk_rows))
        except OSError as e:
            raise ReplayError(f"{name}: cannot read the file: {e.strerror or e}") from None
    return chunks


def _rows(chunk: Chunk) -> Iterator[tuple[int, Row | Bad]]:
    """(row number, Row or why it is bad) for every row of a chunk; blank lines are skipped."""
    name = chunk.file
    if chunk.kind == "jsonl":
        with open(name, "rb") as fh:
            fh.seek(chunk.start)
            data = fh.read(chunk.stop - chunk.start)
        for number, raw in enumerate(data.split(b"\n"), chunk.first_row):
            if raw.strip():
                try:
                    yield number, parse_row(decode_line(raw), name, number, labelled=False)
                except Bad as bad:
                    yield number, bad
        return
    number = chunk.first_row
    for names, columns, rows in _columns(chunk):
        absent = [None] * rows
        by_key = [columns[names.index(k)] if k in names else absent for k in ARCHIVE_KEYS]
        for i, (row_id, intent, channel, count, context, message, slots) in enumerate(zip(*by_key)):
            row = plain_row(row_id, intent, channel, message, count, context, slots, name, number)
            if row is None:  # the full path says what is wrong (or takes what the fast path does not)
                try:
                    row = parse_row({n: c[i] for n, c in zip(names, columns)}, name, number, labelled=False)
                except Bad as bad:
                    row = bad
            yield number, row
            number += 1


def _columns(chunk: Chunk) -> Iterator[tuple[list[str], list[list], int]]:
    """A Parquet chunk as (column names, the columns as Python lists, rows), a batch at a time; only
    the columns a row may hold are read. Raises ReplayError."""
    import pyarrow.parquet as pq

    skip, left = chunk.skip, chunk.rows
    try:
        file = pq.ParquetFile(chunk.file)
        wanted = [n for n in file.schema_arrow.names if n in ARCHIVE_KEYS] or None
        for batch in file.iter_batches(batch_size=BATCH_ROWS, row_groups=[chunk.start], columns=wanted):
            if skip >= batch.num_rows:  # a batch of an earlier chunk: decoded, never converted
                skip -= batch.num_rows
                continue
            if skip or left < batch.num_rows:
                batch = batch.slice(skip, left)
                skip = 0
            left -= batch.num_rows
            yield batch.schema.names, [column.to_pylist() for column in batch.columns], batch.num_rows
            if left <= 0:
                return
    except Exception as e:  # noqa: BLE001 - a corrupt or truncated row group
        first = chunk.first_row + chunk.rows - left
        raise ReplayError(f"{chunk.file}: row group {chunk.start} (from row {first}) cannot be read: {e}") from None


# --- counts ---------------------------------------------------------------------------------------


@dataclass
class Bucket:
    """What one bundle did on a set of rows (built for the report from Side's verdict counts)."""

    rows: int = 0
    holds: int = 0
    escalated: int = 0
    guards: Counter = field(default_factory=Counter)
    teams: Counter = field(default_factory=Counter)
    replies: Counter = field(default_factory=Counter)

    def add(self, guards: tuple[str, ...], teams: tuple[str, ...], reply: str, n: int) -> None:
        self.rows += n
        if guards:
            self.holds += n
            for g in set(guards):
                self.guards[g] += n
        if teams:
            self.escalated += n
            for t in teams:
                self.teams[t] += n
        self.replies[reply] += n

    def to_dict(self) -> dict:
        def rate(n: int) -> float | None:
            return n / self.rows if self.rows else None

        def table(c: Counter) -> dict:
            return {k: {"count": n, "rate": rate(n)} for k, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))}

        return {"rows": self.rows, "holds": self.holds, "hold_rate": rate(self.holds),
                "sends": self.rows - self.holds, "send_rate": rate(self.rows - self.holds),
                "escalated": self.escalated, "escalated_rate": rate(self.escalated),
                "guards": table(self.guards), "teams": table(self.teams), "replies": table(self.replies)}


@dataclass
class Side:
    """What one bundle did: rows counted by (intent, channel, guards, teams, reply). Counting one key
    per row is the cheapest bookkeeping; the tables per intent and channel are built for the report."""

    verdicts: Counter = field(default_factory=Counter)

    def add(self, intent: str, channel: str, v: Verdict) -> None:
        escalations = v.escalations
        teams = tuple(sorted({e.team for e in escalations})) if escalations else ()
        # the guard hits themselves (constants of the library, cheap to hash) stand for their names
        self.verdicts[(intent, channel, v.guards, teams, v.reply.id)] += 1

    def merge(self, other: "Side") -> None:
        self.verdicts.update(other.verdicts)

    def tables(self) -> tuple[Bucket, dict[str, Bucket], dict[str, Bucket]]:
        overall, intents, channels = Bucket(), {}, {}
        for (intent, channel, hits, teams, reply), n in self.verdicts.items():
            guards = tuple(g.name for g in hits)
            overall.add(guards, teams, reply, n)
            intents.setdefault(intent, Bucket()).add(guards, teams, reply, n)
            channels.setdefault(channel, Bucket()).add(guards, teams, reply, n)
        return overall, intents, channels

    def to_dict(self) -> dict:
        overall, intents, channels = self.tables()
        return {"overall": overall.to_dict(),
                "intents": {k: b.to_dict() for k, b in sorted(intents.items())},
                "channels": {k: b.to_dict() for k, b in sorted(channels.items())}}


def _keep(kept: list, items: list, limit: int) -> list:
    return heapq.nsmallest(limit, kept + items, key=lambda s: s[0])


@dataclass
class Counts:
    """Everything a replay counts; `merge` is associative and commutative, so chunks may finish in any order."""

    rows: int = 0
    bad: Counter = field(default_factory=Counter)
    bad_rows: dict[str, list] = field(default_factory=dict)  # reason -> [((file index, row), file, row, detail)]
    a: Side = field(default_factory=Side)
    b: Side | None = None
    changed: int = 0
    kinds: Counter = field(default_factory=Counter)  # kind of difference -> rows
    kinds_by_intent: Counter = field(default_factory=Counter)  # (kind, intent) -> rows
    samples: dict[str, list] = field(default_factory=dict)  # kind -> [((file index, row), sample dict)]

    def bad_row(self, reason: str, key: tuple[int, int], file: str, row: int, detail: str) -> None:
        self.bad[reason] += 1
        kept = self.bad_rows.setdefault(reason, [])
        if len(kept) < BAD_ROWS_KEPT:  # rows arrive in order within a chunk
            kept.append((key, file, row, detail))

    def merge(self, other: "Counts") -> None:
        self.rows += other.rows
        self.bad.update(other.bad)
        for reason, rows in other.bad_rows.items():
            self.bad_rows[reason] = _keep(self.bad_rows.get(reason, []), rows, BAD_ROWS_KEPT)
        self.a.merge(other.a)
        if other.b is not None:
            if self.b is None:
                self.b = Side()
            self.b.merge(other.b)
        self.changed += other.changed
        self.kinds.update(other.kinds)
        self.kinds_by_intent.update(other.kinds_by_intent)
        for kind, samples in other.samples.items():
            self.samples[kind] = _keep(self.samples.get(kind, []), samples, SAMPLES)


def _summary(v: Verdict) -> dict:
    return {"send_as_written": not v.guards, "guards": [g.name for g in v.guards],
            "escalations": sorted({e.team for e in v.escalations}), "reply": v.reply.id}


def differences(a: Verdict, b: Verdict) -> list[str]:
    """The kinds of difference between two verdicts on one message, in a fixed order."""
    kinds = []
    if a.guards and not b.guards:
        kinds.append("sends")
    elif b.guards and not a.guards:
        kinds.append("holds")
    ta, tb = {e.team for e in a.escalations}, {e.team for e in b.escalations}
    kinds += [f"escalates to {t}" for t in sorted(tb - ta)]
    kinds += [f"no longer escalates to {t}" for t in sorted(ta - tb)]
    ga, gb = {g.name for g in a.guards}, {g.name for g in b.guards}
    kinds += [f"guard {g} holds" for g in sorted(gb - ga)]
    kinds += [f"guard {g} no longer holds" for g in sorted(ga - gb)]
    if a.reply.id != b.reply.id:
        kinds.append("another reply")
    return kinds


# --- the per-chunk function -----------------------------------------------------------------------


class Replayer:
    """Replays chunks on one bundle (and, for --against, a second). Built once per worker; its
    libraries are its own. Also the callable Ray's map_batches runs, one chunk per batch."""

    def __init__(self, bundle: bytes | Library, against: bytes | Library | None = None):
        self.a = _library(bundle)
        self.b = _library(against) if against is not None else None
        self._examples = [self._example_slots(self.a), self._example_slots(self.b) if self.b else {}]

    @staticmethod
    def _example_slots(library: Library) -> dict[str, dict[str, str]]:
        return {i: {s.name: s.example for s in library.framework(i).slots if s.example is not None} for i in library.intents}

    def chunk(self, chunk: Chunk) -> Counts:
        counts = Counts(b=Side() if self.b is not None else None)
        a, b = self.a, self.b
        examples_a = self._examples[0]
        add_a = counts.a.add
        for number, row in _rows(chunk):
            counts.rows += 1
            if row.__class__ is Bad:
                counts.bad_row(row.reason, (chunk.file_index, number), chunk.file, number, row.detail)  # type: ignore[union-attr]
                continue
            intent = row.intent  # type: ignore[union-attr]
            slots = examples_a.get(intent)
            if slots is None:
                counts.bad_row("unknown_intent", (chunk.file_index, number), chunk.file, number,
                               f"the bundle has no framework for `{intent}`")
                continue
            given = row.slots  # type: ignore[union-attr]
            context = row.request_context()  # type: ignore[union-attr]
            try:
                va = a.verdict(intent, {**slots, **given} if given else slots, context)
            except DraftError as e:
                counts.bad_row(e.kind, (chunk.file_index, number), chunk.file, number, str(e))
                continue
            add_a(intent, row.channel, va)  # type: ignore[union-attr]
            if b is not None:
                self._against(counts, chunk, number, row, context, va)  # type: ignore[arg-type]
        return counts

    def _against(self, counts: Counts, chunk: Chunk, number: int, row: Row, context: dict, va: Verdict) -> None:
        """The second bundle's verdict on a row, and what differs."""
        intent = row.intent
        try:
            vb = self.b.verdict(intent, {**self._examples[1].get(intent, {}), **row.slots}, context)  # type: ignore[union-attr]
        except DraftError as e:
            kinds, vb = [f"refused by the other bundle ({e.kind})"], None
        else:
            counts.b.add(intent, row.channel, vb)  # type: ignore[union-attr]
            kinds = differences(va, vb)
        if kinds:
            counts.changed += 1
            for kind in kinds:
                counts.kinds[kind] += 1
                counts.kinds_by_intent[(kind, intent)] += 1
                kept = counts.samples.setdefault(kind, [])
                if len(kept) < SAMPLES:
                    kept.append(((chunk.file_index, number), {
                        "file": chunk.file, "row": number, "id": row.id, "intent": intent, "channel": row.channel,
                        "message": row.message, "a": _summary(va), "b": _summary(vb) if vb is not None else None}))

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        """Ray's map_batches: a batch of chunk rows in, one pickled Counts per chunk out."""
        names = [f for f in Chunk.__slots__]
        out = []
        for i in range(len(batch["file"])):
            chunk = Chunk(**{n: _plain(batch[n][i]) for n in names})
            out.append(pickle.dumps(self.chunk(chunk)))
        return {"counts": out}


def _library(bundle: bytes | Library) -> Library:
    return bundle if isinstance(bundle, Library) else load_library(bundle)


def _as_bytes(bundle: bytes | Library) -> bytes:
    """What a worker process or a Ray actor is sent: the bundle's JSON."""
    return json.dumps(bundle.data).encode() if isinstance(bundle, Library) else bundle


def _plain(value: Any) -> Any:
    """A numpy scalar from a Ray batch as the Python value it was."""
    return value.item() if hasattr(value, "item") else value


# --- engines --------------------------------------------------------------------------------------

# The one Replayer of a pool worker process: set by the pool's initializer, in worker processes only
# (the process that runs `replay` never sets it), and read by _pool_chunk in the same worker.
_WORKER: list[Replayer] = []


def _pool_init(bundle: bytes, against: bytes | None) -> None:
    _WORKER.append(Replayer(bundle, against))


def _pool_chunk(chunk: Chunk) -> Counts:
    return _WORKER[0].chunk(chunk)


@dataclass
class ReplayReport:
    files: list[str]
    revision: str
    against: str | None
    counts: Counts

    def to_dict(self) -> dict:
        c = self.counts
        data: dict[str, Any] = {
            "files": list(self.files),
            "revision": self.revision,
            "rows": c.rows,
            "replayed": sum(c.a.verdicts.values()),
            "bad": {"total": sum(c.bad.values()), "reasons": {
                reason: {"count": n, "rows": [{"file": f, "row": r, "detail": d} for _, f, r, d in c.bad_rows.get(reason, [])]}
                for reason, n in sorted(c.bad.items())}},
            "bundle": c.a.to_dict(),
        }
        if self.against is not None and c.b is not None:
            a, b = c.a.tables()[0], c.b.tables()[0]
            data["against"] = {
                "revision": self.against,
                "bundle": c.b.to_dict(),
                "changed": c.changed,
                "changed_rate": c.changed / a.rows if a.rows else None,
                "holds_delta": b.holds - a.holds,
                "teams_delta": {t: b.teams[t] - a.teams[t] for t in sorted(set(a.teams) | set(b.teams)) if b.teams[t] != a.teams[t]},
                "kinds": {k: n for k, n in sorted(c.kinds.items(), key=lambda kv: (-kv[1], kv[0]))},
                "kinds_by_intent": [{"kind": k, "intent": i, "rows": n}
                                    for (k, i), n in sorted(c.kinds_by_intent.items(), key=lambda kv: (-kv[1], kv[0]))],
                "samples": {k: [s for _, s in c.samples[k]] for k in sorted(c.samples)},
            }
        return data


def replay(
    archives: Sequence[str | Path],
    bundle: bytes | Library,
    *,
    against: bytes | Library | None = None,
    jobs: int | None = None,
    engine: str = "embedded",
    ray_address: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    chunk_bytes: int | None = None,
    chunk_rows: int | None = None,
) -> ReplayReport:
    """Replay the archives through a bundle (JSON bytes, or a Library), and `against` a second one. `jobs`: worker
    processes (embedded) or concurrent Ray actors; default the core count. `on_progress(rows done,
    rows in all)` after each chunk. `chunk_bytes`, `chunk_rows`: the largest chunk (see plan). Raises
    ReplayError, BundleError."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    chunks = plan(archives, chunk_bytes=chunk_bytes, chunk_rows=chunk_rows,
                  pieces=1 if jobs == 1 and engine == "embedded" else jobs * PIECES_PER_JOB)
    total_rows = sum(c.rows for c in chunks)
    done = 0
    counts = Counts(b=Side() if against is not None else None)
    if jobs == 1 and engine == "embedded":  # in this process: prepare each library once, here
        bundle, against = _library(bundle), (_library(against) if against is not None else None)
    a_revision = bundle.revision if isinstance(bundle, Library) else load_bundle(bundle).revision
    b_revision = None if against is None else (
        against.revision if isinstance(against, Library) else load_bundle(against).revision)

    def finished(part: Counts, chunk: Chunk) -> None:
        nonlocal done
        counts.merge(part)
        done += chunk.rows
        if on_progress is not None:
            on_progress(done, total_rows)

    if engine == "embedded":
        if jobs == 1 or len(chunks) <= 1:
            replayer = Replayer(bundle, against)
            for chunk in chunks:
                finished(replayer.chunk(chunk), chunk)
        else:
            # spawned, not forked: a fork would copy whatever threads the caller runs (a progress bar, a server)
            with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=multiprocessing.get_context("spawn"),
                                     initializer=_pool_init,
                                     initargs=(_as_bytes(bundle), _as_bytes(against) if against is not None else None)) as pool:
                for chunk, part in zip(chunks, pool.map(_pool_chunk, chunks)):
                    finished(part, chunk)
    elif engine == "ray":
        sent = _as_bytes(bundle), (_as_bytes(against) if against is not None else None)
        for chunk, part in zip(chunks, _ray(chunks, *sent, jobs, ray_address)):
            finished(part, chunk)
    else:
        raise ValueError(f"unknown engine {engine!r}; expected embedded or ray")
    return ReplayReport([str(p) for p in archives], a_revision, b_revision, counts)


def _ray(chunks: list[Chunk], bundle: bytes, against: bytes | None, jobs: int, address: str | None) -> Iterator[Counts]:
    """The same per-chunk function as a Ray Data pipeline; results in the order of the chunks."""
    try:
        import ray
        import ray.data
    except ImportError:
        from tactful.project import install_command

        raise ReplayError(f"--engine ray needs Ray Data, the ray extra: {install_command('ray')}") from None
    started = False
    if not ray.is_initialized():
        ray.init(address=address or os.environ.get("RAY_ADDRESS") or None, include_dashboard=False,
                 log_to_driver=False, logging_level="WARNING")
        started = True
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        items = [asdict(c) for c in chunks]
        dataset = ray.data.from_items(items, override_num_blocks=max(1, len(items)))
        results = dataset.map_batches(
            Replayer, fn_constructor_args=(bundle, against), batch_size=1, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=max(1, min(jobs, len(items)))),
        )
        for row in results.iter_rows():
            yield pickle.loads(row["counts"])
    finally:
        if started:
            ray.shutdown()
