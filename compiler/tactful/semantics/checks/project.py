"""Project-wide rules from tactful.toml: the intent taxonomy."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.diagnostics import Diagnostic
from tactful.semantics.checks.context import Context
from tactful.semantics.scope import did_you_mean


def taxonomy(ctx: Context) -> Iterator[Diagnostic]:
    config = ctx.program.config
    if config.intents is None:
        return
    known = set(config.intents)
    found = {}
    for module, fw in ctx.all_frameworks():
        if module in ctx.program.stdlib_modules:
            continue
        found.setdefault(fw.intent.value, fw)
        if fw.intent.value not in known:
            yield Diagnostic("T1701", f"intent `{fw.intent.value}` is not in the project's taxonomy", fw.intent.span,
                             label="not in tactful.toml",
                             hint=did_you_mean(fw.intent.value, known) or "add it to `intents` under [taxonomy] in tactful.toml")
    if not ctx.program.whole_library:
        return
    src = ctx.program.sources.get(config.path or "")
    for intent in config.intents:
        if intent not in found and src is not None:
            line = config.intent_lines.get(intent, 1)
            text = src.line_text(line)
            col = text.find(f'"{intent}"')
            start = src.offset(line, col + 1 if col >= 0 else 1)
            yield Diagnostic("T1702", f"intent `{intent}` has no framework", src.span(start, start + len(intent) + 2),
                             label="no framework", hint=f"write `framework {intent} \"…\"`, or remove it from the taxonomy")
