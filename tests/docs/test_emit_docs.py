"""The library site emitter: what each page tells a reader, and that the output is deterministic."""

from __future__ import annotations

import re

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from tactful.emit import docs
from tactful.runtime import bundle as b

FW_PAGE = "docs/frameworks/billing.duplicate_charge.md"


@pytest.fixture
def pages(bundle):
    return docs.emit(bundle)


def test_emits_one_page_per_framework_and_team_plus_home_style_and_config(pages):
    assert sorted(pages) == list(pages)
    assert set(pages) == {
        "mkdocs.yml",
        "docs/index.md",
        "docs/style.md",
        "docs/signals.md",
        "docs/stdlib.md",
        "docs/frameworks/billing.duplicate_charge.md",
        "docs/frameworks/service.outage.md",
        "docs/teams/index.md",
        "docs/teams/comms.md",
        "docs/teams/engineering.md",
        "docs/teams/finance.md",
        "docs/teams/legal.md",
        "docs/assets/tactful.css",
    }


def test_output_is_deterministic_and_portable(bundle, pages):
    assert docs.emit(bundle) == pages
    assert docs.emit(b.Bundle.model_validate_json(bundle.model_dump_json())) == pages
    for path, text in pages.items():
        assert text.endswith("\n") and not text.endswith("\n\n"), path
        assert "\r" not in text, path
        assert not re.search(r"(?<![\w.])/(tmp|home|work|usr|Users)/", text), path


def test_home_shows_revision_and_intents_by_family_and_owner(pages):
    home = pages["docs/index.md"]
    assert "sha256:" + "a" * 64 in home
    by_family, by_owner = home.split("## By family")[1].split("## By owner")
    assert by_family.index("### billing") < by_family.index("### service")
    assert "[Duplicate charge](frameworks/billing.duplicate_charge.md)" in by_family
    assert "[finance](teams/finance.md)" in by_owner
    assert by_owner.index("[engineering]") < by_owner.index("[Service outage]")


def test_framework_page_states_title_about_source_and_owner(pages):
    page = pages[FW_PAGE]
    assert page.startswith("# Duplicate charge\n")
    assert "The customer sees two charges for one purchase. Confirm the concern in plain language." in page
    assert "Owner: [finance](../teams/finance.md)" in page
    assert "Source: `frameworks/billing/duplicate_charge.tact`, line 5" in page


def test_guards_are_a_clearly_marked_section_with_every_reason(pages):
    page = pages[FW_PAGE]
    section = page.split('!!! danger "Do not send as written when…"')[1].split("## Slots")[0]
    assert "Sarcasm may be masking an escalation" in section  # the framework's own guard, in full
    assert "And the [house policy](#house-policy)'s 1 guard: all\\_caps." in section  # the inherited ones, named
    house = page.split("## House policy")[1].split("---")[0]
    assert "(../stdlib.md#house-policy)" in house
    assert '??? note "1 guard and 1 escalation from the house policy"' in house  # collapsed
    assert "Written in all caps: acknowledge the frustration in your own words." in house
    outage = pages["docs/frameworks/service.outage.md"]
    assert "No guard applies" in outage and "Outage reports are often shouted" in outage


def test_slots_table_has_required_private_type_example_and_notes(pages):
    page = pages[FW_PAGE]
    assert "| slot | required | private | type | example | notes |" in page
    assert ("| `case_reference` | yes | yes | text | `BIL-20931` | Case number from the billing system. "
            "Must match `[A-Z]{3}-[0-9]{4,}`. |") in page
    assert "| `order_id` | no | no | text | — | Must match `[0-9]{6,}|ORD-[0-9]+`. |" in page


def test_replies_are_rendered_with_example_values_and_labelled_moves(pages):
    page = pages[FW_PAGE]
    # the optional segment vanishes: order_id has no example
    assert "> **Restate** · You were charged $49.00 twice, and you'd like the duplicate refunded." in page
    assert "> **Next step** · I've passed case BIL-20931 to our finance team." in page
    # a pick move shows the bank's first phrase, and says so
    assert "> **Acknowledge** · That sounds really frustrating. *(picked from `validation`: first of 2 phrases)*" in page
    assert "### Private reply when repeat\\_contact" in page
    assert "{" not in page.split("## Replies")[1].split("## Examples")[0]


def test_handoff_is_rendered_with_examples_and_field_placeholders(pages):
    page = pages[FW_PAGE]
    assert "> Duplicate charge of $49.00 reported by Dana.  \n> In their words: ⟨message⟩" in page
    assert "escalation **legal\\_threat** → [legal](../teams/legal.md) when `legal_threat`" in page.split("## House policy")[1]
    assert "### legal" not in page, "inherited escalations are not listed as the framework's own"


def test_a_placeholder_with_a_fallback_shows_the_fallback(bundle):
    """`{customer_name or "there"}` previews as "there" (what a customer whose name is unknown reads);
    a bare context field stays a ⟨placeholder⟩, and a slot with an example shows the example."""
    from tactful.runtime import bundle as b
    from tactful.runtime.render import template_source

    fw = next(f for f in bundle.frameworks if f.intent == "service.outage")  # customer_name is a field there
    values = docs.example_values(bundle, fw)
    greeting = b.Text(source='Hi {customer_name or "there"}, about {message}', template="", location=fw.location, parts=[
        b.LiteralPart(text="Hi "), b.SlotPart(name="customer_name", source="field", fallback="there"),
        b.LiteralPart(text=", about "), b.SlotPart(name="message", source="field")])
    greeting = greeting.model_copy(update={"template": template_source(greeting.parts)})
    assert docs.render_text(greeting, values) == "Hi there, about ⟨message⟩"
    assert docs.render_parts(greeting, values) == "Hi there, about ⟨message⟩"


def test_no_internal_reply_ids_in_prose(pages):
    page = pages[FW_PAGE]
    assert "Reply id" not in page and "private.default" not in page


def test_examples_show_message_values_and_expected_outcome(pages):
    page = pages[FW_PAGE]
    ex = page.split("## Examples")[1]
    assert "### caps lock after a duplicate charge" in ex
    assert "> YOU CHARGED ME TWICE. AGAIN." in ex
    assert "`contact_count` = `1`" in ex
    assert "- guard `all_caps` holds: not sent as written" in ex
    assert "- no escalation" in ex


def test_team_pages_list_owned_frameworks_and_what_escalates_to_them(pages):
    finance = pages["docs/teams/finance.md"]
    assert "[Duplicate charge](../frameworks/billing.duplicate_charge.md)" in finance
    assert '`message mentions "chargeback", "bank dispute"`' in finance
    legal = pages["docs/teams/legal.md"]
    assert "legal\\_threat (policy `house`)" in legal
    assert "Nothing escalates to this team." in pages["docs/teams/comms.md"]


def test_style_page_maps_discouraged_phrases_to_alternatives(pages):
    style = pages["docs/style.md"]
    assert "| “sorry for the inconvenience”<br>`/apologi[sz]e for any inconvenience/` | Name the actual impact." in style


def test_mkdocs_config_uses_material_search_and_lists_every_page(pages):
    config = pages["mkdocs.yml"]
    assert config.startswith(docs.GENERATED_MARK)
    assert "name: material" in config and "  - search" in config
    for path in pages:
        if path.endswith(".md"):
            assert f'"{path.removeprefix("docs/")}"' in config or path.removeprefix("docs/") in config, path


def test_template_rendering_agrees_with_the_text_parts(bundle):
    for fw in bundle.frameworks:
        values = docs.example_values(bundle, fw)
        texts = [m.text for r in fw.replies for m in r.moves if m.text] + [e.handoff for e in fw.escalations if e.handoff]
        for t in texts:
            assert docs.render_text(t, values) == docs.render_parts(t, values), t.source


def test_slot_values_are_data_never_template_code(bundle):
    fw = bundle.frameworks[0]
    values = docs.example_values(bundle, fw) | {"amount": "{{ 7 * 7 }}{% if true %}x{% endif %}"}
    restate = fw.replies[2].moves[1].text
    assert "{{ 7 * 7 }}{% if true %}x{% endif %}" in docs.render_text(restate, values)


def test_markdown_in_customer_content_is_neutralised():
    assert docs.md("<script>a|b *c* [x](y)") == "&lt;script&gt;a\\|b \\*c\\* \\[x\\](y)"
    assert docs.code("a`b") == "``a`b``"


def test_conditions_read_back_in_the_language(bundle):
    sarcasm = next(s for s in bundle.signals if s.name == "sarcasm")
    assert docs.condition_text(sarcasm.when) == (
        "message matches /(?i)thanks a lot/ and not (is_outage_active or channel in (x, tiktok))")


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """The page stored as the .md file it is, so a change reads as a Markdown diff."""

    file_extension = "md"
    _write_mode = WriteMode.TEXT


def test_framework_page_snapshot(pages, snapshot):
    assert pages[FW_PAGE] == snapshot.use_extension(MarkdownSnapshot)


# --- learned scorers ---------------------------------------------------------------------------------


def _with_scorers(bundle: b.Bundle) -> b.Bundle:
    at = b.Location(file="<stdlib>/signals.tact", line=3, column=1, end_line=4, end_column=30)
    farewell = b.Scorer(name="farewell_words", about="Sounds like a farewell.", label="farewell",
                        trained_on=b.TrainedOn(digest="sha256:" + "ab" * 32, rows=1234), bias=-32,
                        weights={"goodbye": 24, "for good": 24, "refund": -40}, location=at)
    bare = b.Scorer(name="bare_words", bias=0, weights={"x": 1}, location=at)  # a hand-written file: no metadata
    uses = b.Signal(name="leaving", module="stdlib.signals", about="A farewell.", location=at,
                    when=b.AnyOf(of=[b.Not(of=b.Scores(field="message", scorer="farewell_words", at_least=0.6)),
                                     b.Mentions(field="message", phrases=["so long"])]))
    return bundle.model_copy(update={"scorers": [farewell, bare], "signals": [*bundle.signals, uses]})


def test_scorers_are_listed_with_label_weights_and_what_they_were_trained_on(bundle):
    pages = docs.emit(_with_scorers(bundle))
    for page in (pages["docs/signals.md"], pages["docs/stdlib.md"]):
        assert "## Learned scorers" in page
        assert ("| `farewell_words` | Sounds like a farewell. | `farewell` | 3 | `sha256:abababababab…`, 1,234 rows "
                "| `leaving` |") in page
        assert "| `bare_words` | — | — | 1 | — | — |" in page
        assert page.index("`bare_words`") < page.index("`farewell_words` |")  # by name


def test_a_signal_that_uses_a_scorer_says_so_and_one_that_does_not_is_silent(bundle):
    pages = docs.emit(_with_scorers(bundle))
    line = "Uses the learned scorer [`farewell_words`](#learned-scorers)"
    for page in (pages["docs/signals.md"], pages["docs/stdlib.md"]):
        section = page[page.index("leaving"):]
        assert line in section.split("\n#", 1)[0]  # under the signal's own heading
        assert page.count("Uses the learned scorer") == 1


def test_no_scorers_no_section(bundle):
    pages = docs.emit(bundle)
    assert "Learned scorers" not in pages["docs/signals.md"] and "Learned scorers" not in pages["docs/stdlib.md"]


def test_scorers_of_finds_each_scorer_once_under_any_nesting():
    s = b.Scores(field="message", scorer="a", at_least=0.5)
    t = b.Scores(field="message", scorer="b", at_least=0.9)
    cond = b.AllOf(of=[s, b.AtLeastOf(count=1, of=[b.Not(of=t), s])])
    assert docs.scorers_of(cond) == ["a", "b"]
