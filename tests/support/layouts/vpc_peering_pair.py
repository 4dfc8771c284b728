"""Two VPCs peered together, routes to the whole peer VPC, interface endpoints in one of them.

https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-full-access.html
  ("Two VPCs peered together", read 2026; the older source in awsdocs/amazon-vpc-peering-guide,
  doc_source/peering-configurations-full-access.md at 043d5f9b24e85f98f016ab23d990028bf684730b,
  says the same: "The route tables for each VPC point to the relevant VPC peering connection to
  access the entire CIDR block of the peer VPC")
https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html
https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html
https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html
https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html
https://github.com/grem11n/terraform-aws-vpc-peering (main.tf at 5b8a1c353bb61fd412d912bd3358f57e1598db95,
  locals.tf at 13251907377d8cc5da44a23fc1c1a406d60f6edd, examples/single-account-single-region-with-options
  at 138cc96f3eab7d6961689a3c356391cd67bbaaf2)

As the Peering Guide's configuration builds it, in one account and Region (us-east-1): VPC A and
VPC B, CIDR blocks that do not overlap, one peering connection ``pcx-…`` between them; "Update the
route table for each VPC with a route that sends traffic for the CIDR block of the peer VPC to
the VPC peering connection". The Terraform module does it for every route table of each VPC
(``data.aws_route_tables`` of the VPC, times the peer VPC's ``cidr_block``), and its "with
options" example turns on DNS resolution for both sides (``allow_remote_vpc_dns_resolution``),
which needs DNS support and DNS hostnames in both VPCs (both on here).

What the sources leave open, assumed: VPC A (10.0.0.0/16) is a shared-services VPC holding the
interface endpoints for Systems Manager (ssm, ssmmessages, ec2messages), CloudWatch Logs and STS
in its two private subnets, private DNS on, behind one security group ``endpoints`` that admits
HTTPS from A's CIDR and — the Peering Guide's "reference security groups for peered VPCs" —
from VPC B's ``app`` group (same account and Region, so the bare ``sg-…`` id). VPC B
(10.1.0.0/16) runs workloads in two private subnets, one route table per AZ (as
terraform-aws-vpc makes them), both routing 10.0.0.0/16 to the peering. Neither VPC has an
internet gateway or NAT gateway: the endpoints are the way to the services. The endpoints'
private DNS answers in VPC A only (AWS's managed zone "only works within the VPC with the
interface endpoint", multi-VPC whitepaper), so VPC B's workloads call A's endpoints by their
endpoint-specific names (``vpce-….ssm.us-east-1.vpce.amazonaws.com``), which resolve anywhere.
The peering's DNS resolution option is not in the snapshot (no peering connection records are
collected); it concerns instances' public DNS hostnames, not endpoint names. No flow logs: the
guide creates none.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-east-1"
SERVICES = ("ssm", "ssmmessages", "ec2messages", "logs", "sts")
CIDR_A = "10.0.0.0/16"
CIDR_B = "10.1.0.0/16"


def build(*, endpoint_sources: str = "peer-group", own_cidr: bool = True, return_route: bool = True,
          b_tables_routed: tuple[int, ...] = (1, 2)) -> tuple[Snapshot, dict[str, str]]:
    """The layout; near misses by option.

    ``endpoint_sources``: whom from VPC B the endpoints' group admits on 443 — ``peer-group``
    (B's app group, the Peering Guide's way), ``peer-cidr`` (B's CIDR) or ``none``. ``own_cidr``:
    whether it admits A's CIDR too. ``return_route``: whether A's route table routes B's CIDR to the peering.
    ``b_tables_routed``: which of B's per-AZ route tables (1, 2) route A's CIDR to the peering.
    """
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc_a = b.vpc(CIDR_A, name="shared-services")
    vpc_b = b.vpc(CIDR_B, name="workload")
    pcx = b.new_id("pcx")
    ids = {"vpc_a": vpc_a, "vpc_b": vpc_b, "pcx": pcx}

    private_a = [b.subnet(vpc_a, f"10.0.{az}.0/24", az=az, name=f"shared-services-private-{az}") for az in (1, 2)]
    ids["rt_a"] = b.route_table(vpc_a, subnets=private_a, routes={CIDR_B: pcx} if return_route else {},
                                name="shared-services-private")
    app_a = ids["app_a"] = b.security_group(vpc_a, name="app")
    for subnet in private_a:
        b.workload(subnet, groups=[app_a], description="Primary network interface")

    app_b = ids["app_b"] = b.security_group(vpc_b, name="app")
    for az in (1, 2):
        subnet = ids[f"private_b{az}"] = b.subnet(vpc_b, f"10.1.{az}.0/24", az=az, name=f"workload-private-{az}")
        ids[f"rt_b{az}"] = b.route_table(vpc_b, subnets=[subnet], routes={CIDR_A: pcx} if az in b_tables_routed
                                         else {}, name=f"workload-private-{az}")
        ids[f"eni_b{az}"] = b.workload(subnet, groups=[app_b], description="Primary network interface")

    ingress = [("tcp", 443, 443, CIDR_A)] if own_cidr else []
    if endpoint_sources == "peer-group":
        ingress.append(("tcp", 443, 443, app_b))
    elif endpoint_sources == "peer-cidr":
        ingress.append(("tcp", 443, 443, CIDR_B))
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc_a, name="endpoints", ingress=ingress)
    for service in SERVICES:
        ids[service] = b.interface_endpoint(vpc_a, service, subnets=private_a, groups=[endpoint_sg])
    return b.snapshot(), ids
