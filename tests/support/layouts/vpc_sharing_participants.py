"""VPC sharing through AWS RAM: a network account owns the VPC, a workload account runs in its subnets.

Sources:

- Amazon VPC User Guide, "Share your VPC with other accounts"
  (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html), as last published in the
  guide's source repository (https://github.com/awsdocs/amazon-vpc-user-guide/blob/06e98d972c597b2d5a9064ac4925559c0bd12745/doc_source/vpc-sharing.md,
  2023-04-06, the last change before the repository was archived on 2023-06-15), and its
  "Example: Sharing public subnets and private subnets" (``example-vpc-share.md``); the current
  pages ("Share your VPC subnets with other accounts", "Responsibilities and permissions for owners
  and participants", vpc-share-limitations.html) say the same of the points used here.
- The whitepaper "Building a Scalable and Secure Multi-VPC AWS Network Infrastructure", section
  "VPC sharing" (https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/amazon-vpc-sharing.html,
  publication date April 17, 2024): a network team owns the VPC, application accounts share its
  subnets ("Segregation of duties between network teams and application owners").

The guide: the owner "creates the routing infrastructure, including the VPCs, subnets, route
tables, gateways, and network ACLs"; owners are responsible for "subnets, route tables, network
ACLs, peering connections, gateway endpoints, interface endpoints, … internet gateways, NAT
gateways"; "Participants cannot create interface or gateway endpoints in a VPC that they do not
own"; "There is no additional configuration required for shared subnets, so the route tables are
the same as unshared subnet route tables"; participants "cannot launch resources using the default
security group for the VPC because it belongs to the owner", nor "using security groups that are
owned by … the VPC owner". An interface endpoint's private DNS is a zone associated with the VPC,
so it answers every account's resources in it: the participants are the endpoints' clients.

Built in us-east-1 with two AZs. The network account (``OWNER``) owns ``shared-vpc``
10.0.0.0/16 (DNS support and hostnames on): an internet gateway; public subnets 10.0.0.0/24 and
10.0.1.0/24 on one table (0.0.0.0/0 to the internet gateway), a NAT gateway in each; private
subnets 10.0.16.0/20 and 10.0.32.0/20, each on its AZ's table (0.0.0.0/0 to its AZ's NAT
gateway), shared with the workload account; endpoint subnets 10.0.64.0/24 and 10.0.65.0/24 (not
shared) on a table with the local route only, holding interface endpoints for ssm, ssmmessages,
ec2messages, logs and kms with private DNS behind ``shared-endpoints`` (TCP 443 from the VPC's
block); an S3 gateway endpoint on both private tables; a flow log on the VPC. Endpoint policies are
AWS's default. The owner runs nothing in the VPC (a network account).

The workload account (``PARTICIPANT``) runs one instance per shared subnet with its own group
``app`` (no ingress; AWS's default egress), as the limitations ask ("they should make sure they
attach their security group to the resource").

What each account's collection sees (the snapshot holds both, as an organization audit collects
them):

- The owner sees its whole VPC and, in it, the participant's network interfaces and groups: "VPC
  owners can view the details for the network interfaces and security groups that are attached to
  participant resources". They are recorded as the owner's DescribeNetworkInterfaces and
  DescribeSecurityGroups return them (the group with the participant's ``OwnerId``; the snapshot
  keeps no OwnerId for an interface), with the owner's AZ names.
- The participant sees the VPC and the subnets shared with it, with the owner's ``OwnerId`` ("Use
  the describe-subnets and describe-vpcs commands, which include the ID of the owner"; "Each
  account can only see the subnets that are shared with them"), without tags ("VPC tags and tags
  for the resources within the shared VPC are not shared with the participants"), and — "For
  example, participants can describe the VPC and its subnets, security groups, route tables,
  network ACLs, gateways, and DHCP option sets" — the VPC's route tables, NACLs, security groups,
  internet gateway and DHCP options set, each with the owner's ``OwnerId``. Assumed from
  "Participants cannot view, modify, or delete resources that belong to other participants or the
  VPC owner": not the owner's VPC endpoints, NAT gateways or their network interfaces, nor the
  VPC's flow log ("Participants cannot create, delete, or describe flow logs for a shared VPC
  subnet"). Its own groups and interfaces, in its own AZ names: AZ names are
  mapped per account ("use AZ IDs to determine the location of resources in one account relative
  to another account"); here the participant's us-east-1a is use1-az2.

Near misses: ``endpoint_ingress="owner-group"`` (the network team admits TCP 443 from a
``vpc-clients`` group of its own, which the participant cannot attach: "Participants cannot launch
resources using security groups that are owned by … the VPC owner"); ``s3_on_second_table=False``
(the S3 gateway endpoint left off the second private table); ``app_egress="db-only"`` (the
participant's group sending TCP 5432 to the VPC alone, no 443 out); ``nat_deleted=True`` (the
second NAT gateway deleted, its route left ``blackhole`` in the second private table).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import AwsRegionBuilder
from builders import multi_account_snapshot

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

OWNER = "111122223333"  # the network account that owns the VPC
PARTICIPANT = "444455556666"  # the workload account the private subnets are shared with
REGION = "us-east-1"
OWNER_AZ_IDS = ("use1-az1", "use1-az2")
PARTICIPANT_AZ_IDS = ("use1-az2", "use1-az1")  # the same two AZs, named the other way round
VPC_CIDR = "10.0.0.0/16"
SERVICES = ("ssm", "ssmmessages", "ec2messages", "logs", "kms")
POSTGRES_PORT = 5432


def _owner(b: AwsRegionBuilder, ids: dict[str, str], *, endpoint_ingress: str, s3_on_second_table: bool) -> None:
    """The network account's VPC: subnets, tables, gateways, endpoints and the flow log."""
    vpc = ids["vpc"] = b.vpc(VPC_CIDR, name="shared-vpc")
    igw = ids["igw"] = b.igw(vpc)
    public_rt = ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": igw}, name="shared-public")
    private_rts = []
    for az in (1, 2):
        public = ids[f"public{az}"] = b.subnet(vpc, f"10.0.{az - 1}.0/24", az=az, name=f"shared-public-{az}")
        b.associate(public_rt, public)
        nat = ids[f"nat{az}"] = b.nat(public)
        private = ids[f"private{az}"] = b.subnet(vpc, f"10.0.{16 * az}.0/20", az=az, name=f"shared-private-{az}")
        private_rts.append(b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": nat},
                                         name=f"shared-private-{az}"))
        ids[f"private_rt{az}"] = private_rts[-1]
    endpoint_subnets = [b.subnet(vpc, f"10.0.{63 + az}.0/24", az=az, name=f"endpoints-{az}") for az in (1, 2)]
    ids["endpoint_rt"] = b.route_table(vpc, subnets=endpoint_subnets, name="endpoints")
    if endpoint_ingress == "vpc":
        source = VPC_CIDR
    else:
        source = ids["vpc_clients"] = b.security_group(vpc, name="vpc-clients")
    ids["endpoint_sg"] = b.security_group(vpc, name="shared-endpoints", ingress=[("tcp", 443, 443, source)])
    for service in SERVICES:
        ids[service] = b.interface_endpoint(vpc, service, subnets=endpoint_subnets, groups=[ids["endpoint_sg"]])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=private_rts if s3_on_second_table else private_rts[:1])
    b.flow_log(vpc)


def _lose_nat(b: AwsRegionBuilder, ids: dict[str, str]) -> None:
    """The second NAT gateway deleted (gone from DescribeNatGateways, its interface released):
    its AZ's default route stays, ``blackhole``, as AWS leaves a route whose target is deleted."""
    nat = ids["nat2"]
    del b.enis[str(b.nats.pop(nat).addresses[0].network_interface_id)]
    table = b.route_tables[ids["private_rt2"]]
    b.route_tables[table.route_table_id] = replace(table, routes=tuple(
        replace(route, state="blackhole") if route.target_id == nat else route for route in table.routes))


def _participant(owner: AwsRegionBuilder, b: AwsRegionBuilder, ids: dict[str, str], *, app_egress: str) -> None:
    """The participant's view of the shared VPC, then its own group and instances in it."""
    vpc = ids["vpc"]
    names = {az_id: name for name, az_id in b.azs}
    b.vpcs[vpc] = replace(owner.vpcs[vpc], tags=())
    dhcp = owner.vpcs[vpc].dhcp_options_id
    b.dhcp = {dhcp: owner.dhcp[dhcp]} if dhcp else {}
    for subnet in (ids["private1"], ids["private2"]):
        seen = owner.subnets[subnet]
        b.subnets[subnet] = replace(seen, availability_zone=names[str(seen.availability_zone_id)], tags=())
    b.route_tables = {k: replace(t, tags=()) for k, t in owner.route_tables.items() if t.vpc_id == vpc}
    b.nacls = {k: replace(a, tags=()) for k, a in owner.nacls.items() if a.vpc_id == vpc}
    b.igws = {k: replace(g, tags=()) for k, g in owner.igws.items()}
    b.groups = {k: replace(g, tags=()) for k, g in owner.groups.items() if g.vpc_id == vpc}
    # Region-wide, the same in every account: AWS's prefix lists and the endpoint service catalogue.
    b.prefix_lists = dict(owner.prefix_lists)
    b.services = dict(owner.services)
    egress = [("-1", None, None, "0.0.0.0/0")] if app_egress == "all" else [
        ("tcp", POSTGRES_PORT, POSTGRES_PORT, VPC_CIDR)]
    app = ids["app_sg"] = b.security_group(vpc, name="app", egress=egress)
    for az in (1, 2):
        ids[f"instance{az}"] = b.workload(ids[f"private{az}"], groups=[app], description="Primary network interface")


def _show_owner(owner: AwsRegionBuilder, participant: AwsRegionBuilder, ids: dict[str, str]) -> None:
    """What the owner's collection lists of the participant's resources: its group and its
    instances' interfaces, in the owner's AZ names."""
    names = {az_id: name for name, az_id in owner.azs}
    group = ids["app_sg"]
    owner.groups[group] = participant.groups[group]
    for az in (1, 2):
        eni = participant.enis[ids[f"instance{az}"]]
        owner.enis[eni.network_interface_id] = replace(eni, availability_zone=names[str(eni.availability_zone_id)])


@cache
def build(*, endpoint_ingress: str = "vpc", s3_on_second_table: bool = True, app_egress: str = "all",
          nat_deleted: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """The organization's snapshot: the owner's account, then the participant's.

    ``endpoint_ingress``: ``vpc`` (TCP 443 from the VPC's block) or ``owner-group`` (from the
    owner's ``vpc-clients`` group); ``app_egress``: ``all`` or ``db-only``.
    """
    ids: dict[str, str] = {}
    owner = AwsRegionBuilder(OWNER, REGION, OWNER_AZ_IDS)
    _owner(owner, ids, endpoint_ingress=endpoint_ingress, s3_on_second_table=s3_on_second_table)
    if nat_deleted:
        _lose_nat(owner, ids)
    participant = AwsRegionBuilder(PARTICIPANT, REGION, PARTICIPANT_AZ_IDS)
    _participant(owner, participant, ids, app_egress=app_egress)
    _show_owner(owner, participant, ids)
    return multi_account_snapshot(owner, participant), ids


def view_of(snapshot: Snapshot, account_id: str) -> r.Vpc:
    """The shared VPC as ``account_id``'s collection recorded it."""
    account = next(a for a in snapshot.accounts if a.account_id == account_id)
    (vpc,) = account.regions[0].vpcs
    return vpc
