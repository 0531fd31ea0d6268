"""House style: reply texts and phrases that use a discouraged phrase, with the better alternative."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic, Severity
from tactful.runtime.types import PhraseFinder, compile_re2, phrase_parts
from tactful.semantics.model import Model
from tactful.syntax import ast


def normalize(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def compiled_rules(model: Model) -> list[tuple[ast.StyleDecl, list]]:
    """Each style rule with its finders: a PhraseFinder per phrase (whole words, as `mentions`
    finds them) or a compiled regex, each with the RE2 source of what it looks for."""
    import re2

    out = []
    for _, (_, rule) in sorted(model.decls.styles.items()):
        finders = []
        for a in rule.avoid:
            try:
                if isinstance(a, ast.Regex):
                    finders.append((a.pattern, compile_re2("(?i)" + a.pattern)))
                else:
                    phrase = normalize(a.value)
                    parts = phrase_parts(phrase)
                    if parts is None:
                        continue  # an empty phrase: reported by the declarations check
                    finders.append((parts[0], PhraseFinder([phrase])))
            except re2.error:
                continue  # reported by the declarations check
        out.append((rule, finders))
    return out


def _first(finder, text: str) -> str | None:
    """What a finder finds first in text, as written there."""
    if isinstance(finder, PhraseFinder):
        spans = finder.spans(text, first=True)
        return text[spans[0][0]:spans[0][1]] if spans else None
    m = finder.search(text)
    return m.group(0) if m is not None else None


def house_style(model: Model) -> Iterator[Diagnostic]:
    import re2

    rules = compiled_rules(model)
    if not rules:
        return
    # One search per text with every pattern at once; only texts that hit are checked rule by rule.
    alternatives = [source for _, finders in rules for source, _ in finders]
    try:
        anything = compile_re2("(?i)(?:" + ")|(?:".join(alternatives) + ")") if alternatives else None
    except re2.error:  # pragma: no cover - every part compiled on its own
        anything = None
    rules = [(rule, [f for _, f in finders]) for rule, finders in rules if finders]
    for _, fw in model.frameworks():
        texts = [mv.text for r in model.of(fw, ast.Reply) for mv in r.moves if mv.text is not None]
        # One search over all of a framework's texts first: most frameworks have nothing to report.
        if anything is not None and not anything.search(normalize("\n\n".join(t.value for t in texts))):
            continue
        for text in texts:
            yield from _check(model, text, rules, anything)
    for _, bank in model.entries(ast.PhraseBank):
        for p in bank.phrases:
            yield from _check(model, p, rules, anything)


def _check(model: Model, text: ast.Text, rules, anything) -> Iterator[Diagnostic]:
    value = normalize(text.value)
    if anything is not None and not anything.search(value):
        return
    for rule, pats in rules:
        for finder in pats:
            found = _first(finder, value)
            if found is None:
                continue
            span = text.span
            raw = normalize(model.text_of(span)).lower()
            at = raw.find(found.lower())
            if at != -1 and "\n" not in found:
                src = model.program.sources[span.file]
                span = src.span(span.start + at, span.start + at + len(found))
            about = rule.about.value if rule.about else ""
            severity = Severity.ERROR if rule.severity is not None and rule.severity.value == "error" else None
            prefer = rule.prefer.value if rule.prefer else ""
            yield Diagnostic(Code.HOUSE_STYLE, f"the house style discourages “{found.strip()}”" + (f": {about}" if about else ""),
                             span, label=f"style rule `{rule.name.value}`",
                             hint=(f"prefer: {prefer}" if prefer else "rewrite it in your own words"),
                             severity=severity)
            break
