"""Generate the rule documentation (``docs/rules.md``) from the rules themselves.

The text users read in the repository, in ``vpcaudit rules show`` and in the reports is the
same docstring, so it cannot drift; ``tests/meta/test_docs_sync.py`` fails when the committed
file is older than the code (cfn-lint's generated rule list is the model).
"""

from __future__ import annotations

from collections.abc import Iterable

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
              "### How to fix", "", rule.fix or "_(missing)_", "", "### References", ""]
    lines += [f"- <{ref}>" for ref in rule.references] or ["_(none)_"]
    return "\n".join(lines)


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
        "| ID | name | severity | summary |",
        "|---|---|---|---|",
    ]
    out += [f"| [{r.id}](#{r.id.lower()}-{r.name}) | {r.name} | {r.severity.value} | {_cell(r.summary)} |"
            for r in ordered]
    for rule in ordered:
        out += ["", rule_markdown(rule)]
    return "\n".join(out) + "\n"
