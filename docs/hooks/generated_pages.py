"""mkdocs hook: the project site's pages that are generated from the code, never written by hand.

- `reference/diagnostics.md` from the code registry (`tactful.codes.CODES`): one section per code,
  with what it means, an example and how to fix it; anchors are the codes (`#T1201`), so SARIF
  help links and `tactful explain` can point at them.
- `reference/stdlib.md` from `stdlib/`, through the bundle a library of no frameworks compiles to
  (`tactful.emit.docs.stdlib_page`, the same page the library site has), so it cannot go stale.
- `reference/bundle.schema.json` from the Bundle models, and the schema inlined into
  `reference/bundle.md` where that page says `<!-- tactful: bundle-schema -->`.

The functions are importable on their own so that tests can check the pages without mkdocs.
"""

from __future__ import annotations

import json

SCHEMA_MARK = "<!-- tactful: bundle-schema -->"


def bundle_schema_text() -> str:
    try:
        from tactful.emit.schema import bundle_schema_text as from_compiler
    except ImportError:  # the compiler's emitter is the source of truth once it exists
        from tactful.runtime.bundle import Bundle

        return json.dumps(Bundle.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return from_compiler()


def diagnostics_page() -> str:
    from tactful.codes import CODES

    lines = [
        "# Diagnostics reference",
        "",
        "Every diagnostic the compiler can report, generated from the code registry. Codes are",
        "stable: a code is never renumbered and a retired code is never reused, so CI settings,",
        "suppressions and SARIF baselines can name them. `tactful explain T1201` prints the same text",
        "in a terminal; `tactful explain --list` lists them all.",
        "",
        "A project can change a code's severity or turn it off in `tactful.toml`, and a line can",
        "silence one with a reason (see [Suppressions](language.md#suppressions-and-project-settings)).",
        "",
        "| code | slug | severity | what it means |",
        "|---|---|---|---|",
    ]
    for c in CODES.values():
        lines.append(f"| [{c.code}](#{c.code}) | `{c.slug}` | {c.severity.value} | {c.title} |")
    groups = {
        "T10": "Reading and parsing", "T11": "Names, modules and declarations", "T12": "Slots and texts",
        "T13": "Replies, moves and house style", "T14": "Conditions",
        "T15": "Guards, escalations, policy and examples", "T17": "Project settings and suppressions",
    }
    group = None
    for c in CODES.values():
        if c.code[:3] != group:
            group = c.code[:3]
            lines += ["", f"## {groups.get(group, group + 'xx')}"]
        lines += ["", f"### {c.code} {c.slug} {{#{c.code}}}", "", f"**{c.severity.value}** · {c.title}", "",
                  c.explanation, ""]
        if c.example:
            lines += ["For example:", "", "```tactful", c.example.rstrip("\n"), "```", ""]
        if c.fix:
            lines += [f"**How to fix it:** {c.fix}", ""]
        lines += [f"Silence it on one line with `# tactful: ignore[{c.code}] <reason>`."]
    lines += verify_section()
    return "\n".join(lines) + "\n"


def verify_section() -> list[str]:
    """The findings of `tactful verify` (V1xx), from the runtime's own table."""
    from tactful.runtime.verify import CODES as VERIFY_CODES

    lines = [
        "", "## Reply verification (V1xx) {#verify}", "",
        "`tactful verify`, `Library.verify` and `POST /v1/verify` check the final text of a reply against its",
        "framework (see [Review tools](../review.md)). Their findings have codes of their own. Each has a",
        "default level, `block` (do not send) or `warn` (look before sending); a project changes it, or turns",
        "a code off, in the `[verify]` table of `tactful.toml`, by code or slug:",
        "", "```toml", "[verify]", 'V140 = "block"            # house style blocks too', 'optional-fact-missing = "off"', "```", "",
        "| code | slug | default | what it means |", "|---|---|---|---|",
    ]
    lines += [f"| [{c.code}](#{c.code}) | `{c.slug}` | {c.level} | {c.title} |" for c in VERIFY_CODES.values()]
    for c in VERIFY_CODES.values():
        lines += ["", f"### {c.code} {c.slug} {{#{c.code}}}", "", f"**{c.level}** · {c.title}", "", c.explanation, ""]
        if c.example:
            lines += ["For example:", "", "```text", c.example, "```", ""]
        lines += [f"**How to fix it:** {c.fix}"]
    return lines


def stdlib_reference_page() -> str:
    from tactful.api import stdlib_bundle
    from tactful.emit.docs import stdlib_page

    return stdlib_page(stdlib_bundle(), title="Standard library reference") + "\n"


# --- mkdocs events ------------------------------------------------------------------------------


def on_files(files, config):
    from mkdocs.structure.files import File

    files.append(File.generated(config, "reference/diagnostics.md", content=diagnostics_page()))
    files.append(File.generated(config, "reference/stdlib.md", content=stdlib_reference_page()))
    files.append(File.generated(config, "reference/bundle.schema.json", content=bundle_schema_text()))
    return files


def on_page_markdown(markdown, page, config, files):
    if SCHEMA_MARK in markdown:
        block = "```json\n" + bundle_schema_text() + "```"
        markdown = markdown.replace(SCHEMA_MARK, block)
    return markdown
