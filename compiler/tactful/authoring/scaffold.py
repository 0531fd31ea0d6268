"""`tactful new INTENT`: a new framework file from a template, and its intent in the taxonomy.

The template is a framework that passes `tactful check --strict` as written (every reply has an
example, every text says what to write instead of itself), so a content designer starts from a
clean file and replaces its words. tactful.toml is edited with tomlkit, which keeps its comments,
layout and order: the intent goes in after the last intent of its family (or at the end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["INTENT", "NewFramework", "ScaffoldError", "new_framework", "template"]

INTENT = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")

_TEMPLATE = '''# {intent}: one line on what the customer wants.

use stdlib.signals
use stdlib.phrases

framework {intent} "{title}"
  owner {owner}
  tags {family}
  about """
    What the customer is going through, and what a good reply does first. Replace this text, the
    replies and the examples with the framework's own.
    """

  slot case_reference private
    pattern /[A-Z]{{3}}-[0-9]{{4,}}/
    example "CAS-20931"
    about "The case number, once there is one."

  reply private when repeat_contact
    acknowledge pick accountability
    next "Say what you are doing about it yourself now, and when they will hear from you, so they need not write again."

  reply private
    acknowledge pick validation
    restate "So we're looking at the right thing: say the customer's problem back in one accurate sentence."
    next "Say what happens next[ for case {{case_reference}}], who does it and by when."

  reply public
    acknowledge "Name what the customer raised, in plain words and without private details."
    next "Invite them to a private message, and say why that helps them."

  example "a private message"
    message "Write a typical message from a customer here."
    channel email
    slots case_reference "CAS-20931"
    expect reply private
    expect send

  example "a third contact"
    message "Write a message from a customer who has asked about this before."
    channel email
    context contact_count 3
    expect reply private when repeat_contact

  example "a public post"
    message "Write a typical public post here."
    channel x
    expect reply public
    expect send
'''


class ScaffoldError(Exception):
    """The framework cannot be created (bad intent id, file exists, unreadable tactful.toml)."""


@dataclass
class NewFramework:
    path: Path  # the file written
    taxonomy: str  # "added", "already listed" or "no taxonomy"


def template(intent: str, owner: str = "support") -> str:
    family, name = intent.rsplit(".", 1)
    title = name.replace("_", " ").capitalize()
    return _TEMPLATE.format(intent=intent, title=title, owner=owner, family=family.split(".")[0])


def new_framework(root: Path, intent: str, *, owner: str = "support", folder: str = "frameworks") -> NewFramework:
    """Write folder/<family>/<name>.tact under root and list the intent in root's tactful.toml."""
    if not INTENT.fullmatch(intent):
        raise ScaffoldError(f"`{intent}` is not an intent id: write family.name in lower case, such as billing.price_increase")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", owner):
        raise ScaffoldError(f"`{owner}` is not a team name")
    path = root / folder / Path(*intent.split(".")).with_suffix(".tact")
    if path.exists():
        raise ScaffoldError(f"{path} already exists")
    taxonomy = _add_to_taxonomy(root / "tactful.toml", intent)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(template(intent, owner))
    return NewFramework(path, taxonomy)


def _add_to_taxonomy(file: Path, intent: str) -> str:
    if not file.is_file():
        return "no taxonomy"
    import tomlkit

    try:
        text = file.read_text(encoding="utf-8")
        doc = tomlkit.parse(text)
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as e:
        raise ScaffoldError(f"could not read {file.name}: {e}") from e
    taxonomy = doc.get("taxonomy")
    intents = taxonomy.get("intents") if taxonomy is not None else None
    if intents is None:
        return "no taxonomy"
    if intent in intents:
        return "already listed"
    family = intent.rsplit(".", 1)[0] + "."
    at = max((i + 1 for i, x in enumerate(intents) if str(x).startswith(family)), default=len(intents))
    intents.insert(at, intent)
    with open(file, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(tomlkit.dumps(doc))
    return "added"
