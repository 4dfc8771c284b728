"""AWS Cloud WAN hub and spokes in one Region: workload VPCs attached to a core network whose
route tables send 0.0.0.0/0 to it, a central egress VPC with a NAT gateway per AZ, and a
shared-services VPC holding centralized interface endpoints whose names private hosted zones
answer in the workload VPCs, us-east-1.

Sources:

- aws-samples/aws-cloud-wan-blueprints@f70773dbe991285fda8ad17ea9a794f96f8f238b (last commit of
  the pattern; repository head a145b7c2333068cd67caa2474bbc92aa29e4c1cf),
  ``patterns/3-traffic_inspection/1-centralized_outbound/terraform/main.tf`` and ``variables.tf``:
  spoke VPCs ``prod-us-east-1`` 10.10.0.0/24 (segment ``production``) and ``dev-us-east-1``
  10.10.1.0/24 (segment ``development``), two AZs, each built with ``aws-ia/vpc/aws`` 4.4.2 with
  ``/28`` subnets ``workload``, ``endpoints`` and ``core_network`` (the attachment's, tagged
  ``domain = <segment>`` so the attachment policy maps it to its segment) and
  ``core_network_routes = { workload = "0.0.0.0/0" }``: the workload subnets' default route goes
  to the core network. The instances (``tf_modules/compute``) sit one per workload subnet in a
  group admitting ICMP from 0.0.0.0/0 (and SSH from an EC2 Instance Connect endpoint's group),
  all traffic out.
- aws-ia/terraform-aws-cloudwan v3.2.0 (f802fcb0a0336eed1fbb0194ce51dd72f6097a89, the version the
  blueprint pins), ``data.tf``, ``main.tf``, ``README.md`` ("Egress VPC", "Shared Services VPC") and
  ``examples/central_vpcs/main.tf``: with ``ipv4_network_definition = "10.0.0.0/8"``, type
  ``egress`` makes ``public`` subnets with ``nat_gateway_configuration = "all_azs"`` whose tables
  send 10.0.0.0/8 to the core network (and 0.0.0.0/0 to the internet gateway), and
  ``core_network`` subnets with ``connect_to_public_natgw = true`` (0.0.0.0/0 to the NAT gateway of
  their AZ); type ``shared_services`` makes the ``core_network`` subnets and, for every other
  subnet (the example's ``vpc_endpoints``), "a default route (0.0.0.0/0) poiting to the Core
  Network attachment" (the example's segment ``shared``).
- AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS Network Infrastructure",
  "Centralized access to VPC private endpoints"
  (https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html;
  current page, read 2026-12-07): the endpoints in a shared-services VPC with private DNS off, a
  private hosted zone per service name holding an alias to the endpoint's Regional DNS name,
  associated with the spoke VPCs. AWS PrivateLink guide, "Gateway endpoints"
  (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html; current page, read
  2026-12-07): a gateway endpoint cannot be extended out of the VPC it was created in.
- AWS Cloud WAN User Guide, "VPC attachments in AWS Cloud WAN"
  (https://docs.aws.amazon.com/network-manager/latest/cloudwan/cloudwan-vpc-attachment.html;
  current page, read 2026-12-07): one subnet per AZ is given to the attachment and lets traffic
  reach every subnet of that AZ; limits are those of a transit gateway VPC attachment.
- botocore 1.44.18's ec2 model: ``Route.CoreNetworkArn`` ("The Amazon Resource Name (ARN) of the
  core network"), the route target DescribeRouteTables lists for these routes (CreateRoute's
  ``CoreNetworkArn``); ``NetworkInterfaceType`` has no Cloud WAN member.

Built (``build()``), one account 111122223333, us-east-1a/b (use1-az1/az2 assumed), DNS support
and hostnames on everywhere (the modules' defaults):

- ``prod`` 10.10.0.0/24 and ``dev`` 10.10.1.0/24: ``workload-1``/``-2`` (.0/28, .16/28), each on
  its own table (the module's one per AZ) with 0.0.0.0/0 → the core network;
  ``core_network-1``/``-2`` (.32/28, .48/28) on tables with the local route only (assumed: the
  module adds no core-network route there); one instance per workload subnet in ``instance``
  (ICMP from 0.0.0.0/0, all out).
- ``egress`` 10.100.0.0/24: an internet gateway; ``public-1``/``-2`` (.0/28, .16/28) with a NAT
  gateway each, tables 0.0.0.0/0 → internet gateway and 10.0.0.0/8 → core network;
  ``core_network-1``/``-2`` (.32/28, .48/28), tables 0.0.0.0/0 → the NAT gateway of their AZ.
- ``shared-services`` 10.100.1.0/24: ``vpc_endpoints-1``/``-2`` (.0/28, .16/28), tables 0.0.0.0/0
  → core network; ``core_network-1``/``-2`` (.32/28, .48/28), local route only. Interface endpoints
  ``ssm``, ``ssmmessages``, ``ec2messages``, ``kms``, ``logs``, ``sts`` (the whitepaper's kind of
  list, chosen) in both endpoint subnets, private DNS off, in ``central-endpoints`` admitting TCP
  443 from 10.0.0.0/8 (the network definition); default full-access policies (none on
  ``ssmmessages``/``ec2messages``, which take none). Per service a private hosted zone named as its
  hostname, an alias A record at the apex to the endpoint's Regional DNS name, associated with
  ``shared-services``, ``prod`` and ``dev``.
- Each VPC's attachment: one interface per ``core_network`` subnet.
- No flow log (the modules' ``vpc_flow_logs`` default is ``none``), no gateway endpoint anywhere
  (the blueprint creates none).

Assumptions:

- The core network's ARN (``networkmanager`` ARNs are global: no Region), the CIDRs of the two
  central VPCs (the module example's 10.10.x.0/24 clash with the blueprint's spokes) and of every
  subnet, the ids. The core network's segments, its policy (``production``/``development``/
  ``shared``/``egress`` shared so that the spokes reach the shared-services and egress VPCs and
  the egress VPC's 10.0.0.0/8 returns) and its route tables are not in the snapshot: vpcaudit
  collects no Network Manager resource; they are assumed to deliver as the blueprint intends.
- What DescribeNetworkInterfaces shows of a Cloud WAN VPC attachment's interfaces AWS does not
  document: assumed the transit gateway attachment's form (the guide points to transit gateway
  VPC attachments for its limits), InterfaceType ``transit_gateway``, requester-managed,
  described ``Network Interface for Transit Gateway Attachment attachment-0…`` (the Cloud WAN
  attachment's id), in no group, on no instance, untagged.
- Endpoint interfaces: ``vpc_endpoint``, requester-managed, described ``VPC Endpoint Interface
  vpce-…``, in ``central-endpoints``; NAT gateway interfaces ``natGateway``, requester-managed,
  described ``Interface for NAT Gateway nat-…``; instance interfaces ``interface``, not
  requester-managed, empty description. The vpce hosted-zone id is a placeholder.
- Left out: the blueprint's ``endpoints`` subnets and their EC2 Instance Connect endpoint (and the
  instances' SSH rule from its group), the Network Firewall of its ``egress_with_inspection``
  VPC (the module's plain ``egress`` type is built), the example's ``hybrid_dns`` subnets.

Near misses:

- ``dev_core_network_route=False``: ``dev``'s workload tables without the 0.0.0.0/0 → core
  network route (the module's ``core_network_routes`` omitted): the zones still send ``dev``'s
  SSM, KMS, Logs and STS calls to ``shared-services`` addresses ``dev`` cannot reach.
- ``endpoint_source="shared"``: ``central-endpoints`` admitting 443 from 10.100.1.0/24 only, the
  shared-services VPC's own block.
- ``egress_nat_azs=(1,)``: the egress VPC's NAT gateway in us-east-1a only
  (``nat_gateway_configuration = "single_az"``): both attachment subnets' tables send 0.0.0.0/0
  to it.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import VPCE_ZONE, AwsRegionBuilder, endpoint_regional_name
from builders import NO_POLICY_SERVICES

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a, b (assumed)
CORE_NETWORK_ARN = f"arn:aws:networkmanager::{ACCOUNT}:core-network/core-network-0b5e2f9a6c1d3e478"  # assumed
NETWORK_DEFINITION = "10.0.0.0/8"
SPOKES = {"prod": "10.10.0", "dev": "10.10.1"}
EGRESS_PREFIX = "10.100.0"
SHARED_PREFIX = "10.100.1"
SHARED_CIDR = f"{SHARED_PREFIX}.0/24"
SERVICES = ("ssm", "ssmmessages", "ec2messages", "kms", "logs", "sts")
HTTPS = 443
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def _subnets(b: AwsRegionBuilder, vpc: str, prefix: str, role: str, start: int) -> list[str]:
    """Two /28 subnets of ``role``, one per AZ, from ``prefix``.<start>."""
    return [b.subnet(vpc, f"{prefix}.{start + 16 * (az - 1)}/28", az=az, name=f"{role}-{az}") for az in (1, 2)]


def _attach(b: AwsRegionBuilder, vpc: str, prefix: str, ids: dict[str, str], key: str) -> list[str]:
    """The ``core_network`` subnets (.32/28, .48/28) and the Cloud WAN attachment's interfaces in them."""
    subnets = _subnets(b, vpc, prefix, "core_network", 32)
    attachment = b.new_id("attachment")
    for az, subnet in enumerate(subnets, start=1):
        ids[f"{key}_cnw{az}"] = subnet
        ids[f"{key}_attachment_eni{az}"] = b.workload(
            subnet, groups=[], interface_type="transit_gateway", requester_managed=True,
            description=f"Network Interface for Transit Gateway Attachment {attachment}")
    return subnets


def _spoke(b: AwsRegionBuilder, ids: dict[str, str], key: str, *, route: bool) -> None:
    prefix = SPOKES[key]
    vpc = ids[key] = b.vpc(f"{prefix}.0/24", name=f"{key}-{REGION}", dns_support=True, dns_hostnames=True)
    sg = ids[f"{key}_sg"] = b.security_group(vpc, name="instance", ingress=[("icmp", -1, -1, "0.0.0.0/0")],
                                             egress=[ALL_OUT])
    for az, subnet in enumerate(_subnets(b, vpc, prefix, "workload", 0), start=1):
        ids[f"{key}_workload{az}"] = subnet
        ids[f"{key}_rt{az}"] = b.route_table(vpc, subnets=[subnet], name=f"workload-{az}",
                                             routes={"0.0.0.0/0": CORE_NETWORK_ARN} if route else {})
        eni = ids[f"{key}_instance{az}"] = b.workload(subnet, groups=[sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    for az, subnet in enumerate(_attach(b, vpc, prefix, ids, key), start=1):
        b.route_table(vpc, subnets=[subnet], name=f"core_network-{az}")


def _egress(b: AwsRegionBuilder, ids: dict[str, str], nat_azs: tuple[int, ...]) -> None:
    vpc = ids["egress"] = b.vpc(f"{EGRESS_PREFIX}.0/24", name="egress", dns_support=True, dns_hostnames=True)
    igw = ids["igw"] = b.igw(vpc)
    public = _subnets(b, vpc, EGRESS_PREFIX, "public", 0)
    nats = {}
    for az, subnet in enumerate(public, start=1):
        ids[f"public{az}"] = subnet
        b.route_table(vpc, subnets=[subnet], name=f"public-{az}",
                      routes={"0.0.0.0/0": igw, NETWORK_DEFINITION: CORE_NETWORK_ARN})
        if az in nat_azs:
            nats[az] = ids[f"nat{az}"] = b.nat(subnet)
    for az, subnet in enumerate(_attach(b, vpc, EGRESS_PREFIX, ids, "egress"), start=1):
        nat = nats.get(az) or next(iter(nats.values()))
        ids[f"egress_cnw_rt{az}"] = b.route_table(vpc, subnets=[subnet], name=f"core_network-{az}",
                                                  routes={"0.0.0.0/0": nat})


def _shared(b: AwsRegionBuilder, ids: dict[str, str], endpoint_source: str) -> None:
    vpc = ids["shared"] = b.vpc(SHARED_CIDR, name="shared-services", dns_support=True, dns_hostnames=True)
    subnets = _subnets(b, vpc, SHARED_PREFIX, "vpc_endpoints", 0)
    for az, subnet in enumerate(subnets, start=1):
        ids[f"endpoints{az}"] = subnet
        b.route_table(vpc, subnets=[subnet], name=f"vpc_endpoints-{az}", routes={"0.0.0.0/0": CORE_NETWORK_ARN})
    for az, subnet in enumerate(_attach(b, vpc, SHARED_PREFIX, ids, "shared"), start=1):
        b.route_table(vpc, subnets=[subnet], name=f"core_network-{az}")
    source = SHARED_CIDR if endpoint_source == "shared" else NETWORK_DEFINITION
    sg = ids["endpoint_sg"] = b.security_group(vpc, name="central-endpoints",
                                               ingress=[("tcp", HTTPS, HTTPS, source)])
    for key in SERVICES:
        kwargs = {"policy": None} if key in NO_POLICY_SERVICES else {}
        endpoint = ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[sg], private_dns=False,
                                                   **kwargs)  # type: ignore[arg-type]
        regional = endpoint_regional_name(endpoint, key, REGION)
        zonal = [regional.replace(".", f"-{az}.", 1) for az, _ in b.azs]
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=tuple(
            r.DnsEntry(name, VPCE_ZONE) for name in (regional, *zonal)))


def build(*, dev_core_network_route: bool = True, endpoint_source: str = "network",
          egress_nat_azs: tuple[int, ...] = (1, 2)) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``dev_core_network_route``: ``dev``'s 0.0.0.0/0 → core network routes;
    ``endpoint_source``: "network" (10.0.0.0/8) or "shared" (the shared-services block) for the
    endpoints' group; ``egress_nat_azs``: the AZs of the egress VPC's NAT gateways (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    ids: dict[str, str] = {}
    for key in SPOKES:
        _spoke(b, ids, key, route=dev_core_network_route or key != "dev")
    _egress(b, ids, egress_nat_azs)
    _shared(b, ids, endpoint_source)
    vpcs = [ids["shared"], *(ids[key] for key in SPOKES)]
    for key in SERVICES:
        hostname = f"{key}.{REGION}.amazonaws.com"
        regional = b.endpoints[ids[key]].dns_entries[0].dns_name
        ids[f"zone-{key}"] = b.hosted_zone(hostname, vpcs, [r.RecordSet(hostname, "A", (), regional)])
    return b.snapshot(), ids
