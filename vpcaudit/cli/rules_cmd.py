"""`vpcaudit rules list | show ID | docs`: what the installed rules check, and why.

The same docstring text feeds ``rules show``, the reports and ``docs/rules.md``; ``rules docs``
regenerates that file (a test fails when it is stale).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Annotated

import typer
from tabulate import tabulate

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail, say
from vpcaudit.cli.help import GroupedCommand, examples
from vpcaudit.errors import VpcauditError

rules_app = typer.Typer(
    name="rules",
    help="List the installed rules, explain one, or regenerate the rule documentation.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(rules_app)

RulesDirOpt = Annotated[list[Path] | None, typer.Option(
    "--rules-dir", metavar="DIR", help="Also load rules from the *.py files of this folder.", show_default=False)]


def _registry(rules_dir: list[Path] | None) -> api.Registry:
    try:
        return api.rules(rules_dir or ())
    except VpcauditError as exc:
        fail(exc)


def _row(rule: api.Rule, pack: str) -> dict[str, object]:
    return {"id": rule.id, "severity": rule.severity.value, "name": rule.name,
            "needs": [p.value for p in rule.needs], "pack": pack, "summary": rule.summary,
            "controls": [c.requirement for c in rule.controls]}


@rules_app.command("list", cls=GroupedCommand, epilog=examples(
    ("vpcaudit rules list", "Every installed rule: id, severity, name and the snapshot parts it needs."),
    ("vpcaudit rules list --format json | jq -r '.[] | select(.severity == \"high\") | .id'",
     "Machine-readable, e.g. to build a --select list."),
    ("vpcaudit rules list --rules-dir ./our-rules", "Include a local pack of rule files."),
))
def list_rules(
    format: Annotated[str, typer.Option("--format", "-f", metavar="FMT", help="table or json.")] = "table",
    rules_dir: RulesDirOpt = None,
) -> None:
    """List the installed rules (built-in pack, third-party packs, --rules-dir)."""
    registry = _registry(rules_dir)
    rows = [_row(r, registry.pack_of(r.id)) for r in registry.rules]
    if format == "json":
        typer.echo(json.dumps(rows, indent=1, allow_nan=False))
    elif format == "table":
        typer.echo(tabulate([(r["id"], r["severity"], r["name"], ", ".join(r["needs"]))  # type: ignore[arg-type]
                             for r in rows], headers=("id", "severity", "name", "needs")))
    else:
        fail(f"--format: unknown format {format!r} (choose table or json)")


@rules_app.command("show", cls=GroupedCommand, epilog=examples(
    ("vpcaudit rules show GWE001", "Why a missing gateway-endpoint route matters, how to fix it, references."),
))
def show_rule(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule id such as SG001.")],
    rules_dir: RulesDirOpt = None,
) -> None:
    """Explain one rule: what it checks, why it matters, how to fix it, references, needs, seeds."""
    registry = _registry(rules_dir)
    rule = registry.get(rule_id)
    if rule is None:
        fail(f"unknown rule id {rule_id!r} (see `vpcaudit rules list`)")
    lines = [f"{rule.id} {rule.name}  [{rule.severity.value}]  (pack {registry.pack_of(rule.id)})", "",
             *(textwrap.fill(par, 92) for par in rule.description.split("\n\n")), "",
             "Why it matters:", _indent(rule.why), "",
             "How to fix:", _indent(rule.fix), ""]
    if rule.controls:
        lines += ["Controls:", *[f"  - {api.control_label(c)}" for c in rule.controls]]
        if rule.controls_note:
            lines += ["", textwrap.indent(textwrap.fill(rule.controls_note, 90), "  ")]
        lines.append("")
    lines += ["References:", *[f"  - {ref}" for ref in rule.references], "",
              f"Needs: {', '.join(p.value for p in rule.needs) or 'nothing'}"]
    if rule.seeds:
        lines.append(f"Seeds: {', '.join(rule.seeds)}")
    for line in "\n".join(lines).splitlines():  # a third-party pack's text is not trusted with the terminal
        say(line, err=False)


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in (text or "(missing)").splitlines())


@rules_app.command("docs", cls=GroupedCommand, epilog=examples(
    ("vpcaudit rules docs -o docs/rules.md", "Regenerate the committed rule documentation after changing a rule."),
    ("vpcaudit rules docs --pack acme", "Document an installed third-party pack."),
))
def rules_docs(
    output: Annotated[str, typer.Option("--output", "-o", metavar="PATH",
                                        help="File to write ('-' = stdout).")] = api.STDOUT,
    pack: Annotated[str, typer.Option("--pack", metavar="NAME", help="Document this pack only.")] = api.BUILTIN_PACK,
) -> None:
    """Generate the Markdown rule documentation from the rules' own docstrings."""
    try:
        text = api.rules_markdown(pack)
        printed, written = api.write_text(text, output)
    except VpcauditError as exc:
        fail(exc)
    for chunk in printed:
        typer.echo(chunk, nl=False)
    for path in written:
        say(f"wrote {path}")
