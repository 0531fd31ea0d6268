"""Every check, in one ordered tuple. A check is a small named function: Model in, diagnostics out.

Order matters only for readability of the output (diagnostics are sorted by position afterwards):
modules and names first, then declarations, frameworks, replies, examples and project-wide rules.
"""

from __future__ import annotations

from tactful.semantics.checks import conditions, declarations, examples, frameworks, modules, project, replies, style

CHECKS = (
    modules.empty_files,
    modules.unknown_modules,
    modules.import_cycles,
    modules.unused_imports,
    declarations.duplicate_declarations,
    declarations.field_types,
    declarations.signals,
    declarations.phrase_banks,
    declarations.scorers,
    declarations.style_rules,
    declarations.policies,
    conditions.all_conditions,
    conditions.condition_depth,
    frameworks.intents,
    frameworks.owners_and_tags,
    frameworks.slots,
    frameworks.guards_and_escalations,
    frameworks.opt_outs,
    replies.text_references,
    replies.reply_structure,
    style.house_style,
    examples.examples,
    project.taxonomy,
)
