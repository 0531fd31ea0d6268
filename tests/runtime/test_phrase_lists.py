"""How the bundle stores a list of phrases (`mentions`, `near`; docs/reference/bundle.md): one
string joined by `|`, an array when a phrase holds `|`, `{"forms": …}` for a `forms of` list; a
reader gets back exactly the list the compiler wrote."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tactful.api import compile as compile_sources
from tactful.emit.bundle import bundle_data
from tactful.runtime import load_library
from tactful.runtime.errors import BundleError
from tactful.runtime.format import phrase_list, stored_phrases
from tactful.runtime.wordforms import expand, forms_base


@pytest.mark.parametrize("phrases, stored", [
    (["refund"], "refund"),
    (["still waiting", "how long", "£5 off"], "still waiting|how long|£5 off"),
    (["a|b", "c"], ["a|b", "c"]),  # a phrase holds the separator: the array
    ([], []),
    ([""], ""),
    (expand(["sue"], True), {"forms": "sue"}),
    (expand(["take you to court", "death threat"], True), {"forms": "take you to court|death threat"}),
    (["Sue", "sue"], "Sue|sue"),  # not an expansion (expand() never repeats a phrase)
    (["sue", "sues"], "sue|sues"),  # a prefix of an expansion is not one
    # a written phrase that is a form of an earlier one ("dying" of "die") adds only its other forms
    (expand(["die", "dying", "not waking up"], True), {"forms": "die|dying|not waking up"}),
])
def test_a_phrase_list_is_stored_compactly_and_read_back_exactly(phrases, stored):
    assert stored_phrases(phrases) == stored
    assert phrase_list(stored) == phrases


@pytest.mark.parametrize("phrases", [["stab", "stabs", "stabbed", "stabbing"], ["cry", "cries", "cried", "crying", "x"],
                                     ["x", "y", "y"], ["a", "A"]])
def test_forms_base_is_none_unless_the_list_is_an_expansion(phrases):
    base = forms_base(phrases)
    assert base is None or expand(base, True) == phrases


_WORDS = ["die", "dying", "died", "sue", "sued", "issue", "take", "took", "stab", "cry", "cries", "me", "court",
          "take you to court", "not waking up", "wake", "lie", "lying"]


@given(st.lists(st.sampled_from(_WORDS), max_size=8))
def test_every_forms_of_list_is_stored_compactly_and_read_back_exactly(written):
    phrases = expand(written, True)
    stored = stored_phrases(phrases)
    assert phrase_list(stored) == phrases
    base = forms_base(phrases)
    assert base is not None and len(base) <= len(set(written))


def test_a_forms_of_condition_is_stored_unexpanded_and_drafts_as_before(tmp_path):
    (tmp_path / "legal.tact").write_text(
        'signal legal "legal"\n  when message says forms of "sue" near "you", "them" within 3 words\n'
        '  fires "I am suing you"\n  quiet "fine"\n', encoding="utf-8")
    data = bundle_data(compile_sources([tmp_path]).bundle)
    when = next(s for s in data["signals"] if s["name"] == "legal")["when"]
    assert when["mentions"] == {"forms": "sue"} and when["near"] == "you|them"
    loaded = load_library(data)
    assert loaded.signal_holds("legal", {"message": "I am suing you"})
    assert not loaded.signal_holds("legal", {"message": "an issue with you"})


@pytest.mark.parametrize("stored", [5, ["a", 5], {"forms": 5}, {"form": "a"}, {"forms": "a", "x": 1}])
def test_a_malformed_phrase_list_is_a_bundle_error(tmp_path, stored):
    (tmp_path / "legal.tact").write_text('signal legal "legal"\n  when message mentions "sue"\n  fires "sue"\n  quiet "x"\n',
                                         encoding="utf-8")
    data = bundle_data(compile_sources([tmp_path]).bundle)
    next(s for s in data["signals"] if s["name"] == "legal")["when"]["mentions"] = stored
    with pytest.raises(BundleError, match=r"signals\[\d+\]\.when"):
        load_library(data)
