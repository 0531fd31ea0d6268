"""Load a bundle and draft replies from it: `load_bundle`, `load_library`, `Library.draft`.

Loading is cheap and checks the whole bundle: the JSON is parsed, its schema version checked and
its data validated against the schema (every name an identifier, every field in its place: see
format.py; no pydantic model is built), and the fields, channels, features and intents are indexed.
Everything else is prepared when first needed, and once: the first draft of a framework compiles
its guards, escalations and reply choice into one generated Python function (text conditions go
into one RE2 filter and one word set per field; see conditions.py), checks its texts and slots, and
compiles the signals it uses that are not compiled yet (as one group). A `mentions`' whole-word confirmation
is compiled the first time a message gets that far, and a text is prepared the first time it is rendered.
`Library.prepare()` does all of it at once (a service calls it before it takes traffic, so no
request pays for it); a bundle that fails any of it is refused with a BundleError that says what is
wrong. A prepared Library never fails on a well-formed request. Per message, the runtime validates
the context and slots, computes the message features once, evaluates every guard and escalation,
picks the first reply that applies and renders it. A Library does not change after load except to
prepare itself (under a lock), so one instance may serve many threads.

Context: a mapping of context fields declared by the bundle (stdlib: message, channel, visibility,
contact_count, customer_name, …) plus `seed` (any string, such as the conversation id; it decides
which phrase a `pick` move gets). `message` is required, and `channel` or `visibility`; the
visibility defaults to the channel's first one. Numbers may be int or float; an integral float
renders without ".0".
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NamedTuple

from tactful.runtime import features as _features
from tactful.runtime.conditions import Code, ConditionCompiler, function_source
from tactful.runtime.draft import Draft, EscalationHit, GuardHit, ReplyChoice, Verdict
from tactful.runtime.errors import (
    BundleError,
    InvalidContext,
    InvalidRequest,
    InvalidSlots,
    MissingSlots,
    NoReply,
    Problem,
    UnknownContextFields,
    UnknownIntent,
    UnknownSlots,
)
from tactful.runtime.format import (
    SCHEMA_VERSION,
    Reader,
    compact,
    condition_source,
    entry_name,
    expand,
    framework_serves,
    inherit,
    move_kind,
    move_says,
    policy_rule,
    reply_ids,
    reply_visibility,
    stored_text,
    validator,
)
from tactful.runtime.render import NOT_GIVEN, ReplyRenderer, Texts, TextRenderer, reserved_names
from tactful.runtime.values import SlotChecker

if TYPE_CHECKING:  # the models cost an import a bot that only drafts does not need
    from tactful.runtime.bundle import Bundle, Framework

BundleSource = "str | os.PathLike | bytes | Mapping[str, Any] | Bundle"

# --- loading ------------------------------------------------------------------------------------


_VERSION = re.compile(r"([0-9]{1,9})\.([0-9]{1,9})")  # ASCII digits only: str.isdigit() admits "²" and "١"


def _version(text: object) -> tuple[int, int] | None:
    match = _VERSION.fullmatch(text) if isinstance(text, str) else None
    return (int(match[1]), int(match[2])) if match else None


def _check_version(found: object) -> None:
    ours = _version(SCHEMA_VERSION)
    theirs = _version(found)
    assert ours is not None
    if found is None:
        raise BundleError("this is not a tactful bundle: it has no `schema_version`")
    if theirs is None:
        raise BundleError(f"the bundle's schema_version {found!r} is not of the form MAJOR.MINOR")
    if theirs[0] != ours[0]:
        raise BundleError(
            f"the bundle has schema version {found}, and this runtime reads schema version {SCHEMA_VERSION} ({ours[0]}.x); "
            f"rebuild the bundle with this version of tactful (or use a runtime for {theirs[0]}.x)"
        )
    if theirs[1] > ours[1]:
        raise BundleError(
            f"the bundle has schema version {found}, newer than this runtime's {SCHEMA_VERSION}; upgrade tactful"
        )


def _validation_message(e) -> str:
    errors = e.errors()
    shown = []
    for err in errors[:5]:
        path, pending = [], None
        for p in err["loc"]:
            if p in ("own", "inherited"):  # format.py's tags of a guard or escalation
                continue
            if path and p == path[-1] == pending:  # a union's tag, then the key it names: once
                pending = None
                continue
            path.append(p)
            pending = p if isinstance(p, str) else None
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        if len(loc) > 160:
            loc = loc[:80] + " … " + loc[-60:]
        msg = err["msg"]
        if err["type"] in ("recursion_loop", "recursion_depth_exceeded"):
            msg = "nested too deeply to be a tactful bundle"
        if err["type"] == "string_pattern_mismatch" and "weights" in path:  # a scorer's weight
            msg = f"`{err['input']}` is not a weight (a whole number of sixteenths)"
        elif err["type"] == "string_pattern_mismatch":  # a name (the patterns are format.py's)
            msg = (f"`{err['input']}` is not a name (names are letters, digits and `_`, not starting with a digit; "
                   "intents and modules join names with dots)")
        shown.append(f"  at {loc or 'the top level'}: {msg}")
    more = f"\n  … and {len(errors) - 5} more" if len(errors) > 5 else ""
    return f"the bundle does not match its schema ({len(errors)} problem{'s' if len(errors) != 1 else ''}):\n" + "\n".join(shown) + more


def _is_model(source: object) -> bool:
    """Whether source is a Bundle model (without importing the models to ask)."""
    return type(source).__name__ == "Bundle" and hasattr(source, "model_dump")


def read_bundle(source: BundleSource) -> dict[str, Any]:
    """The validated JSON data of a bundle from a file path, JSON text (a str starting with `{`) or
    bytes, or its parsed data (a dict). Raises BundleError."""
    if isinstance(source, str) and source.lstrip().startswith("{"):  # JSON text (no path starts with `{`)
        source = source.encode("utf-8")
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)  # (not pathlib: a cold start does not import it)
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            raise BundleError(f"cannot read the bundle {path}: {e.strerror or e}") from None
        where = path
    elif isinstance(source, bytes):
        raw, where = source, "the bundle"
    elif isinstance(source, Mapping):
        raw, where = None, "the bundle"
    else:
        raise TypeError(f"load_bundle() takes a path, JSON text or bytes, or a dict, not {type(source).__name__}")
    if raw is not None:
        try:
            data = json.loads(raw)
        except UnicodeDecodeError:
            raise BundleError(f"{where} is not UTF-8 text") from None
        except json.JSONDecodeError as e:
            raise BundleError(f"{where} is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
        except RecursionError:
            raise BundleError(f"{where} is nested too deeply to be a tactful bundle") from None
    else:
        data = source
    if not isinstance(data, Mapping):
        raise BundleError(f"{where} is not a tactful bundle: expected a JSON object, found {type(data).__name__}")
    _check_version(data.get("schema_version"))
    try:
        validator().validate_python(data)
    except RecursionError:
        raise BundleError(f"{where} is nested too deeply to be a tactful bundle") from None
    except ValueError as e:  # pydantic-core's ValidationError
        if not hasattr(e, "errors"):
            raise
        raise BundleError(_validation_message(e)) from None
    return data if isinstance(data, dict) else dict(data)


def load_bundle(source: BundleSource) -> "Bundle":
    """The Bundle models of a bundle (see read_bundle() for the sources; a Bundle is returned as it
    is). For tools that read a bundle whole; drafting needs only load_library(). Raises BundleError."""
    from tactful.runtime.bundle import Bundle

    if isinstance(source, Bundle):
        _check_version(source.schema_version)
        return source
    return _models(read_bundle(source))


def _models(data: dict[str, Any]) -> "Bundle":
    """The models of a validated bundle's data. Raises BundleError."""
    from tactful.runtime.bundle import Bundle

    try:
        return Bundle.model_validate(expand(data))
    except KeyError as e:
        raise BundleError(f"the bundle refers to {e.args[0]!r}, which none of its policies declares") from None
    except ValueError as e:  # pydantic's ValidationError: what the models check beyond the schema
        if not hasattr(e, "errors"):
            raise
        raise BundleError(_validation_message(e)) from None


def load_library(source: BundleSource) -> "Library":
    """A Library of a bundle (a path, JSON text or bytes, a dict, or a Bundle). Raises BundleError."""
    return Library(source if _is_model(source) else read_bundle(source), validated=True)


# --- the prepared library -------------------------------------------------------------------------


class _Reply(NamedTuple):
    choice: ReplyChoice
    renderer: ReplyRenderer


Evaluate = Callable[[dict[str, Any], dict[str, Any], dict], tuple[tuple[GuardHit, ...], tuple[EscalationHit, ...], int]]


class _Framework(NamedTuple):
    library: "Library"
    intent: str
    serves: tuple[str, ...]
    slot_names: tuple[str, ...]
    required: tuple[str, ...]
    checkers: dict[str, SlotChecker]
    # per slot, in order: (name, its checker, checker.fits, whether a context field has its name)
    slot_plan: tuple[tuple[str, SlotChecker, Any, bool], ...]
    # (context values, variables, memo) -> (guards that hold, escalations that fire, index of the reply or -1)
    evaluate: Evaluate
    replies: tuple[_Reply, ...]
    tags: tuple[str, ...]
    owner: str | None
    lazies: tuple[Any, ...]  # its `mentions` tests, built on first use (prepare() builds them)

    @property
    def model(self) -> "Framework":
        """The framework as a model (built on first use)."""
        return self.library.framework(self.intent)


class _Program(NamedTuple):
    """What every framework shares: the signals (compiled as frameworks need them), the prepared texts."""

    compiler: ConditionCompiler
    texts: Texts
    note_texts: Texts


class _Frameworks(Mapping):
    """The frameworks by intent, each prepared on first access."""

    def __init__(self, library: "Library"):
        self._library = library

    def __getitem__(self, intent: str) -> _Framework:
        fw = self._library._prepared.get(intent)
        return fw if fw is not None else self._library._prepare_intent(intent)

    def __iter__(self) -> Iterator[str]:
        return iter(self._library._raw)

    def __len__(self) -> int:
        return len(self._library._raw)

    def __contains__(self, intent: object) -> bool:
        return intent in self._library._raw


def _text_or_none(value: object) -> str | None:
    """A context value a slot of the same name falls back to: text that is not blank, else None."""
    return value if isinstance(value, str) and value and not value.isspace() else None


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_shapes(intent: object, slots: object, context: object) -> None:
    """Raise InvalidRequest when the request is not an intent (text) and two mappings keyed by text."""
    problems: list[Problem] = []
    if not isinstance(intent, str):
        problems.append(Problem(("intent",), f"the intent must be text, not {intent!r}"))
    for where, value, noun in (("slots", slots, "slot"), ("context", context, "context field")):
        if value is None:
            continue
        if not isinstance(value, Mapping):
            problems.append(Problem((where,), f"{where} must be a mapping of {noun} names to values, not {type(value).__name__}"))
            continue
        problems.extend(Problem((where, str(k)), f"{noun} names must be text, not {k!r}") for k in value if not isinstance(k, str))
    if problems:
        raise InvalidRequest(problems)


def _is_text(value: str) -> bool:
    """Whether value is Unicode text that UTF-8 can encode: no lone surrogate ("\ud800", as JSON
    allows and a command line's undecodable bytes give), which RE2 and the output could not take."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_NOT_TEXT = "is not valid Unicode text (it holds a lone surrogate, such as an undecodable byte)"


def _moves(stored: list[dict[str, Any]]) -> Iterator[tuple[str, dict | None, str | None]]:
    """(kind, text, phrase bank) of each stored move of a reply."""
    for move in stored:
        kind = move_kind(move)
        yield (kind, *move_says(move, kind))


def _slot(s: dict[str, Any]) -> SimpleNamespace:
    """A slot as SlotChecker reads it, with its defaults."""
    return SimpleNamespace(name=s["name"], type=s.get("type", "text"), values=s.get("values", []),
                           pattern=s.get("pattern"), required=s.get("required", False), private=s.get("private", False))


def _slot_key(s: dict[str, Any]) -> tuple:
    """What a SlotChecker of a stored slot depends on: slots equal in these share one checker."""
    return s["name"], s.get("type", "text"), tuple(s.get("values", ())), s.get("pattern")


def _unique_names(entries: Iterable[Mapping[str, Any]], what: str) -> None:
    """A bundle names each signal (scorer, channel, …) once: a second entry of a name would silently
    replace the first, so that a draft's verdict depended on which came last."""
    seen: set[str] = set()
    for e in entries:
        name = e["name"]
        if name in seen:
            raise BundleError(f"the bundle has two {what} named `{name}`")
        seen.add(name)


class Library:
    """A bundle ready for drafting. Build with load_library(); it prepares itself as it is used."""

    def __init__(self, bundle: "Bundle | Mapping[str, Any]", *, validated: bool = False,
                 data: Mapping[str, Any] | None = None):
        """`bundle`: a Bundle model, or a bundle's JSON data (validated here unless `validated`).
        With a model, `data` is its JSON data when the caller has it already (what bundle.json
        holds: `compact(bundle.model_dump(mode="json"))`; a build makes it once for both)."""
        if _is_model(bundle):
            _check_version(bundle.schema_version)
            self._model: Bundle | None = bundle
            try:
                data = compact(bundle.model_dump(mode="json")) if data is None else data
            except (ValueError, RecursionError):  # pydantic's serializer refuses data nested this deep
                raise BundleError("the bundle's conditions are nested too deeply to prepare") from None
        else:
            self._model = None
            data = bundle if validated else read_bundle(bundle)
        self._data = data
        self.data: Mapping[str, Any] = data  # the bundle's JSON data, as bundle.json holds it (do not change it)
        self.revision = data["revision"]
        unknown_features = sorted(set(data["features"]) - set(_features.FEATURES))
        if unknown_features:
            raise BundleError(
                "the bundle needs message features this runtime does not compute: "
                + ", ".join(f"`{f}`" for f in unknown_features) + "; upgrade tactful"
            )
        for part, what in (("fields", "context fields"), ("channels", "channels"), ("signals", "signals"),
                           ("scorers", "scorers"), ("policies", "policies")):
            _unique_names(data.get(part, ()), what)
        self._fields: dict[str, dict[str, Any]] = {f["name"]: f for f in data["fields"]}
        clash = sorted(set(self._fields) & set(_features.FEATURES))
        if clash:
            raise BundleError(f"context fields may not be named like message features: {', '.join(clash)}")
        bad = reserved_names(self._fields)
        if bad:
            raise BundleError(f"names starting with `tactful_` are reserved: {', '.join(bad)}")
        self._channels = {c["name"]: tuple(c["visibilities"]) for c in data["channels"]}
        self._field_defaults: dict[str, Any] = dict.fromkeys(self._fields)
        self._kinds = {n: f["type"] for n, f in self._fields.items() if n != "seed"}  # `seed` is always the seed
        self._raw: dict[str, dict[str, Any]] = {}
        for fw in data["frameworks"]:
            if fw["intent"] in self._raw:
                raise BundleError(f"the bundle has two frameworks for `{fw['intent']}`")
            self._raw[fw["intent"]] = fw
        self._policy_items = {(plural, f"{p['name']}.{entry_name(e)}"): e for p in data.get("policies", ())
                              for plural in ("guards", "escalations") for e in p.get(plural, ())}
        self._policy_rule = policy_rule(data.get("policies", ()))
        self._policy_entries = frozenset(map(id, self._policy_items.values()))  # (alive as long as data)
        self._prepared: dict[str, _Framework] = {}
        # slot checks by _slot_key: frameworks of a library repeat their slots (a case number's
        # pattern), and a checker compiles its pattern twice (once to validate it, once as a set)
        self._checkers: dict[tuple, SlotChecker] = {}
        # the handoff of each policy escalation, by (its id, the names known): every framework that
        # inherits one renders the same text
        self._handoffs: dict[tuple[int, frozenset[str]], TextRenderer] = {}
        self._models: dict[str, Framework] = {}
        # what the frameworks that apply a policy entry share: its GuardHit, and its condition's code
        # when that needs nothing of one framework's own (see ConditionCompiler.compile_shared); by id
        # of the entry and of the condition (alive as long as data)
        self._guard_hits: dict[int, GuardHit] = {}
        self._shared_codes: dict[int, tuple[dict, Code]] = {}
        self._lock = threading.RLock()
        self._sources: list[str] = []  # the generated code so far, for whoever debugs it

    # --- preparing ----------------------------------------------------------------------------------

    @property
    def _frameworks(self) -> _Frameworks:
        """The frameworks by intent, prepared on first access: a view made on each use (one kept
        here would make a cycle, and a library in a cycle outlives its last user, bundle and all,
        until a full garbage collection walks it)."""
        return _Frameworks(self)

    @cached_property
    def _program(self) -> _Program:
        """What the frameworks share, made on the first draft of any (a race waits on the lock). A
        signal is compiled with the first framework that uses it (see _compile_signals)."""
        with self._lock:
            if "_program" in self.__dict__:  # pragma: no cover - another thread prepared it meanwhile
                return self.__dict__["_program"]
            return _Program(ConditionCompiler(self._data["signals"], self._fields, scorers=self._data.get("scorers", ())),
                            Texts(), Texts(NOT_GIVEN))

    def _compile_signals(self, program: _Program, names: Iterable[str] = ()) -> None:
        """Compile the signals named so far (by frameworks being prepared) and `names`, as one group
        of the signals' code and RE2 filters. Call under the lock."""
        try:
            source = program.compiler.compile_pending(names)
        except RecursionError:
            raise BundleError("the bundle's conditions are nested too deeply to prepare") from None
        if source:
            self._sources.append(source)

    def _prepare_intent(self, intent: str) -> _Framework:
        raw = self._raw.get(intent) if intent.__class__ is str else None
        if raw is None:
            raise KeyError(intent)
        program = self._program
        with self._lock:
            fw = self._prepared.get(intent)
            if fw is None:
                try:
                    fw = self._prepared[intent] = self._prepare(raw, program)
                except RecursionError:
                    raise BundleError("the bundle's conditions are nested too deeply to prepare") from None
                except KeyError as e:  # not a missing intent (the caller's KeyError means that): a bug or a gap
                    raise BundleError(f"`{intent}` could not be prepared: {e!r} is missing") from None
            return fw

    def prepare(self) -> "Library":
        """Prepare every framework now, and compile every pattern and test: what drafting would
        otherwise do the first time it needs each. Raises BundleError. Returns the library."""
        program = self._program
        with self._lock:  # every signal in one group (one scan per field), before any framework
            self._compile_signals(program, (s["name"] for s in self._data["signals"]))
        for intent in self._raw:
            fw = self._frameworks[intent]
            for lazy in fw.lazies:
                lazy.build()
        for lazy in program.compiler.lazies:
            lazy.build()
        return self

    def _release(self, intent: str) -> None:
        """Forget intent's prepared framework; the next draft prepares it again. For a caller that
        drafts each framework's examples once, one framework after the other (conformance.json), so
        that a large library's prepared frameworks are not all kept until the end."""
        with self._lock:
            fw = self._prepared.pop(intent, None)
            if fw is not None:  # its code, which refers to the namespace that holds it (a cycle)
                fw.evaluate.__globals__.clear()
            tracer, model = self.__dict__.get("_tracer"), self._models.get(intent)
            if tracer is not None and model is not None:  # and the trace's plans of its own conditions
                tracer.forget(model)

    def _close(self) -> None:
        """Let go of everything prepared: for a caller that made the library for itself and is done
        with it (conformance.json). The generated code and the trace's plans refer to what holds
        them; let go as they are, they would wait, with the signals' tests, for a full garbage
        collection. The library must not be used after."""
        with self._lock:
            for intent in list(self._prepared):
                self._release(intent)
            tracer, program = self.__dict__.pop("_tracer", None), self.__dict__.pop("_program", None)
            if tracer is not None:
                tracer.close()
            if program is not None:
                program.compiler.close()

    def _entries(self, fw: dict[str, Any], plural: str) -> list[dict[str, Any]]:
        """fw's guards or escalations, with the policy entries it refers to or inherits."""
        items = fw.get(plural, ())
        if fw.get("inherit", True):
            items = [*items, *(f"{p}.{n}" for p, n in inherit(self._policy_rule[plural], fw, items))]
        out = []
        for item in items:
            if isinstance(item, str):
                found = self._policy_items.get((plural, item))
                if found is None:
                    raise BundleError(f"`{fw['intent']}`: `{item}` is not an entry of a policy in the bundle")
                item = found
            out.append(item)
        return out

    def _prepare(self, fw: dict[str, Any], program: _Program) -> _Framework:
        """fw's evaluate function, renderers and slot checks."""
        intent = fw["intent"]
        slots = fw.get("slots", ())
        bad = reserved_names([s["name"] for s in slots])
        if bad:
            raise BundleError(f"`{intent}`: names starting with `tactful_` are reserved: {', '.join(bad)}")
        known = frozenset(self._fields) | {s["name"] for s in slots}
        compiler = ConditionCompiler((), self._fields, program=program.compiler, prefix="g")
        compiler.namespace["_EscalationHit"] = EscalationHit
        codes = []
        body = ["guards = ()"]
        policy, shared, made = self._policy_entries, self._shared_codes, []
        for g in self._entries(fw, "guards"):
            if id(g) in policy:  # a policy's: its hit and (most often) its code are the library's
                hit = self._guard_hits.get(id(g))
                if hit is None:
                    hit = self._guard_hits[id(g)] = GuardHit(entry_name(g), g["reason"])
                code = compiler.compile_shared(g["when"], f"`{intent}` guard `{hit.name}`", shared, made)
            else:
                hit = GuardHit(entry_name(g), g["reason"])
                code = compiler.compile(g["when"], f"`{intent}` guard `{hit.name}`")
            codes.append(code)
            body += [f"if {code.expr}:", f"    guards += ({compiler.constant(hit)},)"]
        body.append("escalations = ()")
        for e in self._entries(fw, "escalations"):
            name, team = entry_name(e), e["team"]
            where = f"`{intent}` escalation `{name}`"
            code = (compiler.compile_shared(e["when"], where, shared, made) if id(e) in policy
                    else compiler.compile(e["when"], where))
            codes.append(code)
            if e.get("handoff") is not None:
                handoff = compiler.constant(self._handoff(e, known, program, f"`{intent}` escalation `{name}` handoff").render)
                hit = f"_EscalationHit({name!r}, {team!r}, {handoff}(variables))"
            else:
                hit = compiler.constant(EscalationHit(name, team, None))
            body += [f"if {code.expr}:", f"    escalations += ({hit},)"]
        body.append("visibility = values.get('visibility')")
        replies = []
        for i, (r, rid) in enumerate(zip(fw["replies"], reply_ids(fw["replies"]))):
            if "id" not in r:
                r = {**r, "id": rid}
            visibility = reply_visibility(r)
            if r.get("when") is not None:
                code = compiler.compile(r["when"], f"`{intent}` reply `{r['id']}`")
                codes.append(code)
                test = f"visibility == {visibility!r} and {code.expr}"
            else:
                test = f"visibility == {visibility!r}"
            body += [f"if {test}:", f"    return guards, escalations, {i}"]
            replies.append(_Reply(
                ReplyChoice(r["id"], visibility, condition_source(r) if r.get("when") is not None else None),
                ReplyRenderer(program.texts, intent, r["id"], _moves(r[visibility]), self._data["phrases"], known),
            ))
        body.append("return guards, escalations, -1")
        try:
            checkers = {s["name"]: self._checker(s) for s in slots}
        except Exception as e:  # noqa: BLE001 - re2 raises its own error type
            raise BundleError(f"`{intent}`: a slot pattern is not valid RE2: {e}") from None
        source = function_source("_framework", "values, variables", codes, body, memo=True)
        self._compile_signals(program)
        namespace = compiler.run(source)
        shared.update((id(cond), (cond, code)) for cond, code in made)
        self._sources.append(f"# {intent}\n{source}")
        return _Framework(
            library=self,
            intent=intent,
            serves=tuple(framework_serves(fw)),
            slot_names=tuple(s["name"] for s in slots),
            required=tuple(s["name"] for s in slots if s.get("required")),
            checkers=checkers,
            slot_plan=tuple((s["name"], checkers[s["name"]], checkers[s["name"]].fits, s["name"] in self._fields)
                            for s in slots),
            evaluate=namespace["_framework"],
            replies=tuple(replies),
            tags=tuple(fw.get("tags", ())),
            owner=fw.get("owner"),
            lazies=tuple(compiler.lazies),
        )

    def _handoff(self, e: dict[str, Any], known: frozenset[str], program: _Program, where: str) -> TextRenderer:
        """The renderer of an escalation's handoff; a policy's escalation's is made once for each set
        of names known (the frameworks that inherit it mostly have the same). Under the lock."""
        if id(e) not in self._policy_entries:  # a framework's own
            return TextRenderer(program.note_texts, stored_text(e["handoff"]), known, where)
        key = (id(e), known)
        found = self._handoffs.get(key)
        if found is None:
            found = self._handoffs[key] = TextRenderer(program.note_texts, stored_text(e["handoff"]), known, where)
        return found

    def _checker(self, slot: dict[str, Any]) -> SlotChecker:
        """The check of a stored slot, made once per distinct slot (see _checkers). Under the lock."""
        key = _slot_key(slot)
        checker = self._checkers.get(key)
        if checker is None:
            checker = self._checkers[key] = SlotChecker(_slot(slot))
        return checker

    # --- the models, for tools ------------------------------------------------------------------------

    @cached_property
    def bundle(self) -> "Bundle":
        """The whole bundle as models (built on first use: drafting does not need it)."""
        if self._model is not None:
            return self._model
        return _models(self._data)

    @cached_property
    def _tracer(self):
        from tactful.runtime.trace import Tracer

        return Tracer(self.bundle, self._program.compiler.text_set)

    # --- queries ----------------------------------------------------------------------------------

    @property
    def intents(self) -> list[str]:
        return list(self._raw)

    def framework(self, intent: str) -> "Framework":
        """The framework for intent, as in the bundle (a model). Raises UnknownIntent."""
        model = self._models.get(intent)
        if model is None:
            raw = self._raw.get(intent)
            if raw is None:
                raise UnknownIntent(intent, self._raw)
            if self._model is not None:  # every framework of the model indexed at once (not a scan per intent)
                self._models.update((f.intent, f) for f in self._model.frameworks)
                model = self._models[intent]
            else:
                from tactful.runtime.bundle import Framework

                model = Framework.model_validate(self._reader.framework(raw))
            self._models[intent] = model
        return model

    @property
    def _source(self) -> str:
        """The code generated so far (the signals', then each prepared framework's)."""
        return "\n".join(self._sources)

    @cached_property
    def _reader(self) -> Reader:
        return Reader(self._data)

    # --- drafting ---------------------------------------------------------------------------------

    def _context(self, context: Mapping[str, Any], *, for_draft: bool = True) -> tuple[dict[str, Any], str]:
        values = dict(self._field_defaults)
        seed = ""
        unknown: list[str] = []
        problems: list[Problem] = []
        kinds = self._kinds
        for key, value in context.items():
            kind = kinds.get(key)
            if value.__class__ is str and value.isascii():  # the common cases, at once
                if kind == "text":
                    values[key] = value
                    continue
                if kind is None and key == "seed":
                    seed = value
                    continue
                if kind == "channel" and value in self._channels:
                    values[key] = value
                    continue
            if kind is None:
                if key == "seed":
                    if not isinstance(value, (str, int)) or isinstance(value, bool):
                        problems.append(Problem(("context", "seed"), "context field `seed` must be text"))
                    elif isinstance(value, str) and not _is_text(value):
                        problems.append(Problem(("context", "seed"), f"context field `seed` {_NOT_TEXT}"))
                    else:
                        seed = value if value.__class__ is str else str(value)
                elif key in _features.FEATURES:
                    problems.append(Problem(("context", key), f"`{key}` is computed from the message; do not pass it"))
                else:
                    unknown.append(key)
                continue
            if value is None:
                continue
            if isinstance(value, str) and not _is_text(value):
                problems.append(Problem(("context", key), f"context field `{key}` {_NOT_TEXT}"))
                continue
            if isinstance(value, float) and not math.isfinite(value):
                problems.append(Problem(("context", key), f"context field `{key}` must be a finite number, not {value!r}"))
                continue
            if kind == "text":
                if not isinstance(value, str):
                    problems.append(Problem(("context", key), f"context field `{key}` must be text, not {value!r}"))
                    continue
            elif kind == "number":
                if not _is_number(value):
                    problems.append(Problem(("context", key), f"context field `{key}` must be a number, not {value!r}"))
                    continue
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
            elif kind == "bool":
                if not isinstance(value, bool):
                    problems.append(Problem(("context", key), f"context field `{key}` must be true or false, not {value!r}"))
                    continue
            elif not isinstance(value, str):
                problems.append(Problem(("context", key), f"context field `{key}` must be text, not {value!r}"))
                continue
            elif kind == "channel" and value not in self._channels:
                problems.append(Problem(
                    ("context", key),
                    f"`{value}` is not a channel (channels: {', '.join(self._channels)})",
                ))
                continue
            elif kind == "visibility" and value not in ("public", "private"):
                problems.append(Problem(("context", key), f"context field `{key}` must be public or private, not {value!r}"))
                continue
            elif kind == "enum" and value not in self._fields[key].get("values", ()):
                problems.append(Problem(
                    ("context", key), f"context field `{key}` must be one of {', '.join(self._fields[key].get('values', ()))}, not {value!r}"
                ))
                continue
            values[key] = value
        if unknown:
            _check_shapes("", None, context)  # a key that is not text is not an unknown field
            raise UnknownContextFields(unknown, [*self._fields, "seed"])
        if for_draft:
            if "message" in self._fields and values.get("message") is None:
                problems.append(Problem(("context", "message"), "context field `message` is required"))
            channel = values.get("channel")
            visibility = values.get("visibility")
            if channel is None and visibility is None and "channel" not in context and "visibility" not in context:
                problems.append(Problem(("context", "channel"), "context needs a `channel` (or at least a `visibility`)"))
            elif channel is not None and channel in self._channels:
                allowed = self._channels[channel]
                if visibility is None:
                    values["visibility"] = allowed[0] if allowed else None
                elif visibility not in allowed:
                    problems.append(Problem(
                        ("context", "visibility"),
                        f"channel `{channel}` has no {visibility} conversations (it has {', '.join(allowed)})",
                    ))
        if problems:
            raise InvalidContext(problems)
        return values, seed

    def _variables(self, fw: _Framework, values: dict[str, Any], slots: Mapping[str, Any]) -> dict[str, Any]:
        variables = dict(values)
        if not fw.checkers.keys() >= slots.keys():
            _check_shapes("", slots, None)  # a key that is not text is not an unknown slot
            unknown = [name for name in slots if name not in fw.checkers]
            raise UnknownSlots(fw.intent, unknown, fw.slot_names)
        invalid: list[Problem] = []
        not_text: set[str] = set()
        get = slots.get
        for name, checker, fits, shared in fw.slot_plan:
            value = get(name)
            if value is None:
                if shared:
                    value = _text_or_none(values.get(name))
            elif not isinstance(value, str):
                invalid.append(Problem(("slots", name), f"slot `{name}` must be text, not {value!r}"))
                not_text.add(name)
                continue
            elif not (value.isascii() or _is_text(value)):
                invalid.append(Problem(("slots", name), f"slot `{name}` {_NOT_TEXT}"))
                continue
            elif not value or value.isspace():  # an empty or blank value counts as absent
                value = _text_or_none(values.get(name)) if shared else None
            if value is not None and fits is not None and not fits(value):
                why = checker.problem(value)
                if why is not None:
                    invalid.append(Problem(("slots", name), why))
            variables[name] = value
        if None in map(variables.get, fw.required):
            missing = [name for name in fw.required if variables.get(name) is None and name not in not_text]
            if missing:
                raise MissingSlots(fw.intent, missing)
        if invalid:
            raise InvalidSlots(invalid)
        return variables

    def draft(
        self, intent: str, slots: Mapping[str, Any] | None = None, context: Mapping[str, Any] | None = None,
        *, trace: bool | str = False,
    ) -> Draft:
        """The draft reply for one message. Raises a DraftError subclass for a bad request.

        With trace=True the draft's `trace` says why (tactful.runtime.trace): every guard, escalation
        and reply condition, whether it held and what it read. It costs a second reading of the
        framework's conditions, so it is off by default. With trace="compact" it is the same trace in
        the compact form of conformance.json (a trace.CompactTrace: its `data` and the message's
        `features`), read directly and first: the draft then takes each signal's result from the
        trace instead of evaluating it again."""
        if intent.__class__ is not str or not (slots is None or slots.__class__ is dict) or not (
                context is None or context.__class__ is dict):
            _check_shapes(intent, slots, context)  # the rare caller that passes something else
        fw = self._prepared.get(intent)
        if fw is None:
            fw = self._frameworks.get(intent)
            if fw is None:
                raise UnknownIntent(intent, self._raw)
        values, seed = self._context(context or {})
        variables = self._variables(fw, values, slots or {})
        if trace == "compact":  # read first: the draft then reads each signal's result from it
            compact = self._tracer.compact(fw.model, values)
            memo = self._program.compiler.signal_memo(compact.data["signals"])
        else:
            memo = {}
        guards, escalations, index = fw.evaluate(values, variables, memo)
        if index < 0:
            raise NoReply(intent, str(values.get("visibility")), fw.serves)
        reply = fw.replies[index]
        renderer = reply.renderer
        if None in map(variables.get, renderer.needs):  # a value the reply prints is absent
            self._check_needs(fw, reply, variables)
        texts = renderer.render(variables, seed)
        out = Draft.of_moves(
            intent, self.revision, reply.choice, renderer.kinds, texts, guards, escalations, fw.tags, fw.owner
        )
        if trace:
            out.trace = compact if trace == "compact" else self._tracer.framework(fw.model, values, index)
        return out

    def verdict(self, intent: str, slots: Mapping[str, Any] | None = None, context: Mapping[str, Any] | None = None) -> Verdict:
        """What draft() decides (reply, guards, escalations) without rendering the reply's text; it
        refuses exactly the requests draft() refuses. For replaying many messages."""
        fw = self._prepared.get(intent) or self._frameworks.get(intent)
        if fw is None:
            raise UnknownIntent(intent, self._raw)
        values, _ = self._context(context or {})
        variables = self._variables(fw, values, slots or {})
        guards, escalations, index = fw.evaluate(values, variables, {})
        if index < 0:
            raise NoReply(intent, str(values.get("visibility")), fw.serves)
        reply = fw.replies[index]
        if None in map(variables.get, reply.renderer.needs):
            self._check_needs(fw, reply, variables)
        return Verdict(reply.choice, guards, escalations)

    @staticmethod
    def _check_needs(fw: _Framework, reply: _Reply, variables: dict[str, Any]) -> None:
        missing = [n for n in reply.renderer.needs_slots if variables.get(n) is None]
        if missing:
            raise MissingSlots(fw.intent, missing, reply.choice.id)
        fields = [n for n in reply.renderer.needs_fields if variables.get(n) is None]
        if fields:
            raise InvalidContext([
                Problem(("context", n), f"the `{reply.choice.id}` reply of `{fw.intent}` needs context field `{n}`")
                for n in fields
            ])

    def why(self, intent: str, context: Mapping[str, Any], *, guard: str | None = None, team: str | None = None) -> list[str]:
        """For people: why the framework's guard `guard` (or its escalations to `team`) held or not for
        a context, one line per node of each condition, as `tactful draft --explain` shows it (the
        trace: tactful.runtime.trace). Raises a DraftError for a bad intent or context, like draft()."""
        from tactful.runtime.features import compute
        from tactful.runtime.trace import condition_lines

        fw = self.framework(intent)
        values, _ = self._context(context)
        message = values.get("message")
        features = compute(message if isinstance(message, str) else "")
        items = [("guard", g.name, g.when, g.condition_source) for g in fw.guards if guard is not None and g.name == guard]
        items += [(f"escalation to `{e.team}`", e.name, e.when, e.condition_source) for e in fw.escalations
                  if team is not None and e.team == team]
        lines: list[str] = []
        for kind, name, when, source in items:
            node = self._tracer.condition(when, values, features)
            label = f"guard `{name}`" if kind == "guard" else f"{kind} (`{name}`)"
            lines.append(f"{label} {'held' if node['held'] else 'did not hold'}: when {source}")
            lines.extend("  " + line for line in condition_lines(node))
        return lines

    # --- verifying a final text ---------------------------------------------------------------------

    @cached_property
    def _verifier(self):
        """What verify() needs, prepared on the first call (a race only prepares it twice)."""
        from tactful.runtime.verify import Verifier

        return Verifier(self)

    def verify(self, intent: str, text: str, slots: Mapping[str, Any] | None = None,
               context: Mapping[str, Any] | None = None, *, policy=None):
        """Check the final text of a reply (edited or rephrased) against intent's framework: a
        Verification with a verdict (ok, warn, block) and findings. See tactful.runtime.verify.
        Raises a DraftError for a bad request, as draft() does."""
        from tactful.runtime.verify import verify

        return verify(self, intent, text, slots, context, policy=policy)

    def signal_holds(self, name: str, context: Mapping[str, Any]) -> bool:
        """Whether the signal holds for a context (a bare {"message": …} is enough). Raises KeyError."""
        program = self._program
        with self._lock:
            if name in program.compiler._signals:
                self._compile_signals(program, (name,))
            holds = program.compiler.signal_function(name)
        values, _ = self._context(context, for_draft=False)
        return holds(values, {})
