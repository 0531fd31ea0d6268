"""Hand-built Results for the renderer tests: no parser involved, so these tests pin the
renderers alone and keep passing while the front end changes."""

from __future__ import annotations

import pytest

from tactful.codes import Code
from tactful.diagnostics import Diagnostic, Related, Severity
from tactful.source import SourceFile

from diagnostics_builders import make_result, span_of

BILLING = """\
framework billing.duplicate_charge "Duplicate charge"
  owner finance
  slot amount money
    example "$12.00"
  reply private
    acknowledge "Being charged twice is frustrating."
    restate "You were charged {ammount} twice."
    next "We have refunded the duplicate."
"""

SHIPPING = """\
framework shipping.late "Late parcel"
\treply public
\t  next "We're on it,   {customer_name}."
"""


@pytest.fixture
def billing() -> SourceFile:
    return SourceFile("frameworks/billing/duplicate_charge.tact", BILLING)


@pytest.fixture
def shipping() -> SourceFile:
    return SourceFile("frameworks/shipping/late.tact", SHIPPING)


@pytest.fixture
def sample(billing: SourceFile, shipping: SourceFile) -> Result:
    """An error with a hint and a related location, a tab-indented warning, a multi-line span and
    a note-level override: every part of every format has something to show."""
    return make_result(
        Diagnostic(Code.MOVES_OUT_OF_ORDER,
            "the moves of this reply are out of order",
            billing.span(billing.text.index("reply private"), billing.text.index("    restate")),
            label="in this reply",
        ),
        Diagnostic(Code.UNDECLARED_SLOT,
            "slot `ammount` is not declared",
            span_of(billing, "{ammount}"),
            label="not a slot of `billing.duplicate_charge`",
            hint="did you mean `amount`? (declared on line 3)",
            related=(Related(span_of(billing, "slot amount money"), "`amount` is declared here"),),
        ),
        Diagnostic(Code.UNUSED_SUPPRESSION,
            "this suppression silences nothing",
            span_of(shipping, "framework"),
            severity=Severity.NOTE,
        ),
        Diagnostic(Code.OPTIONAL_SLOT_WITHOUT_FALLBACK,
            "optional slot `customer_name` is used without a fallback",
            span_of(shipping, "{customer_name}"),
            label="may be absent",
            hint='write `{customer_name or "there"}`',
        ),
        sources=[billing, shipping, SourceFile("frameworks/shipping/clean.tact", "")],
        frameworks=3,
    )
