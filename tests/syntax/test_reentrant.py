"""One Parser serves many threads at once (a language server, the HTTP service): every thread must
get exactly the AST, spans and diagnostics that a serial parse gives."""

from __future__ import annotations

import random
import threading
from pathlib import Path

from tactful.source import SourceFile
from tactful.syntax.parser import Parser

from test_parsers_agree import _spans

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "frameworks").rglob("*.tact")) + sorted((ROOT / "stdlib").glob("*.tact")) + \
    sorted((ROOT / "tests" / "fixtures" / "checks").rglob("*.tact"))


def _sources() -> list[SourceFile]:
    out = []
    for path in FILES:
        try:
            out.append(SourceFile(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return out


def _outcome(parser: Parser, src: SourceFile):
    module, diagnostics = parser.parse(src)
    return module, _spans(module), [(d.code, d.span, d.message) for d in diagnostics]


def test_twelve_threads_parse_exactly_what_one_thread_parses():
    sources = _sources()
    assert len(sources) > 50
    one = Parser()  # one thread's parser, reused file after file in sorted order
    serial = {src.path: _outcome(one, src) for src in sources}
    shared = Parser()
    results: list[dict] = [{} for _ in range(12)]
    errors: list[BaseException] = []
    start = threading.Barrier(12)

    def work(i: int) -> None:
        order = list(sources)  # every file, in an order of the thread's own
        random.Random(i).shuffle(order)
        start.wait()
        try:
            for src in order:
                results[i][src.path] = _outcome(shared, src)
        except BaseException as e:  # noqa: BLE001 - reported below, with the thread's number
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    for got in results:
        assert got.keys() == serial.keys()
        for path, outcome in serial.items():
            assert got[path] == outcome, path
