"""The Landing Zone Accelerator on AWS sample network: a Network account's central
``Network-Endpoints`` VPC holding interface endpoints with private DNS off, answered through the
accelerator's Route 53 private hosted zones in the VPCs that set ``useCentralEndpoints``, all joined
by the ``Network-Main`` transit gateway (us-east-1).

Sources:

- awslabs/landing-zone-accelerator-on-aws@5a0159060ee0a4029a69481f8a66d184a3f962eb
  ``reference/sample-configurations/lza-sample-config/network-config.yaml`` (https://github.com/awslabs/landing-zone-accelerator-on-aws):
  transit gateway ``Network-Main`` in the Network account, default association and propagation
  off, route tables ``Network-Main-Core``, ``-Segregated``, ``-Shared``, ``-Standalone`` (no static
  routes); VPC ``Network-Endpoints`` 10.1.0.0/22 (DNS support and hostnames on, no internet
  gateway): subnets ``Network-Endpoints-A`` 10.1.0.0/24 and ``-B`` 10.1.1.0/24 on one table each
  (0.0.0.0/0 → the transit gateway, S3 and DynamoDB gateway endpoints), attachment subnets
  10.1.3.208/28 and 10.1.3.224/28 on empty tables; ``interfaceEndpoints: central: true`` with
  ``ec2``, ``ec2messages``, ``ssm``, ``ssmmessages``, ``kms``, ``logs`` in both endpoint subnets,
  policy ``Default``; VPC ``Network-Inspection`` 10.2.0.0/22 (Network account; subnets A/B
  10.2.0.0/24, 10.2.1.0/24 and firewall subnets 10.2.3.0/28, 10.2.3.16/28 on the A/B tables with
  0.0.0.0/0 → the transit gateway; attachment /28s; appliance mode; ``useCentralEndpoints: true``;
  no firewall, no NAT gateway, no internet gateway in the file); VPC ``SharedServices-Main``
  10.4.0.0/16 in the SharedServices account (``SharedServices-App-A``/``-B`` 10.4.0.0/24,
  10.4.1.0/24 with 0.0.0.0/0 → the transit gateway and the S3/DynamoDB gateway endpoints'
  routes; attachment /28s; ``useCentralEndpoints: true``); ``vpcFlowLogs`` (ALL, CloudWatch Logs)
  for every VPC. Its ``vpc-endpoint-policies/default.json``: Allow ``*`` on ``*`` to ``*``.
- The same commit's accelerator code, read for what the file deploys:
  ``source/packages/@aws-accelerator/accelerator/lib/stacks/network-stacks/network-vpc-endpoints-stack/network-vpc-endpoints-stack.ts``
  (``central: true`` → ``privateDnsEnabled: false``; with no ``securityGroup`` and no
  ``allowedCidrs`` one group ``interface_ep_https_sg`` "Security group for interface endpoints --
  https traffic": ingress TCP 443 from 0.0.0.0/0, egress all protocols to 127.0.0.1/32 only, "to
  avoid default Egress rule"; the default policy applied to every listed service, ``ssmmessages``
  and ``ec2messages`` included); ``network-vpc-dns-stack/network-vpc-dns-stack.ts`` and
  ``constructs/lib/aws-route-53/hosted-zone.ts`` (one private hosted zone per endpoint named
  ``<service>.<region>.amazonaws.com``, created with the endpoints VPC, an alias A record at its apex
  to the endpoint's DNS name); ``network-associations-stack/network-associations-stack.ts``
  (the zones associated with every ``useCentralEndpoints`` VPC of the Region, across accounts).
- AWS whitepaper "Centralized access to VPC private endpoints"
  (https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html;
  current page, read 2026-12-07): private DNS off at the hub, a zone per service associated with the
  spokes.

Built, in one snapshot of two accounts:

- Network account 111122223333: ``Network-Endpoints`` and ``Network-Inspection`` as above, their
  gateway endpoints (default full-access policy) routed from the subnet tables, the six interface
  endpoints behind ``interface_ep_https_sg``, six zones (``ec2.us-east-1.amazonaws.com`` …) holding
  the alias record, associated with ``Network-Endpoints``, ``Network-Inspection`` and
  ``SharedServices-Main``; a flow log per VPC.
- SharedServices account 444455556666: ``SharedServices-Main`` as above, one instance interface per
  App subnet in a group ``app`` (AWS's default all-traffic egress), the zones as this account lists
  them (``ListHostedZonesByVPC``): associated, records not readable; a flow log.

Assumptions:

- Account ids, resource ids, the AZ mapping (a/b → use1-az1/az2). The sample's file deploys no
  workload: the two instances in ``SharedServices-Main`` stand for what the account would run. The
  ``Network-Inspection`` VPC is built as the file writes it, without firewall or workloads.
- The transit gateway's own route tables, associations and propagations are not in the snapshot
  (vpcaudit collects none); the file writes them, and every attachment propagates to the Shared
  table each is associated with, so each VPC's block is reachable from the others.
- ``ssmmessages``/``ec2messages``: the accelerator sends the default policy for them too; the
  snapshot gives them no policy document, as AWS's catalogue marks them without policy support
  (``VpcEndpointPolicySupported`` false) — assumed, AWS does not document what DescribeVpcEndpoints
  reports then.
- Network interfaces, as DescribeNetworkInterfaces reports them (InterfaceType from botocore's
  ``NetworkInterfaceType`` enum): each interface endpoint's typed ``vpc_endpoint``,
  requester-managed, described ``VPC Endpoint Interface vpce-…``, in ``interface_ep_https_sg``, no
  instance attachment, untagged; each transit gateway attachment's typed ``transit_gateway``,
  requester-managed, described ``Network Interface for Transit Gateway Attachment tgw-attach-…``,
  in no group, untagged; each instance's typed ``interface``, not requester-managed, empty
  description.

Near misses:

- ``allowed_cidrs=("10.1.0.0/22",)``: the file's ``interfaceEndpoints.allowedCidrs`` set to the
  endpoints VPC's own block, so the group admits 443 from 10.1.0.0/22 only.
- ``app_route=False``: ``SharedServices-App-A`` without the 0.0.0.0/0 → transit gateway route.
- ``associate_shared=False``: the zones not associated with ``SharedServices-Main`` (the
  association step missing, e.g. ``useCentralEndpoints`` left out of that VPC).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import VPCE_ZONE, AwsRegionBuilder, endpoint_regional_name
from builders import NO_POLICY_SERVICES, multi_account_snapshot

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")
NETWORK_ACCOUNT = "111122223333"
SHARED_ACCOUNT = "444455556666"
TGW = "tgw-0a1b2c3d4e5f60718"
HTTPS = 443
SERVICES = ("ec2", "ec2messages", "ssm", "ssmmessages", "kms", "logs")
ENDPOINTS_CIDR = "10.1.0.0/22"
INSPECTION_CIDR = "10.2.0.0/22"
SHARED_CIDR = "10.4.0.0/16"


def _attach(b: AwsRegionBuilder, vpc: str, prefix: str, first: int, name: str) -> None:
    """The two attachment /28s, each on an empty table of its own, and the attachment's interfaces."""
    subnets = []
    for n, az in enumerate("AB"):
        subnet = b.subnet(vpc, f"{prefix}.{first + 16 * n}/28", az=n + 1, name=f"{name}TgwAttach-{az}")
        b.route_table(vpc, subnets=[subnet], name=f"{name}-Tgw-{az}")
        subnets.append(subnet)
    b.tgw_attachment(vpc, TGW, subnets)


def _tables(b: AwsRegionBuilder, vpc: str, subnets: dict[str, list[str]], name: str, *,
            tgw_route: dict[str, bool]) -> list[str]:
    """The A/B tables: 0.0.0.0/0 to the transit gateway and the S3/DynamoDB gateway endpoints."""
    tables = [b.route_table(vpc, subnets=subnets[az], routes={"0.0.0.0/0": TGW} if tgw_route[az] else {},
                            name=f"{name}-{az}") for az in "AB"]
    for key in ("s3", "dynamodb"):
        b.gateway_endpoint(vpc, key, route_tables=tables)
    return tables


def _network(b: AwsRegionBuilder, ids: dict[str, str], allowed_cidrs: tuple[str, ...]) -> None:
    hub = ids["endpoints_vpc"] = b.vpc(ENDPOINTS_CIDR, name="Network-Endpoints", dns_support=True,
                                       dns_hostnames=True)
    subnets = {az: [b.subnet(hub, f"10.1.{n}.0/24", az=n + 1, name=f"Network-Endpoints-{az}")]
               for n, az in enumerate("AB")}
    _tables(b, hub, subnets, "Network-Endpoints", tgw_route={"A": True, "B": True})
    _attach(b, hub, "10.1.3", 208, "Network-Endpoints")
    sg = ids["endpoint_sg"] = b.security_group(
        hub, name="interface_ep_https_sg", ingress=[("tcp", HTTPS, HTTPS, c) for c in allowed_cidrs],
        egress=[("-1", None, None, "127.0.0.1/32")])
    for key in SERVICES:
        policy = {"policy": None} if key in NO_POLICY_SERVICES else {}
        endpoint = ids[key] = b.interface_endpoint(hub, key, subnets=[*subnets["A"], *subnets["B"]], groups=[sg],
                                                   private_dns=False, **policy)
        regional = endpoint_regional_name(endpoint, key, REGION)
        zonal = [regional.replace(".", f"-{az}.", 1) for az, _ in b.azs]
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=tuple(
            r.DnsEntry(name, VPCE_ZONE) for name in (regional, *zonal)))
    b.flow_log(hub)

    inspection = ids["inspection_vpc"] = b.vpc(INSPECTION_CIDR, name="Network-Inspection")
    subnets = {az: [b.subnet(inspection, f"10.2.{n}.0/24", az=n + 1, name=f"Network-Inspection-{az}"),
                    b.subnet(inspection, f"10.2.3.{16 * n}/28", az=n + 1, name=f"Network-Inspection-Firewall-{az}")]
               for n, az in enumerate("AB")}
    _tables(b, inspection, subnets, "Network-Inspection", tgw_route={"A": True, "B": True})
    _attach(b, inspection, "10.2.3", 208, "Network-Inspection")
    b.flow_log(inspection)


def _shared(b: AwsRegionBuilder, ids: dict[str, str], *, app_route: bool) -> None:
    vpc = ids["shared_vpc"] = b.vpc(SHARED_CIDR, name="SharedServices-Main")
    app_sg = ids["app_sg"] = b.security_group(vpc, name="app")
    subnets = {az: [b.subnet(vpc, f"10.4.{n}.0/24", az=n + 1, name=f"SharedServices-App-{az}")]
               for n, az in enumerate("AB")}
    ids["shared_rt_a"], ids["shared_rt_b"] = _tables(b, vpc, subnets, "SharedServices-App",
                                                     tgw_route={"A": app_route, "B": True})
    _attach(b, vpc, "10.4.255", 208, "SharedServices-Main")
    for az in "AB":
        eni = ids[f"app_{az}"] = b.workload(subnets[az][0], groups=[app_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    b.flow_log(vpc)


def build(*, allowed_cidrs: tuple[str, ...] = ("0.0.0.0/0",), app_route: bool = True,
          associate_shared: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``allowed_cidrs``: the endpoints group's 443 sources (the accelerator's default 0.0.0.0/0);
    ``app_route``: ``SharedServices-App-A``'s route to the transit gateway; ``associate_shared``:
    the zones associated with ``SharedServices-Main``."""
    network = AwsRegionBuilder(NETWORK_ACCOUNT, REGION, AZ_IDS)
    shared = AwsRegionBuilder(SHARED_ACCOUNT, REGION, AZ_IDS)
    ids: dict[str, str] = {}
    _network(network, ids, allowed_cidrs)
    _shared(shared, ids, app_route=app_route)
    vpcs = [ids["endpoints_vpc"], ids["inspection_vpc"]] + ([ids["shared_vpc"]] if associate_shared else [])
    for key in SERVICES:
        name = f"{key}.{REGION}.amazonaws.com"
        regional = network.endpoints[ids[key]].dns_entries[0].dns_name
        ids[f"zone-{key}"] = network.hosted_zone(name, vpcs, [r.RecordSet(name, "A", (), regional)])
    if associate_shared:
        shared.zones += [replace(z, vpcs=(r.VpcAssociation(ids["shared_vpc"], REGION),), record_sets=(),
                                 record_sets_collected=False) for z in network.zones]
    return multi_account_snapshot(network, shared), ids
