"""A Pygments lexer for `.tact` files, so ```tactful blocks are highlighted in both doc sites.

Registered under the `pygments.lexers` entry point with the alias `tactful` only: Pygments' own
`tact` is another language (TON's Tact), so fences are ```tactful. It is a highlighter, not a
parser: it colours what a reader needs to see (keywords, texts and the `{slot}` and `[optional]`
parts inside them, regexes, comments) and never fails on text it does not know.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

__all__ = ["TactfulLexer"]

DECLARATIONS = (
    "use", "framework", "policy", "team", "channel", "field", "signal", "phrases", "style", "scorer",
)
CLAUSES = (
    "owner", "tags", "about", "serves", "slot", "escalate", "handoff", "guard", "except", "reply",
    "example", "message", "context", "slots", "expect", "when", "fires", "quiet", "avoid", "prefer",
    "severity", "pattern", "as", "weights",
)
MOVES = ("acknowledge", "ask", "restate", "next", "close", "pick")
MODIFIERS = ("required", "private", "public", "contains", "lacks", "send", "hold", "no", "error", "warning")
OPERATORS = ("mentions", "matches", "says", "near", "within", "words", "forms", "of", "has", "emoji", "is", "in",
             "and", "or", "not", "at", "least", "scores", "on")
TYPES = ("text", "money", "number", "date", "email", "phone", "url", "bool", "enum", "visibility")


class TactfulLexer(RegexLexer):
    name = "Tactful"
    aliases = ["tactful"]  # not `tact`: Pygments ships TON's Tact language under that name
    filenames = ["*.tact"]
    mimetypes = ["text/x-tactful"]
    url = "https://pypi.org/project/tactful/"

    tokens = {
        "root": [
            (r"[ \t]+", Whitespace),
            (r"\n", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"""', String.Doc, "block"),
            (r'"', String.Double, "string"),
            (r"/(?:\\.|[^/\\\n])+/", String.Regex),
            # `framework billing.duplicate_charge`, `use stdlib.signals`: the id after the keyword
            (r"(framework|use)([ \t]+)([a-z][\w]*(?:\.[a-z]\w*)*)",
             bygroups(Keyword.Declaration, Whitespace, Name.Namespace)),
            (words(DECLARATIONS, suffix=r"\b"), Keyword.Declaration),
            (words(MOVES, suffix=r"\b"), Keyword.Pseudo),
            (words(CLAUSES, suffix=r"\b"), Keyword),
            (words(OPERATORS, suffix=r"\b"), Operator.Word),
            (words(MODIFIERS, suffix=r"\b"), Keyword.Constant),
            (words(TYPES, suffix=r"\b"), Keyword.Type),
            (r"(?:<=|>=|==|!=|<|>)", Operator),
            (r"-?\d+(?:\.\d+)?", Number),
            (r"[(),]", Punctuation),
            (r"[A-Za-z_][\w.]*", Name),
            (r".", Text),
        ],
        "interpolation": [
            (r"\\[\\{}\[\]\"]", String.Escape),
            (r"(\{)([ \t]*)([A-Za-z_]\w*)", bygroups(String.Interpol, Whitespace, Name.Variable), "slot"),
            (r"[\[\]]", String.Interpol),
        ],
        "slot": [
            (r"\}", String.Interpol, "#pop"),
            (r"\bor\b", Operator.Word),
            (r'"(?:\\.|[^"\\\n])*"', String.Double),
            (r"[ \t]+", Whitespace),
            (r"[^}\s\"]+", Name.Variable),
        ],
        "string": [
            include("interpolation"),
            (r'"', String.Double, "#pop"),
            (r"\n", String.Double, "#pop"),  # unterminated: stop at the end of the line
            (r'[^"\\{\[\]\n]+', String.Double),
            (r".", String.Double),
        ],
        "block": [
            include("interpolation"),
            (r'"""', String.Doc, "#pop"),
            (r'[^"\\{\[\]]+', String.Doc),
            (r".", String.Doc),
        ],
    }
