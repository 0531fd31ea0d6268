"""`tactful lsp` end to end, as an editor drives it (pytest-lsp starts the server in a subprocess):
initialize, open, change, diagnostics, hover, completion, definition, references, rename, symbols,
formatting and quick fixes, on a small project of its own."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

FRAMEWORK = '''use stdlib.signals
use stdlib.phrases

framework demo.refund "Refund"
  owner finance

  slot amount money private
    example "$5.00"
    about "What was paid."
  slot order_id required
    pattern /A-[0-9]+/
    example "A-1"

  escalate finance when legal_threat
    handoff "Order {order_id}: {message}"

  reply private
    acknowledge pick validation
    next "We'll refund {amount or 'the payment'} for order {order_id} today."

  reply public
    next "Send us a private message with order {order_id}."

  example "a refund"
    message "Where is my refund?"
    channel email
    slots order_id "A-1", amount "$5.00"
    expect reply private
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lsp-project")
    (root / "tactful.toml").write_text("", encoding="utf-8")
    (root / "frameworks" / "demo").mkdir(parents=True)
    (root / "frameworks" / "demo" / "refund.tact").write_text(FRAMEWORK, encoding="utf-8")
    return root


# One server for the module's tests (each starts in about a second); every test opens its own files.
@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "tactful", "lsp"]))
async def client(lsp_client: LanguageClient, project):
    lsp_client.registrations = []

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(client: LanguageClient, params: lsp.RegistrationParams):
        client.registrations.extend(params.registrations)

    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=project.as_uri()))
    yield
    await lsp_client.shutdown_session()


def _uri(project: Path) -> str:
    return (project / "frameworks" / "demo" / "refund.tact").as_uri()


def _pos(text: str, needle: str, delta: int = 0) -> lsp.Position:
    at = text.index(needle) + delta
    line = text.count("\n", 0, at)
    return lsp.Position(line=line, character=at - (text.rfind("\n", 0, at) + 1))


async def _diagnostics(client: LanguageClient, uri: str, codes: list[str] | None = None) -> list[lsp.Diagnostic]:
    """The diagnostics the server publishes for uri next (after the caller dropped the last ones with
    _forget), or, with codes, once they have those codes in any order. Read from what the client
    keeps per file: waiting for "the next notification" could miss one sent right after another."""
    deadline = asyncio.get_running_loop().time() + 30
    while asyncio.get_running_loop().time() < deadline:
        got = client.diagnostics.get(uri)
        if got is not None and (codes is None or sorted(d.code for d in got) == sorted(codes)):
            return list(got)
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics{'' if codes is None else f' {codes}'} for {uri}: {client.diagnostics.get(uri)}")


def _forget(client: LanguageClient, uri: str) -> None:
    client.diagnostics.pop(uri, None)


async def _open(client: LanguageClient, uri: str, text: str) -> list[lsp.Diagnostic]:
    _forget(client, uri)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        lsp.TextDocumentItem(uri=uri, language_id="tactful", version=1, text=text)))
    return await _diagnostics(client, uri)


def _close(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))


@pytest.mark.asyncio(loop_scope="module")
async def test_diagnostics_on_open_and_as_you_type(client: LanguageClient, project):
    uri = _uri(project)
    assert await _open(client, uri, FRAMEWORK) == []
    typo = FRAMEWORK.replace("for order {order_id} today", "for order {ordr_id} today")
    start = _pos(FRAMEWORK, "{order_id} today")
    _forget(client, uri)
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangePartial(
            range=lsp.Range(start, lsp.Position(start.line, start.character + len("{order_id}"))), text="{ordr_id}")]))
    diagnostics = await _diagnostics(client, uri)
    assert [d.code for d in diagnostics] == ["T1201"]
    d = diagnostics[0]
    assert d.range.start == start and d.severity == lsp.DiagnosticSeverity.Error
    assert "slot `ordr_id` is not declared" in d.message and "did you mean `order_id`?" in d.message
    assert typo.count("{ordr_id}") == 1

    # the quick fix the hint names
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri), range=d.range,
        context=lsp.CodeActionContext(diagnostics=[d])))
    assert [a.title for a in actions] == ["Change to `order_id`"]
    (edit,) = actions[0].edit.changes[uri]
    assert edit.new_text == "order_id"
    assert (edit.range.start.character, edit.range.end.character) == (start.character + 1, start.character + 8)
    _close(client, uri)


@pytest.mark.asyncio(loop_scope="module")
async def test_hover_completion_definition_references(client: LanguageClient, project):
    uri = _uri(project)
    await _open(client, uri, FRAMEWORK)
    td = lsp.TextDocumentIdentifier(uri)

    slot = await client.text_document_hover_async(lsp.HoverParams(td, _pos(FRAMEWORK, "{amount or", 2)))
    assert "**slot** `amount`: money (private)" in slot.contents.value and "What was paid." in slot.contents.value
    signal = await client.text_document_hover_async(lsp.HoverParams(td, _pos(FRAMEWORK, "legal_threat", 3)))
    assert "**signal** `legal_threat`" in signal.contents.value and "Fires on:" in signal.contents.value
    team = await client.text_document_hover_async(lsp.HoverParams(td, _pos(FRAMEWORK, "owner finance", 8)))
    assert team.contents.value.startswith("**team** `finance`")

    inside = await client.text_document_completion_async(lsp.CompletionParams(td, _pos(FRAMEWORK, "{amount or", 1)))
    labels = [i.label for i in inside.items]
    assert labels[:2] == ["amount", "order_id"] and "contact_count" in labels
    banks = await client.text_document_completion_async(lsp.CompletionParams(td, _pos(FRAMEWORK, "pick validation", 5)))
    assert "validation" in [i.label for i in banks.items]
    teams = await client.text_document_completion_async(lsp.CompletionParams(td, _pos(FRAMEWORK, "owner finance", 6)))
    assert {"finance", "legal", "support"} <= {i.label for i in teams.items}

    where = await client.text_document_definition_async(lsp.DefinitionParams(td, _pos(FRAMEWORK, "{order_id}: ", 2)))
    assert where.uri == uri and where.range.start == _pos(FRAMEWORK, "order_id required")
    signal_def = await client.text_document_definition_async(lsp.DefinitionParams(td, _pos(FRAMEWORK, "legal_threat", 1)))
    assert signal_def.uri.endswith("/signals.tact")

    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=td, position=_pos(FRAMEWORK, "order_id required", 1),
        context=lsp.ReferenceContext(include_declaration=True)))
    assert len(refs) == FRAMEWORK.count("order_id")
    _close(client, uri)


@pytest.mark.asyncio(loop_scope="module")
async def test_rename_a_slot_everywhere_in_its_framework(client: LanguageClient, project):
    uri = _uri(project)
    await _open(client, uri, FRAMEWORK)
    prepared = await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(
        lsp.TextDocumentIdentifier(uri), _pos(FRAMEWORK, "{order_id} today", 3)))
    assert prepared.placeholder == "order_id"
    assert prepared.range.start == _pos(FRAMEWORK, "{order_id} today", 1)
    nothing = await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(
        lsp.TextDocumentIdentifier(uri), _pos(FRAMEWORK, "owner finance", 8)))
    assert nothing is None
    edit = await client.text_document_rename_async(lsp.RenameParams(
        lsp.TextDocumentIdentifier(uri), _pos(FRAMEWORK, "{order_id} today", 3), "order_number"))
    edits = edit.changes[uri]
    assert len(edits) == FRAMEWORK.count("order_id")  # declaration, four {uses}, the example's value
    lines = FRAMEWORK.split("\n")
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        line = lines[e.range.start.line]
        lines[e.range.start.line] = line[:e.range.start.character] + e.new_text + line[e.range.end.character:]
    assert "\n".join(lines) == FRAMEWORK.replace("order_id", "order_number")
    _close(client, uri)


@pytest.mark.asyncio(loop_scope="module")
async def test_symbols_and_formatting(client: LanguageClient, project):
    uri = (project / "frameworks" / "demo" / "messy.tact").as_uri()
    messy = FRAMEWORK.replace("framework demo.refund", "framework   demo.messy").replace("\n  ", "\n    ")
    await _open(client, uri, messy)
    td = lsp.TextDocumentIdentifier(uri)
    (fw,) = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(td))
    assert fw.name == "demo.messy"
    assert [c.name for c in fw.children] == ["amount", "order_id", "escalate finance", "reply private", "reply public",
                                             "example a refund"]
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        td, lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert [e.new_text for e in edits] == [FRAMEWORK.replace("demo.refund", "demo.messy")]


@pytest.mark.asyncio(loop_scope="module")
async def test_positions_count_utf16_units_and_open_files_that_use_a_changed_one_are_rechecked(client, project):
    signals = (project / "frameworks" / "shared" / "moods.tact").as_uri()
    uses = (project / "frameworks" / "demo" / "moody.tact").as_uri()
    mood = 'signal grumpy "Grumpy 🙂."\n  when message mentions "grr"\n  fires "grr"\n  quiet "hi"\n'
    moody = FRAMEWORK.replace("demo.refund", "demo.moody").replace("use stdlib.signals", "use shared.moods").replace(
        "legal_threat", "grumpy").replace('next "Send us', 'next "🙂 {ordr_id} Send us')
    assert await _open(client, signals, mood) == []
    diagnostics = await _open(client, uses, moody)
    assert [d.code for d in diagnostics] == ["T1201"]
    line = moody.split("\n")[diagnostics[0].range.start.line]
    assert diagnostics[0].range.start.character == line.index("{ordr_id}") + 1  # 🙂 is two UTF-16 units
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=signals, version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=mood.replace("grumpy", "cross"))]))
    await _diagnostics(client, uses, ["T1102", "T1104", "T1201"])
    _close(client, uses)
    _close(client, signals)


@pytest.mark.asyncio(loop_scope="module")
async def test_the_server_asks_to_hear_about_files_changed_on_disk(client, project):
    uri = _uri(project)
    await _open(client, uri, FRAMEWORK)  # by now the server has registered
    (registration,) = client.registrations
    assert registration.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = [w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in
             (registration.register_options["watchers"] if isinstance(registration.register_options, dict)
              else registration.register_options.watchers)]
    assert globs == ["**/*.tact", "**/tactful.toml", "**/*.json"]
    # a file appears on disk (another branch checked out) declaring the same intent
    twin = project / "frameworks" / "demo" / "a_twin.tact"  # sorts first: the later file is the duplicate
    twin.write_text(FRAMEWORK, encoding="utf-8")
    try:
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=twin.as_uri(), type=lsp.FileChangeType.Created)]))
        await _diagnostics(client, uri, ["T1105"])
    finally:
        twin.unlink()
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=twin.as_uri(), type=lsp.FileChangeType.Deleted)]))
    await _diagnostics(client, uri, [])
    _close(client, uri)


SCORER = '''scorer farewell_words "Sounds like a farewell."
  weights "weights/farewell.json"

signal farewell "A farewell."
  when message scores at least 0.6 on farewell_words
'''
WEIGHTS = '{"tactful_scorer": 1, "unit": 16, "bias": -32, "weights": {"goodbye": 24}}'


@pytest.mark.asyncio(loop_scope="module")
async def test_a_weights_file_changed_on_disk_is_checked_again_and_reported_on_the_weights_line(client, project):
    folder = project / "frameworks" / "words"
    (folder / "weights").mkdir(parents=True)
    file, weights = folder / "farewell.tact", folder / "weights" / "farewell.json"
    file.write_text(SCORER, encoding="utf-8")
    weights.write_text(WEIGHTS, encoding="utf-8")
    uri = file.as_uri()

    def changed(path: Path) -> None:
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=path.as_uri(), type=lsp.FileChangeType.Changed)]))

    try:
        assert [d.code for d in await _open(client, uri, SCORER)] == []
        _forget(client, uri)
        weights.write_text('{"tactful_scorer": 1, "unit": 16, "bias": -32, "weights": {"goodbye": "a lot"}}',
                           encoding="utf-8")
        changed(weights)
        (bad,) = await _diagnostics(client, uri, ["T1118"])
        assert bad.range.start == _pos(SCORER, '"weights/farewell.json"')  # on the `weights` line, at its text
        assert bad.range.end == _pos(SCORER, '"weights/farewell.json"', len('"weights/farewell.json"'))
        assert "goodbye" in bad.message
        weights.write_text(WEIGHTS, encoding="utf-8")
        changed(weights)
        await _diagnostics(client, uri, [])
    finally:
        _close(client, uri)
        file.unlink()
        weights.unlink()
