"""Centralized egress: spokes reach the internet through a transit gateway and an egress VPC's NAT.

https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-egress-to-internet.html
https://docs.aws.amazon.com/vpc/latest/tgw/tgw-best-design-practices.html

As the whitepaper builds it (us-east-1, one account): an egress VPC (10.10.0.0/16) with a
public subnet and a NAT gateway per AZ, the public route table sending 0.0.0.0/0 to the
internet gateway and 10.0.0.0/8 back to the transit gateway, and a /28 transit gateway
attachment subnet per AZ whose route table sends 0.0.0.0/0 to that AZ's NAT gateway. Two spoke
VPCs (10.1.0.0/16, 10.2.0.0/16) run instances in private subnets whose only route beyond the VPC
is 0.0.0.0/0 to the transit gateway, with their own /28 attachment subnets (the transit gateway
route tables, which send spoke traffic to the egress attachment, are not part of a VPC
snapshot). No VPC endpoints. Every VPC has a flow log.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

TGW = "tgw-0a9b8c7d6e5f40312"


def build() -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("444455556666", "us-east-1", ("use1-az1", "use1-az2"))
    egress = b.vpc("10.10.0.0/16", name="egress")
    igw = b.igw(egress)
    public_rt = b.route_table(egress, routes={"0.0.0.0/0": igw, "10.0.0.0/8": TGW}, name="egress-public")
    ids: dict[str, str] = {"egress": egress, "igw": igw}
    attach = []
    for az in (1, 2):
        public = b.subnet(egress, f"10.10.{az}.0/24", az=az, name=f"egress-public-{az}")
        b.associate(public_rt, public)
        nat = b.nat(public)
        subnet = b.subnet(egress, f"10.10.255.{16 * (az - 1)}/28", az=az, name=f"egress-tgw-attach-{az}")
        b.route_table(egress, subnets=[subnet], routes={"0.0.0.0/0": nat}, name=f"egress-tgw-attach-{az}")
        attach.append(subnet)
        ids |= {f"nat{az}": nat, f"attach{az}": subnet}
    b.tgw_attachment(egress, TGW, attach)
    for n in (1, 2):
        spoke = b.vpc(f"10.{n}.0.0/16", name=f"spoke-{n}")
        private = [b.subnet(spoke, f"10.{n}.{az}.0/24", az=az, name=f"spoke-{n}-private-{az}") for az in (1, 2)]
        spoke_attach = [b.subnet(spoke, f"10.{n}.255.{16 * (az - 1)}/28", az=az, name=f"spoke-{n}-tgw-{az}")
                        for az in (1, 2)]
        b.route_table(spoke, subnets=private + spoke_attach, routes={"0.0.0.0/0": TGW}, name=f"spoke-{n}")
        b.tgw_attachment(spoke, TGW, spoke_attach)
        app = b.security_group(spoke, name="app")
        for subnet in private:
            b.workload(subnet, groups=[app], description="Primary network interface")
        ids[f"spoke{n}"] = spoke
    for vpc in b.vpcs:
        b.flow_log(vpc)
    return b.snapshot(), ids
