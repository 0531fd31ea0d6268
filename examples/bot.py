"""A bot's side of Tactful: load a compiled bundle once, then draft a reply per incoming message.

    tactful build frameworks/ --out out/
    python examples/bot.py out/bundle.json

Only the runtime is imported (pydantic, jinja2, re2): no compiler, no command line.
"""

from __future__ import annotations

import sys

from tactful.runtime import MissingSlots, load_library


def main(bundle_path: str) -> int:
    library = load_library(bundle_path)
    incoming = [
        ("billing.duplicate_charge", {"case_reference": "BIL-20931", "amount": "$49.00"},
         {"message": "I was charged twice for the same order.", "channel": "email", "seed": "conv-1"}),
        ("service.outage", {"next_update_time": "15:00 UTC"},
         {"message": "THE APP IS DOWN AGAIN AND I HAVE A DEADLINE", "channel": "x", "visibility": "public",
          "seed": "conv-2"}),
        ("billing.duplicate_charge", {},
         {"message": "Charged twice?", "channel": "chat", "seed": "conv-3"}),
    ]
    for intent, slots, context in incoming:
        try:
            draft = library.draft(intent, slots, context)
        except MissingSlots as e:  # the bot asks the agent (or the customer) for what is missing
            print(f"[{intent}] cannot draft yet: {e}\n")
            continue
        status = "send as written" if draft.send_as_written else "HOLD: " + "; ".join(g.reason for g in draft.guards)
        print(f"[{intent}] {status}")
        for esc in draft.escalations:
            print(f"  escalate to {esc.team}: {esc.handoff.splitlines()[0] if esc.handoff else ''}")
        print(f"  {draft.text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "out/bundle.json"))
