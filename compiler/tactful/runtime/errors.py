"""Every error the runtime raises, as typed exceptions with plain-words messages.

Two families: `BundleError` (the bundle cannot be loaded: corrupt, incompatible, inconsistent) and
`DraftError` (this request cannot be drafted: unknown intent, missing or invalid slots, a bad
context). A DraftError lists *every* problem of its kind at once, each with a location (`loc`, as in
FastAPI's validation errors: `("slots", "amount")`) so that the HTTP service can report them in the
same shape as its own request validation, with the same messages as the library.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from tactful.runtime.types import close_matches


class TactfulRuntimeError(Exception):
    """Base class of everything tactful.runtime raises on purpose."""


class BundleError(TactfulRuntimeError):
    """The bundle cannot be loaded: unreadable, not JSON, wrong schema version, or inconsistent.

    Its message quotes the bundle, which may hold text no stream can write (a lone surrogate,
    spelled `\\ud800` in JSON): such characters are shown escaped, so the message always prints."""

    def __init__(self, message: str):
        super().__init__(message.encode("utf-8", "backslashreplace").decode("utf-8"))


class Problem(NamedTuple):
    loc: tuple[str, ...]  # ("slots", "amount"), ("context", "channel"), ("intent",)
    message: str


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = close_matches(name, candidates)
    return f"; did you mean `{close[0]}`?" if close else ""


def _names(names: Sequence[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


class DraftError(TactfulRuntimeError):
    """A request that cannot be drafted. `kind` is a stable slug; `problems` lists every instance."""

    kind = "draft_error"
    status = 422  # the HTTP status the service answers with

    def __init__(self, message: str, problems: Sequence[Problem]):
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)

    def to_dict(self) -> dict:
        """The JSON form (used by the HTTP service and conformance.json)."""
        return {
            "type": self.kind,
            "message": self.message,
            "problems": [{"loc": list(p.loc), "msg": p.message} for p in self.problems],
        }


class InvalidRequest(DraftError):
    """The request itself has the wrong shape: an intent that is not text, slots or a context that is
    not a mapping, names that are not text. The HTTP service answers its own request-validation
    errors (a body that is not JSON, a missing `intent`) with this kind too."""

    kind = "invalid_request"

    def __init__(self, problems: Sequence[Problem], message: str | None = None):
        super().__init__(message or "; ".join(p.message for p in problems), problems)


class UnknownIntent(DraftError):
    kind = "unknown_intent"
    status = 404

    def __init__(self, intent: str, known: Iterable[str]):
        self.intent = intent
        self.suggestions = close_matches(intent, known)
        hint = f"; did you mean `{self.suggestions[0]}`?" if self.suggestions else ""
        message = f"there is no framework for intent `{intent}`{hint}"
        super().__init__(message, [Problem(("intent",), message)])


class MissingSlots(DraftError):
    kind = "missing_slots"

    def __init__(self, intent: str, names: Sequence[str], reply: str | None = None):
        self.names = tuple(names)
        noun = "slot" if len(names) == 1 else "slots"
        if reply is None:
            message = f"`{intent}` needs the required {noun} {_names(names)}"
            problems = [Problem(("slots", n), f"required slot `{n}` of `{intent}` is missing") for n in names]
        else:
            message = f"the `{reply}` reply of `{intent}` needs the {noun} {_names(names)} (used there without a fallback)"
            problems = [Problem(("slots", n), f"the `{reply}` reply of `{intent}` needs slot `{n}`") for n in names]
        super().__init__(message, problems)


class UnknownSlots(DraftError):
    kind = "unknown_slots"

    def __init__(self, intent: str, names: Sequence[str], declared: Sequence[str]):
        self.names = tuple(names)
        problems = [
            Problem(("slots", n), f"`{intent}` has no slot `{n}`{_suggest(n, declared)}") for n in names
        ]
        message = "; ".join(p.message for p in problems) if len(problems) == 1 else (
            f"`{intent}` has no slots {_names(names)} (it has {_names(declared) or 'none'})"
        )
        super().__init__(message, problems)


class InvalidSlots(DraftError):
    """Slot values that fail their type or pattern; `problems` says why for each."""

    kind = "invalid_slots"

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(p.message for p in problems), problems)


class UnknownContextFields(DraftError):
    kind = "unknown_context_fields"

    def __init__(self, names: Sequence[str], declared: Sequence[str]):
        self.names = tuple(names)
        problems = [
            Problem(("context", n), f"`{n}` is not a context field{_suggest(n, declared)}") for n in names
        ]
        super().__init__("; ".join(p.message for p in problems), problems)


class InvalidContext(DraftError):
    """Context values of the wrong type, missing required fields, a visibility the channel lacks."""

    kind = "invalid_context"

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(p.message for p in problems), problems)


class NoReply(DraftError):
    """The framework has no reply for this visibility (or none whose condition holds)."""

    kind = "no_reply"

    def __init__(self, intent: str, visibility: str, serves: Sequence[str]):
        message = (
            f"`{intent}` has no {visibility} reply that applies here "
            f"(it serves {' and '.join(serves) or 'no'} conversations)"
        )
        super().__init__(message, [Problem(("context", "visibility"), message)])
