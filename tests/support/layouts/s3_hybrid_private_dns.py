"""Hybrid access to Amazon S3: an interface endpoint for on-premises clients, the gateway endpoint
for the VPC, private DNS answered only through an inbound Resolver endpoint (us-east-1).

https://aws.amazon.com/blogs/storage/introducing-private-dns-support-for-amazon-s3-with-aws-privatelink/
(Figure 1, "Setup when connecting from on premises over Direct Connect or Site-to-Site VPN"),
https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html#private-dns
and the AWS PrivateLink guide's "Private DNS for Amazon S3 interface endpoints"
(https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html).

As the blog post builds it: a VPC connected to the on-premises network through a virtual private
gateway (Direct Connect or Site-to-Site VPN; the on-premises range is routed to the gateway);
an S3 gateway endpoint on the VPC's route table for the instances in the VPC; an S3 interface
endpoint in two AZs with private DNS on and "Enable private DNS only for inbound endpoints"
selected (``DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint = true``, the console's default
for S3); a Route 53 Resolver inbound endpoint in the same two subnets, to which the on-premises
DNS servers forward ``s3.us-east-1.amazonaws.com``. The interface endpoint's group admits HTTPS
from the on-premises range, the Resolver endpoint's group DNS (TCP and UDP 53) from it. The post
gives no addresses: the VPC is 10.0.0.0/16 and the on-premises network 192.168.0.0/16 here.

``all_resolvers=True`` is the near miss the post warns about: the option cleared, so private DNS
answers every resolver and the VPC's own instances resolve S3 to the interface endpoint.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-east-1"
ON_PREMISES = "192.168.0.0/16"
VGW = "vgw-0a1b2c3d4e5f60718"


def build(*, all_resolvers: bool = False, instances: int = 2) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    # S3 offers both endpoint types under one service name; DescribeVpcEndpointServices lists its
    # interface endpoint's private DNS names as the Regional bucket name and its wildcard.
    b.service("s3", types=("Gateway", "Interface"),
              dns_names=[f"s3.{REGION}.amazonaws.com", f"*.s3.{REGION}.amazonaws.com"])
    vpc = b.vpc("10.0.0.0/16", name="s3-hybrid")
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az, name=f"s3-hybrid-private-{az}") for az in (1, 2)]
    route_table = b.route_table(vpc, subnets=subnets, routes={ON_PREMISES: VGW}, name="s3-hybrid-private")
    endpoint_sg = b.security_group(vpc, name="s3-interface-endpoint", ingress=[("tcp", 443, 443, ON_PREMISES)])
    resolver_sg = b.security_group(vpc, name="resolver-inbound",
                                   ingress=[("tcp", 53, 53, ON_PREMISES), ("udp", 53, 53, ON_PREMISES)])
    app_sg = b.security_group(vpc, name="app")
    ids = {"vpc": vpc, "route_table": route_table, "endpoint_sg": endpoint_sg, "resolver_sg": resolver_sg,
           "app_sg": app_sg}
    ids["s3_gateway"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table])
    ids["s3_interface"] = b.interface_endpoint(vpc, "s3", subnets=subnets, groups=[endpoint_sg], private_dns=True,
                                               inbound_only=not all_resolvers)
    ids["resolver"], _ = b.resolver_endpoint(vpc, subnets, [resolver_sg])
    for n in range(instances):
        ids[f"instance{n + 1}"] = b.workload(subnets[n % 2], groups=[app_sg], description="Primary network interface")
    return b.snapshot(), ids
