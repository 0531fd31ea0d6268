"""JSON text for large generated documents: one item per line, so that a diff shows which items changed.

`json.dumps(indent=2)` of a document with thousands of nested items is slow (indenting runs in
Python, not in the C encoder) and several times the size of the data; one line per item is neither,
and reads and diffs as well. The text is a function of the data alone: keys sorted, no floats that
JSON cannot hold (NaN, infinity raise ValueError), UTF-8 with characters as they are, `\\n` endings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")).encode


def compact(value: Any) -> str:
    """One value on one line: sorted keys, no spaces."""
    return _ENCODE(value)


def document(top: Mapping[str, Any]) -> str:
    """An object with one key per line (sorted); a list value has one item per line, each compact.

        {
          "about": "…",
          "drafts": [
            {"expected":{…},"id":"…"},
            {…}
          ]
        }
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
            lines.extend(f"    {_ENCODE(item)}{',' if i < last else ''}" for i, item in enumerate(value))
            lines.append("  ]" + comma)
        else:
            lines.append(head + _ENCODE(value) + comma)
    lines.append("}")
    return "\n".join(lines) + "\n"
