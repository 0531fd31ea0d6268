"""Generates a large synthetic framework library (and an equivalent FTL file set) for benchmarks."""

from __future__ import annotations

from pathlib import Path

FRAMEWORK = '''use stdlib.signals
use stdlib.phrases

# Synthetic framework {i} for the benchmark.
framework family{f}.intent_{i} "Synthetic intent {i}"
  owner finance
  tags billing, synthetic
  about "Synthetic framework number {i}: a customer reports a problem with an order."
  slot case_reference required private
    pattern /[A-Z]{{3}}-[0-9]{{4,}}/
    example "BIL-{i:05d}"
    about "Case number from the billing system."
  slot customer_name
    example "Dana"
  slot amount money private
    example "$49.00"
  slot order_id
    example "A-{i}"
  escalate finance when message mentions "chargeback", "bank dispute", "refund now"
    handoff """
      Case {{case_reference}}: charge of {{amount or "an unknown amount"}} disputed by {{customer_name or "the customer"}}.
      Contacts so far: {{contact_count}}. In their words: {{message}}
      """
  escalate engineering when message matches /(?i)error [0-9]{{3}}/ as error_code
    handoff "Error code reported on case {{case_reference}}. In their words: {{message}}"
  guard caps_ratio > 0.8 and letter_count > 20 as heavy_caps "Mostly capitals: answer the frustration in your own words."
  reply private when repeat_contact
    acknowledge "This is not the first time you've had to raise this, and that's on us."
    next "I've escalated case {{case_reference}} as urgent; you'll hear from us today."
  reply public
    acknowledge pick validation
    restate "You were charged twice[ for order {{order_id}}], and you'd like the duplicate refunded."
    next "Send us a DM with your case reference and we'll pick it up straight away."
  reply private
    acknowledge pick validation
    restate "You were charged {{amount or 'twice'}}[ for order {{order_id}}], and you'd like the duplicate refunded."
    next "I've passed case {{case_reference}} to our finance team; you'll hear back within two business days."
  example "a calm private report {i}"
    message "I was charged twice for order {i}, can you help?"
    channel email
    slots case_reference "BIL-{i:05d}", amount "$49.00"
    expect reply private
'''

FTL = '''# Synthetic message group {i} for the benchmark.
intent-{i}-title = Synthetic intent {i}
intent-{i}-about =
    Synthetic framework number {i}. The customer reports a problem with an order
    and expects a clear, accountable answer with a next step.
intent-{i}-handoff =
    Case {{ $case_reference }}: charge of {{ $amount }} disputed by {{ $customer_name }}.
    Contacts so far: {{ $contact_count }}. In their words: {{ $message }}
intent-{i}-error = Error code reported on case {{ $case_reference }}. In their words: {{ $message }}
intent-{i}-guard-caps = Mostly capitals: answer the frustration in your own words.
intent-{i}-guard-contact = Fourth contact: a team lead should reply.
intent-{i}-repeat-ack = This is not the first time you've had to raise this, and that's on us.
intent-{i}-repeat-next = I've escalated case {{ $case_reference }} as urgent; you'll hear from us today.
intent-{i}-public-x-ack = I can see you've been charged twice for the same order.
intent-{i}-public-x-next = Please send us your case reference by DM so we can look at it without restarting the process.
intent-{i}-public-restate = You were charged twice{{ $order_id ->
        [none] {{""}}
       *[other] {{" "}}for order {{ $order_id }}
    }}, and you'd like the duplicate refunded.
intent-{i}-public-next = Send us a DM with your case reference and we'll pick it up straight away.
intent-{i}-private-restate = You were charged {{ $amount }}{{ $order_id ->
        [none] {{""}}
       *[other] {{" "}}for order {{ $order_id }}
    }}, and you'd like the duplicate refunded.
intent-{i}-private-next = I've passed case {{ $case_reference }} to our finance team; you'll hear back within two business days.
intent-{i}-example = I was charged twice for order {i}, can you help?
    .channel = email
    .case = BIL-{i:05d}
    .amount = $49.00
'''


def write_library(folder: Path, count: int = 1000, per_family: int = 50) -> int:
    """Writes count frameworks, one file each; returns the number of lines written."""
    lines = 0
    for i in range(count):
        f = i // per_family
        path = folder / f"family{f}" / f"intent_{i}.tact"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = FRAMEWORK.format(i=i, f=f)
        lines += text.count("\n")
        path.write_text(text, encoding="utf-8")
    return lines


def write_ftl(folder: Path, count: int = 1000) -> int:
    lines = 0
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        text = FTL.format(i=i)
        lines += text.count("\n")
        (folder / f"intent_{i}.ftl").write_text(text, encoding="utf-8")
    return lines


if __name__ == "__main__":  # pragma: no cover - a manual tool
    import sys

    print(write_library(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000))
