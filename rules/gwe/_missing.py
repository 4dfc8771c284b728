"""GWE002 / GWE003: a VPC whose private subnets pay per GB to reach S3 or DynamoDB has no
gateway endpoint for it. One implementation, so the two rules never disagree on what counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import evidence_dict
from vpcaudit.network.dns import vpcs_served_through_zones
from vpcaudit.rules._fixes import create_gateway_endpoint
from vpcaudit.rules._shared_vpc import not_judged_here, owned_elsewhere
from vpcaudit.rules._sorted import vpcs_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import Finding, ResourceRef
    from vpcaudit.network.view import Egress, NetworkView
    from vpcaudit.snapshot import resources as r

# Egress classes whose traffic is charged per GB on the way to a public AWS service endpoint.
PAID_EGRESS = frozenset({"nat", "tgw", "cloudwan"})
# Egress classes read NAT gateways (private vs public) and firewall endpoints; the idle default
# VPC exemption reads network interfaces.
NEEDS = (Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.NAT_GATEWAYS, Part.VPC_ENDPOINTS,
         Part.NETWORK_INTERFACES)


def missing_gateway_endpoint(ctx: RuleContext, key: str, label: str) -> Iterator[Finding]:
    """One finding per VPC with paid-egress private subnets and no live ``key`` gateway endpoint."""
    view = ctx.view
    for vpc in vpcs_by_id(view):
        if owned_elsewhere(ctx, vpc.owner_id):
            yield from not_judged_here(ctx, _ref(ctx, vpc), vpc.owner_id, "its gateway endpoints and route tables")
            continue
        if view.is_idle_default_vpc(vpc.vpc_id) or _endpoint_hub(view, vpc.vpc_id):
            continue
        if any(view.service(e).key == key and view.service(e).is_aws_service and not view.endpoint_ended(e)
               for e in view.endpoints_of(vpc.vpc_id, "Gateway")):
            continue
        paying = [(s, view.egress(s.subnet_id)) for s in view.private_source_subnets(vpc.vpc_id)
                  if view.egress(s.subnet_id).klass in PAID_EGRESS]
        if not paying:
            continue
        via = sorted({_via(e.klass, e.target_id, e.private_nat) for _, e in paying})
        targets = {e.target_id or "" for _, e in paying} | {e.private_nat for _, e in paying if e.private_nat}
        costs = []
        if any(t.startswith("nat-") for t in targets):
            costs.append(f"pays NAT gateway data processing ({ctx.cost.rate(ctx.cost.nat_gateway_gb)}/GB)")
        if {e.klass for _, e in paying} & {"tgw", "cloudwan"}:
            costs.append(f"pays transit data processing ({ctx.cost.rate(ctx.cost.tgw_gb)}/GB on a transit "
                         f"gateway; egress "
                         "is assumed to continue beyond the VPC, e.g. through a central NAT)")
        if any(t.startswith(("i-", "eni-")) for t in targets):
            costs.append("loads the NAT instance or appliance")
        firewalls = sorted({hop for _, e in paying for hop in _firewall_hops(view, e)})
        if firewalls:
            costs.append(f"passes firewall endpoint(s) {', '.join(firewalls)}, whose traffic processing is charged "
                         "per GB as well")
        subnets = ", ".join(f"{s.subnet_id} ({s.availability_zone_id})" for s, _ in paying)
        interface = [e.vpc_endpoint_id for e in view.endpoints_of(vpc.vpc_id, "Interface")
                     if view.service(e).key == key and view.service(e).is_aws_service and not view.endpoint_ended(e)]
        through_interface = (f"goes to interface endpoint {', '.join(interface)} "
                             f"({ctx.cost.rate(ctx.cost.interface_endpoint_gb_tier1)}/GB processed, see GWE004) "
                             f"or, where its "
                             "private DNS does not answer, " if interface else "")
        yield ctx.finding(
            _ref(ctx, vpc),
            f"VPC {vpc.vpc_id} has no {label} gateway endpoint, so {label} traffic from its private subnet(s) "
            f"{subnets} {through_interface}leaves through {', '.join(via)} and {' and '.join(costs)}. A gateway "
            "endpoint is free and must be created in this VPC itself: it cannot be reached through a transit "
            "gateway, peering or from on-premises.",
            evidence=evidence_dict(service=key, subnet_ids=[s.subnet_id for s, _ in paying],
                                   egress=[f"{s.subnet_id}→{e.klass}:{e.target_id}" for s, e in paying],
                                   interface_endpoint_ids=interface or None),
            fix=[s for s in (create_gateway_endpoint(view, vpc.vpc_id, key),) if s is not None])


def _ref(ctx: RuleContext, vpc: r.Vpc) -> ResourceRef:
    """The VPC as a finding's resource: built only for the VPCs with something to report, as its
    name is looked up among the tags."""
    return ctx.ref("vpc", vpc.vpc_id, vpc.vpc_id, ctx.view.name_of(vpc.tags))


def _endpoint_hub(view: NetworkView, vpc_id: str) -> bool:
    """A VPC without workloads whose interface endpoints answer other VPCs through private hosted
    zones (the centralized-endpoint pattern's hub): its subnets hold only the endpoints, which send
    nothing to S3 or DynamoDB, and its spokes, reaching it over a transit gateway or Cloud WAN,
    could not use a gateway endpoint here ("You can't extend a gateway endpoint out of the VPC in
    which it was created", PrivateLink guide): they pay, if anyone, in their own VPCs."""
    return not view.has_workloads(vpc_id) and any(vpcs_served_through_zones(view, e)
                                                  for e in view.endpoints_of(vpc_id, "Interface")
                                                  if not view.endpoint_ended(e))


def _firewall_hops(view: NetworkView, egress: Egress) -> tuple[str, ...]:
    """Firewall (Gateway Load Balancer) endpoints the traffic passes: before its egress target, or,
    for a NAT gateway, between the NAT gateway and the internet (a NAT subnet routed through a firewall)."""
    nat = view.nat_gateways.get(egress.target_id or "") if egress.klass == "nat" else None
    behind_nat = view.egress(nat.subnet_id).hops if nat is not None and nat.subnet_id else ()
    return (*egress.hops, *behind_nat)


def _via(klass: str, target: str | None, private_nat: str | None = None) -> str:
    """The egress target in words: NAT gateway nat-…, NAT instance i-…, transit gateway tgw-…,
    private NAT gateway nat-… then transit gateway tgw-…"""
    target = target or ""
    if klass == "nat":
        kind = ("NAT gateway" if target.startswith("nat-") else
                "NAT instance" if target.startswith("i-") else "network appliance")
        return f"{kind} {target}"
    first = f"private NAT gateway {private_nat} then " if private_nat else ""
    return f"{first}{'transit gateway' if klass == 'tgw' else 'Cloud WAN core network'} {target}"
