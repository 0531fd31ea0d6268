"""The project's own site: grammar excerpts in sync with the .lark file, generated pages, and a
strict mkdocs build of the whole thing."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

import grammar_excerpts

ROOT = Path(__file__).resolve().parents[2]
GRAMMAR = ROOT / "compiler" / "tactful" / "syntax" / "tactful.lark"
REFERENCE = ROOT / "docs" / "reference" / "language.md"
GRAMMAR_PAGE = ROOT / "docs" / "reference" / "grammar.md"  # the contributors' page holds the excerpts


def _hook():
    spec = importlib.util.spec_from_file_location("generated_pages", ROOT / "docs" / "hooks" / "generated_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_grammar_excerpt_in_the_reference_matches_the_grammar():
    grammar = grammar_excerpts.rules(GRAMMAR.read_text(encoding="utf-8"))
    blocks = grammar_excerpts.excerpts(GRAMMAR_PAGE.read_text(encoding="utf-8"))
    assert blocks, "docs/reference/grammar.md has no ```lark excerpts"
    stale = []
    for block in blocks:
        for key, (written, definition) in grammar_excerpts.rules(block).items():
            if grammar.get(key) != (written, definition):
                stale.append(f"{written}: {definition}\n   grammar has: {grammar.get(key)}")
    assert not stale, ("these excerpts in docs/reference/grammar.md differ from tactful.lark "
                       "(run `.venv/bin/python tests/docs/grammar_excerpts.py` to re-copy them):\n" + "\n".join(stale))


def test_every_rule_of_the_grammar_is_excerpted_in_the_reference():
    grammar = grammar_excerpts.rules(GRAMMAR.read_text(encoding="utf-8"))
    shown = set()
    for block in grammar_excerpts.excerpts(GRAMMAR_PAGE.read_text(encoding="utf-8")):
        shown |= set(grammar_excerpts.rules(block))
    rules = {k for k in grammar if not k.lstrip("_").isupper()}
    missing = sorted(rules - shown)
    assert not missing, f"grammar rules not shown in docs/reference/grammar.md: {missing}"


def test_the_language_reference_is_for_content_designers():
    """Grammar internals live on the contributors' page; the reference states the rules a writer meets."""
    text = REFERENCE.read_text(encoding="utf-8")
    assert "```lark" not in text and "_NL" not in text and "LALR" not in text
    rules = text.split("## Rules a writer meets")[1].split("\n## ")[0]
    for rule in ("Optional segments do not nest", "Conditions read context fields, not slots", "What an `expect` line checks"):
        assert rule in rules, rule
    assert "(grammar.md)" in text.split("## ")[0], "the reference points contributors to the grammar page"


def test_reference_examples_are_highlighted_without_lexer_errors():
    from pygments import lex
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Error

    lexer = get_lexer_by_name("tactful")
    text = REFERENCE.read_text(encoding="utf-8")
    blocks = re.findall(r"^```tactful\n(.*?)^```", text, re.S | re.M)
    assert len(blocks) >= 10
    for block in blocks:
        assert not [v for t, v in lex(block, lexer) if t is Error], block


def test_diagnostics_page_has_a_section_per_code_with_meaning_example_and_fix():
    from tactful.codes import CODES

    page = _hook().diagnostics_page()
    for c in CODES.values():
        head = f"### {c.code} {c.slug} {{#{c.code}}}"
        assert head in page, c.code
        section = page.split(head)[1].split("\n### ")[0]
        assert c.explanation in section
        if c.example:
            assert "```tactful\n" + c.example.rstrip("\n") in section
        if c.fix:
            assert f"**How to fix it:** {c.fix}" in section


def test_diagnostics_page_documents_every_verify_code():
    from tactful.runtime.verify import CODES

    page = _hook().diagnostics_page()
    for c in CODES.values():
        head = f"### {c.code} {c.slug} {{#{c.code}}}"
        assert head in page, c.code
        section = page.split(head)[1].split("\n### ")[0]
        assert c.explanation in section and f"**How to fix it:** {c.fix}" in section and f"**{c.level}**" in section


def test_bundle_schema_is_the_bundle_models_schema():
    from tactful.runtime.bundle import Bundle

    schema = json.loads(_hook().bundle_schema_text())
    assert set(schema["properties"]) == set(Bundle.model_json_schema()["properties"])


def test_project_site_builds_strictly_with_every_page(project_site):
    for page in ["index.html", "getting-started/index.html", "ci/index.html", "reference/language/index.html",
                 "reference/cli/index.html", "reference/diagnostics/index.html", "reference/bundle/index.html",
                 "reference/runtime/index.html", "reference/http/index.html", "reference/bundle.schema.json",
                 "reference/stdlib/index.html", "install/index.html", "reference/grammar/index.html"]:
        assert (project_site / page).is_file(), page


def test_cli_reference_is_generated_from_the_click_commands(project_site):
    from tactful.cli import main

    html = (project_site / "reference/cli/index.html").read_text(encoding="utf-8")
    for name in main.commands:
        assert f'id="tactful-{name}"' in html, name


def test_tactful_code_is_highlighted_on_the_project_site(project_site):
    html = (project_site / "reference/language/index.html").read_text(encoding="utf-8")
    assert '<span class="kd">framework</span>' in html  # Keyword.Declaration from our lexer
    assert '<span class="si">{</span><span class="nv">amount</span>' in html  # interpolation inside a text


def test_bundle_page_inlines_the_schema(project_site):
    html = (project_site / "reference/bundle/index.html").read_text(encoding="utf-8")
    assert "tactful: bundle-schema" not in html and "schema_version" in html
    published = (project_site / "reference/bundle.schema.json").read_text(encoding="utf-8")
    assert published == _hook().bundle_schema_text()


def test_pre_commit_hooks_run_the_cli():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"tactful-check", "tactful-test"}
    for h in hooks:
        assert h["entry"].startswith("tactful ") and h["language"] == "python" and h["files"] == r"\.tact$"


@pytest.mark.parametrize("page, file", [("getting-started.md", "delivery/late_order.tact"),
                                        ("index.md", "billing/duplicate_charge.tact")])
def test_the_first_framework_of_a_page_compiles_cleanly(page, file, tmp_path):
    from tactful import api
    from tactful.diagnostics import render

    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    source = re.search(r"^```tactful\n(.*?)^```", text, re.S | re.M)[1]
    path = tmp_path / "frameworks" / file
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    result = api.compile([tmp_path / "frameworks"])
    assert not result.diagnostics, render(result, "compact", color=False)


def test_the_standard_library_reference_is_on_the_project_site(project_site):
    html = (project_site / "reference/stdlib/index.html").read_text(encoding="utf-8")
    for anchor in ("teams", "channels", "context-fields", "signals", "phrase-banks", "house-style", "house-policy"):
        assert f'id="{anchor}"' in html, anchor
    assert "legal_threat" in html and "sorry_for_inconvenience" in html
