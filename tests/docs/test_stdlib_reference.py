"""The standard library reference, generated from stdlib/ through the bundle, on the library site and
on the project site: every declaration of stdlib/*.tact is there. The expected names are read from
the .tact files with plain patterns, not from the bundle, so a declaration the bundle or the page
lost is caught."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tactful.emit import docs

ROOT = Path(__file__).resolve().parents[2]
STDLIB = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "stdlib").glob("*.tact")}


def declared(file: str, keyword: str) -> list[str]:
    return re.findall(rf"^{keyword} (\w+)", STDLIB[file], re.M)


def policy_entries(kind: str) -> list[str]:
    """Names of the policy's guards or escalations: the `as` name, else the one signal named."""
    out = []
    for line in STDLIB["policy"].split("\n"):
        m = re.match(rf"\s+{kind} (?:(\w+) when )?(\w+)(?: as (\w+))?", line) if kind == "escalate" else \
            re.match(r"\s+guard (\w+)(?: as (\w+))?", line)
        if m:
            groups = [g for g in m.groups() if g]
            out.append(groups[-1] if kind == "guard" or m.group(3) else m.group(2))
    return out


@pytest.fixture(scope="module", params=["library site", "project site"])
def page(request, shipped_bundle) -> str:
    if request.param == "library site":
        return docs.emit(shipped_bundle)["docs/stdlib.md"]
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    from generated_pages import stdlib_reference_page

    return stdlib_reference_page()


def section(page: str, title: str) -> str:
    return page.split(f"\n## {title}\n")[1].split("\n## ")[0]


def test_every_team_channel_and_field_with_its_visibility_and_type(page):
    teams, channels, fields = section(page, "Teams"), section(page, "Channels"), section(page, "Context fields")
    assert declared("teams", "team") and all(f"| `{t}` |" in teams for t in declared("teams", "team"))
    for m in re.finditer(r"^channel (\w+) ([a-z, ]+?) \"", STDLIB["channels"], re.M):
        visibilities = " or ".join(v.strip() for v in m.group(2).split(","))
        assert f"| `{m.group(1)}` |" in channels and f"| {visibilities} |" in channels.split(f"`{m.group(1)}`")[1].split("\n")[0]
    for m in re.finditer(r"^field (\w+) (\w+)", STDLIB["fields"], re.M):
        row = next(line for line in fields.split("\n") if line.startswith(f"| `{m.group(1)}` |"))
        assert f"| {m.group(2)}" in row, row


def test_every_signal_with_what_it_matches_and_its_examples(page):
    signals = section(page, "Signals")
    names = declared("signals", "signal")
    assert names
    for name in names:
        assert f"\n### {name.replace('_', chr(92) + '_')}\n" in signals, name
    block = signals.split("\n### legal\\_threat\n")[1].split("\n### ")[0]
    assert re.search(r"Fires when the message (mentions|says \(not negated, reported or asked\)) “", block), block[:300]
    for message in re.findall(r'^\s+(?:fires|quiet) "(.*)"$', STDLIB["signals"].split("signal legal_threat")[1].split("\nsignal ")[0], re.M):
        assert f"“{docs.md(message)}”" in block, message


def test_every_phrase_bank_and_style_rule(page):
    banks, style = section(page, "Phrase banks"), section(page, "House style")
    assert all(f"### {docs.md(b)}" in banks for b in declared("phrases", "phrases"))
    assert all(f"`{r}`" in style for r in declared("style", "style"))


def test_the_house_policy_every_framework_inherits(page):
    policy = page.split("\n## House policy\n")[1]
    guards = policy.split("### Guards")[1].split("### Escalations")[0]
    escalations = policy.split("### Escalations")[1]
    assert policy_entries("guard") and all(f"| `{g}` |" in guards for g in policy_entries("guard"))
    assert policy_entries("escalate") and all(f"| `{e}` |" in escalations for e in policy_entries("escalate"))
    assert "In their words: {message}" in escalations


def test_the_library_site_links_the_reference_from_its_nav_and_every_framework(shipped_bundle):
    pages = docs.emit(shipped_bundle)
    assert "  - Standard library: stdlib.md" in pages["mkdocs.yml"]
    for path, text in pages.items():
        if path.startswith("docs/frameworks/"):
            assert "(../stdlib.md#house-policy)" in text, path
