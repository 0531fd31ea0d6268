"""Writes sample.jsonl beside this file: a small, made-up inbox export for `tactful replay`.

Deterministic (a fixed seed), so the file only changes when this script does:

    python examples/replay/generate.py            # 300 rows
    python examples/replay/generate.py 5000000 big.parquet   # a large Parquet archive for benchmarks

Two rows are bad on purpose (an intent no framework serves, a line that is not JSON), to show how
replay reports them.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

CHANNELS = {"x": ("public", "private"), "instagram": ("public", "private"), "tiktok": ("public", "private"),
            "facebook": ("public", "private"), "discord": ("public", "private"), "telegram": ("private", "public"),
            "whatsapp": ("private",), "forum": ("public", "private"), "email": ("private",), "chat": ("private",)}
TOPICS = {
    "billing.duplicate_charge": ["I was charged twice for the same order", "two identical payments on my card today",
                                 "the subscription came out twice this month"],
    "billing.charged_after_cancel": ["you charged me after I cancelled", "I cancelled last week and still got billed"],
    "billing.refund_delay": ["my refund still hasn't arrived", "you said 5 days for the refund, it's been three weeks"],
    "service.outage": ["the app is completely down", "nothing loads, is the site down?"],
    "service.degraded": ["everything is really slow today", "pages take a minute to load"],
    "product.feature_request": ["please add a dark mode", "would love bulk editing for tags"],
    "product.bug_report": ["the export button does nothing", "the app crashes when I open settings"],
    "trust_safety.scam_report": ["someone pretending to be you asked for my password", "got a text saying I won a prize from you"],
    "trust_safety.impersonation": ["there's a fake account using my photos", "this page is pretending to be your support team"],
    "trust_safety.safety_report": ["the charger overheated and smoked", "my kid got a rash from the toy"],
    "social.public_criticism": ["your customer service is the worst", "this update ruined the app"],
    "orders.late_delivery": ["my order is three days late", "parcel was due Tuesday and nothing yet"],
    "orders.damaged_item": ["the vase arrived smashed", "box was crushed and the screen is cracked"],
    "orders.status": ["where is my order?", "any update on my delivery?"],
    "account.locked_out": ["I can't log in, reset link expired", "locked out after too many tries"],
    "account.setup_help": ["how do I set up two-factor?", "can't find where to add my team"],
    "moderation.appeal": ["my post was removed for no reason", "why was my comment taken down?"],
    "privacy.data_request": ["please delete all my data", "I want a copy of the data you hold on me"],
}
TONES = ["", "", "", "", " Thanks!", " Can you help?", " THIS IS RIDICULOUS!!!", " Great job, charged again.",
         " Third time I'm asking.", " I will take this to my lawyer.", " I'm a journalist and I'm writing about this.",
         " honestly so stressed, rent is due", " pls fix"]


def rows(n: int, seed: int = 20261202):
    rng = random.Random(seed)
    intents = sorted(TOPICS)
    for i in range(1, n + 1):
        intent = rng.choice(intents)
        channel = rng.choice(sorted(CHANNELS))
        message = rng.choice(TOPICS[intent]) + rng.choice(TONES)
        if rng.random() < 0.08:
            message = message.upper()
        row = {"id": f"conv-{i:07d}", "intent": intent, "channel": channel,
               "contact_count": rng.choice((1, 1, 1, 1, 2, 3)),
               "context": {"visibility": rng.choice(CHANNELS[channel])}, "message": message}
        yield row


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).with_name("sample.jsonl")
    if out.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([("id", pa.string()), ("intent", pa.string()), ("channel", pa.string()),
                            ("contact_count", pa.int64()), ("context", pa.struct([("visibility", pa.string())])),
                            ("message", pa.string())])
        with pq.ParquetWriter(out, schema) as writer:
            batch: list[dict] = []
            for row in rows(n):
                batch.append(row)
                if len(batch) == 65536:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    batch = []
            if batch:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        return
    lines = [json.dumps(r, ensure_ascii=False) for r in rows(n)]
    if n >= 100:
        lines[41] = json.dumps({**json.loads(lines[41]), "intent": "billing.refnud_delay"})
        lines[97] = lines[97][: len(lines[97]) // 2]  # a line cut short
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
