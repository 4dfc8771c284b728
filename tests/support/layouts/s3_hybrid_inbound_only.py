"""Hybrid access to Amazon S3 with private DNS "only for inbound endpoints": the VPC's workloads on
the S3 gateway endpoint, their groups letting HTTPS out to S3's prefix list alone, and an S3
interface endpoint for on-premises clients in two of the three AZs (us-east-1).

Sources: the Amazon S3 User Guide, "AWS PrivateLink for Amazon S3", section "Private DNS"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html#private-dns):
"If you have a gateway endpoint in your VPC, you can automatically route in-VPC requests over your
existing S3 gateway endpoint and on-premises requests over your interface endpoint … Your
on-premises applications can use AWS PrivateLink with the help of the inbound Resolver endpoint";
"When you enable private DNS names on an existing or new VPC interface endpoint for Amazon S3, the
**Enable private DNS only for inbound endpoints** option is selected by default. If this option is
selected, your applications use only interface endpoints for your on-premises traffic. This in-VPC
traffic automatically uses the lower-cost gateway endpoints"; and "To set
PrivateDnsOnlyForInboundResolverEndpoint to true, the VPC … must have a gateway endpoint for the
service". The AWS PrivateLink Guide's private DNS for AWS services
(https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html), with
the EC2 API reference's ``DnsOptionsSpecification``
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html): the
option "routes traffic that originates from the VPC to the gateway endpoint and traffic that
originates from on-premises to the interface endpoint". The AWS Storage Blog post that introduced
the option
(https://aws.amazon.com/blogs/storage/introducing-private-dns-support-for-amazon-s3-with-aws-privatelink/,
Figure 1: a virtual private gateway to on premises, the interface endpoint and an inbound Resolver
endpoint in two AZs, the on-premises DNS servers forwarding S3's names to the Resolver endpoint).
The workloads' egress is aws-samples/s3-gatewayendpoint-privatelink-privatesubnet
(``privatevpc-ec2ssm-s3endpoints.yml`` at d4ff2c6): the instance group's ``EC2EgressToS3``, TCP 443
to S3's prefix list ("Define egress route to S3 via Gateway Endpoint"), the gateway endpoint on the
private route table; the sample's other egress rule, 443 to the VPC for its Systems Manager
endpoints, has no endpoint to serve here and is left out, so the groups send HTTPS to S3's
public addresses and nowhere else — AWS's advice for gateway endpoints ("The security groups for
these instances must allow traffic to and from the service", PrivateLink Guide, gateway endpoints).

Built: VPC 10.0.0.0/16 (DNS support and hostnames on) with private subnets in use1-az1, az2 and
az4, one route table each sending the on-premises range (192.168.0.0/16; no source gives
addresses) to the virtual private gateway and nothing to the internet; the S3 gateway endpoint on
the three tables; the S3 interface endpoint in the first two subnets, private DNS on and
``PrivateDnsOnlyForInboundResolverEndpoint = true``, behind a group admitting TCP 443 from the
on-premises range only; the inbound Resolver endpoint in the same two subnets, its group admitting
TCP and UDP 53 from on premises; one instance in each subnet, in a group whose only rule is egress
TCP 443 to S3's prefix list.

Near misses: ``all_resolvers`` (the option cleared: private DNS answers the VPC's own queries),
``gateway_route_tables`` (the gateway endpoint on the first tables only: AWS asks for a gateway
endpoint in the VPC, not on every table), ``egress_to_vpc`` (the instances' group sending 443 to
the VPC's CIDR instead of the prefix list, "for the endpoints").
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")
VPC_CIDR = "10.0.0.0/16"
ON_PREMISES = "192.168.0.0/16"
VGW = "vgw-0f1e2d3c4b5a69788"
HTTPS = 443
INTERFACE_AZS = 2  # the interface and Resolver endpoints sit in the first two subnets, as in Figure 1


def build(*, all_resolvers: bool = False, gateway_route_tables: int = len(AZ_IDS),
          egress_to_vpc: bool = False) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    # S3 offers both endpoint types under one name; its interface endpoint's private DNS names are
    # the Regional bucket name and its wildcard (DescribeVpcEndpointServices).
    b.service("s3", types=("Gateway", "Interface"),
              dns_names=[f"s3.{REGION}.amazonaws.com", f"*.s3.{REGION}.amazonaws.com"])
    ids: dict[str, str] = {"vpc": b.vpc(VPC_CIDR, name="s3-hybrid")}
    subnets = [b.subnet(ids["vpc"], f"10.0.{n}.0/24", az=n, name=f"s3-hybrid-private-{az}")
               for n, az in enumerate(AZ_IDS, start=1)]
    tables = [b.route_table(ids["vpc"], subnets=[subnet], routes={ON_PREMISES: VGW}, name=f"s3-hybrid-private-{az}")
              for subnet, az in zip(subnets, AZ_IDS, strict=True)]
    ids |= {f"private{n}": s for n, s in enumerate(subnets, start=1)}
    ids |= {f"route_table{n}": t for n, t in enumerate(tables, start=1)}
    ids["s3_gateway"] = b.gateway_endpoint(ids["vpc"], "s3", route_tables=tables[:gateway_route_tables])
    ids["endpoint_sg"] = b.security_group(ids["vpc"], name="s3-interface-endpoint",
                                          ingress=[("tcp", HTTPS, HTTPS, ON_PREMISES)])
    ids["s3_interface"] = b.interface_endpoint(ids["vpc"], "s3", subnets=subnets[:INTERFACE_AZS],
                                               groups=[ids["endpoint_sg"]], private_dns=True,
                                               inbound_only=not all_resolvers)
    ids["resolver_sg"] = b.security_group(ids["vpc"], name="resolver-inbound",
                                          ingress=[("tcp", 53, 53, ON_PREMISES), ("udp", 53, 53, ON_PREMISES)])
    ids["resolver"], _ = b.resolver_endpoint(ids["vpc"], subnets[:INTERFACE_AZS], [ids["resolver_sg"]])
    s3_list = next(p.prefix_list_id for p in b.prefix_lists.values()
                   if p.prefix_list_name == f"com.amazonaws.{REGION}.s3")
    ids["app_sg"] = b.security_group(ids["vpc"], name="app",
                                     egress=[("tcp", HTTPS, HTTPS, VPC_CIDR if egress_to_vpc else s3_list)])
    for n, subnet in enumerate(subnets, start=1):
        ids[f"instance{n}"] = b.workload(subnet, groups=[ids["app_sg"]], description="Primary network interface")
    return b.snapshot(), ids
