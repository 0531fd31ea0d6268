"""The shipped library (frameworks/ on stdlib/) is what new teams copy: it must be exemplary.

Issue 4's bar, enforced in `make test`: `check --strict` is clean (so no house-style phrase, no reply
without a next step, no private slot in public), every example and signal example passes, every
reply, guard and escalation is exercised by an example, and each intent of the taxonomy has its
framework. The library may grow: these tests never pin its size or its intents. Each runs twice, on
the shipped library and on a copy to which a content designer has added a framework the way
docs/getting-started.md says (tactful.toml's taxonomy first, then the file), so following the guide
never breaks `make test`.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from click.testing import CliRunner

from tactful import api
from tactful.cli import main
from tactful.diagnostics import render
from tactful.runtime import load_library
from tactful.runtime.bundle import SlotPart
from tactful.runtime.examples import run

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")


def add_framework_as_the_guide_says(project: Path) -> str:
    """Step 2 and 3 of the guide, in a copy of a project: the intent into the taxonomy, then the file."""
    toml = re.search(r"Create `tactful.toml`:\n\n```toml\n(.*?)```", GUIDE, re.S).group(1)
    (intent,) = tomllib.loads(toml)["taxonomy"]["intents"]
    path, source = re.search(r"Create `(frameworks/[^`]+\.tact)`:\n\n```tactful\n(.*?)```", GUIDE, re.S).groups()
    settings = project / "tactful.toml"
    text = settings.read_text(encoding="utf-8")
    text, n = re.subn(r"(intents = \[\n(?:.*\n)*?)\]", lambda m: m.group(1) + f'  "{intent}",\n]', text, count=1)
    assert n == 1, "the repository's tactful.toml no longer lists its intents one a line"
    settings.write_text(text, encoding="utf-8")
    (project / path).parent.mkdir(parents=True, exist_ok=True)
    (project / path).write_text(source, encoding="utf-8")
    return intent


@pytest.fixture(scope="module", params=["shipped", "with a new framework"])
def root(request, tmp_path_factory):
    if request.param == "shipped":
        return ROOT
    copy = tmp_path_factory.mktemp("designer")
    shutil.copytree(ROOT / "frameworks", copy / "frameworks")
    shutil.copy2(ROOT / "tactful.toml", copy / "tactful.toml")
    add_framework_as_the_guide_says(copy)
    return copy


@pytest.fixture(scope="module")
def intents(root):
    return tomllib.loads((root / "tactful.toml").read_text(encoding="utf-8"))["taxonomy"]["intents"]


@pytest.fixture(scope="module")
def compiled(root):
    result = api.compile([root / "frameworks"])
    assert result.bundle is not None, render(result, "compact")
    return result


@pytest.fixture(scope="module")
def library(compiled):
    return load_library(compiled.bundle)


def test_check_strict_is_clean(compiled):
    assert (compiled.errors, compiled.warnings) == (0, 0), render(compiled, "compact")


def test_every_intent_of_the_taxonomy_has_its_one_framework(compiled, intents):
    found = [fw.intent for fw in compiled.bundle.frameworks]
    assert sorted(found) == sorted(intents)


def test_every_example_passes_and_everything_is_exercised(library):
    report = run(library)
    failures = [o for o in (*report.examples, *report.signals) if not o.passed]
    assert not failures, failures[:3]
    assert len(report.examples) >= 3 * len(library.bundle.frameworks)
    assert report.not_exercised == []


def test_check_strict_and_test_pass_as_the_designer_runs_them(root):
    if root == ROOT:
        pytest.skip("the shipped library: the tests above run the same checks in-process")
    for command in (["check", "--strict"], ["test", "--quiet"]):
        done = CliRunner().invoke(main, [*command, str(root / "frameworks")])
        assert done.exit_code == 0, (command, done.output)


def test_every_framework_has_the_shape_the_playbook_asks_for(compiled):
    for fw in compiled.bundle.frameworks:
        assert fw.owner and fw.about and fw.tags, fw.intent
        assert {r.visibility for r in fw.replies if r.when is None} == set(fw.serves), fw.intent
        assert any(r.when is not None for r in fw.replies), f"{fw.intent}: no reply where less empathy is right"
        assert any(g.policy is None for g in fw.guards), f"{fw.intent}: no guard of its own"
        for r in fw.replies:
            assert r.moves[-1].kind in ("next", "close") and any(m.kind == "next" for m in r.moves), (fw.intent, r.id)


def test_every_handoff_carries_the_customers_own_words(compiled):
    for fw in compiled.bundle.frameworks:
        for e in fw.escalations:
            assert e.handoff is not None, (fw.intent, e.name)
            names = {p.name for p in e.handoff.parts if isinstance(p, SlotPart)}
            assert "message" in names, (fw.intent, e.name)


def test_public_replies_move_personal_details_to_a_private_channel(compiled):
    private_words = ("DM", "direct message", "private message", "privately", "message us", "email")
    for fw in compiled.bundle.frameworks:
        if not any(s.private for s in fw.slots) or "public" not in fw.serves:
            continue
        default = next(r for r in fw.replies if r.visibility == "public" and r.when is None)
        text = " ".join(m.text.source for m in default.moves if m.text)
        assert any(w.lower() in text.lower() for w in private_words), (fw.intent, text)


def test_feature_requests_are_tagged_for_product(compiled):
    fw = next(f for f in compiled.bundle.frameworks if f.intent == "product.feature_request")
    assert "product" in fw.tags or fw.owner == "product"


@pytest.mark.parametrize("message", ["There is an issue with my order", "I'm shipping it through the Suez canal",
                                     "Can you pursue this for me?", "My colleague Sue placed the order"])
def test_legal_threat_does_not_fire_on_words_that_contain_sue(library, message):
    assert not library.signal_holds("legal_threat", {"message": message, "channel": "email"})


@pytest.mark.parametrize("message", ["I'm going to sue you", "My lawyer will be in touch", "See you in small claims court"])
def test_legal_threat_fires_on_threats(library, message):
    assert library.signal_holds("legal_threat", {"message": message, "channel": "email"})
