"""Hybrid connectivity over AWS Direct Connect: a Direct Connect gateway associated with a transit
gateway (reached from on premises over a transit virtual interface), two spoke VPCs attached to
the transit gateway, Systems Manager interface endpoints in each spoke and a Route 53 Resolver
inbound endpoint for on-premises clients (us-west-1).

Sources:

- the aws-samples repository "AWS Site-to-Site VPN Private IP VPN",
  https://github.com/aws-samples/aws-site-to-site-vpn-private-ip-vpn/tree/c8c6fb6a21ddc631bb3be729ad2ececcf37b0278
  (its last commit, 2023-04-29): ``terraform/main.tf`` (step 1 ``aws_dx_gateway``, ASN 64531;
  step 2 ``aws_ec2_transit_gateway``, ASN 64532, default route table association and propagation
  disabled; step 3 ``aws_dx_gateway_association`` of the two, ``allowed_prefixes`` 10.0.0.0/8;
  one transit gateway route table every spoke attachment is associated with and propagates
  to), ``terraform/locals.tf`` (the spokes, groups and endpoints), ``terraform/variables.tf``
  (Region us-west-1), ``modules/compute`` and ``modules/vpc_endpoints``. Its README: "The AWS
  Direct Connect connection and Transit VIF required to finish the end-to-end connectivity are
  not built in this example". Its spokes come from ``aws-ia/vpc`` 1.4.1
  (https://github.com/aws-ia/terraform-aws-vpc/tree/ca35ca9662e0ba87d2972c85980741fe3d58d19d:
  DNS support and hostnames on by default; one route table per AZ for the private subnets, the
  ``route_to_transit_gateway`` prefix on each, one per AZ for the transit gateway subnets with
  the local route only; the flow log the sample asks for, to CloudWatch Logs);
- the Direct Connect User Guide, "AWS Direct Connect gateways and transit gateway associations"
  (https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html,
  current page, read 2026-12-07): the gateway connects a connection "over a transit virtual
  interface to the VPCs or VPNs that are attached to your transit gateway" (the sample's
  ``variables.tf``: the allowed prefixes "are the CIDR announcements to on premises");
- the whitepaper "Building a Scalable and Secure Multi-VPC AWS Network Infrastructure"
  (https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/),
  its hybrid connectivity section on Direct Connect with a transit gateway, named for the
  pattern only: its page was not at hand, so nothing here rests on its wording (the Direct
  Connect User Guide above says what is used);
- the Route 53 Developer Guide, "Resolving DNS queries between VPCs and your network"
  (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-DSN-queries-to-vpc.html,
  same date): an inbound endpoint's group must admit TCP and UDP 53 from the resolvers on
  premises.

Built (``build()``), as the sample declares it: ``spoke-vpc-a`` 10.0.0.0/24 and ``spoke-vpc-b``
10.0.1.0/24, ``number_azs = 1`` (the sample's default; ``azs=2`` builds the README's
"best practices" form), so one private subnet 10.0.n.0/26 (10.0.n.64/26 in the second AZ) on
its own table sending 0.0.0.0/0 to the transit gateway (the sample's ``route_to_transit_gateway
= ["0.0.0.0/0"]``: every destination beyond the VPC, on premises included, goes to the transit
gateway), one transit gateway subnet 10.0.n.192/28 (10.0.n.208/28) on a table with the local
route, the attachment's interface in it, a flow log of all traffic. Per spoke: ``instance_sg``
(ICMP and TCP 80 from 0.0.0.0/0, all out) with one instance per private subnet;
``endpoints_sg`` (TCP 443 from 0.0.0.0/0, all out) on the ``ssm``, ``ssmmessages`` and
``ec2messages`` interface endpoints, private DNS on, no policy (AWS's default), in the private
subnets. No internet gateway, NAT gateway, S3 or DynamoDB gateway endpoint.

Not in a VPC snapshot and so not built: the Direct Connect gateway, its association and allowed
prefixes, the transit VIF, the transit gateway and its route table, the Private IP VPN the
sample runs over the Direct Connect attachment. The transit gateway appears only as the routes'
target and as its attachments' interfaces.

Added to the sample, and assumed:

- Region us-west-1 as the sample's default; this account's AZs usw1-az1 and usw1-az3.
- The on-premises network is 192.168.0.0/16 (the sample's customer gateway address, 10.0.0.1, is
  a placeholder inside ``spoke-vpc-a``'s own block, so it cannot stand for on premises),
  advertised over the transit VIF and reached from the spokes through their 0.0.0.0/0 route.
- A Route 53 Resolver inbound endpoint in ``spoke-vpc-a`` (the layout's "on-premises clients
  resolving through an inbound endpoint", so that the spokes' endpoint names resolve on
  premises to the endpoints): two addresses, in the private subnet of each AZ (both in the one
  private subnet when ``azs=1``; Resolver asks for two addresses, two AZs recommended), group
  ``resolver-inbound`` (TCP and UDP 53 from 192.168.0.0/16, all out). Its interfaces as
  DescribeNetworkInterfaces reports them, as ``hybrid_dns_resolver`` models them: InterfaceType
  ``interface`` (botocore's ``NetworkInterfaceType`` has no Resolver value), requester-managed,
  described ``Route 53 Resolver: rslvr-in-…:rni-…``, in the endpoint's group, on no instance,
  untagged.
- The transit gateway attachments' interfaces: InterfaceType ``transit_gateway`` (botocore),
  requester-managed, described ``Network Interface for Transit Gateway Attachment
  tgw-attach-…``, no group; the endpoints' ``vpc_endpoint``, requester-managed, described
  ``VPC Endpoint Interface vpce-…``; the instances' primary interfaces ``interface``, not
  requester-managed, described ``Primary network interface``, attached to their instance.

Near misses:

- ``unrouted="b"``: ``spoke-vpc-b``'s private table without its transit gateway route (a
  spoke added by hand, the route forgotten): local route only, on premises unreachable.
- ``detached="b"``: ``spoke-vpc-b``'s transit gateway attachment deleted and its 0.0.0.0/0
  route left behind. DescribeRouteTables reports the route ``State: blackhole`` (API ``Route``:
  the target "isn't available"; assumed for a transit gateway the VPC is no longer attached
  to); the attachment's interface is gone.
- ``resolver_sources="vpc"``: the inbound endpoint's group admitting TCP and UDP 53 from
  ``spoke-vpc-a``'s block only, not from on premises: every on-premises query times out.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-west-1"
AZ_IDS = ("usw1-az1", "usw1-az3")  # this account's us-west-1a and us-west-1c (assumed)
TGW = "tgw-0b7e3c9a1d5f24680"
IDENTIFIER = "private-ip-vpn-example"
ON_PREMISES = "192.168.0.0/16"
ANY4 = "0.0.0.0/0"
ALL_OUT = ("-1", None, None, ANY4)
DNS = (("tcp", 53, 53), ("udp", 53, 53))
SSM_SERVICES = ("ssm", "ssmmessages", "ec2messages")
# locals.tf: spoke name → (VPC block, private subnets, transit gateway subnets).
SPOKES = {"a": ("10.0.0.0/24", ("10.0.0.0/26", "10.0.0.64/26"), ("10.0.0.192/28", "10.0.0.208/28")),
          "b": ("10.0.1.0/24", ("10.0.1.0/26", "10.0.1.64/26"), ("10.0.1.192/28", "10.0.1.208/28"))}


def _spoke(b: AwsRegionBuilder, key: str, azs: int, ids: dict[str, str], *, routed: bool, attached: bool) -> None:
    """``spoke-vpc-<key>`` as aws-ia/vpc 1.4.1 builds it from locals.tf, with the sample's compute
    and vpc_endpoints modules."""
    name = f"spoke-vpc-{key}"
    cidr, private_cidrs, tgw_cidrs = SPOKES[key]
    vpc = ids[f"spoke_{key}"] = b.vpc(cidr, name=name, dns_support=True, dns_hostnames=True)
    instance_sg = ids[f"{key}_instance_sg"] = b.security_group(
        vpc, name="instance_sg", ingress=[("icmp", -1, -1, ANY4), ("tcp", 80, 80, ANY4)], egress=[ALL_OUT])
    private, tgw_subnets = [], []
    for az in range(1, azs + 1):
        az_name = b.azs[az - 1][0]
        subnet = ids[f"{key}_private{az}"] = b.subnet(vpc, private_cidrs[az - 1], az=az, name=f"private-{az_name}")
        table = ids[f"{key}_private_rt{az}"] = b.route_table(vpc, subnets=[subnet], name=f"private-{az_name}")
        if routed:
            b.route(table, ANY4, TGW, state="active" if attached else "blackhole")
        tgw_subnet = ids[f"{key}_tgw{az}"] = b.subnet(vpc, tgw_cidrs[az - 1], az=az, name=f"tgw-{az_name}")
        b.route_table(vpc, subnets=[tgw_subnet], name=f"tgw-{az_name}")
        private.append(subnet)
        tgw_subnets.append(tgw_subnet)
        eni = ids[f"{key}_instance{az}"] = b.workload(subnet, groups=[instance_sg],
                                                      description="Primary network interface")
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    if attached:
        ids[f"{key}_attachment"] = b.tgw_attachment(vpc, TGW, tgw_subnets)
    endpoint_sg = ids[f"{key}_endpoints_sg"] = b.security_group(
        vpc, name="endpoints_sg", ingress=[("tcp", 443, 443, ANY4)], egress=[ALL_OUT])
    for service in SSM_SERVICES:
        ids[f"{key}_{service}"] = b.interface_endpoint(vpc, service, subnets=private, groups=[endpoint_sg])
    b.flow_log(vpc)


def build(*, azs: int = 1, unrouted: str | None = None, detached: str | None = None,
          resolver_sources: str = "on_premises") -> tuple[Snapshot, dict[str, str]]:
    """The sample (``azs``: its ``number_azs``) with the inbound Resolver endpoint; ``unrouted`` /
    ``detached``: the spoke ("a" or "b") left without its transit gateway route or attachment;
    ``resolver_sources``: "on_premises" or "vpc", what the inbound endpoint's group admits."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    ids: dict[str, str] = {"tgw": TGW}
    for key in SPOKES:
        _spoke(b, key, azs, ids, routed=key != unrouted, attached=key != detached)
    source = ON_PREMISES if resolver_sources == "on_premises" else SPOKES["a"][0]
    resolver_sg = ids["resolver_sg"] = b.security_group(
        ids["spoke_a"], name="resolver-inbound", ingress=[(p, lo, hi, source) for p, lo, hi in DNS], egress=[ALL_OUT])
    subnets = [ids[f"a_private{az}"] for az in range(1, azs + 1)]
    ids["inbound"], enis = b.resolver_endpoint(ids["spoke_a"], (subnets * 2)[:2], [resolver_sg])
    ids |= {f"inbound_eni{n}": eni for n, eni in enumerate(enis, start=1)}
    return b.snapshot(), ids
