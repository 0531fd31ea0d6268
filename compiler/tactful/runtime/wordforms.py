"""Word forms: the inflections `mentions forms of "sue"` matches.

The compiler writes every form into the condition's phrases (`expand`), and the bundle stores such a
list as the phrases written, `{"forms": …}` (`forms_base`), which a reader expands with the same
rule; docs/reference/bundle.md spells the rule out for a runtime in another language. Decisions:

- Regular English endings: -s/-es/-ies, -ed/-d/-ied, -ing (dropping a silent e, "ie" -> "ying"),
  with and without a doubled final consonant ("stab" -> "stabbed", "stabbing"), plus a table of
  common irregular verbs ("take" -> "took", "taken"). Over-generating a form nobody writes
  ("visitted") costs nothing; missing one a customer writes is a miss.
- In a phrase of several words, the first and the last word are inflected (the verb of "take you to
  court", the noun of "death threat"), each on its own; the other words stay as written.
- Whole-word matching is unchanged, so `forms of "sue"` matches "sued" and "suing" but never "issue".
"""

from __future__ import annotations

_IRREGULAR = {
    "be": ("am", "is", "are", "was", "were", "been", "being"),
    "beat": ("beaten",), "become": ("became",), "begin": ("began", "begun"), "bite": ("bit", "bitten"),
    "bleed": ("bled",), "blow": ("blew", "blown"), "break": ("broke", "broken"), "bring": ("brought",),
    "burn": ("burnt",), "buy": ("bought",), "catch": ("caught",), "choose": ("chose", "chosen"),
    "come": ("came",), "cut": (), "die": ("died", "dying"), "do": ("did", "done", "does"),
    "drive": ("drove", "driven"), "eat": ("ate", "eaten"), "fall": ("fell", "fallen"), "feel": ("felt",),
    "fight": ("fought",), "find": ("found",), "fly": ("flew", "flown"), "forget": ("forgot", "forgotten"),
    "freeze": ("froze", "frozen"), "get": ("got", "gotten"), "give": ("gave", "given"),
    "go": ("went", "gone", "goes"), "grow": ("grew", "grown"), "hang": ("hung",), "have": ("has", "had"),
    "hear": ("heard",), "hide": ("hid", "hidden"), "hit": (), "hold": ("held",), "hurt": (),
    "keep": ("kept",), "kill": (), "know": ("knew", "known"), "lead": ("led",), "leave": ("left",),
    "lie": ("lay", "lain", "lying"), "lose": ("lost",), "make": ("made",), "mean": ("meant",),
    "meet": ("met",), "pay": ("paid",), "put": (), "read": (), "ride": ("rode", "ridden"),
    "ring": ("rang", "rung"), "rise": ("rose", "risen"), "run": ("ran",), "say": ("said",),
    "see": ("saw", "seen"), "seek": ("sought",), "sell": ("sold",), "send": ("sent",),
    "shake": ("shook", "shaken"), "shoot": ("shot",), "sit": ("sat",), "sleep": ("slept",),
    "speak": ("spoke", "spoken"), "spend": ("spent",), "stand": ("stood",), "steal": ("stole", "stolen"),
    "stick": ("stuck",), "strike": ("struck",), "swear": ("swore", "sworn"), "take": ("took", "taken"),
    "teach": ("taught",), "tear": ("tore", "torn"), "tell": ("told",), "think": ("thought",),
    "throw": ("threw", "thrown"), "wake": ("woke", "woken"), "wear": ("wore", "worn"), "win": ("won",),
    "write": ("wrote", "written"),
}
_VOWELS = set("aeiou")


def word_forms(word: str) -> list[str]:
    """The word and its inflections, the word first, no duplicates (lower-case except the word itself)."""
    w = word.lower()
    if not w.isalpha() or len(w) < 2:
        return [word]
    forms = [word]
    forms += _IRREGULAR.get(w, ())
    stems = [w]
    if w[-1] == "e" and not w.endswith(("ee", "ye", "oe")):
        stems = [w[:-1]]  # "sue" -> "su" + "ing"; "sued" comes from the rule for a final e below
    if len(w) >= 3 and w[-1] not in _VOWELS | set("wxy") and w[-2] in _VOWELS and w[-3] not in _VOWELS:
        stems.append(w + w[-1])  # "stab" -> "stabb" + "ed"
    if w.endswith(("s", "x", "z", "ch", "sh", "o")):
        forms.append(w + "es")
    if w[-1] == "y" and w[-2] not in _VOWELS:
        forms += [w[:-1] + "ies", w[:-1] + "ied", w + "ing"]
    else:
        forms.append(w + "s")
    if w.endswith("ie"):
        forms.append(w[:-2] + "ying")
    for stem in stems:
        if w[-1] not in "ey" or (w[-1] == "y" and w[-2] in _VOWELS):
            forms.append(stem + "ed")
        if not w.endswith("ie"):
            forms.append(stem + "ing")
    if w[-1] == "e":
        forms.append(w + "d")
    seen = {w}  # every form but the word itself is lower-case already
    return [word, *(f for f in forms[1:] if not (f in seen or seen.add(f)))]


def phrase_forms(phrase: str) -> list[str]:
    """The phrase with its first and its last word inflected (each on its own), the phrase first."""
    return [form for form, _ in _phrase_forms(phrase)]


def _phrase_forms(phrase: str) -> list[tuple[str, str]]:
    """phrase_forms, each form with its lower case (what duplicates are told apart by)."""
    words = phrase.split()
    if not words:
        return [(phrase, phrase.lower())]
    out = [" ".join([f, *words[1:]]) for f in word_forms(words[0])]
    if len(words) > 1:
        out += [" ".join([*words[:-1], f]) for f in word_forms(words[-1])[1:]]
    seen: set[str] = set()
    pairs = []
    for p in out:
        low = p.lower()
        if low not in seen:
            seen.add(low)
            pairs.append((p, low))
    return pairs


def expand(phrases: list[str], forms: bool) -> list[str]:
    """The phrases as a bundle holds them: with every form when `forms of` was written."""
    if not forms:
        return list(phrases)
    out: list[str] = []
    seen: set[str] = set()
    for p in phrases:
        for f, low in _phrase_forms(p):
            if low not in seen:
                seen.add(low)
                out.append(f)
    return out


def forms_base(phrases: list[str]) -> list[str] | None:
    """A short list `base` with expand(base, True) == phrases, or None when none is found (the list is
    not a `forms of` expansion).

    It replays expand(): each phrase of base adds its forms not yet seen, in order. A written phrase
    is usually the next unseen one; but one that is a form of an earlier phrase ("dying" after "die")
    adds only its remaining forms ("dyings", …), so an unseen phrase that does not start its own
    forms is tried as the rest of an earlier seen one. Every step is checked against the list, so a
    base found is always exact."""
    base: list[str] = []
    seen: set[str] = set()
    order: list[str] = []  # the phrases seen so far, in order: the candidates for a written repeat
    i, n = 0, len(phrases)
    while i < n:
        q = phrases[i]
        if q.lower() in seen:  # expand() never repeats a phrase
            return None
        for p in (q, *order):
            if p is not q and q not in phrase_forms(p):
                continue
            new = [f for f in phrase_forms(p) if f.lower() not in seen]
            if new and phrases[i:i + len(new)] == new:
                break
        else:
            return None
        base.append(p)
        for f in new:
            seen.add(f.lower())
            order.append(f)
        i += len(new)
    return base
