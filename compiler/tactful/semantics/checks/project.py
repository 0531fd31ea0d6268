"""Project-wide rules from tactful.toml: the intent taxonomy."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic
from tactful.semantics.model import Model, did_you_mean


def taxonomy(model: Model) -> Iterator[Diagnostic]:
    config = model.program.config
    if config.intents is None:
        return
    known = set(config.intents)
    found = {}
    for module, fw in model.frameworks():
        if module in model.program.stdlib_modules:
            continue
        found.setdefault(fw.intent.value, fw)
        if fw.intent.value not in known:
            yield Diagnostic(Code.INTENT_NOT_IN_TAXONOMY, f"intent `{fw.intent.value}` is not in the project's taxonomy", fw.intent.span,
                             label="not in tactful.toml",
                             hint=did_you_mean(fw.intent.value, known) or "add it to `intents` under [taxonomy] in tactful.toml")
    if not model.program.whole_library:
        return
    src = model.program.sources.get(config.path or "")
    for intent in config.intents:
        if intent not in found and src is not None:
            line = config.intent_lines.get(intent, 1)
            text = src.line_text(line)
            col = text.find(f'"{intent}"')
            start = src.offset(line, col + 1 if col >= 0 else 1)
            yield Diagnostic(Code.INTENT_WITHOUT_FRAMEWORK, f"intent `{intent}` has no framework", src.span(start, start + len(intent) + 2),
                             label="no framework", hint=f"write `framework {intent} \"…\"`, or remove it from the taxonomy")
