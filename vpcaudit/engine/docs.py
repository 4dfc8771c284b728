"""Generate the rule documentation (``docs/rules.md``) from the rules themselves.

The text users read in the repository, in ``vpcaudit rules show`` and in the reports is the
same docstring, so it cannot drift; ``tests/meta/test_docs_sync.py`` fails when the committed
file is older than the code (cfn-lint's generated rule list is the model).
"""

from __future__ import annotations

from collections.abc import Iterable

from vpcaudit.engine.controls import Control
from vpcaudit.engine.rule import Rule

REGENERATE = "vpcaudit rules docs -o docs/rules.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rule_markdown(rule: Rule) -> str:
    """One rule's section: heading, facts, summary, why, fix, references."""
    needs = ", ".join(f"`{p.value}`" for p in rule.needs) or "nothing"
    lines = [
        f"## {rule.id} {rule.name}",
        "",
        f"- **Default severity:** {rule.severity.value}",
        f"- **Needs:** {needs}",
    ]
    if rule.seeds:
        lines.append(f"- **Seeds:** {', '.join(rule.seeds)}")
    lines += ["", rule.description, "", "### Why it matters", "", rule.why or "_(missing)_", "",
              "### How to fix", "", rule.fix or "_(missing)_", ""]
    if rule.controls:
        lines += ["### Controls", "", *(f"- {control_label(c)}" for c in rule.controls), ""]
        if rule.controls_note:
            lines += [rule.controls_note, ""]
    lines += ["### References", ""]
    lines += [f"- <{ref}>" for ref in rule.references] or ["_(none)_"]
    return "\n".join(lines)


def control_label(control: Control) -> str:
    """``Security Hub EC2.6: VPC flow logging …`` / ``CIS AWS Foundations Benchmark v3.0.0 3.7: …``."""
    where = "Security Hub" if control.is_security_hub else control.standard
    return f"{where} {control.id}: {control.title}"


def rules_markdown(rules: Iterable[Rule], title: str = "vpcaudit rules") -> str:
    """The whole document: an index table, then one section per rule, sorted by id."""
    ordered = sorted(rules, key=lambda r: r.id)
    out = [
        f"# {title}",
        "",
        f"<!-- Generated from the rule docstrings; do not edit. Regenerate with: {REGENERATE} -->",
        "",
        f"{len(ordered)} rules. Severity is each rule's default; some rules report a lower or higher",
        "severity depending on context, as their section says.",
        "",
        "| ID | name | severity | controls | summary |",
        "|---|---|---|---|---|",
    ]
    out += [f"| [{r.id}](#{r.id.lower()}-{r.name}) | {r.name} | {r.severity.value} | "
            f"{', '.join(c.id for c in r.controls if c.is_security_hub)} | {_cell(r.summary)} |" for r in ordered]
    for rule in ordered:
        out += ["", rule_markdown(rule)]
    return "\n".join(out) + "\n"
