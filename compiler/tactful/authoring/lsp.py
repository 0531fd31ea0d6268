"""`tactful lsp`: the language server (pygls) over stdio, for VS Code and any LSP editor.

A thin layer: documents come in, project.py checks them (the edited file from memory, the rest of
its project from disk, re-parsing only what changed), navigate.py answers questions about places in
them, and this module converts between character Spans and the protocol's UTF-16 positions.

Diagnostics are published per file after a short pause in typing (DEBOUNCE), with the same codes,
messages and hints as `tactful check`, and related locations.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from tactful.authoring import navigate as nav
from tactful.authoring.project import Analysis, Project
from tactful.codes import Severity
from tactful.diagnostics import Diagnostic
from tactful.semantics.config import find_project_root
from tactful.semantics.pipeline import weights_files
from tactful.source import SourceFile, Span
from tactful.syntax.layout import FormatError, UnsafeFormat, format_source

__all__ = ["DEBOUNCE", "TactfulServer", "serve"]

DEBOUNCE = 0.05  # seconds without a change before a file is checked
_SEVERITY = {Severity.ERROR: lsp.DiagnosticSeverity.Error, Severity.WARNING: lsp.DiagnosticSeverity.Warning,
             Severity.NOTE: lsp.DiagnosticSeverity.Information}
_SYMBOL_KINDS = {"module": lsp.SymbolKind.Module, "class": lsp.SymbolKind.Class, "field": lsp.SymbolKind.Field,
                 "event": lsp.SymbolKind.Event, "function": lsp.SymbolKind.Function,
                 "constant": lsp.SymbolKind.Constant, "string": lsp.SymbolKind.String, "enum": lsp.SymbolKind.Enum}
_COMPLETION_KINDS = {"field": lsp.CompletionItemKind.Field, "variable": lsp.CompletionItemKind.Variable,
                     "event": lsp.CompletionItemKind.Event, "enum": lsp.CompletionItemKind.EnumMember,
                     "module": lsp.CompletionItemKind.Module, "keyword": lsp.CompletionItemKind.Keyword,
                     "value": lsp.CompletionItemKind.Value}


def _path(uri: str) -> str:
    return os.path.abspath(unquote(urlparse(uri).path))


class TactfulServer(LanguageServer):
    """The server's state: one Project per project root, the last analysis of each open file."""

    def __init__(self) -> None:
        super().__init__("tactful", "0.1.0", text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.projects: dict[Path, Project] = {}
        self.analyses: dict[str, tuple[int, Analysis]] = {}  # uri → (revision, analysis)
        self.published: dict[str, list] = {}  # uri → the diagnostics last published
        self.pending: dict[str, asyncio.Task] = {}
        self.revision = 0  # counts changes to any file: an analysis of an older revision may be stale

    def project_of(self, uri: str) -> tuple[Project, str] | None:
        file = _path(uri)
        root = find_project_root([Path(file)])
        project = self.projects.get(root)
        if project is None:
            project = self.projects[root] = Project(root)
        rel = project.relative(file)
        return (project, rel) if rel is not None else None

    def analysis(self, uri: str) -> Analysis | None:
        """The file's analysis for its current text (made now if the last one is stale)."""
        found = self.project_of(uri)
        if found is None:
            return None
        project, rel = found
        doc = self.workspace.get_text_document(uri)
        revision = self.revision
        last = self.analyses.get(uri)
        if last is not None and last[0] == revision and last[1].source.text == doc.source:
            return last[1]
        project.change(rel, doc.source)
        result = project.analyse(rel)
        self.analyses[uri] = (revision, result)
        return result

    # ---- conversions -----------------------------------------------------------------------------
    def uri_of(self, project: Project, path: str) -> str:
        return from_fs_path(str(project.absolute(path))) or ""

    @staticmethod
    def position(source: SourceFile, line: int, column: int) -> lsp.Position:
        text = source.line_text(line)[: column - 1]
        return lsp.Position(line=line - 1, character=len(text.encode("utf-16-le")) // 2)

    def range(self, source: SourceFile, span: Span) -> lsp.Range:
        return lsp.Range(self.position(source, span.line, span.column), self.position(source, span.end_line, span.end_column))

    def location(self, project: Project, a: Analysis, span: Span) -> lsp.Location:
        source = a.program.sources.get(span.file)
        if source is None:
            source = SourceFile(span.file, project.text(span.file) or "")
        return lsp.Location(uri=self.uri_of(project, span.file), range=self.range(source, span))

    def offset(self, uri: str, position: lsp.Position) -> int:
        return self.workspace.get_text_document(uri).offset_at_position(position)

    def diagnostic(self, project: Project, a: Analysis, d: Diagnostic) -> lsp.Diagnostic:
        related = [lsp.DiagnosticRelatedInformation(self.location(project, a, r.span), r.message) for r in d.related]
        fix = nav.quick_fix(a.source.text, d.span, d.message, d.hint)
        message = d.message + (f"\n{d.hint}" if d.hint else "")
        return lsp.Diagnostic(
            range=self.range(a.source, d.span), message=message, severity=_SEVERITY[d.effective_severity],
            code=d.code.code, source="tactful", related_information=related or None,
            code_description=None, data={"replacement": fix[2], "old": a.source.text[fix[0]:fix[1]]} if fix else None,
        )

    def weights_files(self) -> set[str]:
        """The weights files (absolute paths) the scorers of the open files' programs name."""
        found: set[str] = set()
        for _, a in self.analyses.values():
            found.update(os.path.abspath(p) for p in weights_files(a.model))
        return found

    async def publish_later(self, uri: str) -> None:
        """Check the file after DEBOUNCE seconds without a change, then publish its diagnostics (and
        those of the other open files that the change affects)."""
        self.revision += 1
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        self.pending[uri] = asyncio.ensure_future(self._publish(uri))

    async def _publish(self, uri: str) -> None:
        await asyncio.sleep(DEBOUNCE)
        found = self.project_of(uri)
        if found is None:
            return
        project, _ = found
        loop = asyncio.get_running_loop()
        a = await loop.run_in_executor(None, self.analysis, uri)
        if a is None:
            return
        self.publish(uri, project, a, always=True)
        for other in [u for u in self.analyses if u != uri]:  # open files that may use the changed one
            found = self.project_of(other)
            if found is not None and found[0] is project:
                b = await loop.run_in_executor(None, self.analysis, other)
                if b is not None:
                    self.publish(other, project, b)

    def publish(self, uri: str, project: Project, a: Analysis, *, always: bool = False) -> None:
        diagnostics = [self.diagnostic(project, a, d) for d in a.diagnostics]
        if not always and self.published.get(uri) == diagnostics:
            return
        self.published[uri] = diagnostics
        version = self.workspace.get_text_document(uri).version
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, version=version,
                                                                             diagnostics=diagnostics))


def make_server() -> TactfulServer:
    ls = TactfulServer()

    @ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: TactfulServer, params: lsp.DidOpenTextDocumentParams):
        await ls.publish_later(params.text_document.uri)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: TactfulServer, params: lsp.DidChangeTextDocumentParams):
        await ls.publish_later(params.text_document.uri)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: TactfulServer, params: lsp.DidSaveTextDocumentParams):
        await ls.publish_later(params.text_document.uri)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TactfulServer, params: lsp.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        ls.analyses.pop(uri, None)
        ls.published.pop(uri, None)
        ls.revision += 1
        found = ls.project_of(uri)
        if found is not None:
            found[0].close(found[1])
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @ls.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched(ls: TactfulServer, params: lsp.DidChangeWatchedFilesParams):
        weights = ls.weights_files()
        relevant = False
        for change in params.changes:
            file = _path(change.uri)
            if file.endswith(".json"):  # a scorer's weights file: read again by the next check
                relevant = relevant or file in weights
                continue
            relevant = True
            found = ls.project_of(change.uri)
            if found is not None:
                found[0].reload(found[1])
        if relevant:
            for uri in list(ls.analyses):  # the open files, checked again against what is on disk now
                await ls.publish_later(uri)

    @ls.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: TactfulServer, params: lsp.HoverParams):
        a = ls.analysis(params.text_document.uri)
        if a is None:
            return None
        found = nav.hover(a, ls.offset(params.text_document.uri, params.position))
        if found is None:
            return None
        text, span = found
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
                         range=ls.range(a.source, span))

    @ls.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["{", " ", "("]))
    def completion(ls: TactfulServer, params: lsp.CompletionParams):
        uri = params.text_document.uri
        doc = ls.workspace.get_text_document(uri)
        a = ls.analysis(uri)
        items = nav.complete(a, doc.source, ls.offset(uri, params.position))
        return lsp.CompletionList(is_incomplete=False, items=[
            lsp.CompletionItem(label=c.label, kind=_COMPLETION_KINDS[c.kind], detail=c.detail or None) for c in items])

    @ls.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: TactfulServer, params: lsp.DefinitionParams):
        uri = params.text_document.uri
        a = ls.analysis(uri)
        span = nav.definition(a, ls.offset(uri, params.position)) if a is not None else None
        if span is None:
            return None
        return ls.location(ls.project_of(uri)[0], a, span)

    @ls.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(ls: TactfulServer, params: lsp.ReferenceParams):
        uri = params.text_document.uri
        a = ls.analysis(uri)
        if a is None:
            return None
        project, rel = ls.project_of(uri)
        others = project.modules(project.base_of(rel)) if not rel.startswith("<") else {}
        spans = nav.references(a, ls.offset(uri, params.position), others)
        out = []
        for s in spans:
            if s.file in a.program.sources:
                out.append(ls.location(project, a, s))
            else:
                out.append(lsp.Location(uri=ls.uri_of(project, s.file),
                                        range=ls.range(SourceFile(s.file, project.text(s.file) or ""), s)))
        return out

    @ls.feature(lsp.INITIALIZED)
    async def initialized(ls: TactfulServer, params: lsp.InitializedParams):
        """Ask the editor to say when .tact files, tactful.toml or JSON files change on disk (a save
        from elsewhere, a `git checkout`, `tactful train` writing a scorer's weights), so the files
        that are not open are read again and a weights file a `scorer` names is checked again."""
        caps = ls.protocol.client_capabilities
        watched = caps.workspace.did_change_watched_files if caps and caps.workspace else None
        if watched is None or not watched.dynamic_registration:
            return
        options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=[
            lsp.FileSystemWatcher(glob_pattern="**/*.tact"), lsp.FileSystemWatcher(glob_pattern="**/tactful.toml"),
            lsp.FileSystemWatcher(glob_pattern="**/*.json")])
        try:
            await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[lsp.Registration(
                id="tactful-watched-files", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)]))
        except JsonRpcException:  # the editor declined: files not open are then read when first needed
            pass

    @ls.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: TactfulServer, params: lsp.PrepareRenameParams):
        uri = params.text_document.uri
        a = ls.analysis(uri)
        t = nav.target(a, ls.offset(uri, params.position)) if a is not None else None
        if t is None or t.kind != "slot":
            return None  # the editor says nothing can be renamed here
        return lsp.PrepareRenamePlaceholder(range=ls.range(a.source, t.span), placeholder=t.name)

    @ls.feature(lsp.TEXT_DOCUMENT_RENAME)
    def rename(ls: TactfulServer, params: lsp.RenameParams):
        uri = params.text_document.uri
        a = ls.analysis(uri)
        if a is None:
            return None
        spans = nav.rename_slot(a, ls.offset(uri, params.position), params.new_name)
        if isinstance(spans, str):
            ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=spans))
            return None
        return lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(ls.range(a.source, s), params.new_name) for s in spans]})

    @ls.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(ls: TactfulServer, params: lsp.DocumentSymbolParams):
        a = ls.analysis(params.text_document.uri)
        if a is None:
            return []

        def convert(s: nav.Symbol) -> lsp.DocumentSymbol:
            return lsp.DocumentSymbol(name=s.name, kind=_SYMBOL_KINDS[s.kind], range=ls.range(a.source, s.span),
                                      selection_range=ls.range(a.source, s.selection), detail=s.detail or None,
                                      children=[convert(c) for c in s.children] or None)

        return [convert(s) for s in nav.symbols(a.module)]

    @ls.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: TactfulServer, params: lsp.DocumentFormattingParams):
        uri = params.text_document.uri
        doc = ls.workspace.get_text_document(uri)
        source = SourceFile(uri, doc.source)
        try:
            result = format_source(source)
        except FormatError:
            return None  # the diagnostics already say why
        except UnsafeFormat as e:
            ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"internal error: {e}"))
            return None
        if not result.changed:
            return []
        end = source.span(len(doc.source), len(doc.source))
        whole = lsp.Range(lsp.Position(0, 0), ls.position(source, end.line, end.column))
        return [lsp.TextEdit(range=whole, new_text=result.text)]

    @ls.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    def code_action(ls: TactfulServer, params: lsp.CodeActionParams):
        uri = params.text_document.uri
        doc = ls.workspace.get_text_document(uri)
        actions = []
        for d in params.context.diagnostics:
            data = d.data if isinstance(d.data, dict) else None
            if d.source != "tactful" or not data or "replacement" not in data:
                continue
            start, end = doc.offset_at_position(d.range.start), doc.offset_at_position(d.range.end)
            at = doc.source.find(data["old"], start, end)
            if at == -1:
                continue
            source = SourceFile(uri, doc.source)
            span = source.span(at, at + len(data["old"]))
            edit = lsp.TextEdit(ls.range(source, span), data["replacement"])
            actions.append(lsp.CodeAction(title=f"Change to `{data['replacement']}`", kind=lsp.CodeActionKind.QuickFix,
                                          diagnostics=[d], is_preferred=True,
                                          edit=lsp.WorkspaceEdit(changes={uri: [edit]})))
        return actions

    return ls


def serve() -> None:
    """Run a language server on stdin and stdout until the client says exit."""
    make_server().start_io()
