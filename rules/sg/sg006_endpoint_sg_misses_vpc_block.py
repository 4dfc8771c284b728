"""SG006 endpoint-sg-misses-vpc-block."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_address
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.routing import Network, parse_network
from vpcaudit.network.secgroups import allows_tcp, endpoint_label, format_ports, ingress, rule_cidr
from vpcaudit.rules._fixes import authorize_clients
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r


@rule(id="SG006", name="endpoint-sg-misses-vpc-block", severity=Severity.MEDIUM,
      needs=(Part.VPCS, Part.SUBNETS, Part.VPC_ENDPOINTS, Part.SECURITY_GROUPS, Part.PREFIX_LISTS,
             Part.NETWORK_INTERFACES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
      ),
      seeds=("003",))
def endpoint_sg_misses_vpc_block(ctx: RuleContext) -> Iterator[Finding]:
    """An interface endpoint's security groups admit the service port from one of its VPC's IPv4
    CIDR blocks exactly — "the VPC CIDR" written as the primary block, as terraform-aws-vpc's
    `vpc_cidr_block` output is — while workload ENIs in the VPC's other blocks are admitted by no
    rule (by CIDR, prefix list or security group). One finding per endpoint, listing the blocks
    and ENIs left out. A rule naming subnets or a security group is a choice and is not
    second-guessed; an endpoint that admits no client at all is SG003's. PrivateLink services,
    whose port is unknown, are not judged.

    ## Why it matters
    Every route table has a local route for each of the VPC's IPv4 CIDR blocks, so workloads in a
    secondary block reach the endpoint's subnets — and time out on the endpoint's security group. With
    private DNS on, the service's default hostname resolves to the endpoint, so those workloads
    have no other way to the service: SDK calls hang, SSM agents go offline, image pulls fail,
    for the workloads in the new block only, which makes the cause hard to see.

    ## How to fix
    Allow the service port from the blocks left out (or from the client security groups):

    ```
    aws ec2 authorize-security-group-ingress --group-id <endpoint-sg-id> \\
        --protocol tcp --port 443 --cidr <secondary-vpc-cidr>
    ```
    """
    view = ctx.view
    for endpoint in sorted(view.endpoints.values(), key=lambda e: e.vpc_endpoint_id):
        if endpoint.endpoint_type != "Interface" or view.endpoint_ended(endpoint) or not endpoint.group_ids:
            continue
        ports = view.service(endpoint).ports
        groups = [view.security_groups.get(g) for g in endpoint.group_ids]
        if not ports or any(g is None for g in groups):
            continue  # the port or a group is unknown: SG003 says what can be said
        yield from _stranded(ctx, endpoint, [g for g in groups if g is not None], ports)


def _stranded(ctx: RuleContext, endpoint: r.VpcEndpoint, groups: list[r.SecurityGroup],
              ports: tuple[int, ...]) -> Iterator[Finding]:
    """Workloads in VPC CIDR blocks the groups leave out while admitting another block whole."""
    view = ctx.view
    blocks = _blocks(view, endpoint.vpc_id)
    if len(blocks) < 2:
        return
    cidrs: list[Network] = []
    sources: set[str] = set()
    for group in groups:
        for sg_rule in ingress(group):
            if not allows_tcp(sg_rule, ports):
                continue
            if sg_rule.referenced_group_id:
                sources.add(sg_rule.referenced_group_id)
            listed = ((rule_cidr(sg_rule),) if rule_cidr(sg_rule) else
                      view.prefix_list_cidrs(sg_rule.prefix_list_id) if sg_rule.prefix_list_id else ()) or ()
            cidrs += [n for n in (parse_network(c or "") for c in listed) if n is not None]
    named = [b for b in blocks if b in cidrs]
    if not named:
        return
    stranded: dict[str, list[r.NetworkInterface]] = {}
    for eni in view.workload_enis(endpoint.vpc_id):
        address = ip_address(eni.private_ip_addresses[0]) if eni.private_ip_addresses else None
        block = next((b for b in blocks if address is not None and address.version == b.version
                      and address in b), None)
        if block is None or block in named or set(eni.group_ids) & sources:
            continue
        if any(address in c for c in cidrs if c.version == address.version):  # type: ignore[union-attr]
            continue
        stranded.setdefault(str(block), []).append(eni)
    if not stranded:
        return
    enis = [e for block in stranded.values() for e in block]
    subnets = sorted({e.subnet_id or "" for e in enis})
    ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
    fix = authorize_clients(view, groups[0], ports)
    yield ctx.finding(
        ref,
        f"Interface endpoint {endpoint_label(view, endpoint)} admits {format_ports(ports)} from VPC CIDR block(s) "
        f"{', '.join(str(b) for b in named)} but not from the VPC's other block(s) {', '.join(stranded)}: "
        f"workload ENI(s) {', '.join(e.network_interface_id for e in enis)} in subnet(s) {', '.join(subnets)} "
        "cannot reach it.",
        evidence=evidence_dict(security_groups=endpoint.group_ids, admitted_blocks=[str(b) for b in named],
                               stranded_blocks=list(stranded), stranded_enis=[e.network_interface_id for e in enis]),
        fix=[fix] if fix is not None else [])


def _blocks(view: NetworkView, vpc_id: str) -> list[Network]:
    vpc = view.vpcs.get(vpc_id)
    return [n for n in (parse_network(c) for c in (vpc.cidr_blocks if vpc else ())) if n is not None]
