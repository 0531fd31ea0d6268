"""The per-file summary: what the project-wide phase needs to know of one file.

A file's summary is computed from that file alone (in the per-file phase, right after parsing): the
modules it `use`s and what it declares, by kind, in the order written. The project-wide phase builds
the program's declarations (model.declarations) from the summaries, never by walking other files'
ASTs; a language server keeps a summary per open file and recomputes only the edited one's.
"""

from __future__ import annotations

from dataclasses import dataclass

from tactful.syntax import ast

# The kinds a summary lists, by the node class that declares them.
KINDS: dict[type, str] = {
    ast.TeamDecl: "team", ast.ChannelDecl: "channel", ast.FieldDecl: "field", ast.SignalDecl: "signal",
    ast.PhraseBank: "bank", ast.StyleDecl: "style", ast.ScorerDecl: "scorer", ast.PolicyDecl: "policy",
    ast.FrameworkDecl: "framework",
}


@dataclass(frozen=True, slots=True)
class Summary:
    module: str
    path: str
    uses: tuple[str, ...]  # module names, as written
    declared: tuple[tuple[str, str, object], ...]  # (kind, name, declaring node), in order


def summarize(module: ast.Module) -> Summary:
    uses: list[str] = []
    declared: list[tuple[str, str, object]] = []
    for e in module.entries:
        if isinstance(e, ast.Use):
            uses.append(e.module.value)
            continue
        kind = KINDS.get(type(e))
        if kind is not None:
            name = e.intent.value if isinstance(e, ast.FrameworkDecl) else e.name.value
            declared.append((kind, name, e))
    return Summary(module.name, module.path, tuple(uses), tuple(declared))
