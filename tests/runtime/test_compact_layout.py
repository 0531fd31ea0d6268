"""The bundle's compact layout (format.py): what it leaves out is read back exactly, and what it
cannot read back is refused; the phrase index the runtime builds from a `mentions` list."""

from __future__ import annotations

import copy
import random

import pytest

from bundle_builder import bundle_data, make_bundle
from tactful.runtime import BundleError, load_bundle, load_library
from tactful.runtime.conditions import index_phrases, message_words, phrase_words
from tactful.runtime.format import condition_source, condition_text, entry_name


@pytest.mark.parametrize(("when", "text"), [
    ({"signal": "repeat_contact"}, "repeat_contact"),
    ({"not": {"bool": "is_outage_active"}}, "not is_outage_active"),
    ({"all": [{"is": "visibility", "value": "public"}, {"compare": "author_followers", "cmp": ">=", "value": 10000.0}]},
     "visibility is public and author_followers >= 10000"),
    ({"all": [{"not": {"bool": "x"}}, {"any": [{"signal": "a"}, {"signal": "b"}]}]}, "not x and (a or b)"),
    ({"compare": "caps_ratio", "cmp": ">", "value": 0.5}, "caps_ratio > 0.5"),
    ({"in": "customer_tier", "values": ["business", "enterprise"]}, "customer_tier in (business, enterprise)"),
    ({"mentions": "trial", "near": {"forms": "convert|end"}, "within": 6},
     'message mentions "trial" near forms of "convert", "end" within 6 words'),
    ({"mentions": ["a|b", "c"], "asserted": True, "field": "subject"}, 'subject says "a|b", "c"'),
    ({"matches": "(?i)\\bcharged\\b"}, "message matches /(?i)\\bcharged\\b/"),
    ({"emoji": ["👏", "🙄"]}, 'message has emoji "👏", "🙄"'),
])
def test_condition_text_writes_a_condition_as_the_language_does(when, text):
    assert condition_text(when) == text
    assert condition_source({"when": when}) == text  # a source left out is this text
    assert condition_source({"when": when, "source": "as written"}) == "as written"


def test_what_is_left_out_is_read_back():
    """A guard named by its signal, a module the file gives, serves its replies give: the models
    read back have them, and write the same JSON again."""
    data = bundle_data(make_bundle())
    assert bundle_data(load_bundle(data)) == data
    fw = load_bundle(data).frameworks[0]
    stored = data["frameworks"][0]
    assert fw.module == stored.get("module", fw.intent)
    assert fw.serves == stored.get("serves", [v for v in ("public", "private") if any(r.visibility == v for r in fw.replies)])
    for g, s in zip(fw.guards, stored.get("guards", ())):
        if isinstance(s, dict):
            assert g.name == entry_name(s)


def test_a_guard_without_a_name_needs_a_signal():
    data = bundle_data(make_bundle())
    fw = next(f for f in data["frameworks"] if any(isinstance(g, dict) for g in f.get("guards", ())))
    guard = next(g for g in fw["guards"] if isinstance(g, dict))
    bad = copy.deepcopy(data)
    target = next(g for g in next(f for f in bad["frameworks"] if f["intent"] == fw["intent"])["guards"] if isinstance(g, dict))
    target.pop("name", None)
    target["when"] = {"bool": "is_outage_active"}
    with pytest.raises(BundleError, match="without a `name` needs a signal as its condition"):
        load_library(bad).draft(fw["intent"], {}, {"message": "hi", "channel": "email"})
    assert entry_name(guard)  # untouched, it has one


_WORDS = ["my", "money", "back", "refund", "i", "want", "a", "can't", "don't", "café", "x_y", "2fa", "go", "Go"]


def test_a_phrase_index_finds_what_a_scan_of_every_phrase_finds():
    """maybe() is true when every ASCII word of some indexed phrase is among a text's words, and
    holds() when one occurs as whole words: the same as looking at every phrase."""
    from tactful.runtime.types import PhraseFinder

    rng = random.Random(16)
    for _ in range(200):
        phrases = [" ".join(rng.choices(_WORDS, k=rng.randint(1, 3))) for _ in range(rng.randint(1, 8))]
        phrases += rng.choice([[], ["!!"], ["  "], ["é"]])
        index, others = index_phrases(phrases, "test")
        assert others == [p for p in phrases if p.split() and not phrase_words(p)]
        text = " ".join(rng.choices([*_WORDS, "money-back", "refunds", ",", "Café"], k=rng.randint(0, 8)))
        words = message_words(text)
        indexed = [p for p in phrases if phrase_words(p)]
        if index is None:
            assert not indexed
            continue
        assert index.maybe(words) == any(phrase_words(p) <= words for p in indexed)
        assert index.holds(text, words) == any(PhraseFinder([p])(text) for p in indexed)
