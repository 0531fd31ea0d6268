"""Every diagnostic code, once: slug, default severity, title, hint and long explanation.

Codes are a public contract (CI configs, suppressions and SARIF baselines name them): a code is
never renumbered, and a retired code is never reused (RETIRED keeps them, with what replaced them).
`tactful explain` and the diagnostics reference page are generated from this table.

Each code is a member of `Code`, named by its slug (`codes.UNDECLARED_SLOT` is `T1201`): checks name
the constant, so a mistyped code fails at import instead of at the first diagnostic. A Code is a
`str` equal to its number, so renderers, settings and tests read it as plain text.
"""

from __future__ import annotations

import enum


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


E, W = Severity.ERROR, Severity.WARNING


class Code(str, enum.Enum):
    """One diagnostic code: its number (the member's value), slug, severity and documentation."""

    def __new__(cls, code: str, slug: str, severity: Severity, title: str, explanation: str,
                example: str = "", fix: str = "") -> Code:
        member = str.__new__(cls, code)
        member._value_ = code
        member.slug, member.severity, member.title = slug, severity, title
        member.explanation, member.example, member.fix = explanation, example, fix
        return member

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__

    @property
    def code(self) -> str:
        return self.value

    # --- T10xx: reading and parsing -------------------------------------------------------------
    SYNTAX_ERROR = ("T1001", "syntax-error", E, "The file does not follow the language's grammar",
         "The parser met something it did not expect at this point. Parsing resumes at the next "
         "entry (or the next line of the same entry), so every syntax error of a file is reported "
         "in one run and the other frameworks of the file are still checked.",
         'framework billing.x "X"\n  owner finance finance\n',
         "Read the message: it says what was expected instead. Keywords start lines; texts are quoted.")
    UNTERMINATED_TEXT = ("T1002", "unterminated-text", E, "A text is missing its closing quote",
         "A `\"` text must close on the same line; a `\"\"\"` block must close with `\"\"\"`.",
         '    next "We will call you back\n',
         "Add the closing quote, or use a `\"\"\"` block for text over several lines.")
    BAD_INDENTATION = ("T1003", "bad-indentation", E, "The indentation does not line up",
         "The body of an entry is indented below it, and every line of one block uses the same "
         "indentation. Tabs are not allowed, because they look different in every editor.",
         'framework a.b "B"\n    owner support\n  tags x\n',
         "Indent with spaces, and line each block up with its first line.")
    INVALID_TEXT = ("T1004", "invalid-text", E, "A text's `{slot}` or `[optional]` syntax is malformed",
         "Inside texts, `{name}` inserts a slot, `{name or 'fallback'}` gives a fallback and "
         "`[ …{name}… ]` is a segment that vanishes when its slot is absent. Braces and brackets "
         "must balance, segments cannot nest, and a literal brace is written `\\{`.",
         '    next "Your case {case_reference is open."\n',
         "Close the brace, or escape a literal brace as `\\{`.")
    UNREADABLE_FILE = ("T1005", "unreadable-file", E, "A source file could not be read",
         "The file is not valid UTF-8 or could not be opened; or a folder under the paths given "
         "cannot be listed (its files would be missing from the build); or the file is not a "
         "regular file (a pipe or a device, perhaps through a symlink: it is not read), is larger "
         "than 4 MiB, or was named on the command line without being a `.tact` file.",
         "", "Save the file as UTF-8; make the file or folder readable; name folders or `.tact` files.")
    EMPTY_FILE = ("T1006", "empty-file", W, "A source file declares nothing",
         "The file is empty or holds only comments, so it adds nothing to the library. Often it is a "
         "framework not yet written, or one saved under the wrong name.",
         "# frameworks/billing/refund.tact: to do\n", "Write its framework, or delete the file.")
    # --- T11xx: names, modules and declarations -------------------------------------------------
    UNKNOWN_MODULE = ("T1101", "unknown-module", E, "`use` names a module that does not exist",
         "A module is a `.tact` file, named by its path relative to the compiled folder with `/` "
         "replaced by `.` (`shared/tone.tact` is `shared.tone`), or a stdlib module.",
         "use stdlib.signal\n", "Check the spelling; the help line lists close module names.")
    UNUSED_IMPORT = ("T1102", "unused-import", W, "A `use` brings in names that are never used",
         "None of the signals or phrase banks of the module are used in this file.",
         "use stdlib.phrases\n", "Remove the `use` line.")
    IMPORT_CYCLE = ("T1103", "import-cycle", E, "Modules use each other in a cycle",
         "Module A uses B which (directly or not) uses A. Move the shared declarations to a third "
         "module that both use.", "", "Break the cycle by moving shared names to their own module.")
    UNKNOWN_NAME = ("T1104", "unknown-name", E, "A condition names a signal or field that does not exist",
         "A name in a condition must be a signal visible in this file (declared here or in a module "
         "it uses), a context field, or a message feature.",
         "  guard all_cap \"Shouting\"\n", "Check the spelling; the help line proposes a close name.")
    DUPLICATE_INTENT = ("T1105", "duplicate-intent", E, "Two frameworks have the same intent",
         "Frameworks are looked up by intent, so each intent has exactly one framework in the library.",
         "", "Rename one of them, or merge them.")
    INVALID_INTENT = ("T1106", "invalid-intent", E, "An intent id is not lowercase dotted words",
         "Intent ids are `family.name`: two or more parts of lowercase letters, digits and `_`, "
         "separated by dots, each starting with a letter.",
         'framework Billing-Dup "X"\n', "Write it like `billing.duplicate_charge`.")
    UNKNOWN_TEAM = ("T1107", "unknown-team", E, "A team is not declared",
         "`owner` and `escalate` name teams declared with `team` (stdlib declares finance, "
         "engineering, trust_safety, comms, legal, support and product).",
         "  escalate finanse when legal_threat\n", "Use a declared team, or declare it with `team`.")
    UNKNOWN_CHANNEL = ("T1108", "unknown-channel", E, "A channel is not declared",
         "Channels are declared with `channel` (stdlib declares x, instagram, tiktok, facebook, "
         "discord, telegram, whatsapp, forum, email, chat).",
         "    channel insta private\n", "Use a declared channel, or declare it with `channel`.")
    UNKNOWN_BANK = ("T1109", "unknown-bank", E, "`pick` names a phrase bank that does not exist",
         "`pick <bank>` needs a `phrases` bank visible in this file.",
         "    acknowledge pick validaton\n", "Check the spelling, or `use` the module that declares it.")
    DUPLICATE_DECLARATION = ("T1110", "duplicate-declaration", E, "A name is declared twice",
         "Slots within a framework, and signals, banks, teams, channels, fields, style rules and "
         "policy entries within the library, each need a unique name.", "", "Rename or remove one.")
    UNKNOWN_TYPE = ("T1111", "unknown-type", E, "A slot or field type does not exist",
         "Types are text, money, number, date, email, phone, url, bool, channel, visibility and "
         "enum(a, b, …).", "  slot amount currency\n", "Use one of the listed types.")
    NAME_NOT_IMPORTED = ("T1112", "name-not-imported", E, "A name exists in a module this file does not use",
         "Signals and phrase banks are visible only in files that `use` their module.",
         "", "Add the `use` line the help proposes.")
    INVALID_SIGNAL = ("T1113", "invalid-signal", E, "A signal needs exactly one `when`",
         "A signal is a named condition: one `when` line, plus `fires` and `quiet` examples.",
         'signal upset "Upset"\n  fires "grr"\n', "Give the signal one `when` line.")
    RESERVED_NAME = ("T1114", "reserved-name", E, "A slot or field uses a reserved word as its name",
         "Names such as `and`, `or`, `not`, `in`, `is`, `if`, `true`, `none` and `picks` are part of the "
         "condition and template languages.", "  slot picks required\n", "Choose another name.")
    SLOT_HIDES_FIELD = ("T1115", "slot-hides-field", E, "A slot has the name of a context field",
         "`message`, `channel` and `visibility` are context fields every reply can read; a slot of the "
         "same name would make `{message}` mean two things.",
         "  slot message\n", "Choose another name for the slot.")
    REPEATED_SETTING = ("T1116", "repeated-setting", E, "A line that may appear once is written twice",
         "A framework's `owner`, `about` or `tags`, a slot's `pattern`, `example` or `about`, an "
         "example's `message` or `channel`, a list item and an opt-out each appear once: with two, "
         "one of them would silently win.",
         '  owner finance\n  owner legal\n', "Keep one of the lines.")
    UNKNOWN_SCORER = ("T1117", "unknown-scorer", E, "`scores … on` names a scorer that is not declared",
         "`field scores at least 0.8 on name` reads the scorer `name`, declared with `scorer name` and a "
         "`weights` file. Scorers are global: a scorer declared in any file of the library (the stdlib "
         "declares crisis_words, safety_risk_words, violence_words and child_safety_words) can be named anywhere.",
         '  guard message scores at least 0.5 on crisis_wrds "Read the thread first."\n',
         "Check the spelling (the help line proposes a close name), or declare the scorer.")
    BAD_WEIGHTS = ("T1118", "bad-weights", E, "A scorer's weights file is missing or not valid",
         "A `scorer` reads its weights from the JSON file named by `weights`, relative to the folder of "
         "the `.tact` file. The file must exist and hold `\"tactful_scorer\": 1`, `\"unit\": 16`, a whole-number "
         "`bias` and `weights` (feature → whole number of sixteenths), as `tactful train` writes them.",
         'scorer refund_words\n  weights "scorers/refund.jsn"\n',
         "Fix the path, or write the file again with `tactful train`.")
    # --- T12xx: slots and texts -----------------------------------------------------------------
    UNDECLARED_SLOT = ("T1201", "undeclared-slot", E, "A text uses a slot that is not declared",
         "Every `{name}` in a text must be a slot of the framework or a context field.",
         '    next "We refunded {ammount}."\n', "Declare the slot, or fix the spelling.")
    PRIVATE_SLOT_IN_PUBLIC_REPLY = ("T1202", "private-slot-in-public-reply", E, "A private slot is used in a public reply",
         "A `private` slot holds personal or financial details that must never appear on a public "
         "channel.", '  reply public\n    next "Your case {case_reference} is open."\n',
         "Move the detail to the private reply, or ask the customer to continue in a private channel.")
    OPTIONAL_SLOT_WITHOUT_FALLBACK = ("T1203", "optional-slot-without-fallback", W, "An optional slot is used without a fallback",
         "When an optional slot is absent, the text would have a hole. Give a fallback or put the "
         "slot in an optional segment.", '    next "Thanks, {customer_name}."\n',
         'Write `{customer_name or \'there\'}` or `[, {customer_name}]`. In a handoff note an absent optional slot '
         'reads "(not given)", so no fallback is needed there.')
    UNUSED_REQUIRED_SLOT = ("T1204", "unused-required-slot", W, "A required slot is never used",
         "A required slot must be provided by every caller; if no text uses it, asking for it only "
         "adds friction.", "", "Use it in a reply or handoff, or make it optional.")
    EXAMPLE_MISMATCH = ("T1205", "example-mismatch", E, "An example value does not fit its slot",
         "A slot's `example`, and the values set in `example` blocks, must satisfy the slot's type "
         "and pattern.", '  slot order_number\n    pattern /[0-9]{6,}/\n    example "12-34"\n',
         "Fix the example, or the pattern.")
    # --- T13xx: replies, moves and house style -------------------------------------------------
    MISSING_NEXT_STEP = ("T1301", "missing-next-step", E, "A reply has no `next` move",
         "Sympathy without action is the worst outcome: every reply ends in a concrete next step.",
         '  reply private\n    acknowledge "That sounds frustrating."\n',
         "Add a `next` move that says what happens now.")
    MOVES_OUT_OF_ORDER = ("T1302", "moves-out-of-order", W, "A reply's moves are out of order",
         "Moves go acknowledge, ask, restate, next, close: acknowledge the impact first, restate "
         "before acting, act before closing.", "", "Reorder the moves.")
    MISSING_REPLY = ("T1303", "missing-reply", E, "A visibility the framework serves has no unconditional reply",
         "Replies are chosen first match wins; each served visibility needs a reply without `when` "
         "so that a draft always exists.", "", "Add `reply public` / `reply private`, or narrow `serves`.")
    HOUSE_STYLE = ("T1304", "house-style", W, "A text uses a phrase the house style discourages",
         "Style rules flag phrases that read as scripted or defensive; the help line gives the "
         "better alternative from the rule's `prefer`.", '    acknowledge "Sorry for the inconvenience."\n',
         "Rewrite the text as the help suggests.")
    UNREACHABLE_REPLY = ("T1305", "unreachable-reply", W, "A reply can never be chosen",
         "An earlier reply of the same visibility has no `when`, so it always matches first.",
         "", "Move conditional replies above the unconditional one.")
    DUPLICATE_MOVE = ("T1306", "duplicate-move", E, "A reply has the same move twice",
         "Each move appears at most once per reply.", "", "Merge the two texts.")
    EMPTY_TEXT = ("T1307", "empty-text", E, "A text is empty",
         "Moves, reasons and handoffs need words.", '    acknowledge ""\n', "Write the text.")
    UNSERVED_VISIBILITY = ("T1308", "unserved-visibility", E, "A reply's visibility is not served",
         "The framework's `serves` line excludes this visibility, so the reply is never used.",
         "", "Remove the reply or add the visibility to `serves`.")
    # --- T14xx: conditions ------------------------------------------------------------------------
    TYPE_MISMATCH = ("T1401", "type-mismatch", E, "A condition compares values of the wrong type",
         "`mentions` and `matches` need a text field, comparisons need a number, `is`/`in` need a "
         "channel, visibility, enum or text field, and a bare name must be a signal or a bool field.",
         "  guard channel > 3 \"x\"\n", "Use an operator that fits the field's type.")
    INVALID_REGEX = ("T1402", "invalid-regex", E, "A regex is not accepted by RE2",
         "Patterns run in linear time with RE2, which has no backreferences or lookaround.",
         "  escalate legal when message matches /(a)\\1/\n", "Rewrite the pattern without the unsupported feature.")
    UNKNOWN_VALUE = ("T1403", "unknown-value", E, "A condition compares a field with a value it can never have",
         "`visibility` is public or private; enum fields have their declared values.",
         "  guard visibility is secret \"x\"\n", "Use one of the values the help lists.")
    TEMPLATE_IN_PHRASE = ("T1404", "template-in-phrase", E, "A `mentions` phrase holds a `{slot}`",
         "`mentions` compares the customer's words with fixed phrases; a `{…}` there is never filled in.",
         '  guard message mentions "order {order_id}" "x"\n', "Remove the `{…}`, or match with a regex.")
    NOT_AN_EMOJI = ("T1405", "not-an-emoji", E, "`has emoji` lists something that is not one emoji",
         "`message has emoji \"🙃\", \"🤡\"` looks for emoji; each text must be exactly one emoji (skin tones and "
         "joined sequences such as 👩‍💻 count as one). Letters, digits and spaces are words: use `mentions` for them.",
         '  guard message has emoji "lol" "x"\n', "Write one emoji per text, separated by commas.")
    BAD_DISTANCE = ("T1406", "bad-distance", E, "`near … within N words` has a distance outside 1 to 30",
         "Proximity counts the words between two phrases; 0 means they touch (write the phrase instead), and "
         "beyond 30 words the two are rarely about each other.",
         '  guard message mentions "gun" near "school" within 0 words "x"\n', "Use a whole number from 1 to 30.")
    CONDITION_TOO_DEEP = ("T1407", "condition-too-deep", E, "A condition nests `not`, `and`, `or`, `at least` too deeply",
         "A condition may nest `not`, `and`, `or` and `at least` (and the signals it names, counted with their own "
         "conditions) at most 32 levels deep. No real condition comes near it; the limit keeps every "
         "stage, from the checks to the runtime's compiled code, within bounds whatever a file holds.",
         "  guard " + "not " * 33 + "legal_threat \"Nested past the limit.\"\n",
         "Simplify the condition, or give a part of it a name with `signal`.")
    BAD_COUNT = ("T1408", "bad-count", E, "`at least N of (…)` asks for a count outside 1 to its number of conditions",
         "`at least N of (a; b; c)` holds when N or more of the conditions between the parentheses hold. N must "
         "be a whole number from 1 to the number of conditions: 0 would always hold, and more than there are "
         "could never hold.",
         '  guard at least 3 of (message mentions "bye"; message mentions "farewell") "x"\n',
         "Use a whole number from 1 to the number of conditions (`at least 1 of` is `or`, and N equal to the number is `and`).")
    BAD_SCORE = ("T1409", "bad-score", E, "`scores at least` asks for a number outside 0 to 1",
         "A scorer's score is a number from 0 (nothing like the examples it learned from) to 1; "
         "`scores at least 1.5` could never hold and `scores at least 0` always would.",
         '  guard message scores at least 80 on crisis_words "Read the thread first."\n',
         "Use a number from 0 to 1, such as the `suggested_at_least` in the weights file.")
    # --- T15xx: guards, escalations, policy and examples -------------------------------------------
    MISSING_REASON = ("T1501", "missing-reason", E, "A guard or an opt-out has no reason",
         "The reason is shown to the person about to send the draft; an opt-out's reason explains "
         "to reviewers why the policy does not apply.", "", "Write the reason.")
    UNKNOWN_POLICY_ENTRY = ("T1502", "unknown-policy-entry", E, "`except` names no policy guard or escalation",
         "`except <name>` opts out of a policy entry by its name (the signal's name, or its `as` name).",
         "", "Use a name the help lists.")
    MISSING_HANDOFF = ("T1503", "missing-handoff", W, "An escalation has no handoff note",
         "The handoff carries the customer's context so the next team need not ask again.",
         "", "Add an indented `handoff` text with {message} and the key slots.")
    DUPLICATE_ENTRY_NAME = ("T1504", "duplicate-entry-name", E, "Two guards or escalations have the same name",
         "Names identify guards and escalations in drafts, examples and opt-outs.", "", "Add `as <name>` to one of them.")
    UNNAMED_POLICY_ENTRY = ("T1505", "unnamed-policy-entry", E, "A policy entry has no name",
         "A policy entry whose condition is not a single signal needs `as <name>` so that "
         "frameworks can opt out of it.", "", "Add `as <name>` after the condition.")
    UNKNOWN_EXPECTATION = ("T1506", "unknown-expectation", E, "An example expects a guard, team or reply that cannot happen",
         "`expect guard`/`expect escalate` name guards and teams of the framework (including policy "
         "ones); `expect reply` names a reply it has.", "", "Check the name against the framework.")
    UNKNOWN_CONTEXT_FIELD = ("T1507", "unknown-context-field", E, "An example sets a context field that is not declared",
         "`context` sets declared fields only; values must fit the field's type.", "", "Check the field name and value.")
    INCOMPLETE_EXAMPLE = ("T1508", "incomplete-example", E, "An example lacks a message, an expectation or a required slot",
         "An example is a test: it needs the customer's `message`, at least one `expect` line, and a "
         "value for every required slot (the runtime refuses a draft without them).",
         '  example "x"\n    expect send\n', "Add what the message names.")
    # --- T17xx: project settings and suppressions ------------------------------------------------
    INTENT_NOT_IN_TAXONOMY = ("T1701", "intent-not-in-taxonomy", E, "A framework's intent is not in the project's taxonomy",
         "`tactful.toml` lists the intents of the library under [taxonomy]; a framework outside it "
         "would never be routed to.", "", "Add the intent to the taxonomy, or fix the id.")
    INTENT_WITHOUT_FRAMEWORK = ("T1702", "intent-without-framework", E, "An intent of the taxonomy has no framework",
         "Every intent the project routes needs a framework.", "", "Write the framework, or remove the intent.")
    INVALID_PROJECT_FILE = ("T1703", "invalid-project-file", E, "`tactful.toml` is malformed",
         "The project file is TOML with the tables [diagnostics] and [taxonomy].", "", "Fix the file as the message says.")
    SUPPRESSION_WITHOUT_REASON = ("T1704", "suppression-without-reason", W, "A suppression comment gives no reason",
         "`# tactful: ignore[T1304] <reason>`: the reason tells reviewers why the rule does not apply.",
         "", "Add the reason after the bracket.")
    UNKNOWN_CODE = ("T1705", "unknown-code", W, "A suppression or setting names a code that does not exist",
         "Codes are listed by `tactful explain --list`.", "", "Fix the code.")
    UNUSED_SUPPRESSION = ("T1706", "unused-suppression", W, "A suppression comment silences nothing",
         "No diagnostic with that code is reported on the line it covers.", "", "Remove the comment.")


CODES: dict[str, Code] = {c.value: c for c in Code}
BY_SLUG: dict[str, Code] = {c.slug: c for c in Code}
assert len(BY_SLUG) == len(CODES), "slugs are unique"

# Errors a project may turn off or make warnings (tactful.toml, `# tactful: ignore[…]`): house rules
# over a library that still compiles to a sound bundle. Every other error guards the bundle's
# integrity (what lowering and the runtime rely on: the grammar, names that resolve, slots that are
# declared, types, regexes, depth) and stays an error whatever the settings say; otherwise `check`
# would pass and `build` crash, or build a broken bundle. Warnings are all adjustable.
ADJUSTABLE_ERRORS: frozenset[Code] = frozenset({
    Code.PRIVATE_SLOT_IN_PUBLIC_REPLY, Code.EXAMPLE_MISMATCH, Code.MISSING_NEXT_STEP, Code.MISSING_REPLY,
    Code.DUPLICATE_MOVE, Code.EMPTY_TEXT, Code.UNSERVED_VISIBILITY, Code.UNKNOWN_VALUE, Code.TEMPLATE_IN_PHRASE,
    Code.MISSING_REASON, Code.UNKNOWN_POLICY_ENTRY, Code.UNNAMED_POLICY_ENTRY, Code.UNKNOWN_EXPECTATION,
    Code.UNKNOWN_CONTEXT_FIELD, Code.INTENT_NOT_IN_TAXONOMY, Code.INTENT_WITHOUT_FRAMEWORK,
})


def adjustable(code: Code) -> bool:
    """Whether settings and suppressions may change code's severity (see ADJUSTABLE_ERRORS)."""
    return code.severity is not Severity.ERROR or code in ADJUSTABLE_ERRORS


# Codes no longer reported, with what replaced them: never reuse these numbers.
RETIRED: dict[str, str] = {}


def lookup(key: str) -> Code | None:
    """A code by number (`T1201`, case-insensitive) or slug (`undeclared-slot`)."""
    return CODES.get(key.upper()) or BY_SLUG.get(key.lower())


def explain_text(code: Code) -> str:
    """The long explanation `tactful explain` prints (plain text, ends with a newline)."""
    lines = [f"{code.code} {code.slug} ({code.severity.value}): {code.title}", "", code.explanation]
    if code.example:
        lines += ["", "For example:", ""] + ["    " + ln for ln in code.example.rstrip("\n").split("\n")]
    if code.fix:
        lines += ["", f"How to fix it: {code.fix}"]
    return "\n".join(lines) + "\n"
