"""NAT001 nat-gateway-not-in-public-subnet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, new_id, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.rules._fixes import new_nat_gateway, route_tables_to_nat_in_az
from vpcaudit.rules._shared_vpc import owned_elsewhere
from vpcaudit.rules._sorted import nat_gateways_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.network.view import NetworkView
    from vpcaudit.pricing import CostModel
    from vpcaudit.snapshot import resources as r

# NAT gateway states in which it carries no traffic and never will again.
_GONE = frozenset({"deleting", "deleted", "failed"})


@rule(id="NAT001", name="nat-gateway-not-in-public-subnet", severity=Severity.HIGH,
      # The subnet's egress class follows firewall endpoints and tells NAT gateways apart.
      needs=(Part.SUBNETS, Part.ROUTE_TABLES, Part.NAT_GATEWAYS, Part.VPC_ENDPOINTS, Part.INTERNET_GATEWAYS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-scenarios.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html",
      ),
      seeds=("001",))
def nat_gateway_not_in_public_subnet(ctx: RuleContext) -> Iterator[Finding]:
    """A public NAT gateway cannot reach the internet: a zonal one sits in a subnet whose IPv4
    egress class (following firewall endpoints) is not `igw`, or a regional one is in a VPC with
    no internet gateway attached. Private NAT gateways are out of scope.

    A zonal NAT gateway is not evaluated when its subnet was not collected or belongs to a VPC
    shared by another account (the route tables are the owner's). Deleted, deleting and failed
    NAT gateways are skipped.

    ## Why it matters
    A public NAT gateway forwards its clients' traffic to the internet through the internet
    gateway its own subnet routes to. Created in a private subnet (one whose default route goes
    to a NAT gateway — often itself — a transit gateway or nowhere), it accepts traffic, bills
    $0.045/hour and $0.045/GB, and silently drops everything: every private subnet routed to it
    has no internet egress. A regional NAT gateway needs no subnet but does need an internet
    gateway attached to its VPC. With VPC Block Public Access in bidirectional mode the subnet
    is not public either, unless it is excluded; nor can a regional NAT gateway reach the
    internet unless its VPC is (where only some of its subnets are, it is not evaluated).

    ## How to fix
    Give the NAT gateway's subnet its own route table with a default route to the internet
    gateway (do not add it to a table your private subnets share, or they become public):

    ```
    aws ec2 create-route-table --vpc-id <vpc-id>
    aws ec2 create-route --route-table-id <new-rtb-id> --destination-cidr-block 0.0.0.0/0 \\
        --gateway-id <igw-id>
    aws ec2 associate-route-table --route-table-id <new-rtb-id> --subnet-id <nat-subnet-id>
    ```

    Or create a NAT gateway in a public subnet, move the private routes to it, and delete the
    misplaced one:

    ```
    aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <eipalloc-id>
    aws ec2 replace-route --route-table-id <private-rtb-id> --destination-cidr-block 0.0.0.0/0 \\
        --nat-gateway-id <new-nat-id>
    aws ec2 delete-nat-gateway --nat-gateway-id <old-nat-id>
    ```

    For a regional NAT gateway, attach an internet gateway to the VPC, or exclude the VPC from
    Block Public Access for egress:

    ```
    aws ec2 create-internet-gateway
    aws ec2 attach-internet-gateway --internet-gateway-id <igw-id> --vpc-id <vpc-id>
    aws ec2 create-vpc-block-public-access-exclusion --vpc-id <vpc-id> \\
        --internet-gateway-exclusion-mode allow-egress
    ```
    """
    view = ctx.view
    for nat in nat_gateways_by_id(view):
        if nat.connectivity_type != "public" or nat.state.lower() in _GONE:
            continue
        if nat.availability_mode == "regional":
            if not view.internet_gateways_of(nat.vpc_id):
                clients = _clients(view, nat)
                yield ctx.finding(
                    _ref(ctx, nat),
                    f"Regional NAT gateway {nat.nat_gateway_id} is in VPC {nat.vpc_id}, which has no internet "
                    f"gateway attached: its traffic cannot leave the VPC, {_stranded(clients)}.",
                    evidence=evidence_dict(availability_mode="regional", vpc_id=nat.vpc_id, client_subnet_ids=clients),
                    fix=_attach_internet_gateway(nat.vpc_id))
                continue
            yield from _blocked_regional(ctx, view, nat)
            continue
        subnet = view.subnets.get(nat.subnet_id or "")
        if subnet is None:
            yield ctx.not_evaluated(_ref(ctx, nat), f"NAT gateway {nat.nat_gateway_id}: its subnet {nat.subnet_id} "
                                                    "was not collected, so its egress is unknown")
            continue
        if owned_elsewhere(ctx, subnet.owner_id):
            # The owner sees the route tables but not this account's NAT gateway: no scope can judge it.
            yield ctx.not_evaluated(_ref(ctx, nat), f"NAT gateway {nat.nat_gateway_id} is in subnet "
                                                    f"{subnet.subnet_id} of a VPC shared by account {subnet.owner_id}, "
                                                    "whose route tables are not visible here")
            continue
        egress = view.egress(subnet.subnet_id)
        if egress.klass == "igw":
            continue
        how = f"egress class {egress.klass}" + (f" via {egress.target_id}" if egress.target_id else "")
        if egress.detail:
            how += f": {egress.detail}"
        through = f" through {', '.join(egress.hops)}" if egress.hops else ""
        clients = _clients(view, nat)
        yield ctx.finding(
            _ref(ctx, nat),
            f"Public NAT gateway {nat.nat_gateway_id} is in subnet {subnet.subnet_id} "
            f"({subnet.availability_zone_id}), whose IPv4 default route{through} does not reach an internet gateway "
            f"({how}): the NAT gateway cannot reach the internet, {_stranded(clients)}.",
            evidence=evidence_dict(subnet_id=subnet.subnet_id, subnet_egress_class=egress.klass,
                                   egress_target=egress.target_id, route_table_id=egress.route_table_id,
                                   firewall_hops=egress.hops or None, client_subnet_ids=clients),
            fix=_replace(view, nat, subnet, ctx.cost))


def _blocked_regional(ctx: RuleContext, view: NetworkView, nat: r.NatGateway) -> Iterator[Finding]:
    """A regional NAT gateway's internet traffic leaves through its VPC's internet gateway, which VPC
    Block Public Access in bidirectional mode blocks for "all traffic to and from internet gateways
    ... (except for excluded VPCs and subnets)": a finding where nothing of its VPC is excluded; not
    evaluated where only some of its subnets are (AWS does not say whether a client subnet's
    exclusion lets a regional gateway's traffic through)."""
    bpa = view.region.block_public_access
    if bpa is None or bpa.internet_gateway_block_mode != "block-bidirectional" or nat.vpc_id in bpa.excluded_vpc_ids:
        return
    excluded = sorted(s.subnet_id for s in view.subnets_of(nat.vpc_id) if s.subnet_id in bpa.excluded_subnet_ids)
    if excluded:
        yield ctx.not_evaluated(_ref(ctx, nat), f"Regional NAT gateway {nat.nat_gateway_id}: VPC Block Public Access "
                                                f"blocks internet gateway traffic (block-bidirectional) except for "
                                                f"subnets {', '.join(excluded)} of {nat.vpc_id}, and AWS does not say "
                                                "whether a subnet's exclusion lets a regional NAT gateway's traffic "
                                                "through")
        return
    clients = _clients(view, nat)
    yield ctx.finding(
        _ref(ctx, nat),
        f"Regional NAT gateway {nat.nat_gateway_id} is in VPC {nat.vpc_id}, where VPC Block Public Access blocks all "
        f"traffic to and from internet gateways (block-bidirectional) and excludes neither the VPC nor any of its "
        f"subnets: its traffic cannot leave the VPC, {_stranded(clients)}.",
        evidence=evidence_dict(availability_mode="regional", vpc_id=nat.vpc_id, client_subnet_ids=clients,
                               block_public_access="block-bidirectional"),
        fix=[step("ec2:CreateVpcBlockPublicAccessExclusion",
                  {"VpcId": nat.vpc_id, "InternetGatewayExclusionMode": "allow-egress"}, nat.vpc_id, Phase.CREATE,
                  f"Exclude {nat.vpc_id} from VPC Block Public Access for egress, so its regional NAT gateway "
                  "reaches the internet again",
                  decision="Block Public Access is an account-wide guardrail: excluding the VPC lets every "
                           "subnet of it send to the internet gateway; confirm this VPC is meant to have "
                           "internet egress")])


def _ref(ctx: RuleContext, nat: r.NatGateway) -> ResourceRef:
    """The NAT gateway as a finding's resource: built only for the few with something to report,
    as its name is looked up among the tags."""
    return ctx.ref("nat-gateway", nat.nat_gateway_id, nat.vpc_id, ctx.view.name_of(nat.tags))


def _stranded(clients: list[str]) -> str:
    """What the NAT gateway's failure does to its clients (:func:`_clients`), in words."""
    return (f"so {', '.join(clients)} {'have' if len(clients) > 1 else 'has'} no working internet egress"
            if clients else "so any subnet routed to it would have no internet egress")


def _attach_internet_gateway(vpc_id: str) -> list[FixStep]:
    label = f"igw-{vpc_id}"
    return [step("ec2:CreateInternetGateway", {}, vpc_id, Phase.CREATE, f"Create an internet gateway for {vpc_id}",
                 creates=label, output="InternetGateway.InternetGatewayId"),
            step("ec2:AttachInternetGateway", {"InternetGatewayId": new_id(label), "VpcId": vpc_id}, vpc_id,
                 Phase.ASSOCIATE, f"Attach the new internet gateway to {vpc_id}")]


def _replace(view: NetworkView, nat: r.NatGateway, subnet: r.Subnet, cost: CostModel) -> list[FixStep]:
    """A NAT gateway in a public subnet of the same AZ, its clients' routes moved to it, the
    misplaced one deleted. (Making the NAT's own subnet public instead would expose whatever else
    runs there, often the very clients of the NAT gateway.)"""
    az = subnet.availability_zone_id
    created, replacement = new_nat_gateway(view, nat.vpc_id, az, cost)
    tables = [t.route_table_id for t in view.route_tables_of(nat.vpc_id)
              if any(x.destination == "0.0.0.0/0" and x.target_id == nat.nat_gateway_id for x in t.routes)]
    moved = route_tables_to_nat_in_az(view, tables, az, replacement,
                                      f"to the new NAT gateway in {az} instead of {nat.nat_gateway_id}")
    delete = step("ec2:DeleteNatGateway", {"NatGatewayId": nat.nat_gateway_id}, nat.nat_gateway_id, Phase.DELETE,
                  f"Delete NAT gateway {nat.nat_gateway_id}, which cannot reach the internet (release its Elastic IP "
                  "once it is deleted)",
                  decision=None if replacement is not None and all(s.ready for s in moved)
                  else "delete it only once its clients route to a working NAT gateway")
    return [*created, *moved, delete]


def _clients(view: NetworkView, nat: r.NatGateway) -> list[str]:
    """Subnets whose IPv4 egress ends at this NAT gateway."""
    return [s.subnet_id for s in view.subnets_of(nat.vpc_id)
            if view.egress(s.subnet_id).target_id == nat.nat_gateway_id]
