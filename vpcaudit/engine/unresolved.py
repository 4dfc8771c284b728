"""Judging a planned snapshot honestly: what depends on a value known only after apply is not evaluated.

A planned snapshot (``vpcaudit plan``) records, per Region, the resources with such values
(:class:`vpcaudit.snapshot.resources.Unresolved`): the part the value belongs to and the VPC it
sits in, or no VPC when the resource could not even be placed. A rule that reads that part
cannot tell what it would find there, and the rules read a VPC as a whole (a route table decides
its subnets' paths, a security group its endpoints' reachability), so:

* a failing finding of such a rule in that VPC (or anywhere in the Region, for an unplaced
  resource) becomes *not evaluated*, with the reason, keeping its fingerprint so the diff shows
  it as "could not be judged after" rather than as resolved;
* each unresolved resource gets a *not evaluated* finding of every such rule, so a rule that
  found nothing there does not pass silently;
* traffic paths of subnets in that VPC, when the part is a path input, become ``unknown``.

Collected snapshots carry no unresolved values, so none of this changes an ordinary audit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from vpcaudit.engine.rule import Finding, ResourceRef, Rule, Status
from vpcaudit.network.paths import PATH_PARTS, PathStep, TrafficPath
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, RegionSnapshot

DISCRIMINATOR = "unresolved"


def _parts(items: Iterable[r.Unresolved]) -> dict[r.Unresolved, Part | None]:
    return {u: next((p for p in Part if p.value == u.part), None) for u in items}


def _cause(unresolved: Sequence[r.Unresolved], vpc_id: str | None) -> r.Unresolved | None:
    """The unresolved value a finding or path in ``vpc_id`` depends on, if any."""
    return next((u for u in unresolved if u.vpc_id is None or vpc_id is None or u.vpc_id == vpc_id), None)


def describe(u: r.Unresolved) -> str:
    return f"{u.address}: {u.reason}"


def judge_findings(rule: Rule, account_id: str, region: RegionSnapshot, findings: list[Finding]) -> list[Finding]:
    """``findings`` of ``rule`` in this Region, with what depends on unresolved values not evaluated."""
    relevant = [u for u, part in _parts(region.unresolved).items() if part is not None and part in rule.needs]
    if not relevant:
        return findings
    out = []
    for finding in findings:
        cause = _cause(relevant, finding.resource.vpc_id)
        if cause is not None and finding.status is Status.FAIL:
            finding = replace(finding, status=Status.NOT_EVALUATED,
                              message=f"{finding.message} (not evaluated: {describe(cause)})")
        out.append(finding)
    judged = {f.resource.resource_id for f in out}
    for u in relevant:
        if u.resource_id in judged:
            continue
        judged.add(u.resource_id)
        out.append(Finding(rule.id, rule.name, rule.severity, Status.NOT_EVALUATED,
                           ResourceRef(account_id, region.region, u.vpc_id, u.resource_type, u.resource_id),
                           f"{rule.id} cannot judge {u.resource_id} before apply: {describe(u)}",
                           discriminator=DISCRIMINATOR))
    return out


def judge_paths(region: RegionSnapshot, paths: Iterable[TrafficPath]) -> list[TrafficPath]:
    """Paths of subnets whose VPC has an unresolved path input become ``unknown``."""
    relevant = [u for u, part in _parts(region.unresolved).items() if part in PATH_PARTS]
    out = []
    for path in paths:
        cause = _cause(relevant, path.vpc_id) if relevant else None
        if cause is not None:
            why = f"known only after apply: {describe(cause)}"
            path = replace(path, kind="unknown", target_id=None, cross_az=False, via_nat=False, detail=why,
                           steps=(*path.steps, PathStep(why)))
        out.append(path)
    return out
