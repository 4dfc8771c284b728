"""SG005 client-egress-blocks-endpoint."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.secgroups import (
    LATTICE_PORTS,
    LATTICE_TYPES,
    Peer,
    describe_ports,
    egress,
    endpoint_label,
    endpoint_peer,
    format_ports,
    group_allows,
    peer_label,
)
from vpcaudit.rules._fixes import tcp_permission, unknown_port_permission
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r


@rule(id="SG005", name="client-egress-blocks-endpoint", severity=Severity.MEDIUM,
      needs=(Part.SUBNETS, Part.VPC_ENDPOINTS, Part.SECURITY_GROUPS, Part.NETWORK_INTERFACES, Part.NAT_GATEWAYS,
             Part.PREFIX_LISTS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
      ),
      seeds=("002",))
def client_egress_blocks_endpoint(ctx: RuleContext) -> Iterator[Finding]:
    """A likely client — a workload ENI in a VPC with AWS-service interface endpoints that may
    call the endpoint's service (a DB instance's network interface only for the services its
    engines call from the VPC, see the network model) — cannot send TCP on an endpoint's port
    (any TCP port for a VPC Lattice endpoint, below) to it: no egress rule of any of the ENI's
    security groups allows it to the endpoint's ENI addresses, its subnets' CIDRs, the VPC CIDR,
    `0.0.0.0/0`, a prefix list containing them, or a security group the endpoint carries. A
    group with no egress rules allows nothing. One finding per security group, listing the
    endpoints its members cannot reach and the ENIs concerned (an ENI's groups are unioned: a
    group is named only when none of the ENI's groups allows the traffic).

    VPC Lattice's Resource and ServiceNetwork endpoints are judged too: every workload ENI of
    their VPC may call them, and clients connect to the addresses of their network interfaces in
    the VPC's subnets, not to the `vpc-lattice` prefix list a service-network VPC association is
    reached through. Their port is the resource configuration's or the service network's
    services', which is not collected, so any TCP egress to the endpoint passes: the rule fires
    only when the ENI's groups let no TCP port at all out to it, and the fix leaves the port to
    be filled in.

    ## Why it matters
    Security groups also filter outbound traffic. Clients whose groups restrict egress (a
    common hardening step, or an egress rule list that predates the endpoints) cannot open
    connections to the endpoint: SDK calls time out, SSM agents never register. With private
    DNS on, the default hostname resolves to the endpoint, so there is no fallback.

    ## How to fix
    Allow the endpoint's port to the endpoint's security group (or its subnets / the VPC CIDR)
    in the client group's egress rules (for a VPC Lattice endpoint, the resource configuration's
    port or the services' listener ports):

    ```
    aws ec2 authorize-security-group-egress --group-id <client-sg-id> \\
        --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=<endpoint-sg-id>}]'
    ```
    """
    view = ctx.view
    blocked: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # group → endpoint → ENIs
    unknown: dict[str, set[str]] = defaultdict(set)  # group → endpoint labels it could not judge
    missing_groups: dict[str, set[str]] = defaultdict(set)  # group not collected → ENIs carrying it
    memo: dict[tuple[str, str], bool | None] = {}  # (group, endpoint) → verdict: ENIs share groups
    for vpc_id in sorted({e.vpc_id for e in view.endpoints.values()}):
        endpoints = [e for e in view.endpoints_of(vpc_id) if not view.endpoint_ended(e) and _judged(view, e)]
        if not endpoints:
            continue
        peers = {e.vpc_endpoint_id: endpoint_peer(view, e) for e in endpoints}
        services = {e.vpc_endpoint_id: view.called_service(e) for e in endpoints}
        for eni in view.workload_enis(vpc_id):
            known = [view.security_groups[g] for g in eni.group_ids if g in view.security_groups]
            absent = [g for g in eni.group_ids if g not in view.security_groups]
            for g in absent:
                missing_groups[g].add(eni.network_interface_id)
            for endpoint in endpoints:
                if not view.may_call(eni, services[endpoint.vpc_endpoint_id]):
                    continue
                verdicts = [_allows(view, g, endpoint, peers[endpoint.vpc_endpoint_id], memo) for g in known]
                if any(v is True for v in verdicts):
                    continue
                if absent or any(v is None for v in verdicts):
                    for g in known:
                        unknown[g.group_id].add(endpoint_label(view, endpoint))
                    continue
                for g in known:
                    blocked[g.group_id][endpoint.vpc_endpoint_id].add(eni.network_interface_id)
    for group_id in sorted(set(blocked) | set(unknown) | set(missing_groups)):
        group = view.security_groups.get(group_id)
        ref = ctx.ref("security-group", group_id, group.vpc_id if group else None,
                      (group.group_name or view.name_of(group.tags)) if group else None)
        if group is None:
            yield ctx.not_evaluated(ref, f"{group_id} is attached to workload ENIs "
                                         f"{', '.join(sorted(missing_groups[group_id]))} but was not collected")
        elif blocked.get(group_id):
            yield _finding(ctx, view, ref, group, blocked[group_id])
        else:
            yield ctx.not_evaluated(ref, f"{group_id}: outbound access to {', '.join(sorted(unknown[group_id]))} "
                                         "depends on a prefix list or security group that was not collected")


def _judged(view: NetworkView, endpoint: r.VpcEndpoint) -> bool:
    """An AWS-service interface endpoint whose port is known, or a VPC Lattice endpoint (judged
    on any TCP port). A PrivateLink service's port is unknown and its clients are not known."""
    if endpoint.endpoint_type in LATTICE_TYPES:
        return True
    return (endpoint.endpoint_type == "Interface" and view.is_aws_service_endpoint(endpoint)
            and bool(view.service(endpoint).ports))


def _ports(view: NetworkView, endpoint: r.VpcEndpoint) -> tuple[int, ...] | None:
    """The service ports a client must send on; None (any TCP port) for a VPC Lattice endpoint."""
    return None if endpoint.endpoint_type in LATTICE_TYPES else view.service(endpoint).ports


def _allows(view: NetworkView, group: r.SecurityGroup, endpoint: r.VpcEndpoint, peer: Peer,
            memo: dict[tuple[str, str], bool | None]) -> bool | None:
    key = (group.group_id, endpoint.vpc_endpoint_id)
    if key not in memo:
        memo[key] = group_allows(view, group, outbound=True, ports=_ports(view, endpoint), peer=peer)
    return memo[key]


def _finding(ctx: RuleContext, view: NetworkView, ref: ResourceRef, group: r.SecurityGroup,
             by_endpoint: dict[str, set[str]]) -> Finding:
    endpoints = [view.endpoints[e] for e in sorted(by_endpoint)]
    enis = sorted({i for ids in by_endpoint.values() for i in ids})
    subnets = sorted({view.interfaces[i].subnet_id for i in enis})
    rules = egress(group)
    why = ("the group has no egress rules" if not rules else
           "its egress rules allow only " + ", ".join(f"{describe_ports(x)} to {peer_label(x)}" for x in rules))
    multi = any(len(view.interfaces[i].group_ids) > 1 for i in enis)
    shown = ", ".join(enis[:5]) + (" …" if len(enis) > 5 else "")
    return ctx.finding(
        ref,
        f"Security group {group.group_id} ({group.group_name}) lets its workload ENIs ({shown} in "
        f"{', '.join(subnets)}) send {_what_is_not_sent(view, endpoints)}"
        f"{' (nor do their other groups)' if multi else ''}: {why}. Those clients cannot reach the endpoints.",
        evidence=evidence_dict(endpoints=sorted(by_endpoint), workload_enis=enis[:10], workload_eni_count=len(enis),
                               subnets=subnets, egress_rules=[f"{describe_ports(x)} to {peer_label(x)}"
                                                              for x in rules]),
        fix=_fix(view, group, endpoints))


def _what_is_not_sent(view: NetworkView, endpoints: list[r.VpcEndpoint]) -> str:
    """'no TCP 443 to interface endpoint(s) …', and 'no TCP on any port to endpoint(s) …' for VPC
    Lattice endpoints, whose port is not collected."""
    known = [e for e in endpoints if e.endpoint_type not in LATTICE_TYPES]
    lattice = [e for e in endpoints if e.endpoint_type in LATTICE_TYPES]
    parts = []
    if known:
        ports = {p for e in known for p in view.service(e).ports}
        parts.append(f"no {format_ports(ports)} to interface endpoint(s) "
                     f"{', '.join(endpoint_label(view, e) for e in known)}")
    if lattice:
        parts.append(f"no TCP on any port to endpoint(s) {', '.join(endpoint_label(view, e) for e in lattice)}")
    return " and ".join(parts)


def _fix(view: NetworkView, group: r.SecurityGroup, endpoints: list[r.VpcEndpoint]) -> list[FixStep]:
    """Egress on the service ports to each endpoint's security group (or its subnets without one);
    to a VPC Lattice endpoint on a port a person fills in, since the snapshot does not hold it."""
    ports_by_target: dict[str, set[int]] = defaultdict(set)
    unknown_ports_by_target: dict[str, set[str]] = defaultdict(set)  # target → whose port is wanted
    for endpoint in endpoints:
        target = endpoint.group_ids[0] if endpoint.group_ids else ",".join(view.endpoint_subnet_cidrs(endpoint))
        if endpoint.endpoint_type in LATTICE_TYPES:
            unknown_ports_by_target[target].add(LATTICE_PORTS[endpoint.endpoint_type])
        else:
            ports_by_target[target] |= set(view.service(endpoint).ports)
    steps = []
    for target, ports in sorted(ports_by_target.items()):
        steps.append(step("ec2:AuthorizeSecurityGroupEgress",
                          {"GroupId": group.group_id, "IpPermissions": tcp_permission(ports, **_destination(target))},
                          group.group_id, Phase.CREATE,
                          f"Allow {format_ports(ports)} out of {group.group_id} to {target.replace(',', ', ')}"))
    for target, wanted in sorted(unknown_ports_by_target.items()):
        for whose in sorted(wanted):
            permission = unknown_port_permission(whose, **_destination(target))
            steps.append(step("ec2:AuthorizeSecurityGroupEgress",
                              {"GroupId": group.group_id, "IpPermissions": [permission]}, group.group_id,
                              Phase.CREATE, f"Allow {whose} out of {group.group_id} to {target.replace(',', ', ')}",
                              decision=f"{whose} is not published to vpcaudit: ask its provider"))
    return steps


def _destination(target: str) -> dict[str, Any]:
    """A fix's destination: an endpoint's security group, or its subnets' CIDRs (comma-joined)."""
    return {"group_id": target} if target.startswith("sg-") else {"cidrs": target.split(",")}
