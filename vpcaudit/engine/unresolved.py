"""Judging a planned snapshot honestly: what depends on a value known only after apply is not evaluated.

A planned snapshot (``vpcaudit plan``) records, per Region, the resources with such values
(:class:`vpcaudit.snapshot.resources.Unresolved`): the part the value belongs to and the VPC it
sits in, or no VPC when the resource could not even be placed. What depends on the resource is
worked out from the network model: a route table's subnets, a security group's endpoints and
interfaces, a subnet's endpoints and interfaces, a network ACL's subnets, the subnets routed
through a NAT gateway; the VPC itself (its findings judge all of it); the whole VPC when the VPC,
an interface endpoint or a prefix list is unresolved; the whole Region for an unplaced resource.
Then, for a rule that reads the unresolved part:

* a failing finding on something that depends on it becomes *not evaluated*, with the reason,
  keeping its fingerprint so the diff shows it as "could not be judged after", never resolved;
* the unresolved resource gets a *not evaluated* finding of the rule, so a rule that found
  nothing there does not pass silently;
* traffic paths of the dependent subnets, when the part is a path input, become ``unknown``.

Collected snapshots carry no unresolved values, so none of this changes an ordinary audit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from vpcaudit.engine.rule import Finding, ResourceRef, Rule, Status
from vpcaudit.network.paths import PATH_PARTS, PathStep, TrafficPath
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

DISCRIMINATOR = "unresolved"


@dataclass(frozen=True)
class Reach:
    """What one unresolved value can change: a set of resource ids in a VPC (None: all of the VPC),
    or the whole Region (``vpc_id`` None)."""

    unresolved: r.Unresolved
    part: Part | None
    vpc_id: str | None
    ids: frozenset[str] | None

    def covers(self, vpc_id: str | None, resource_id: str, resource_type: str) -> bool:
        if self.vpc_id is None or vpc_id is None:
            return True
        if vpc_id != self.vpc_id:
            return False
        return self.ids is None or resource_type == "vpc" or resource_id in self.ids


def reaches(view: NetworkView) -> list[Reach]:
    """The reach of every unresolved value of the view's Region."""
    out = []
    for u in view.region.unresolved:
        part = next((p for p in Part if p.value == u.part), None)
        out.append(Reach(u, part, u.vpc_id, None if u.vpc_id is None else _dependents(view, u)))
    return out


def _dependents(view: NetworkView, u: r.Unresolved) -> frozenset[str] | None:
    rid = u.resource_id
    if rid == u.vpc_id or rid in view.prefix_lists:
        return None
    endpoint = view.endpoints.get(rid)
    if endpoint is not None and endpoint.endpoint_type != "Gateway":
        return None  # its private DNS changes where every subnet's traffic to the service goes
    ids = {rid}
    tables = [view.route_tables[rid]] if rid in view.route_tables else []
    if endpoint is not None:
        tables += [view.route_tables[t] for t in endpoint.route_table_ids if t in view.route_tables]
    for table in tables:
        ids |= {table.route_table_id, *view.implicit_subnets(table)}
    if rid in view.subnets:
        ids |= {i.network_interface_id for i in view.interfaces.values() if i.subnet_id == rid}
        ids |= {e.vpc_endpoint_id for e in view.endpoints.values() if rid in e.subnet_ids}
    if rid in view.security_groups:
        ids |= {i.network_interface_id for i in view.interfaces.values() if rid in i.group_ids}
        ids |= {e.vpc_endpoint_id for e in view.endpoints.values() if rid in e.group_ids}
    acl = next((a for a in view.region.network_acls if a.network_acl_id == rid), None)
    if acl is not None:
        ids |= set(acl.subnet_ids)
    if rid in view.nat_gateways:
        ids |= {s.subnet_id for s in view.subnets_of(u.vpc_id or "") if view.egress(s.subnet_id).target_id == rid}
    return frozenset(ids)


def describe(u: r.Unresolved) -> str:
    return f"{u.address}: {u.reason}"


def judge_findings(rule: Rule, view: NetworkView, findings: list[Finding]) -> list[Finding]:
    """``findings`` of ``rule`` in the view's Region, with what depends on unresolved values not evaluated."""
    relevant = [x for x in reaches(view) if x.part is not None and x.part in rule.needs] if view.region.unresolved \
        else []
    if not relevant:
        return findings
    out = []
    for finding in findings:
        res = finding.resource
        cause = next((x for x in relevant if x.covers(res.vpc_id, res.resource_id, res.resource_type)), None)
        if cause is not None and finding.status is Status.FAIL:
            finding = replace(finding, status=Status.NOT_EVALUATED,
                              message=f"{finding.message} (not evaluated: {describe(cause.unresolved)})")
        out.append(finding)
    judged = {f.resource.resource_id for f in out}
    for reach in relevant:
        u = reach.unresolved
        if u.resource_id in judged:
            continue
        judged.add(u.resource_id)
        out.append(Finding(rule.id, rule.name, rule.severity, Status.NOT_EVALUATED,
                           ResourceRef(view.account_id, view.region_name, u.vpc_id, u.resource_type, u.resource_id),
                           f"{rule.id} cannot judge {u.resource_id} before apply: {describe(u)}",
                           discriminator=DISCRIMINATOR))
    return out


def judge_paths(view: NetworkView, paths: Iterable[TrafficPath]) -> list[TrafficPath]:
    """Paths of subnets that depend on an unresolved path input become ``unknown``."""
    relevant = [x for x in reaches(view) if x.part in PATH_PARTS] if view.region.unresolved else []
    out = []
    for path in paths:
        cause = next((x for x in relevant if x.covers(path.vpc_id, path.subnet_id, "subnet")), None)
        if cause is not None:
            why = f"known only after apply: {describe(cause.unresolved)}"
            path = replace(path, kind="unknown", target_id=None, cross_az=False, via_nat=False, detail=why,
                           steps=(*path.steps, PathStep(why)))
        out.append(path)
    return out
