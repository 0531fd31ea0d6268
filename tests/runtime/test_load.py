"""load_bundle / load_library: what is accepted, and what is refused with a message that says why."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bundle_builder import SLOTS, ctx, duplicate_charge, make_bundle, mentions, text
from tactful.runtime import BundleError, Library, load_bundle, load_library
from tactful.runtime.bundle import SCHEMA_VERSION, Bundle


def _data() -> dict:
    return json.loads(make_bundle().model_dump_json())


def test_loads_from_a_path_bytes_a_dict_and_a_bundle(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(make_bundle().model_dump_json(), encoding="utf-8")
    expected = make_bundle()
    for source in (path, str(path), path.read_bytes(), _data(), expected):
        assert load_bundle(source) == expected
    draft = load_library(path).draft("billing.duplicate_charge", SLOTS, ctx())
    assert draft.reply.id == "private"


def test_a_missing_file(tmp_path):
    with pytest.raises(BundleError, match=r"cannot read the bundle .*nope\.json: No such file or directory"):
        load_bundle(tmp_path / "nope.json")


def test_corrupt_json(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text('{"schema_version": "1.0",', encoding="utf-8")
    with pytest.raises(BundleError, match=r"bundle\.json is not valid JSON \(line 1, column 26: "):
        load_bundle(path)


def test_not_an_object():
    with pytest.raises(BundleError, match="expected a JSON object, found list"):
        load_bundle(b"[1, 2]")


def test_not_a_bundle():
    with pytest.raises(BundleError, match="this is not a tactful bundle: it has no `schema_version`"):
        load_bundle({"hello": "world"})


def test_another_major_version_is_refused():
    major = int(SCHEMA_VERSION.split(".")[0])
    with pytest.raises(BundleError, match=f"has schema version {major + 1}.0, and this runtime reads {major}.x"):
        load_bundle({**_data(), "schema_version": f"{major + 1}.0"})


def test_a_newer_minor_version_is_refused_with_upgrade_advice():
    major, minor = map(int, SCHEMA_VERSION.split("."))
    with pytest.raises(BundleError, match="newer than this runtime's .*; upgrade tactful"):
        load_bundle({**_data(), "schema_version": f"{major}.{minor + 1}"})


def test_a_garbled_version():
    with pytest.raises(BundleError, match="schema_version 'one' is not of the form MAJOR.MINOR"):
        load_bundle({**_data(), "schema_version": "one"})


def test_schema_violations_say_where():
    data = _data()
    del data["frameworks"][0]["slots"][1]["name"]
    data["frameworks"][0]["guards"][0]["when"] = {"op": "sometimes"}
    with pytest.raises(BundleError) as e:
        load_bundle(data)
    message = str(e.value)
    assert message.startswith("the bundle does not match its schema (2 problems):")
    assert "at frameworks[0].slots[1].name: Field required" in message
    assert "at frameworks[0].guards[0].when: Input tag 'sometimes' found using 'op' does not match" in message


def _refused(bundle: Bundle, match: str):
    with pytest.raises(BundleError, match=match):
        Library(bundle)


def test_an_unknown_signal_is_refused():
    from tactful.runtime.bundle import SignalRef

    fw = duplicate_charge()
    guard = fw.guards[0].model_copy(update={"when": SignalRef(name="al_caps")})
    _refused(make_bundle([fw.model_copy(update={"guards": [guard]})]), "guard `all_caps`: the condition uses the signal `al_caps`, which the bundle does not declare")


def test_an_unknown_field_is_refused():
    from tactful.runtime.bundle import Guard

    fw = duplicate_charge()
    guard = Guard.model_validate({**fw.guards[0].model_dump(), "when": {"op": "compare", "field": "mood", "cmp": ">", "value": 1}})
    _refused(make_bundle([fw.model_copy(update={"guards": [guard]})]),
             "the condition uses `mood`, which is neither a context field nor a feature")


def test_a_pattern_re2_rejects_is_refused():
    from tactful.runtime.bundle import Matches, Signal

    sig = Signal(name="backref", module="m", when=Matches(field="message", pattern=r"(a)\1"), location=duplicate_charge().location)
    _refused(make_bundle(signals=[*make_bundle().signals, sig]), r"signal `backref`: RE2 rejects the pattern /\(a\)\\1/")


def test_signal_cycles_are_refused():
    from tactful.runtime.bundle import Signal, SignalRef

    loc = duplicate_charge().location
    a = Signal(name="a", module="m", when=SignalRef(name="b"), location=loc)
    b = Signal(name="b", module="m", when=SignalRef(name="a"), location=loc)
    _refused(make_bundle(signals=[*make_bundle().signals, a, b]), "signals refer to each other in a cycle: a → b → a")


def test_a_template_using_an_undeclared_name_is_refused():
    from tactful.runtime.bundle import Escalation

    esc = Escalation(name="x", team="finance", when=mentions("x"), condition_source="x",
                     handoff=text("Order {order_number}"), location=duplicate_charge().location)
    _refused(make_bundle([duplicate_charge(escalations=[esc])]),
             "escalation `x` handoff: the template uses `order_number`, which is neither a slot nor a context field")


def test_a_missing_phrase_bank_is_refused():
    _refused(make_bundle(phrases={}), "`pick validation` names a phrase bank the bundle lacks or that is empty")


def test_a_feature_this_runtime_does_not_compute_is_refused():
    _refused(make_bundle(features=["caps_ratio", "emoji_count"]),
             "the bundle needs message features this runtime does not compute: `emoji_count`; upgrade tactful")


def test_a_bad_slot_pattern_is_refused():
    fw = duplicate_charge()
    slots = [s.model_copy(update={"pattern": "(?<=x)y"}) if s.name == "case_reference" else s for s in fw.slots]
    _refused(make_bundle([fw.model_copy(update={"slots": slots})]), "a slot pattern is not valid RE2")


def test_importing_the_runtime_pulls_in_neither_lark_nor_click():
    code = (
        "import sys, tactful.runtime as r\n"
        "from tactful.runtime import load_library, Library, Draft\n"
        "import tactful.runtime.library, tactful.runtime.conditions, tactful.runtime.render\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'click', 'rich', 'fastapi', 'uvicorn'))\n"
        "print(','.join(bad))\n"
        "print('jinja2' in sys.modules and 're2' in sys.modules and 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["", "True"]


@pytest.mark.parametrize("template", ["{{ 7*7 }}", "{{ amount }}{{ cycler.__init__ }}", "{% for x in range(9) %}x{% endfor %}"])
def test_a_template_that_is_not_its_parts_is_refused(template):
    """Templates are checked against the text's parts at load, so a hand-edited bundle cannot smuggle
    template code in (and the check needs no Jinja2 parsing: templates compile when first used)."""
    data = make_bundle().model_dump(mode="json")
    move = data["frameworks"][0]["replies"][0]["moves"][-1]
    move["text"]["template"] = template
    with pytest.raises(BundleError, match="does not match the text's parts"):
        load_library(data)


def test_templates_compile_when_first_used():
    library = load_library(make_bundle())
    replies = library._frameworks["billing.duplicate_charge"].replies
    assert all(r.renderer._moves is None for r in replies)  # loading compiled nothing
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx("Charged twice", channel="email"))
    compiled = [r.choice.id for r in replies if r.renderer._moves is not None]
    assert compiled == [draft.reply.id]  # only the reply that was drafted
