"""How the shipped judgment scales with message length (`make bench`; skipped in `make test`).

The stdlib signals use `says` (an assertion check around each occurrence), proximity (word distances
between RE2 occurrences) and the `audience` and `mentioned_contacts` features. None of them may grow
faster than the message: a message ten times longer should cost about ten times as much, never a
hundred. A threat sits at the end of a long, ordinary complaint, where the issue says they hide.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tactful.api import compile_library

ROOT = Path(__file__).parent.parent.parent
FILLER = "I returned the coffee machine on the 2nd and the courier picked it up, but nobody replies. "
THREAT = "If he blocks my drive again he won't be walking back to his van."


@pytest.fixture(scope="module")
def library():
    result, lib = compile_library([ROOT / "frameworks"])
    assert lib is not None, [str(d) for d in result.diagnostics]
    return lib


@pytest.mark.parametrize("repeats", [10, 100, 1000])
def test_long_complaint_with_a_buried_threat(benchmark, library, repeats):
    message = FILLER * repeats + THREAT
    context = {"message": message, "channel": "email", "visibility": "private", "contact_count": 1}
    slots = {"case_reference": "BIL-20931", "amount": "$49.00"}
    draft = benchmark(library.draft, "billing.duplicate_charge", slots, context)
    assert "violence" in {g.name for g in draft.guards}
