"""JSON text for large generated documents: one item per line, so that a diff shows which items changed.

`json.dumps(indent=2)` of a document with thousands of nested items is slow (indenting runs in
Python, not in the C encoder) and several times the size of the data; one line per item is neither,
and reads and diffs as well. The text is a function of the data alone: keys sorted, no floats that
JSON cannot hold (NaN, infinity raise ValueError), UTF-8 with characters as they are, `\\n` endings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

# check_circular=False: the documents are trees this package builds (a trace shares subtrees, never a
# cycle), and keeping a set of the lists and objects open was a quarter of the encoding (a large library's
# conformance.json holds millions of small lists)
_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"),
                           check_circular=False).encode


def compact(value: Any) -> str:
    """One value on one line: sorted keys, no spaces."""
    return _ENCODE(value)


class Encoded(list):
    """The items of a list, each already encoded (compact): document() writes them as they are."""


def encoded(items: Iterable[Any]) -> Encoded:
    """Each item's compact text, encoded as it comes (an item's data can go as soon as it is encoded)."""
    return Encoded(map(_ENCODE, items))


def document(top: Mapping[str, Any]) -> str:
    """An object with one key per line (sorted); a list value has one item per line, each compact.

        {
          "about": "…",
          "drafts": [
            {"expected":{…},"id":"…"},
            {…}
          ]
        }

    A list value may be Encoded (encoded()): its items are written as given.
    """
    lines = ["{"]
    keys = sorted(top)
    for n, key in enumerate(keys):
        comma = "," if n < len(keys) - 1 else ""
        value = top[key]
        head = f"  {_ENCODE(key)}: "
        if isinstance(value, list) and value:
            lines.append(head + "[")
            last = len(value) - 1
            texts = value if isinstance(value, Encoded) else map(_ENCODE, value)
            lines.extend(f"    {text}{',' if i < last else ''}" for i, text in enumerate(texts))
            lines.append("  ]" + comma)
        else:
            lines.append(head + _ENCODE(value) + comma)
    lines.append("}")
    return "\n".join(lines) + "\n"
