"""Hybrid access to Amazon DynamoDB: the VPC's workloads on the DynamoDB gateway endpoint, an
interface endpoint (AWS PrivateLink for DynamoDB) in three AZs for on-premises clients over Site-to-
Site VPN or Direct Connect, reached by its endpoint-specific DNS names (us-east-1).

Source: the Amazon DynamoDB Developer Guide, "AWS PrivateLink for DynamoDB"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-interface-endpoints.html,
current page, read 2026-12-06), section "Using gateway endpoints and interface endpoints together in
the same Amazon VPC to access DynamoDB" and its figure: in-VPC applications keep using the gateway
endpoint, "which is not billed", with the default Regional DynamoDB names; only on-premises
applications use the interface endpoint, and they "must" be updated to use its endpoint-specific DNS
names. What the page says of DNS, and why this layout is not S3's: AWS PrivateLink for DynamoDB
"does not support" private and hybrid DNS services; it warns against private hosted zones that
override DynamoDB's names (``dynamodb.<region>.amazonaws.com``, ``*.<region>.amazonaws.com``),
since DynamoDB's DNS configuration may change and such overrides can send requests to public
addresses instead of the endpoint; clients are to use the endpoint's URL directly. The endpoint-
specific names are Regional (``vpce-…-….dynamodb.us-east-1.vpce.amazonaws.com``) and zonal
(``vpce-…-…-us-east-1a.dynamodb…``); "When using endpoint-specific DNS names … you don't have to
update your on-premises DNS resolver", they resolve to the endpoint's private addresses from public
DNS — so no Route 53 Resolver inbound endpoint is needed, and none is built. The page recommends "a
minimum of three availability zones". The aws-cdk pull request that added the DynamoDB interface
endpoint (aws/aws-cdk#30162, merged) sets private DNS off by default for it, quoting the
same restriction. The gateway endpoint side: the AWS PrivateLink Guide, "Gateway endpoints for Amazon
DynamoDB" (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html): the instances'
outbound rules must allow traffic to DynamoDB, "You can use the prefix list ID for DynamoDB as the
destination in the outbound rule".

Built: VPC 10.0.0.0/16 (DNS support and hostnames on), private subnets in use1-az1, az2 and az4,
one route table each sending the on-premises range (192.168.0.0/16; the guide gives no addresses)
to the virtual private gateway, nothing to the internet; the DynamoDB gateway endpoint on the three
tables; the DynamoDB interface endpoint in the three subnets, private DNS off, behind a group
admitting TCP 443 from the on-premises range only; one instance per subnet in a group whose only
rule is egress TCP 443 to DynamoDB's prefix list. Both endpoints keep AWS's default full-access
policy (the guide's table-scoped policy is an example, not a step).

Assumptions. DescribeVpcEndpointServices lists ``com.amazonaws.us-east-1.dynamodb`` with both
types, base DNS name ``dynamodb.us-east-1.vpce.amazonaws.com`` and no PrivateDnsName(s): private
DNS is unsupported, and CreateVpcEndpoint with PrivateDnsEnabled is assumed refused as for any
service without a private DNS name. The interface endpoint as DescribeVpcEndpoints reports it:
PrivateDnsEnabled false, DnsOptions without ``PrivateDnsOnlyForInboundResolverEndpoint`` (the
option is for private DNS; recorded as unknown), one DNS entry (the Regional name; the zonal ones
are left out). Its network interfaces, as DescribeNetworkInterfaces reports them: InterfaceType
``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed, described ``VPC Endpoint
Interface vpce-…``, carrying the endpoint's group, attached to no instance. An instance's primary
interface: ``interface``, not requester-managed, described ``Primary network interface``. The VPN
connection and gateway are not in the snapshot; only the routes to ``vgw-…`` are. Current SDKs call
DynamoDB at account-based names (``<account-id>.ddb.us-east-1.amazonaws.com``, AWS SDKs and Tools
Reference Guide, "Account-based endpoints"); assumed to resolve to addresses of DynamoDB's prefix
list, as the Regional name does, so the gateway endpoint carries them too.

Near misses: ``gateway_endpoint=False`` (the guide's other figure without its endpoint-specific
names: no gateway endpoint, the instances still calling the default names); ``dns_override=True``
(S3's hybrid DNS copied: a private hosted zone ``dynamodb.us-east-1.amazonaws.com`` aliasing the
interface endpoint, associated with the VPC, and an inbound Resolver endpoint in two subnets for the
on-premises forwarders — what the guide says not to do; DynamoDB's nearest form of S3's "private DNS
for all resolvers"); ``on_premises_routes=False`` (the tables without the route to the virtual
private gateway and without propagation); ``interface_azs=2`` (the interface endpoint in use1-az1
and az2 only).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")
VPC_CIDR = "10.0.0.0/16"
ON_PREMISES = "192.168.0.0/16"
VGW = "vgw-0c4d5e6f708192a3b"
HTTPS = 443
REGIONAL_NAME = f"dynamodb.{REGION}.amazonaws.com"
RESOLVER_AZS = 2  # dns_override's inbound Resolver endpoint: two addresses, the fewest Resolver takes


def build(*, gateway_endpoint: bool = True, dns_override: bool = False, on_premises_routes: bool = True,
          interface_azs: int = len(AZ_IDS)) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    # Both endpoint types under one name; no private DNS name for the interface type (docstring).
    b.service("dynamodb", types=("Gateway", "Interface"), dns_names=[])
    ids: dict[str, str] = {"vpc": b.vpc(VPC_CIDR, name="ddb-hybrid")}
    subnets = [b.subnet(ids["vpc"], f"10.0.{n}.0/24", az=n, name=f"ddb-hybrid-private-{az}")
               for n, az in enumerate(AZ_IDS, start=1)]
    routes = {ON_PREMISES: VGW} if on_premises_routes else {}
    tables = [b.route_table(ids["vpc"], subnets=[subnet], routes=routes, name=f"ddb-hybrid-private-{az}")
              for subnet, az in zip(subnets, AZ_IDS, strict=True)]
    ids |= {f"private{n}": s for n, s in enumerate(subnets, start=1)}
    ids |= {f"route_table{n}": t for n, t in enumerate(tables, start=1)}
    if gateway_endpoint:
        ids["ddb_gateway"] = b.gateway_endpoint(ids["vpc"], "dynamodb", route_tables=tables)
    ids["endpoint_sg"] = b.security_group(ids["vpc"], name="ddb-interface-endpoint",
                                          ingress=[("tcp", HTTPS, HTTPS, ON_PREMISES)])
    ids["ddb_interface"] = b.interface_endpoint(ids["vpc"], "dynamodb", subnets=subnets[:interface_azs],
                                                groups=[ids["endpoint_sg"]], private_dns=False)
    ddb_list = next(p.prefix_list_id for p in b.prefix_lists.values()
                    if p.prefix_list_name == f"com.amazonaws.{REGION}.dynamodb")
    ids["app_sg"] = b.security_group(ids["vpc"], name="app", egress=[("tcp", HTTPS, HTTPS, ddb_list)])
    for n, subnet in enumerate(subnets, start=1):
        ids[f"instance{n}"] = b.workload(subnet, groups=[ids["app_sg"]], description="Primary network interface")
    if dns_override:
        ids["resolver_sg"] = b.security_group(ids["vpc"], name="resolver-inbound",
                                              ingress=[("tcp", 53, 53, ON_PREMISES), ("udp", 53, 53, ON_PREMISES)])
        ids["resolver"], _ = b.resolver_endpoint(ids["vpc"], subnets[:RESOLVER_AZS], [ids["resolver_sg"]])
        regional = b.endpoints[ids["ddb_interface"]].dns_entries[0].dns_name
        ids["zone"] = b.hosted_zone(REGIONAL_NAME, [ids["vpc"]],
                                    [r.RecordSet(REGIONAL_NAME, "A", (), regional)])
    return b.snapshot(), ids
