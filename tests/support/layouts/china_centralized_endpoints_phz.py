"""Centralized interface endpoints in a shared-services (hub) VPC of a network account, reached from
a spoke VPC of a workload account through a transit gateway, the services' names answered in the
spoke by Route 53 private hosted zones the network account creates and associates across accounts,
in the AWS China (Beijing) Region (cn-north-1).

Sources:

- The Chinese VPC endpoint guide in seed ``000_cbc1efd4d9ea2305.txt`` ("终端节点"; its page carries
  no date or version, read 2026-12-07). Its scenario table recommends, for VPCs of several accounts
  sharing one set of endpoints, "集中式 Endpoint + Transit Gateway(RAM 共享)+ PHZ 跨账号关联", and
  spells it out: create the interface endpoints in the central network account **without private
  DNS**; create Route 53 private hosted zones pointing at the endpoints' private addresses; share the
  transit gateway with the other accounts through RAM; associate the zones with the other accounts'
  VPCs (cross-account authorization). Its security-group step admits HTTPS (TCP 443) from the VPC
  CIDR ("如 10.0.0.0/16"), adding that the source may be narrower; its DNS checks want
  ``enableDnsSupport`` and ``enableDnsHostnames`` on and ``nslookup`` of the service name to return
  private addresses; its troubleshooting order is security group 443, VPC DNS attributes, private
  DNS, route table, subnet AZ. Its cost section's example of centralization counts SSM and
  CloudWatch Logs endpoints; its ECS list adds ``ecr.api``/``ecr.dkr``/``logs`` with an S3 gateway
  endpoint, and its comparison table says gateway endpoints cannot be shared across VPCs or
  accounts. It prints commercial names (``com.amazonaws.<region>.ssm``, ``ssm.<region>.amazonaws.com``)
  and us-east-1 prices in USD.
- AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS Network Infrastructure", "Centralized
  access to VPC private endpoints"
  (https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html;
  current page, read 2026-12-07): the managed zone of an endpoint's private DNS works only in the
  endpoint's VPC, so private DNS is turned off and a private hosted zone named with the full service
  name, holding an alias record to the endpoint, is associated with the spoke VPCs; spokes must use
  the Route 53 Resolver of their VPC.
- Route 53 API Reference, ConflictingDomainExists (current page, read 2026-12-07): a private hosted
  zone cannot be created for, or associated with, a VPC already associated with a zone of the same
  name. hashicorp/terraform-provider-aws issue #37783 shows what that means here: CreateHostedZone
  ``sns.ap-southeast-1.amazonaws.com`` with the endpoint's VPC fails with "ConflictingDomainExists:
  The VPC … has already been associated with the hosted zone … with the same domain name" while the
  endpoint's private DNS is on.
- China names, from the catalogue of ``layouts.china_ssm_session_manager`` (reused): the AWS China
  blog's ``describe-vpc-endpoint-services`` listing for cn-north-1
  (https://aws.amazon.com/cn/blogs/china/build-the-right-architecture-around-amazon-vpc-on-aws-part-two/;
  current page, read 2026-12-07) and aws/aws-cdk@000a9eb6dd93c8025d184934c66dee83868c8f28
  ``packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts`` ``getDefaultEndpointPrefix``:
  ``cn.com.amazonaws.cn-north-1.`` for ``sts``, ``ecr.api``, ``ecr.dkr``; ``com.amazonaws.cn-north-1.``
  for ``ssm``, ``ssmmessages``, ``ec2messages``, ``logs`` and the S3 gateway service. docs.amazonaws.cn
  "Beijing Region Endpoints" (https://docs.amazonaws.cn/en_us/aws/latest/userguide/endpoints-Beijing.html;
  current page, read 2026-12-07): the Region's domain is ``amazonaws.com.cn``
  (``sts.cn-north-1.amazonaws.com.cn``, ``api.ecr.cn-north-1.amazonaws.com.cn``).

Built, in one snapshot of two accounts:

- Network account 111122223333: VPC ``shared-services`` 10.100.0.0/16 (DNS support and hostnames on),
  endpoint subnets 10.100.1.0/24 (cn-north-1a) and 10.100.2.0/24 (cn-north-1b) on table ``endpoints``
  (10.1.0.0/16 → the transit gateway), a /28 attachment subnet per AZ; the interface endpoints
  ``sts``, ``ecr.api``, ``ecr.dkr`` (``cn.com.amazonaws.`` names), ``ssm``, ``ssmmessages``,
  ``ec2messages``, ``logs`` (``com.amazonaws.`` names) in both endpoint subnets, **private DNS off**,
  behind ``central-endpoints`` admitting TCP 443 from the hub's and the spoke's blocks; each with the
  default full-access policy but ``ssmmessages``/``ec2messages`` (none: they take no policy). One
  private hosted zone per service name: ``sts.cn-north-1.amazonaws.com.cn``, ``api.ecr.…``,
  ``dkr.ecr.cn-north-1.amazonaws.com.cn`` (record ``*.dkr.ecr.cn-north-1.amazonaws.com.cn``),
  ``ssm.…``, ``ssmmessages.…``, ``ec2messages.…``, ``logs.…``, an alias A record to the endpoint's
  Regional DNS name (``vpce-….<svc>.cn-north-1.vpce.amazonaws.com.cn``), associated with the hub
  VPC (created with it) and the spoke VPC (authorized, then associated from the workload account).
- Workload account 444455556666: VPC ``app`` 10.1.0.0/16 (DNS on), private subnets 10.1.1.0/24 and
  10.1.2.0/24 on ``app-private`` (10.100.0.0/16 → the transit gateway, shared by RAM; the S3 gateway
  endpoint ``com.amazonaws.cn-north-1.s3``'s prefix-list route; no route to the internet), a /28
  attachment subnet per AZ, one instance interface per private subnet in ``app`` (AWS's default
  all-traffic egress). The zones as this account lists them (``ListHostedZonesByVPC``): associated,
  their records not readable.
- No flow log, no NAT gateway, no internet gateway (the guide sets up none).

Assumptions:

- Accounts, CIDRs, ids, the AZ mapping (cn-north-1a/b → cnn1-az1/az2), and the services chosen (the
  guide's SSM + CloudWatch Logs example, ECR and STS added). The transit gateway's own route tables
  and attachments are not in the snapshot (vpcaudit collects neither); both attachments are assumed
  associated with and propagating to one route table.
- The zones' record for ``ecr.dkr`` is a wildcard in a zone named after the name without ``*.``
  (a zone name cannot hold a wildcard); the guide's "指向 Endpoint 的私有 IP" is built as alias
  records, as the whitepaper does, not A records of fixed addresses.
- The vpce hosted-zone id (``VPCE_ZONE``) is a placeholder, and each endpoint's Regional name's
  8-character part is derived from its id; the ``ecr.*`` endpoints' DNS names keep the
  ``<endpoint>.<service key>.<region>.vpce.…`` shape of the other endpoints.
- Network interfaces, as DescribeNetworkInterfaces reports them (InterfaceType from botocore
  1.44.18's ``NetworkInterfaceType`` enum): each endpoint's typed ``vpc_endpoint``, requester-managed,
  described ``VPC Endpoint Interface vpce-…``, in
  ``central-endpoints``, no attachment to an instance, untagged; each transit gateway attachment's
  typed ``transit_gateway``, requester-managed, described ``Network Interface for Transit Gateway
  Attachment tgw-attach-…``, in no group, untagged; each instance's typed ``interface``, not
  requester-managed, empty description.

Near misses:

- ``zone_suffix="amazonaws.com"``: the zones named with the commercial suffix
  (``sts.cn-north-1.amazonaws.com`` …), as the guide prints them. No client calls those names: the
  SDKs call ``….amazonaws.com.cn``, which then resolve publicly.
- ``spoke_route=False``: ``app-private`` without the route to the hub's block.
- ``endpoint_source="hub"``: ``central-endpoints`` admitting 443 from the hub's block only, the
  guide's "VPC CIDR" read as the endpoints' own VPC.
- ``hub_private_dns=True``: the endpoints keep private DNS on (the guide's single-VPC step, "保持勾选"),
  so creating each zone with the hub VPC fails with ConflictingDomainExists (terraform-provider-aws
  #37783) and the snapshot holds no zone: the spoke resolves the service names publicly.

``one_account=True`` builds the same VPCs in the network account alone, only to show what the rules
say when the spoke is in the endpoints' account.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder, endpoint_regional_name
from builders import NO_POLICY_SERVICES, multi_account_snapshot

from layouts.china_ssm_session_manager import CN_COM, china_catalogue
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

REGION = "cn-north-1"
AZ_IDS = ("cnn1-az1", "cnn1-az2")
SUFFIX = "amazonaws.com.cn"
NETWORK_ACCOUNT = "111122223333"
WORKLOAD_ACCOUNT = "444455556666"
HUB_CIDR = "10.100.0.0/16"
SPOKE_CIDR = "10.1.0.0/16"
HTTPS = 443
TGW = "tgw-0c1d2e3f4a5b6c7d8"
VPCE_ZONE = "Z0CNVPCEPLACEHOLDER"  # placeholder (module docstring)
SERVICES = ("sts", "ecr.api", "ecr.dkr", "ssm", "ssmmessages", "ec2messages", "logs")
# The name each zone is created with and the name of its one record, before the suffix.
ZONE_NAMES = {"ecr.api": ("api.ecr", "api.ecr"), "ecr.dkr": ("dkr.ecr", "*.dkr.ecr")}


def service_name(key: str) -> str:
    """The service's name in cn-north-1's catalogue."""
    prefix = "cn.com.amazonaws" if key in CN_COM else "com.amazonaws"
    return f"{prefix}.{REGION}.{key}"


def zone_and_record(key: str, suffix: str = SUFFIX) -> tuple[str, str]:
    zone, record = ZONE_NAMES.get(key, (key, key))
    return f"{zone}.{REGION}.{suffix}", f"{record}.{REGION}.{suffix}"


def _attach(b: AwsRegionBuilder, vpc: str, prefix: str) -> list[str]:
    """A /28 attachment subnet per AZ, their table, and the attachment's interfaces in them."""
    subnets = [b.subnet(vpc, f"{prefix}.{224 + 16 * az}/28", az=az, name=f"tgw-attach-{az}") for az in (1, 2)]
    b.route_table(vpc, subnets=subnets, name="tgw-attach")
    b.tgw_attachment(vpc, TGW, subnets)
    return subnets


def _hub(b: AwsRegionBuilder, ids: dict[str, str], *, endpoint_source: str, private_dns: bool) -> None:
    hub = ids["hub"] = b.vpc(HUB_CIDR, name="shared-services", dns_support=True, dns_hostnames=True)
    subnets = [b.subnet(hub, f"10.100.{az}.0/24", az=az, name=f"endpoints-{az}") for az in (1, 2)]
    ids["hub_rt"] = b.route_table(hub, subnets=subnets, routes={SPOKE_CIDR: TGW}, name="endpoints")
    _attach(b, hub, "10.100.255")
    sources = [HUB_CIDR] if endpoint_source == "hub" else [HUB_CIDR, SPOKE_CIDR]
    sg = ids["endpoint_sg"] = b.security_group(hub, name="central-endpoints",
                                               ingress=[("tcp", HTTPS, HTTPS, s) for s in sources])
    for key in SERVICES:
        kwargs = {"policy": None} if key in NO_POLICY_SERVICES else {}
        endpoint = ids[key] = b.interface_endpoint(hub, key, subnets=subnets, groups=[sg], private_dns=private_dns,
                                                   service_name=service_name(key), **kwargs)
        regional = endpoint_regional_name(endpoint, key, REGION).replace(".amazonaws.com", f".{SUFFIX}")
        zonal = [regional.replace(".", f"-{az}.", 1) for az, _ in b.azs]
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=tuple(
            r.DnsEntry(name, VPCE_ZONE) for name in (regional, *zonal)))


def _spoke(b: AwsRegionBuilder, ids: dict[str, str], *, route: bool) -> None:
    spoke = ids["spoke"] = b.vpc(SPOKE_CIDR, name="app", dns_support=True, dns_hostnames=True)
    app_sg = ids["app_sg"] = b.security_group(spoke, name="app")
    private = [b.subnet(spoke, f"10.1.{az}.0/24", az=az, name=f"app-private-{az}") for az in (1, 2)]
    ids |= {f"spoke_private{az}": s for az, s in enumerate(private, start=1)}
    rt = ids["spoke_rt"] = b.route_table(spoke, subnets=private, routes={HUB_CIDR: TGW} if route else {},
                                         name="app-private")
    _attach(b, spoke, "10.1.255")
    ids["s3_gateway"] = b.gateway_endpoint(spoke, "s3", route_tables=[rt])
    for az, subnet in enumerate(private, start=1):
        eni = ids[f"app{az}"] = b.workload(subnet, groups=[app_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))


def build(*, zone_suffix: str = SUFFIX, spoke_route: bool = True, endpoint_source: str = "both",
          hub_private_dns: bool = False, one_account: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``zone_suffix``: the suffix the zones are named with; ``spoke_route``: the spoke's route to the
    hub's block; ``endpoint_source``: "both" (hub and spoke blocks) or "hub"; ``hub_private_dns``:
    the hub endpoints' private DNS (on: the zones are refused, none exists); ``one_account``: hub
    and spoke in the network account alone (a comparison, not the guide's layout)."""
    network = AwsRegionBuilder(NETWORK_ACCOUNT, REGION, AZ_IDS)
    workload = network if one_account else AwsRegionBuilder(WORKLOAD_ACCOUNT, REGION, AZ_IDS)
    for b in (network, workload):
        china_catalogue(b)
    ids: dict[str, str] = {}
    _hub(network, ids, endpoint_source=endpoint_source, private_dns=hub_private_dns)
    _spoke(workload, ids, route=spoke_route)
    if not hub_private_dns:
        for key in SERVICES:
            zone, record = zone_and_record(key, zone_suffix)
            regional = network.endpoints[ids[key]].dns_entries[0].dns_name
            ids[f"zone-{key}"] = network.hosted_zone(zone, [ids["hub"], ids["spoke"]],
                                                     [r.RecordSet(record, "A", (), regional)])
        if one_account:
            return network.snapshot(), ids
        # The workload account lists the zones associated with its VPC but cannot read their records.
        workload.zones += [replace(z, vpcs=(r.VpcAssociation(ids["spoke"], REGION),), record_sets=(),
                                   record_sets_collected=False) for z in network.zones]
    return (network.snapshot() if one_account else multi_account_snapshot(network, workload)), ids
