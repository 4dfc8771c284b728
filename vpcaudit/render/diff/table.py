"""The terminal view of a diff: a headline, the counts, then only what a reviewer must read.

New, resolved and changed findings and the *worse* traffic paths get tabulate tables; better or
merely changed paths, coverage and cost get one line each (the Markdown and JSON outputs list
everything). Every value goes through ``terminal_safe``: tags and names are the audited
account's text and must not drive the reviewer's terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tabulate import tabulate

from vpcaudit.engine.diff import AuditDiff
from vpcaudit.engine.rule import Finding
from vpcaudit.render.base import Formatter
from vpcaudit.render.diff import labels as label
from vpcaudit.render.text import terminal_safe, truncate

MESSAGE_WIDTH = 80
RESOURCE_WIDTH = 40
LISTED = 8  # items named in one-line summaries before "…"


def diff_table(d: AuditDiff) -> str:
    if d.plan is None:
        title = f"vpcaudit diff: {d.before.snapshot_taken_at} → {d.after.snapshot_taken_at}"
    else:
        title = f"vpcaudit plan: {d.plan.source} on the snapshot of {d.before.snapshot_taken_at}"
    parts = [
        terminal_safe(f"{title}, {len(d.compared)} region(s) compared: {label.headline(d)}"),
        _counts(d),
    ]
    parts += _planned(d)
    parts += [f"Warning: {terminal_safe(line)}" for line in d.warnings]
    parts += [f"Not compared: {terminal_safe(line)}" for line in label.not_compared(d)]
    parts.append(_section("New findings", d.new, _findings(d.new)))
    if d.resolved:
        parts.append(_section("Resolved findings", d.resolved, _findings(d.resolved)))
    if d.changed:
        rows = [[label.severity_change(c), label.status_change(c), c.after.rule_id,
                 _cell(label.resource_label(c.after), RESOURCE_WIDTH), _cell(c.after.message, MESSAGE_WIDTH)]
                for c in d.changed]
        parts.append(_section("Changed findings", d.changed, tabulate(
            rows, headers=["severity", "status", "rule", "resource", "message"], tablefmt="simple",
            disable_numparse=True)))
    parts.append(_paths(d))
    parts += _coverage(d)
    fixed, data = label.cost_change(d.cost_before, d.cost_after)
    parts.append(f"Monthly cost of the compared regions: fixed {fixed}; data {data}")
    return "\n\n".join(p for p in parts if p) + "\n"


def _planned(d: AuditDiff) -> list[str]:
    """What the plan held: applied, and every change that was not (each named)."""
    plan = d.plan
    if plan is None:
        return []
    lines = [f"Planned change: {label.applied_summary(plan)}."]
    for outcome, text in label.OUTCOME_LABELS.items():
        items = plan.with_outcome(outcome)
        if items:
            lines.append(f"{text[0].upper()}{text[1:]}: {_listed(label.planned(p) for p in items)}")
    if plan.unresolved:
        lines.append(f"Known only after apply ({len(plan.unresolved)}; the rules reading them are not evaluated "
                     "there): " + _listed(f"{u.address}: {u.reason}" for u in plan.unresolved))
    lines += [f"Note: {terminal_safe(n)}" for n in plan.notes]
    return ["\n".join(lines)]


def _counts(d: AuditDiff) -> str:
    c = d.counts()
    row = [c["new"], c["newly_failing"], c["resolved"], c["changed"], c["unchanged"], c["worse_paths"],
           c["lost_scopes"]]
    return tabulate([row], headers=["new", f"failing ≥ {d.fail_on.value}", "resolved", "changed", "unchanged",
                                    "worse paths", "scopes lost"], tablefmt="simple")


def _section(title: str, items: Sequence[object], body: str) -> str:
    return f"{title} ({len(items)})\n{body}" if items else f"{title}: none."


def _findings(findings: Iterable[Finding]) -> str:
    rows = [[f.severity.value, f.status.value, f.rule_id, _cell(label.resource_label(f), RESOURCE_WIDTH),
             _cell(f.message, MESSAGE_WIDTH)] for f in findings]
    return tabulate(rows, headers=["severity", "status", "rule", "resource", "message"], tablefmt="simple",
                    disable_numparse=True)


def _paths(d: AuditDiff) -> str:
    worse = d.worse_paths
    others = len(d.paths) - len(worse)
    tail = f"\n{others} other path change(s) (better or neutral): see -f md or -f json." if others else ""
    if not worse:
        return f"Worse traffic paths: none.{tail}"
    rows = [[c.after.vpc_id, _cell(label.subnet_label(c.after), RESOURCE_WIDTH), c.after.destination,
             _cell(label.path_end(c.before), 40), _cell(label.path_end(c.after), 40),
             _cell("; ".join(c.reasons), MESSAGE_WIDTH)] for c in worse]
    table = tabulate(rows, headers=["vpc", "subnet", "destination", "before", "after", "why worse"],
                     tablefmt="simple", disable_numparse=True)
    return f"Worse traffic paths ({len(worse)})\n{table}{tail}"


def _coverage(d: AuditDiff) -> list[str]:
    lines = []
    lost = d.lost_scopes
    if lost:
        lines.append(f"Coverage lost: {len(lost)} rule scope(s) evaluated before are not after: " + _listed(
            f"{c.rule_id} {c.account_id}/{c.region} ({c.detail})" for c in lost))
    regained = [c for c in d.coverage if not c.lost]
    if regained:
        lines.append(f"Coverage regained: {len(regained)} rule scope(s) evaluated after only: "
                     + _listed(f"{c.rule_id} {c.account_id}/{c.region}" for c in regained))
    if d.parts:
        lines.append("Parts collected on one side only: " + _listed(label.part_change(p) for p in d.parts))
    if d.newly_unevaluated:
        lines.append(f"{len(d.newly_unevaluated)} finding(s) could not be judged after: "
                     + _listed(f"{f.rule_id} {f.resource.resource_id}" for f in d.newly_unevaluated))
    if d.not_rechecked:
        lines.append(f"{len(d.not_rechecked)} before finding(s) not rechecked (their rule could not judge the "
                     "scope after, so they are not counted as resolved): "
                     + _listed(f"{f.rule_id} {f.resource.resource_id}" for f in d.not_rechecked))
    if d.no_baseline:
        lines.append(f"{len(d.no_baseline)} after finding(s) without a baseline (their rule could not judge the "
                     "scope before, so they are not counted as new): "
                     + _listed(f"{f.rule_id} {f.resource.resource_id}" for f in d.no_baseline))
    return lines


def _listed(items: Iterable[str]) -> str:
    names = list(items)
    text = ", ".join(names[:LISTED]) + (f" … ({len(names) - LISTED} more)" if len(names) > LISTED else "")
    return terminal_safe(text)


def _cell(text: str, width: int) -> str:
    return truncate(terminal_safe(text), width)


FORMATTER: Formatter[AuditDiff] = Formatter("table", "diff.txt", diff_table)
