"""SG004 endpoint-sg-source-too-broad."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.secgroups import (
    allows_tcp,
    cidr_routing,
    configured_ports_note,
    describe_ports,
    endpoint_label,
    endpoints_by_group,
    ingress,
    is_world,
    rule_cidr,
    tcp_range,
)
from vpcaudit.rules._fixes import authorize_clients, revoke_ingress
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r


@rule(id="SG004", name="endpoint-sg-source-too-broad", severity=Severity.LOW,
      needs=(Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.PREFIX_LISTS, Part.VPC_ENDPOINTS,
             Part.SECURITY_GROUPS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html",
      ),
      seeds=())
def endpoint_sg_source_too_broad(ctx: RuleContext) -> Iterator[Finding]:
    """A security group attached to interface endpoints allows the service port from a CIDR that
    is neither the world (SG001's case) nor inside the VPC's CIDRs — e.g. `10.0.0.0/8` — and
    whose addresses outside the VPC are not all routed from the endpoint subnets to a transit
    gateway, peering connection, Cloud WAN or virtual private gateway. A CIDR fully routed to
    such remote networks is a centralized endpoint's intended clients and is not reported. One
    finding per security group, listing the CIDRs and where their unrouted parts go.

    ## Why it matters
    The group admits addresses that are not clients: the rule was written wider than the
    network it serves. Nothing can use that slack today, but any network later routed to the VPC
    (a new peering, a TGW attachment, an on-premises range) inherits access to the endpoint
    without anyone deciding so.

    ## How to fix
    Replace the broad CIDR with the VPC CIDR, the client subnets' CIDRs, the remote ranges that
    are actually routed here, or (best) the client security groups:

    ```
    aws ec2 authorize-security-group-ingress --group-id <endpoint-sg-id> \\
        --protocol tcp --port 443 --cidr <vpc-or-client-cidr>
    aws ec2 revoke-security-group-ingress --group-id <endpoint-sg-id> \\
        --security-group-rule-ids <broad-rule-id>
    ```
    """
    view = ctx.view
    for group_id, endpoints in endpoints_by_group(view).items():
        vpc_id = endpoints[0].vpc_id
        group = view.security_groups.get(group_id)
        if group is None:
            yield ctx.not_evaluated(ctx.ref("security-group", group_id, vpc_id),
                                    f"{group_id} is attached to {_labels(view, endpoints)} but was not collected")
            continue
        ports = frozenset(p for e in endpoints for p in view.service(e).ports)
        ports_known = all(view.service(e).ports for e in endpoints)
        candidates = [x for x in ingress(group) if _broad_cidr(view, x, vpc_id)
                      and (allows_tcp(x, ports) if ports else tcp_range(x) is not None)]
        if not candidates:
            continue  # most groups: nothing to say, so no resource or labels to write
        labels = _labels(view, endpoints)
        ref = ctx.ref("security-group", group_id, vpc_id, group.group_name or view.name_of(group.tags))
        if not ports_known:
            yield ctx.not_evaluated(ref, f"{group_id} allows {', '.join(_text(x) for x in candidates)}, but the port "
                                         f"of a PrivateLink service among {labels} is unknown")
            continue
        subnet_ids = sorted({s for e in endpoints for s in e.subnet_ids})
        too_broad: list[str] = []
        broad_rules: list[r.SecurityGroupRule] = []
        unknown: list[str] = []
        for sg_rule in candidates:
            verdict = _unrouted(view, subnet_ids, rule_cidr(sg_rule) or "")
            if verdict is None:
                unknown.append(_text(sg_rule))
            elif verdict:
                too_broad.append(f"{_text(sg_rule)} ({'; '.join(verdict)})")
                broad_rules.append(sg_rule)
        if too_broad:
            vpc_cidrs = ", ".join(view.vpc_cidrs(vpc_id))
            yield ctx.finding(
                ref,
                f"Security group {group_id}, attached to interface endpoint(s) {labels}, allows "
                f"{'; '.join(too_broad)}{configured_ports_note(view, endpoints)}: reaching beyond VPC {vpc_id} "
                f"({vpc_cidrs}) and not routed from the endpoint "
                "subnets to a transit gateway, peering, Cloud WAN or VGW. Narrow the source to the clients.",
                evidence=evidence_dict(endpoints=[e.vpc_endpoint_id for e in endpoints], broad_sources=too_broad,
                                       vpc_cidrs=view.vpc_cidrs(vpc_id)),
                fix=_fix(view, group, broad_rules, ports))
        elif unknown:
            yield ctx.not_evaluated(ref, f"{group_id} allows {', '.join(unknown)}; the routing of the endpoint "
                                         f"subnets ({', '.join(subnet_ids)}) could not be resolved")


def _labels(view: NetworkView, endpoints: tuple[r.VpcEndpoint, ...]) -> str:
    return ", ".join(endpoint_label(view, e) for e in endpoints)


def _fix(view: NetworkView, group: r.SecurityGroup, broad: list[r.SecurityGroupRule],
         ports: frozenset[int]) -> list[FixStep]:
    """Admit the VPC's clients on the service ports, then revoke the broad rules."""
    steps = [s for s in (authorize_clients(view, group, ports),) if s is not None]
    return [*steps, revoke_ingress(group.group_id, broad, "reaching beyond the VPC and its routed networks",
                                   decision="remote ranges that really are routed here and use the endpoints need "
                                            "their own rules first")]


def _text(sg_rule: r.SecurityGroupRule) -> str:
    return f"{describe_ports(sg_rule)} from {rule_cidr(sg_rule)}"


def _broad_cidr(view: NetworkView, sg_rule: r.SecurityGroupRule, vpc_id: str) -> bool:
    cidr = rule_cidr(sg_rule)
    return bool(cidr) and not is_world(cidr) and not view.cidr_inside_vpc(vpc_id, cidr or "")


def _unrouted(view: NetworkView, subnet_ids: list[str], cidr: str) -> list[str] | None:
    """Parts of ``cidr`` routed neither locally nor to a remote network, from any endpoint subnet.

    None when a subnet's routing cannot be resolved (no route table, RAM-shared from another
    account, or a prefix-list route whose CIDRs were not collected while parts stay unrouted).
    """
    parts: dict[str, None] = {}  # ordered set: subnets sharing a route table give the same parts
    for subnet_id in subnet_ids:
        subnet = view.subnets.get(subnet_id)
        if subnet is None or view.is_shared_from_other_account(subnet):
            return None
        routing = cidr_routing(view, subnet_id, cidr)
        if routing is None:
            return None
        if routing.elsewhere and routing.unresolved_prefix_lists:
            return None
        parts.update(dict.fromkeys(routing.elsewhere))
    return list(parts)
