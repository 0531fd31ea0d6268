"""Load a compiled bundle and turn messages into draft replies.

The runtime imports pydantic, jinja2 and re2 only: a bot that loads a bundle does not pay for the
compiler (no lark, no click). The public names are imported lazily, so that the compiler, which
imports `tactful.runtime.bundle`, does not load the rendering machinery it does not use.

    from tactful.runtime import load_library
    library = load_library("out/bundle.json")
    draft = library.draft("billing.duplicate_charge",
                          slots={"case_reference": "BIL-20931", "amount": "$49.00"},
                          context={"message": "You charged me twice!", "channel": "email",
                                   "seed": conversation_id})
    draft.send_as_written, draft.text, draft.to_dict()
    check = library.verify("billing.duplicate_charge", edited_text, slots=…, context=…)
    check.verdict, check.findings, check.to_dict()
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_EXPORTS = {
    "load_bundle": "tactful.runtime.library",
    "load_library": "tactful.runtime.library",
    "Library": "tactful.runtime.library",
    "Draft": "tactful.runtime.draft",
    "format_text": "tactful.runtime.draft",
    "Trace": "tactful.runtime.trace",
    "format_trace": "tactful.runtime.trace",
    "TactfulRuntimeError": "tactful.runtime.errors",
    "BundleError": "tactful.runtime.errors",
    "DraftError": "tactful.runtime.errors",
    "UnknownIntent": "tactful.runtime.errors",
    "MissingSlots": "tactful.runtime.errors",
    "UnknownSlots": "tactful.runtime.errors",
    "InvalidSlots": "tactful.runtime.errors",
    "UnknownContextFields": "tactful.runtime.errors",
    "InvalidContext": "tactful.runtime.errors",
    "InvalidRequest": "tactful.runtime.errors",
    "NoReply": "tactful.runtime.errors",
    "Verification": "tactful.runtime.verify",
    "VerifyPolicy": "tactful.runtime.verify",
    "format_verification": "tactful.runtime.verify",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from tactful.runtime.draft import Draft, format_text
    from tactful.runtime.errors import (
        BundleError,
        DraftError,
        InvalidContext,
        InvalidRequest,
        InvalidSlots,
        MissingSlots,
        NoReply,
        TactfulRuntimeError,
        UnknownContextFields,
        UnknownIntent,
        UnknownSlots,
    )
    from tactful.runtime.library import Library, load_bundle, load_library
    from tactful.runtime.verify import Verification, VerifyPolicy, format_verification
    from tactful.runtime.trace import Trace, format_trace


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tactful.runtime' has no attribute {name!r}")
    return getattr(import_module(module), name)
