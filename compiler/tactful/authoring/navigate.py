"""What the editor asks about a place in a file, answered from an Analysis (project.py): hover texts,
completions, definitions, references, slot renames, the outline and quick fixes.

Pure functions over the AST and the Model; positions are character offsets and Spans. The language
server (lsp.py) turns them into LSP values.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from tactful.authoring.project import Analysis
from tactful.codes import CODES, Code
from tactful.runtime.features import FEATURES
from tactful.runtime.types import SLOT_TYPES
from tactful.semantics.model import effective, slot_flag, slot_type
from tactful.source import Span
from tactful.syntax import ast

__all__ = ["Completion", "Symbol", "complete", "definition", "hover", "quick_fix", "references", "rename_slot",
           "symbols"]


# --- finding the node under the cursor ------------------------------------------------------------


def _children(node):
    if isinstance(node, ast.Text):  # its parts are kept as plain data: made into nodes here
        yield from node.parts
        return
    for f in dataclasses.fields(node):
        if f.name in ("loc", "_by_kind"):
            continue
        value = getattr(node, f.name)
        if isinstance(value, tuple):
            for x in value:
                if dataclasses.is_dataclass(x):
                    yield x
        elif dataclasses.is_dataclass(value):
            yield value


def path_at(module: ast.Module, offset: int) -> list:
    """The nodes that contain offset, outermost first (the module's entries down to a Name)."""
    out: list = []
    nodes = list(module.entries)
    while nodes:
        hit = next((n for n in nodes if n.span.start <= offset <= n.span.end and n.span.file), None)
        if hit is None:
            break
        out.append(hit)
        nodes = list(_children(hit))
    return out


def _framework(path: list) -> ast.FrameworkDecl | None:
    return next((n for n in path if isinstance(n, ast.FrameworkDecl)), None)


def _word_at(text: str, offset: int) -> tuple[str, int, int]:
    start = offset
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    end = offset
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[start:end], start, end


# --- what a name refers to ------------------------------------------------------------------------


@dataclass
class Target:
    """What the name under the cursor means."""

    kind: str  # slot | signal | bank | team | channel | field | feature | module | code | keyword
    name: str
    span: Span  # of the name under the cursor
    decl: object | None = None  # the declaring node
    module: str | None = None  # the declaring module, for signals and banks


def target(a: Analysis, offset: int) -> Target | None:
    path = path_at(a.module, offset)
    decls = a.model.decls
    fw = _framework(path)
    slots = a.model.slots_of(fw) if fw is not None else {}
    name = next((n for n in reversed(path) if isinstance(n, ast.Name)), None)
    parent = next((n for n in reversed(path) if not isinstance(n, ast.Name)), None)
    if name is None:
        return _comment_code(a, offset) or _keyword(a, offset)
    v = name.value

    def field_or_slot() -> Target | None:
        if v in slots:
            return Target("slot", v, name.span, slots[v])
        if v in decls.fields:
            return Target("field", v, name.span, decls.fields[v])
        if v in FEATURES:
            return Target("feature", v, name.span)
        return None

    match parent:
        case ast.TextSlot() | ast.Slot() | ast.Pair():
            if isinstance(parent, ast.Pair) and not any(isinstance(n, ast.ExSlots) for n in path):
                return Target("field", v, name.span, decls.fields.get(v)) if v in decls.fields else None
            return field_or_slot()
        case ast.NameCond():
            if v in decls.signals:
                mod, decl = decls.signals[v]
                return Target("signal", v, name.span, decl, mod)
            return field_or_slot()
        case ast.Mentions() | ast.Matches() | ast.Compare() | ast.Is() | ast.In():
            if name is parent.field:
                return field_or_slot()
            if v in decls.channels:
                return Target("channel", v, name.span, decls.channels[v])
            return None
        case ast.Escalate() | ast.Owner() | ast.TeamDecl():
            if v in decls.teams:
                return Target("team", v, name.span, decls.teams[v])
        case ast.Move():
            if name is parent.pick and v in decls.banks:
                mod, decl = decls.banks[v]
                return Target("bank", v, name.span, decl, mod)
            return _keyword(a, offset)
        case ast.ExChannel() | ast.ChannelDecl():
            if v in decls.channels:
                return Target("channel", v, name.span, decls.channels[v])
        case ast.Use():
            return Target("module", v, name.span)
        case ast.SignalDecl():
            return Target("signal", v, name.span, parent, a.module.name)
        case ast.PhraseBank():
            return Target("bank", v, name.span, parent, a.module.name)
        case ast.FieldDecl():
            return Target("field", v, name.span, parent)
        case ast.Expect():
            if parent.kind in ("guard", "no_guard") and v in decls.signals:
                mod, decl = decls.signals[v]
                return Target("signal", v, name.span, decl, mod)
            if parent.kind in ("escalate", "no_escalate") and v in decls.teams:
                return Target("team", v, name.span, decls.teams[v])
    return _keyword(a, offset)


_CODE_IN_COMMENT = re.compile(r"T\d{4}")


def _comment_code(a: Analysis, offset: int) -> Target | None:
    for c in a.module.comments:
        if c.span.start <= offset <= c.span.end:
            for m in _CODE_IN_COMMENT.finditer(c.text):
                if c.span.start + m.start() <= offset <= c.span.start + m.end() and m.group() in CODES:
                    start = c.span.start + m.start()
                    return Target("code", m.group(), a.source.span(start, start + 5))
    return None


def _keyword(a: Analysis, offset: int) -> Target | None:
    word, start, end = _word_at(a.source.text, offset)
    if word in KEYWORD_HELP:
        return Target("keyword", word, a.source.span(start, end))
    return None


KEYWORD_HELP = {
    "use": "`use module`: makes a module's signals and phrase banks usable in this file.",
    "team": "`team name \"title\"`: a team a case can be owned by or escalated to (global).",
    "channel": "`channel name public, private \"title\"`: where customers write; in an example, the channel it arrives on.",
    "field": "`field name type \"about\"`: a value every conversation carries (global).",
    "signal": "`signal name \"about\"`: a named condition, with `when`, and `fires` / `quiet` examples that `tactful test` checks.",
    "phrases": "`phrases name \"about\"`: interchangeable wordings that a move can `pick`.",
    "style": "`style name \"about\"`: phrases the house style avoids (`avoid`), with what to `prefer`.",
    "policy": "`policy name`: guards and escalations that apply to every framework.",
    "framework": "`framework intent \"title\"`: the response framework for one customer intent.",
    "owner": "`owner team`: the team that owns cases of this intent.",
    "tags": "`tags a, b`: tags for analytics and routing.",
    "serves": "`serves public, private`: the visibilities the framework answers in.",
    "about": "`about \"…\"`: what this is for, for readers and the docs.",
    "slot": "`slot name [type] [required] [private]`: a fact the reply needs; `{name}` in texts.",
    "pattern": "`pattern /regex/`: the form a slot's values must have (RE2).",
    "example": "`example \"name\"`: a conversation the framework must handle as expected (`tactful test`); under a slot, an example value.",
    "escalate": "`escalate team when <condition> [as name]`: routes the case to a team, with a `handoff` note.",
    "handoff": "`handoff \"…\"`: the note the next team gets, so the customer need not repeat themselves.",
    "guard": "`guard <condition> [as name] \"reason\"`: when it holds, the draft is not sent as written.",
    "except": "`except name \"reason\"`: opts this framework out of one policy guard or escalation.",
    "reply": "`reply public|private [when <condition>]`: the moves of a reply; the first matching reply wins.",
    "acknowledge": "Move: acknowledge the impact first.",
    "ask": "Move: ask an open question when the intent is unclear.",
    "restate": "Move: restate the issue in one accurate sentence.",
    "next": "Move: the next step; every reply ends in one.",
    "close": "Move: a closing line.",
    "pick": "`pick bank`: one phrase of a phrase bank, chosen per conversation.",
    "message": "In an example: the customer's message. In a condition: the message field.",
    "context": "`context field value, …`: context fields of an example's conversation.",
    "slots": "`slots name \"value\", …`: slot values of an example.",
    "expect": "`expect …`: what the example's draft must show (guard, escalate, reply, text contains, send, hold).",
    "when": "`when <condition>`: the condition of a signal, escalation or reply.",
    "mentions": "`field mentions \"a\", \"b\"`: whole words or phrases, case-insensitive.",
    "matches": "`field matches /regex/`: an RE2 regex (linear time).",
    "scores": "`field scores at least 0.5 on scorer`: a learned scorer's score of the text (0 to 1) is at least the number.",
    "scorer": "`scorer name \"about\"` with `weights \"file.json\"`: a learned text scorer (`tactful train` writes the file).",
    "weights": "`weights \"file.json\"`: a scorer's weights file, relative to this file's folder.",
    "fires": "`fires \"…\"`: a message the signal must fire on (checked by `tactful test`).",
    "quiet": "`quiet \"…\"`: a message the signal must stay quiet on (checked by `tactful test`).",
    "avoid": "`avoid \"phrase\", /regex/`: wordings the house style flags.",
    "prefer": "`prefer \"…\"`: the better alternative the style suggests.",
    "severity": "`severity error|warning`: how strongly a style rule is enforced.",
    "required": "Slot flag: the draft cannot be made without a value.",
    "private": "Slot flag: never shown in a public reply. Visibility: a DM, an email, a chat.",
    "public": "Visibility: a post, a comment, a forum thread.",
}


# --- hover ----------------------------------------------------------------------------------------


def hover(a: Analysis, offset: int) -> tuple[str, Span] | None:
    """Markdown for the thing under the cursor, and the span it covers."""
    t = target(a, offset)
    if t is None:
        return None
    return _describe(a, t), t.span


def _text(t: ast.Text | None) -> str:
    return t.value if t is not None else ""


def _describe(a: Analysis, t: Target) -> str:
    d = t.decl
    match t.kind:
        case "slot":
            assert isinstance(d, ast.Slot)
            ty = slot_type(d)
            flags = [f for f in ("required", "private") if slot_flag(d, f)]
            lines = [f"**slot** `{t.name}`: {_type_name(ty)}" + (f" ({', '.join(flags)})" if flags else "")]
            lines += [f"- pattern: `/{p.pattern}/`" for p in d.patterns]
            lines += [f"- example: \"{e.value}\"" for e in d.examples]
            lines += ["", *[x.value for x in d.abouts]]
            return "\n".join(lines).strip()
        case "signal":
            assert isinstance(d, ast.SignalDecl)
            lines = [f"**signal** `{t.name}` (from `{t.module}`)", "", _text(d.about)]
            if d.when:
                lines += ["", "```tactful", "when " + a.model.cond_source(d.when[0])[:300], "```"]
            if d.fires:
                lines += ["", "Fires on:", *[f"- \"{x.value}\"" for x in d.fires]]
            if d.quiet:
                lines += ["", "Quiet on:", *[f"- \"{x.value}\"" for x in d.quiet]]
            return "\n".join(lines)
        case "bank":
            assert isinstance(d, ast.PhraseBank)
            return "\n".join([f"**phrases** `{t.name}` (from `{t.module}`)", "", _text(d.about), "",
                              *[f"- \"{p.value}\"" for p in d.phrases]])
        case "team":
            return f"**team** `{t.name}`\n\n{_text(d.title)}"
        case "channel":
            vis = ", ".join(v.value for v in d.visibilities)
            return f"**channel** `{t.name}` ({vis})\n\n{_text(d.title)}"
        case "field":
            if d is None:
                return f"**field** `{t.name}`"
            return f"**field** `{t.name}`: {_type_name(d.type)}\n\n{_text(d.about)}"
        case "feature":
            return f"**message feature** `{t.name}`: a number the runtime computes from the message"
        case "module":
            return f"**module** `{t.name}`"
        case "code":
            code = Code(t.name)
            return f"**{code.code}** {code.slug}: {code.title}\n\n{code.explanation}\n\nFix: {code.fix}".strip()
        case "keyword":
            return KEYWORD_HELP[t.name]
    raise AssertionError(t.kind)


def _type_name(ty: ast.TypeRef | None) -> str:
    if ty is None:
        return "text"
    return f"enum({', '.join(v.value for v in ty.values)})" if ty.values else ty.name.value


# --- definition and references ----------------------------------------------------------------------


def definition(a: Analysis, offset: int) -> Span | None:
    t = target(a, offset)
    if t is None:
        return None
    if t.kind == "module":
        module = a.program.modules.get(t.name)
        return a.program.sources[module.path].span(0, 0) if module is not None else None
    decl = t.decl
    if decl is None:
        return None
    name = getattr(decl, "name", None)
    return name.span if isinstance(name, ast.Name) else decl.span


def _names_in(node, pred) -> list[Span]:
    """Spans of every Name below node (with its parent) for which pred(parent, name) holds."""
    out: list[Span] = []
    stack = [node]
    while stack:
        n = stack.pop()
        for c in _children(n):
            if isinstance(c, ast.Name):
                if pred(n, c):
                    out.append(c.span)
            else:
                stack.append(c)
    return out


def slot_uses(fw: ast.FrameworkDecl, name: str) -> list[Span]:
    """The slot's declaration, every `{name}` in the framework's texts and every example value given for it."""
    def pred(parent, n):
        if n.value != name:
            return False
        if isinstance(parent, ast.Slot):
            return n is parent.name
        return isinstance(parent, (ast.TextSlot, ast.Pair)) and (not isinstance(parent, ast.Pair) or n is parent.key)

    spans = []
    for m in fw.members:
        if isinstance(m, ast.Example):
            for item in m.items:
                if isinstance(item, ast.ExSlots):
                    spans += _names_in(item, pred)
        else:
            spans += _names_in(m, pred) if not isinstance(m, ast.Junk) else []
    return sorted(set(spans), key=lambda s: s.start)


def references(a: Analysis, offset: int, others: dict[str, ast.Module] | None = None) -> list[Span]:
    """Where the thing under the cursor is declared and used: slots in their framework; signals,
    phrase banks and teams in this file, the program checked with it and the others given."""
    t = target(a, offset)
    if t is None:
        return []
    if t.kind == "slot":
        fw = _framework(path_at(a.module, offset))
        return slot_uses(fw, t.name) if fw is not None else []
    if t.kind not in ("signal", "bank", "team", "channel", "field"):
        return []
    wanted = {"signal": (ast.NameCond, ast.SignalDecl, ast.Expect), "bank": (ast.Move, ast.PhraseBank),
              "team": (ast.Escalate, ast.Owner, ast.TeamDecl, ast.Expect),
              "channel": (ast.ChannelDecl, ast.ExChannel, ast.Is, ast.In),
              "field": (ast.FieldDecl, ast.Mentions, ast.Matches, ast.Compare, ast.Is, ast.In, ast.NameCond,
                        ast.Pair)}[t.kind]

    def pred(parent, n):
        return n.value == t.name and isinstance(parent, wanted)

    modules = {m.path: m for m in a.program.modules.values()}
    modules.update(others or {})
    modules[a.path] = a.module
    spans: list[Span] = []
    for m in modules.values():
        for e in m.entries:
            spans += _names_in(e, pred)
    return sorted(set(spans), key=lambda s: (s.file, s.start))


def rename_slot(a: Analysis, offset: int, new: str) -> list[Span] | str:
    """The spans to replace with new to rename the slot under the cursor, or why not."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", new):
        return f"`{new}` is not a name: use letters, digits and `_`"
    t = target(a, offset)
    if t is None or t.kind != "slot":
        return "only slots can be renamed: put the cursor on a slot's name or a `{slot}`"
    fw = _framework(path_at(a.module, offset))
    if new in a.model.slots_of(fw):
        return f"`{fw.intent.value}` already has a slot `{new}`"
    return slot_uses(fw, t.name)


# --- outline ---------------------------------------------------------------------------------------


@dataclass
class Symbol:
    name: str
    kind: str  # module | class | field | event | function | constant | string | enum
    span: Span
    selection: Span
    detail: str = ""
    children: list["Symbol"] = dataclasses.field(default_factory=list)


def symbols(module: ast.Module) -> list[Symbol]:
    out = []
    for e in module.entries:
        match e:
            case ast.FrameworkDecl():
                fw = Symbol(e.intent.value, "class", e.span, e.intent.span, e.title.value)
                for m in e.members:
                    fw.children.extend(_member_symbol(m))
                out.append(fw)
            case ast.SignalDecl():
                out.append(Symbol(e.name.value, "event", e.span, e.name.span, _text(e.about)))
            case ast.PhraseBank():
                out.append(Symbol(e.name.value, "string", e.span, e.name.span, _text(e.about)))
            case ast.StyleDecl() | ast.ScorerDecl():
                out.append(Symbol(e.name.value, "constant", e.span, e.name.span, _text(e.about)))
            case ast.PolicyDecl():
                p = Symbol(e.name.value, "module", e.span, e.name.span, _text(e.about))
                for item in e.items:
                    p.children.extend(_member_symbol(item))
                out.append(p)
            case ast.TeamDecl() | ast.ChannelDecl():
                out.append(Symbol(e.name.value, "enum", e.span, e.name.span, _text(e.title)))
            case ast.FieldDecl():
                out.append(Symbol(e.name.value, "field", e.span, e.name.span, _type_name(e.type)))
    return out


def _member_symbol(m) -> list[Symbol]:
    match m:
        case ast.Slot():
            return [Symbol(m.name.value, "field", m.span, m.name.span, "slot")]
        case ast.Escalate():
            return [Symbol(f"escalate {m.team.value}", "function", m.span, m.team.span, m.alias.value if m.alias else "")]
        case ast.Guard():
            return [Symbol(f"guard {m.alias.value}" if m.alias else "guard", "function", m.span, m.span, m.reason.value[:60])]
        case ast.Reply():
            label = f"reply {m.visibility.value}" + (" when …" if m.when is not None else "")
            return [Symbol(label, "function", m.span, m.visibility.span)]
        case ast.Example():
            return [Symbol(f"example {m.name.value}", "event", m.span, m.name.span)]
    return []


# --- completion ------------------------------------------------------------------------------------


@dataclass
class Completion:
    label: str
    kind: str  # field | variable | event | enum | module | keyword | value
    detail: str = ""


_ENTRY_WORDS = ["use", "team", "channel", "field", "signal", "phrases", "style", "policy", "framework"]
_MEMBER_WORDS = ["owner", "tags", "serves", "about", "slot", "escalate", "guard", "except", "reply", "example"]
_ITEM_WORDS = {"slot": ["pattern", "example", "about"], "reply": ["acknowledge", "ask", "restate", "next", "close"],
               "example": ["message", "channel", "context", "slots", "expect"], "escalate": ["handoff"],
               "signal": ["when", "fires", "quiet"], "style": ["avoid", "prefer", "severity"],
               "policy": ["guard", "escalate"]}
_COND_START = re.compile(r"(?:\bwhen|\bguard|\band|\bor|\bnot|\()\s+\(?\s*(\w*)$")
_AFTER = re.compile(r"\b(escalate|owner|pick|channel|is|in\s*\(|expect\s+(?:no\s+)?(?:guard|escalate))\s*(?:[\w\s]*,\s*)?(\w*)$")


def complete(a: Analysis | None, text: str, offset: int) -> list[Completion]:
    """What may be written at offset of text (the editor's text, which may not parse); a is the last
    analysis of the file (for its declarations and slots), when there is one."""
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    decls = a.model.decls if a is not None else None
    # inside `{…}` of a text: slots of the framework, and context fields
    brace = before.rfind("{")
    if brace != -1 and "}" not in before[brace:] and "/" not in before[:brace]:
        return _slot_completions(a, offset)
    if not before.strip() or re.fullmatch(r"\s*\w+", before):
        return _line_start(text, line_start, before)
    fixed = _fixed_words(before)
    if fixed is not None:
        return fixed
    if decls is None:
        return []
    m = _AFTER.search(before)
    if m:
        word = m.group(1).split()[0]
        if word == "pick":
            mod = a.module.name
            return [Completion(n, "value", _text(b.about)) for n, (_, b) in sorted(decls.visible(mod, "bank").items())]
        if word in ("escalate", "owner", "expect") and not m.group(1).endswith("guard"):
            return [Completion(n, "enum", _text(t.title)) for n, t in sorted(decls.teams.items())]
        if word == "expect":  # `expect guard`: the guards the framework has, its own and the policy's
            fw = _framework(path_at(a.module, offset)) or next(
                (e for e in reversed(a.module.entries) if isinstance(e, ast.FrameworkDecl) and e.span.start <= offset), None)
            if fw is None:
                return _signal_completions(a)
            guards = effective(decls, fw, a.model.cond_source).guards
            return [Completion(n, "event", f"policy `{p}`" if p else "guard") for n, _, p in guards]
        if word in ("channel", "is") or word.startswith("in"):
            return [Completion(n, "enum", _text(c.title)) for n, c in sorted(decls.channels.items())] + (
                [Completion(v, "keyword") for v in ("public", "private")])
    if _COND_START.search(before):
        return _signal_completions(a) + _field_completions(a)
    return []


_EXPECT_WORDS = ["guard", "no", "escalate", "reply", "text", "send", "hold"]
_SLOT_WORDS = ["required", "private", *[t for t in SLOT_TYPES if t != "enum"], "enum("]


def _fixed_words(before: str) -> list[Completion] | None:
    """Words the grammar allows after a keyword, whatever the project declares."""
    words = before.split()
    if not words or before[-1:] not in (" ", "\t"):
        last = words[-1] if words else ""
        words = words[:-1]
    else:
        last = ""
    if not words:
        return None
    head = words[0]
    if head == "expect" and len(words) == 1:
        out = _EXPECT_WORDS
    elif head == "expect" and words[1:] == ["no"]:
        out = ["guard", "escalate"]
    elif head == "expect" and words[1:] == ["text"]:
        out = ["contains", "lacks"]
    elif head in ("reply", "serves") and len(words) == 1 or (head == "expect" and words[1:] == ["reply"]):
        out = ["public", "private"]
    elif head == "slot" and len(words) >= 2:
        out = [w for w in _SLOT_WORDS if w not in words]
    elif head in ("acknowledge", "ask", "restate", "next", "close") and len(words) == 1:
        return [Completion("pick", "keyword", KEYWORD_HELP["pick"])]
    else:
        return None
    return [Completion(w, "keyword", KEYWORD_HELP.get(w, "")) for w in out if w.startswith(last)]


def _slot_completions(a: Analysis | None, offset: int) -> list[Completion]:
    if a is None:
        return []
    out = []
    fw = _framework(path_at(a.module, offset))
    if fw is None:  # the text does not parse yet: the framework the cursor is in, by position
        fw = next((e for e in a.module.entries if isinstance(e, ast.FrameworkDecl) and e.span.start <= offset), None)
    if fw is not None:
        for name, s in a.model.slots_of(fw).items():
            out.append(Completion(name, "variable", f"slot: {_type_name(slot_type(s))}"))
    for name, f in sorted(a.model.decls.fields.items()):
        if not any(c.label == name for c in out):
            out.append(Completion(name, "field", f"context field: {_type_name(f.type)}"))
    return out


def _signal_completions(a: Analysis) -> list[Completion]:
    return [Completion(n, "event", _text(s.about)) for n, (_, s) in sorted(a.model.decls.visible(a.module.name, "signal").items())]


def _field_completions(a: Analysis) -> list[Completion]:
    out = [Completion(n, "field", f"context field: {_type_name(f.type)}") for n, f in sorted(a.model.decls.fields.items())]
    return out + [Completion(n, "field", "message feature: number") for n in FEATURES]


def _line_start(text: str, line_start: int, before: str) -> list[Completion]:
    """Keywords that can start this line, by its indentation and the lines above."""
    indent = len(before) - len(before.lstrip(" "))
    if indent == 0:
        return [Completion(k, "keyword", KEYWORD_HELP.get(k, "")) for k in _ENTRY_WORDS]
    # the nearest line above that is less indented says which block we are in
    lines = text[:line_start].split("\n")
    for line in reversed(lines):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(line) - len(stripped)
        if depth < indent:
            head = stripped.split(None, 1)[0] if stripped.split() else ""
            words = _MEMBER_WORDS if head == "framework" else _ITEM_WORDS.get(head, [])
            if head == "example" and depth > 0:
                words = _ITEM_WORDS["example"]
            return [Completion(k, "keyword", KEYWORD_HELP.get(k, "")) for k in words]
    return []


# --- quick fixes -----------------------------------------------------------------------------------

_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")
_FIRST_NAME = re.compile(r"`([^`]+)`")


def quick_fix(text: str, span: Span, message: str, hint: str) -> tuple[int, int, str] | None:
    """(start, end, replacement) when the hint names a replacement ("did you mean `amount`?"): the
    misspelt name (the first `name` of the message) inside the diagnostic's span is replaced."""
    m = _DID_YOU_MEAN.search(hint)
    if m is None:
        return None
    new = m.group(1)
    old = _FIRST_NAME.search(message)
    region = text[span.start:span.end]
    if old is not None:
        at = region.find(old.group(1))
        if at != -1:
            return span.start + at, span.start + at + len(old.group(1)), new
    return span.start, span.end, new
