"""The VS Code extension in editors/vscode: its TextMate grammar colours every keyword of the language,
its manifest agrees with itself, and its grammar tests (run with npm, when npm is installed) pass."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "editors" / "vscode"
LARK = ROOT / "compiler" / "tactful" / "syntax" / "tactful.lark"
MANIFEST = EXTENSION / "package.json"

# Scopes that colour a word as a keyword: `keyword.*`, and `storage.*` (`public`/`private` are
# storage modifiers, `enum` a storage type, as in most TextMate grammars).
KEYWORD_SCOPE = re.compile(r"^(?:keyword|storage)\.")


def language_keywords() -> set[str]:
    """The keywords of the language, read from the grammar file the compiler uses.

    Keywords are the lower case of the terminals on its `%declare` lines (`USE` is `use`; names that
    start with `_` are newline tokens), which is how the compiler builds its keyword table; quoted
    lower-case words (`"when"`), should the grammar ever spell a keyword that way, count too."""
    text = LARK.read_text(encoding="utf-8")
    text = "\n".join(line.split("//", 1)[0] for line in text.splitlines())  # drop comments
    declared = {name.lower() for line in text.splitlines() if line.startswith("%declare")
                for name in line.split()[1:] if not name.startswith("_")}
    quoted = set(re.findall(r'"([a-z][a-z_]*)"i?', text))
    return declared | quoted


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def manifest() -> dict:
    return load_json(MANIFEST)


def grammar_path() -> Path:
    (entry,) = manifest()["contributes"]["grammars"]
    return EXTENSION / entry["path"]


def walk_rules(node):
    """Every rule (a dict with `match` or `begin`) of a TextMate grammar, however deeply nested."""
    if isinstance(node, dict):
        if "match" in node or "begin" in node:
            yield node
        for value in node.values():
            yield from walk_rules(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk_rules(item)


def keyword_patterns(grammar: dict) -> list[tuple[str, re.Pattern[str], int, str]]:
    """(regex source, compiled regex, group, scope) for every part of a rule that gets a keyword scope."""
    found = []
    for rule in walk_rules(grammar):
        source = rule.get("match", rule.get("begin"))
        groups: list[tuple[int, str]] = []
        if "match" in rule and rule.get("name"):
            groups.append((0, rule["name"]))
        for key in ("captures", "beginCaptures"):
            for index, capture in (rule.get(key) or {}).items():
                if capture.get("name"):
                    groups.append((int(index), capture["name"]))
        groups = [(g, scope) for g, scope in groups if KEYWORD_SCOPE.match(scope)]
        if not groups:
            continue
        try:
            compiled = re.compile(source)
        except re.error as e:  # pragma: no cover - only when someone writes an Oniguruma-only keyword regex
            pytest.fail(f"keyword regex {source!r} is not understood by Python's re ({e}); "
                        "write keyword rules in the subset both engines share")
        found += [(source, compiled, g, scope) for g, scope in groups]
    return found


def contexts(word: str) -> list[str]:
    """Lines in which `word` stands where the language puts a keyword: at the start of a line (an
    entry, member or item), inside a line (conditions, `as`, `pick`), after `expect`, before `(`."""
    return [word, f"{word} x", f"  {word} x", f'  {word} "t"', f"x {word} y", f"x {word} (y)", f"x {word}(y)",
            f"  expect {word}", f"  expect {word} x", f"  expect no {word} x", f'  expect text {word} "t"']


def names(source: str, word: str) -> bool:
    """Whether a regex spells `word` out (`\\b(?:send|hold)\\b` names `hold`), rather than matching any
    name (`[A-Za-z_][A-Za-z0-9_]*` colours a type name, and would colour any word)."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", source.replace(r"\b", " ")) is not None


def is_coloured(word: str, patterns) -> str | None:
    """The scope a keyword rule that names `word` gives it in one of its contexts, or None."""
    for line in contexts(word):
        for source, regex, group, scope in patterns:
            if not names(source, word):
                continue
            for m in regex.finditer(line):
                if m.group(group) == word:
                    return scope
    return None


# ---- pure Python: no node needed -------------------------------------------------------------------

def test_the_keywords_are_read_from_the_grammar_file():
    keywords = language_keywords()
    # a sample that the language reference documents; guards the parsing above, not the language
    assert {"use", "framework", "slot", "escalate", "when", "guard", "reply", "acknowledge", "next", "pick",
            "mentions", "matches", "public", "private", "expect", "enum"} <= keywords
    assert all(re.fullmatch(r"[a-z_]+", k) for k in keywords), keywords


def test_every_keyword_of_the_language_is_coloured():
    grammar = load_json(grammar_path())
    patterns = keyword_patterns(grammar)
    assert is_coloured("frobnicate", patterns) is None  # the check tells a keyword from any other word
    missing = sorted(k for k in language_keywords() if is_coloured(k, patterns) is None)
    assert not missing, (
        f"keywords of {LARK.relative_to(ROOT)} that no keyword rule of {grammar_path().relative_to(ROOT)} "
        f"colours: {missing}. Add them to the rule for their statement (and to a unit test in "
        "editors/vscode/tests/unit/)."
    )


def test_the_grammar_includes_only_rules_it_defines():
    grammar = load_json(grammar_path())
    repository = grammar["repository"]

    def includes(node):
        if isinstance(node, dict):
            if isinstance(node.get("include"), str):
                yield node["include"]
            for value in node.values():
                yield from includes(value)
        elif isinstance(node, list):
            for item in node:
                yield from includes(item)

    unknown = sorted({i for i in includes(grammar) if i.startswith("#") and i[1:] not in repository})
    assert not unknown, f"the grammar includes rules its repository does not define: {unknown}"
    assert grammar["scopeName"] == "source.tactful"


def test_the_manifest_agrees_with_itself():
    m = manifest()
    assert (m["name"], m["publisher"], m["displayName"]) == ("tactful", "tactful", "Tactful")
    assert "vscode" in m["engines"]
    (language,) = m["contributes"]["languages"]
    (grammar,) = m["contributes"]["grammars"]
    assert language["id"] == "tactful" and language["extensions"] == [".tact"]
    assert "Tactful" in language["aliases"]
    assert (EXTENSION / language["configuration"]).is_file()
    load_json(EXTENSION / language["configuration"])  # valid JSON
    assert grammar["language"] == language["id"]
    assert grammar["scopeName"] == load_json(grammar_path())["scopeName"] == "source.tactful"
    assert "onLanguage:tactful" in m["activationEvents"]
    assert (EXTENSION / m["main"]).is_file()
    settings = m["contributes"]["configuration"]["properties"]
    assert settings["tactful.server.path"]["default"] == "tactful"
    assert settings["tactful.server.args"]["default"] == ["lsp"]
    defaults = m["contributes"]["configurationDefaults"]["[tactful]"]
    assert defaults["editor.defaultFormatter"] == f'{m["publisher"]}.{m["name"]}'
    assert defaults["editor.formatOnSave"] is True
    for script in ("test:grammar", "test:unit"):
        assert script in m["scripts"]


def test_the_snapshot_files_are_committed_next_to_their_sources():
    sources = sorted((EXTENSION / "tests" / "snap").glob("*.tact"))
    assert len(sources) >= 4
    missing = [s.name for s in sources if not s.with_name(s.name + ".snap").is_file()]
    assert not missing, f"run `npm run update:snapshots` in editors/vscode and read the new .snap files: {missing}"


# ---- with npm: the grammar's own tests ---------------------------------------------------------------

NPM = shutil.which("npm")


@pytest.fixture(scope="module")
def npm() -> str:
    if NPM is None:
        pytest.skip("npm is not on PATH: the VS Code grammar tests (vscode-tmgrammar-test) need Node.js and npm")
    if not (EXTENSION / "node_modules" / "vscode-tmgrammar-test").is_dir():
        run([NPM, "ci", "--no-audit", "--no-fund"], timeout=600)
    return NPM


def run(command: list[str], timeout: float = 120) -> str:
    result = subprocess.run(command, check=False, cwd=EXTENSION, capture_output=True, text=True, timeout=timeout)
    output = f"{result.stdout}\n{result.stderr}".strip()
    if result.returncode != 0:
        pytest.fail(f"`npm {' '.join(command[1:])}` in editors/vscode exited with {result.returncode}:\n{output}",
                    pytrace=False)
    return output


def test_grammar_snapshots(npm):
    run([npm, "run", "--silent", "test:grammar"])


def test_grammar_unit_assertions_and_client(npm):
    run([npm, "run", "--silent", "test:unit"])
