"""`tactful build`: what it writes, that identical sources give identical bytes wherever they are
built, that bundle.json is what `tactful schema` describes and what the runtime reads back, and that
a failed build writes nothing."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from output_helpers import LIBRARY_SIZE, REPO, copy_library, copy_shop, from_stdlib, locations, project_view, tree

SCRIPT = Path(sys.executable).with_name("tactful.exe" if os.name == "nt" else "tactful")


def tactful(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The shipped library copied into two unrelated folders and built from different working
    directories, one with a relative --out and one with an absolute --out elsewhere."""
    a = copy_library(tmp_path_factory.mktemp("first") / "checkout")
    b = copy_library(tmp_path_factory.mktemp("second-place") / "deeper" / "clone")
    out_b = tmp_path_factory.mktemp("elsewhere") / "artifacts" / "bundle-out"
    ra = tactful("build", "frameworks/", "--out", "out", cwd=a)
    rb = tactful("build", b / "frameworks", "--out", out_b, cwd=b.parent)
    assert ra.returncode == 0, ra.stderr
    assert rb.returncode == 0, rb.stderr
    return a / "out", out_b


@pytest.fixture(scope="module")
def built(two_builds) -> Path:
    return two_builds[0]


@pytest.fixture(scope="module")
def bundle(built) -> dict:
    """The built bundle as the models read it (bundle.json holds it in a compact layout)."""
    from tactful.runtime import load_bundle

    return load_bundle(built / "bundle.json").model_dump(mode="json")


@pytest.fixture(scope="module")
def stored(built) -> dict:
    """bundle.json's JSON data, as written."""
    return json.loads((built / "bundle.json").read_text(encoding="utf-8"))


def test_writes_the_bundle_conformance_and_one_template_per_reply_and_handoff(built, bundle):
    """A policy's handoffs, which every framework inherits, are written once, in the policy's folder."""
    files = tree(built)
    expected = {"bundle.json", "conformance.json"}
    for policy in bundle["policies"]:
        for esc in policy["escalations"]:
            if esc["handoff"] is not None:
                expected.add(f"templates/policy-{policy['name']}/handoff.{esc['name']}.j2")
    inherited = 0
    for fw in bundle["frameworks"]:
        for reply in fw["replies"]:
            expected.add(f"templates/{fw['intent']}/reply.{reply['id']}.j2")
        for esc in fw["escalations"]:
            if esc["handoff"] is None:
                continue
            if esc["policy"] is None:
                expected.add(f"templates/{fw['intent']}/handoff.{esc['name']}.j2")
                continue
            inherited += 1
            shared = files[f"templates/policy-{esc['policy']}/handoff.{esc['name']}.j2"]
            assert shared == (esc["handoff"]["template"] + "\n").encode("utf-8")
    assert inherited > len(bundle["frameworks"])  # the library's frameworks do inherit handoffs
    assert set(files) == expected
    assert len(bundle["frameworks"]) == LIBRARY_SIZE
    some = bundle["frameworks"][0]
    reply = some["replies"][0]
    text = (built / f"templates/{some['intent']}/reply.{reply['id']}.j2").read_text(encoding="utf-8")
    assert text == reply["template"] + "\n"


def test_two_builds_in_different_places_are_byte_identical(two_builds):
    a, b = map(tree, two_builds)
    assert sorted(a) == sorted(b)
    different = [path for path in a if a[path] != b[path]]
    assert different == []


def test_no_output_names_a_machine_local_path(two_builds):
    for out in two_builds:
        checkout = out.parent if out.name == "out" else None
        needles = [str(REPO), str(Path.home()), os.sep + "tmp" + os.sep, str(out)]
        if checkout:
            needles.append(str(checkout))
        for path, data in tree(out).items():
            text = data.decode("utf-8")
            for needle in needles:
                assert needle not in text, f"{path} contains {needle}"
            assert "\r" not in text, f"{path} has a CR"


def test_source_locations_are_project_relative(bundle):
    files = {loc["file"] for _, loc in locations(bundle)}
    assert files, "every element has a location"
    for f in files:
        assert not f.startswith("/") and ":" not in f.split("/")[0] and "\\" not in f and ".." not in f.split("/"), f
        assert f.startswith(("frameworks/", "<stdlib>/")) or f == "tactful.toml", f
    for fw in bundle["frameworks"]:
        assert fw["location"]["file"].startswith("frameworks/")
        assert fw["location"]["line"] >= 1 and fw["location"]["column"] >= 1
        for key in ("slots", "replies", "examples"):
            for element in fw[key]:
                assert element["location"]["file"], (fw["intent"], key)


def test_schema_version_revision_and_hashes(bundle):
    from tactful.runtime.bundle import SCHEMA_VERSION

    assert bundle["schema_version"] == SCHEMA_VERSION
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", bundle["revision"])
    hashes = [fw["hash"] for fw in bundle["frameworks"]]
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes)
    assert len(set(hashes)) == len(hashes)
    assert [fw["intent"] for fw in bundle["frameworks"]] == sorted(fw["intent"] for fw in bundle["frameworks"])


def test_bundle_validates_against_tactful_schema(built, stored):
    bundle = stored
    r = tactful("schema", cwd=built)
    assert r.returncode == 0
    schema = json.loads(r.stdout)
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    validator(schema).validate(bundle)
    # ... and the schema has teeth: a bundle missing its revision, or with a stray key, is refused.
    for broken in ({k: v for k, v in bundle.items() if k != "revision"}, {**bundle, "surprise": 1}):
        with pytest.raises(jsonschema.ValidationError):
            validator(schema).validate(broken)


def test_bundle_round_trips_through_the_runtime_model_to_the_same_bytes(built):
    from tactful.emit.bundle import bundle_json
    from tactful.runtime import load_bundle

    text = (built / "bundle.json").read_text(encoding="utf-8")
    assert bundle_json(load_bundle(text)) == text


@pytest.mark.parametrize("library", ["frameworks", "tests/outputs/fixtures/constructs"])
def test_bundle_data_made_once_per_shared_entry_is_the_models_dump(library):
    """A policy's guards and escalations are one model shared by every framework that inherits
    them, and bundle.json dumps each once: the data is still exactly the models' dump."""
    from tactful import api
    from tactful.emit.bundle import bundle_data, model_data
    from tactful.runtime.format import compact

    bundle = api.compile([REPO / library]).bundle
    inherited = [e for fw in bundle.frameworks for e in (*fw.guards, *fw.escalations) if e.policy is not None]
    policies = {id(e) for p in bundle.policies for e in (*p.guards, *p.escalations)}
    assert inherited and all(id(e) in policies for e in inherited)
    assert model_data(bundle) == bundle.model_dump(mode="json")
    assert bundle_data(bundle) == compact(bundle.model_dump(mode="json"))
    assert bundle_data(bundle) is bundle_data(bundle)  # made once per bundle
    # each framework's hash is over its canonical JSON, which the compiler feeds in pieces
    for fw in bundle.frameworks:
        canonical = fw.model_dump_json(exclude={"hash"}).encode("utf-8")
        assert fw.hash == "sha256:" + hashlib.sha256(canonical).hexdigest()


# --- the revision: a content hash of the sources ---------------------------------------------------


def _compile(root: Path):
    from tactful import api

    result = api.compile([root / "frameworks"])
    assert result.bundle is not None, [d.message for d in result.diagnostics]
    return result.bundle


def test_revision_follows_the_sources_and_nothing_else(tmp_path):
    a = copy_library(tmp_path / "a")
    b = copy_library(tmp_path / "b")
    first, same = _compile(a), _compile(b)
    assert same.revision == first.revision, "a copy elsewhere has the same revision"
    assert [f.hash for f in same.frameworks] == [f.hash for f in first.frameworks]

    target = b / "frameworks" / "orders" / "status.tact"
    text = target.read_text(encoding="utf-8")
    needle = next(m for m in re.finditer(r'next "([^"{}\[\]]+)"', text))
    target.write_text(text[:needle.start(1)] + "Changed: " + text[needle.start(1):], encoding="utf-8")
    changed = _compile(b)
    assert changed.revision != first.revision
    before = {f.intent: f.hash for f in first.frameworks}
    after = {f.intent: f.hash for f in changed.frameworks}
    assert [i for i in before if before[i] != after[i]] == ["orders.status"], "only the edited framework's hash moves"

    target.write_text(text, encoding="utf-8")
    assert _compile(b).revision == first.revision, "undoing the edit restores the revision"


def test_a_comment_is_a_source_change(tmp_path):
    a = copy_library(tmp_path / "a")
    before = _compile(a).revision
    with open(a / "frameworks" / "orders" / "status.tact", "a", encoding="utf-8") as fh:
        fh.write("# a trailing comment\n")
    assert _compile(a).revision != before


# --- failed builds write nothing ---------------------------------------------------------------------


def test_build_with_errors_writes_nothing_and_exits_1(tmp_path):
    root = copy_shop(tmp_path / "shop")
    late = root / "orders" / "late.tact"
    late.write_text(late.read_text(encoding="utf-8").replace("{order_id} now", "{order_idd} now"), encoding="utf-8")
    r = tactful("build", root, "--out", tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 1
    assert "T1201" in r.stderr
    assert not (tmp_path / "out").exists()


def test_build_with_errors_leaves_an_existing_output_alone(tmp_path):
    root = copy_shop(tmp_path / "shop")
    out = tmp_path / "out"
    assert tactful("build", root, "--out", out, cwd=tmp_path).returncode == 0
    before = tree(out)
    (root / "orders" / "broken.tact").write_text('framework orders.broken "Broken"\n  reply\n', encoding="utf-8")
    assert tactful("build", root, "--out", out, cwd=tmp_path).returncode == 1
    assert tree(out) == before


def test_strict_build_with_warnings_writes_nothing_and_exits_1(tmp_path):
    root = copy_shop(tmp_path / "shop")
    wrong = root / "orders" / "wrong_item.tact"
    # `ask` after `next`: moves out of order, a warning.
    text = wrong.read_text(encoding="utf-8")
    ask = '    ask "Could you send us a DM with your order number?"\n'
    wrong.write_text(text.replace(ask, "").replace("from there.\"\n", "from there.\"\n" + ask), encoding="utf-8")
    lax = tactful("build", root, "--out", tmp_path / "lax", cwd=tmp_path)
    assert lax.returncode == 0 and "T1302" in lax.stderr
    assert (tmp_path / "lax" / "bundle.json").is_file()
    strict = tactful("build", root, "--out", tmp_path / "strict", "--strict", cwd=tmp_path)
    assert strict.returncode == 1 and "T1302" in strict.stderr
    assert not (tmp_path / "strict").exists()


# --- a golden bundle -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop_build(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("shop")
    root = copy_shop(tmp / "shop")
    r = tactful("build", root, "--out", tmp / "out", cwd=tmp)
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    return tmp / "out"


def test_shop_bundle_snapshot(shop_build, snapshot):
    bundle = json.loads((shop_build / "bundle.json").read_text(encoding="utf-8"))
    assert project_view(bundle) == snapshot.use_extension(JSONSnapshotExtension)


def test_shop_templates_snapshot(shop_build, snapshot):
    """The templates of the project's own replies and handoffs (the stdlib policy's handoffs are
    left to the stdlib's tests)."""
    from tactful.runtime import load_bundle

    bundle = load_bundle(shop_build / "bundle.json").model_dump(mode="json")
    stdlib_handoffs = {f"templates/{fw['intent']}/handoff.{e['name']}.j2"
                       for fw in bundle["frameworks"] for e in fw["escalations"] if from_stdlib(e)}
    stdlib_handoffs |= {f"templates/policy-{p['name']}/handoff.{e['name']}.j2"
                        for p in bundle["policies"] if from_stdlib(p) for e in p["escalations"]}
    templates = {path: data.decode("utf-8") for path, data in tree(shop_build).items()
                 if path.endswith(".j2") and path not in stdlib_handoffs}
    assert templates == snapshot


# --- building again into the same folder -------------------------------------------------------------


def test_rebuilding_into_the_same_folder_leaves_no_stale_template(tmp_path):
    root = copy_shop(tmp_path / "shop")
    out = tmp_path / "out"
    assert tactful("build", root, "--out", out, cwd=tmp_path).returncode == 0
    assert (out / "templates/orders.late/reply.private.still_waiting.j2").is_file()
    late = root / "orders" / "late.tact"
    text = late.read_text(encoding="utf-8")
    start = text.index("  reply private when still_waiting")
    late.write_text(text[:start] + text[text.index("  reply private\n"):], encoding="utf-8")
    (out / "templates" / "NOTES.md").write_text("kept: not a template\n", encoding="utf-8")
    assert tactful("build", root, "--out", out, cwd=tmp_path).returncode == 0
    assert tactful("build", root, "--out", tmp_path / "fresh", cwd=tmp_path).returncode == 0
    again = tree(out)
    assert again.pop("templates/NOTES.md") == b"kept: not a template\n", "only stale templates are removed"
    assert again == tree(tmp_path / "fresh")


def test_a_source_outside_the_project_root_is_named_without_an_absolute_path(tmp_path):
    clean = (REPO / "tests" / "fixtures" / "valid" / "minimal.tact").read_text(encoding="utf-8")
    inside = tmp_path / "project"
    inside.mkdir()
    (inside / "tactful.toml").write_text("", encoding="utf-8")
    (inside / "minimal.tact").write_text(clean, encoding="utf-8")
    outside = tmp_path / "shared"
    outside.mkdir()
    (outside / "other.tact").write_text(clean.replace("demo.minimal", "demo.other"), encoding="utf-8")
    r = tactful("build", inside, outside, "--out", tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert str(tmp_path) not in (tmp_path / "out" / "bundle.json").read_text(encoding="utf-8")


def test_templates_render_text_that_looks_like_jinja_literally(tmp_path):
    """A text cannot run template code: braces, Jinja delimiters and quotes in texts and fallbacks
    come out of the compiled template exactly as the reader of the .tact file sees them."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from tactful import api

    root = tmp_path / "p"
    root.mkdir()
    (root / "tactful.toml").write_text("", encoding="utf-8")
    (root / "hostile.tact").write_text(
        'framework demo.hostile "Hostile"\n'
        "  owner support\n"
        "  slot name\n"
        '    example "Ann"\n'
        "  reply public\n"
        r'''    next "We read \{\{ 7*7 \}\}, \{% if true %\}x\{% endif %\} and \{# c #\} {name or 'a \" ~ 7*7 ~ \"'}."'''
        "\n"
        "  reply private\n"
        r"""    next "Hi {name or '\}\}\{\{ self \}\}'}[, {name}]."""
        '"\n',
        encoding="utf-8",
    )
    result = api.compile([root])
    assert result.bundle is not None, [d.message for d in result.diagnostics]
    (fw,) = result.bundle.frameworks
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    rendered = {r.id: env.from_string(r.template).render(values={"name": None}) for r in fw.replies}
    assert rendered == {
        "public.default": 'We read {{ 7*7 }}, {% if true %}x{% endif %} and {# c #} a " ~ 7*7 ~ ".',
        "private.default": "Hi }}{{ self }}.",
    }
    assert env.from_string(fw.replies[1].template).render(values={"name": "Ann"}) == "Hi Ann, Ann."
