"""House style: reply texts and phrases that use a discouraged phrase, with the better alternative."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic, Severity
from tactful.runtime.types import compile_re2, is_word_char, phrase_parts
from tactful.semantics.model import Model
from tactful.syntax import ast


def normalize(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def compiled_rules(model: Model) -> list[tuple[ast.StyleDecl, list]]:
    """Each style rule with its patterns: (compiled RE2, needs a word boundary before, after). A
    phrase is found as its bare words, and its boundaries are tested on the text (runtime.types)."""
    import re2

    out = []
    for _, (_, rule) in sorted(model.decls.styles.items()):
        pats = []
        for a in rule.avoid:
            if isinstance(a, ast.Regex):
                parts = (a.pattern, False, False)
            else:
                parts = phrase_parts(normalize(a.value))
                if parts is None:
                    continue  # an empty phrase: reported by the declarations check
            try:
                pats.append((compile_re2("(?i)" + parts[0]), parts[1], parts[2]))
            except re2.error:
                continue  # reported by the declarations check
        out.append((rule, pats))
    return out


def _find(pattern, starts: bool, ends: bool, text: str):
    """The first match of a phrase's words in text with a word boundary where the phrase needs one."""
    for m in pattern.finditer(text):
        a, b = m.span()
        if starts and a > 0 and is_word_char(text[a - 1]):
            continue
        if ends and b < len(text) and is_word_char(text[b]):
            continue
        return m
    return None


def house_style(model: Model) -> Iterator[Diagnostic]:
    import re2

    rules = compiled_rules(model)
    if not rules:
        return
    # One search per text with every pattern at once; only texts that hit are checked rule by rule.
    alternatives = [p.pattern.removeprefix("(?i)") for _, pats in rules for p, _, _ in pats]
    try:
        anything = compile_re2("(?i)(?:" + ")|(?:".join(alternatives) + ")") if alternatives else None
    except re2.error:  # pragma: no cover - every part compiled on its own
        anything = None
    rules = [(rule, pats) for rule, pats in rules if pats]
    for _, fw in model.frameworks():
        texts = [mv.text for r in fw.of(ast.Reply) for mv in r.moves if mv.text is not None]
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
        for pat, starts, ends in pats:
            m = _find(pat, starts, ends, value)
            if m is None:
                continue
            found = m.group(0)
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
