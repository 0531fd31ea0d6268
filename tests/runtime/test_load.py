"""load_bundle / load_library: what is accepted, and what is refused with a message that says why."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bundle_builder import SLOTS, bundle_data, ctx, duplicate_charge, make_bundle, mentions, text
from tactful.runtime import BundleError, Library, load_bundle, load_library
from tactful.runtime.bundle import SCHEMA_VERSION, Bundle
from tactful.runtime.format import move_kind, reply_visibility


def _data() -> dict:
    return bundle_data(make_bundle())


def test_loads_from_a_path_bytes_a_dict_and_a_bundle(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_data()), encoding="utf-8")
    expected = make_bundle()
    for source in (path, str(path), path.read_bytes(), _data()):
        assert bundle_data(load_bundle(source)) == bundle_data(expected)
    assert load_bundle(expected) is expected
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
    message = f"has schema version {major + 1}.0, and this runtime reads schema version {SCHEMA_VERSION} \\({major}.x\\)"
    with pytest.raises(BundleError, match=message):
        load_bundle({**_data(), "schema_version": f"{major + 1}.0"})
    with pytest.raises(BundleError, match=message):
        load_library({**_data(), "schema_version": f"{major + 1}.0"})
    with pytest.raises(BundleError, match="has schema version 2.0, .* rebuild the bundle"):  # the layout before 3.0
        load_library({**_data(), "schema_version": "2.0"})
    with pytest.raises(BundleError, match="has schema version 3.0, .* rebuild the bundle"):  # phrase lists as arrays
        load_library({**_data(), "schema_version": "3.0"})


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
    data["frameworks"][0]["guards"][0]["when"] = {"sometimes": "message"}
    with pytest.raises(BundleError) as e:
        load_library(data)
    message = str(e.value)
    assert message.startswith("the bundle does not match its schema (2 problems):")
    assert "at frameworks[0].slots[1].name: Field required" in message
    assert "at frameworks[0].guards[0].when: not a condition: it needs one operator key (all, any, atleast, not," in message


def _refused(bundle: Bundle, match: str):
    """Refused when the library is prepared (prepare(), or a framework's first draft)."""
    with pytest.raises(BundleError, match=match):
        Library(bundle).prepare()
    with pytest.raises(BundleError, match=match):
        load_library(bundle_data(bundle)).draft("billing.duplicate_charge", SLOTS, ctx())


def _refused_signal(bundle: Bundle, name: str, match: str):
    """A broken signal is refused by prepare() and when it is first evaluated; a signal is compiled
    with the first framework that uses it, so a framework that does not still drafts."""
    with pytest.raises(BundleError, match=match):
        Library(bundle).prepare()
    library = load_library(bundle_data(bundle))
    assert library.draft("billing.duplicate_charge", SLOTS, ctx()).text
    with pytest.raises(BundleError, match=match):
        library.signal_holds(name, {"message": "aa"})


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
    _refused_signal(make_bundle(signals=[*make_bundle().signals, sig]), "backref", r"signal `backref`: RE2 rejects the pattern /\(a\)\\1/")


def test_signal_cycles_are_refused():
    from tactful.runtime.bundle import Signal, SignalRef

    loc = duplicate_charge().location
    a = Signal(name="a", module="m", when=SignalRef(name="b"), location=loc)
    b = Signal(name="b", module="m", when=SignalRef(name="a"), location=loc)
    _refused_signal(make_bundle(signals=[*make_bundle().signals, a, b]), "a", "signals refer to each other in a cycle: a → b → a")


def test_a_template_using_an_undeclared_name_is_refused():
    from tactful.runtime.bundle import Escalation

    esc = Escalation(name="x", team="finance", when=mentions("x"), condition_source="x",
                     handoff=text("Order {order_number}"), location=duplicate_charge().location)
    _refused(make_bundle([duplicate_charge(escalations=[esc])]),
             "escalation `x` handoff: the template uses `order_number`, which is neither a slot nor a context field")


def test_a_missing_phrase_bank_is_refused():
    _refused(make_bundle(phrases={}), "`pick validation` names a phrase bank the bundle lacks or that is empty")


def test_a_feature_this_runtime_does_not_compute_is_refused():
    with pytest.raises(BundleError, match="the bundle needs message features this runtime does not compute: `emoji_count`; upgrade tactful"):
        load_library(bundle_data(make_bundle(features=["caps_ratio", "emoji_count"])))  # at load


def test_a_bad_slot_pattern_is_refused():
    fw = duplicate_charge()
    slots = [s.model_copy(update={"pattern": "(?<=x)y"}) if s.name == "case_reference" else s for s in fw.slots]
    _refused(make_bundle([fw.model_copy(update={"slots": slots})]), "a slot pattern is not valid RE2")


def test_importing_the_runtime_pulls_in_neither_lark_nor_click(tmp_path):
    """Nor does loading a bundle and drafting build the pydantic models (tactful.runtime.bundle):
    the runtime validates and drafts from the bundle's JSON data; nor import Jinja2: the runtime
    prints a text from its parts."""
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_data()), encoding="utf-8")
    code = (
        "import sys, tactful.runtime as r\n"
        "from tactful.runtime import load_library, Library, Draft\n"
        "import tactful.runtime.library, tactful.runtime.conditions, tactful.runtime.render\n"
        f"library = load_library({str(path)!r})\n"
        f"library.draft('billing.duplicate_charge', {SLOTS!r}, {ctx()!r})\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'click', 'rich', 'fastapi', 'uvicorn'))\n"
        "print(','.join(bad))\n"
        "print('jinja2' in sys.modules, 're2' in sys.modules and 'pydantic_core' in sys.modules)\n"
        "print('tactful.runtime.bundle' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["", "False True", "False"]


def test_a_stored_template_is_refused():
    """The bundle stores a text's parts only; the runtime makes the template from them, so a
    hand-edited bundle cannot smuggle template code in: a `template` beside the parts is refused."""
    data = _data()
    reply = data["frameworks"][0]["replies"][0]
    visibility = reply_visibility(reply)
    move = next(m for m in reply[visibility] if not isinstance(m[move_kind(m)], str))  # a move with a text
    kind = move_kind(move)
    text = move[kind] if isinstance(move[kind], dict) else {"parts": move[kind], "at": move["at"]}
    move[kind] = {**text, "template": "{{ 7*7 }}"}
    with pytest.raises(BundleError, match=rf"replies\[0\]\.{visibility}\[\d+\]\.{kind}\.text\.template: Extra inputs are not permitted"):
        load_library(data)


def test_templates_compile_when_first_used():
    library = load_library(make_bundle())
    replies = library._frameworks["billing.duplicate_charge"].replies
    assert all(r.renderer._moves is None for r in replies)  # loading compiled nothing
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx("Charged twice", channel="email"))
    compiled = [r.choice.id for r in replies if r.renderer._moves is not None]
    assert compiled == [draft.reply.id]  # only the reply that was drafted


def test_loading_compiles_nothing_and_prepare_compiles_everything():
    """A framework is prepared on its first draft (the signals on the first draft of any), and a
    `mentions`' confirmation on first use; prepare() does all of it now, as `tactful serve` does
    before a library takes traffic."""
    library = load_library(_data())
    assert library._prepared == {} and "_program" not in library.__dict__
    library.draft("billing.duplicate_charge", SLOTS, ctx("Where is my refund?"))
    assert list(library._prepared) == ["billing.duplicate_charge"] and "_program" in library.__dict__
    lazies = [*library._program.compiler.lazies, *library._prepared["billing.duplicate_charge"].lazies]
    assert lazies and not all(lazy.built for lazy in lazies)  # no message reached them all
    assert library.prepare() is library
    assert all(lazy.built for lazy in lazies)
    assert set(library._prepared) == set(library.intents)


def test_a_draft_compiles_only_the_signals_its_framework_uses_and_decides_as_a_prepared_library():
    """A signal is compiled with the first framework that uses it (each such batch a group with its
    own RE2 filters); prepare() compiles them all in one group. Both decide alike, traces included."""
    from tactful.runtime.bundle import Matches, Mentions, Signal, SignalRef

    at = duplicate_charge().location
    extra = [Signal(name="unused", module="m", when=Matches(field="message", pattern="(?i)refund"), location=at),
             Signal(name="uses_unused", module="m", when=SignalRef(name="unused"), location=at),
             Signal(name="words", module="m", when=Mentions(field="message", phrases=["charged", "twice"]), location=at)]
    bundle = make_bundle(signals=[*make_bundle().signals, *extra])
    lazy, prepared = load_library(bundle_data(bundle)), Library(bundle).prepare()
    messages = ["Where is my REFUND? charged twice", "I'm going to sue you", "YOU CHARGED ME TWICE", "hello"]
    first = lazy.draft("billing.duplicate_charge", SLOTS, ctx(messages[0]))
    compiled = lazy._program.compiler._compiled_signals
    assert "unused" not in compiled and "uses_unused" not in compiled and "words" not in compiled
    assert lazy.signal_holds("uses_unused", {"message": messages[0]})  # compiles it and `unused`, one group
    assert {"unused", "uses_unused"} <= compiled.keys() and "words" not in compiled
    assert not lazy.signal_holds("words", {"message": "hello"})  # a third group
    assert len(lazy._program.compiler._groups) == 3 and len(prepared._program.compiler._groups) == 1
    assert first.to_dict() == prepared.draft("billing.duplicate_charge", SLOTS, ctx(messages[0])).to_dict()
    for message in messages:
        a = lazy.draft("billing.duplicate_charge", SLOTS, ctx(message), trace=True)
        b_ = prepared.draft("billing.duplicate_charge", SLOTS, ctx(message), trace=True)
        assert a.to_dict() | {"trace": a.trace.to_dict()} == b_.to_dict() | {"trace": b_.trace.to_dict()}
        for s in bundle.signals:
            assert lazy.signal_holds(s.name, {"message": message}) == prepared.signal_holds(s.name, {"message": message})
