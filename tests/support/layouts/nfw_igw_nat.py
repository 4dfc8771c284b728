"""AWS Network Firewall, architecture with an internet gateway and a NAT gateway (us-east-1).

https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html

One Availability Zone: a customer subnet of private instances sending 0.0.0.0/0 to a NAT
gateway; the NAT gateway's subnet sending 0.0.0.0/0 to the firewall endpoint; the firewall
subnet sending 0.0.0.0/0 to the internet gateway; and the internet gateway's edge route table
sending the NAT gateway subnet's range to the firewall endpoint, so that traffic is inspected
both ways. The firewall endpoint as DescribeVpcEndpoints reports Network Firewall's
(``AwsRegionBuilder.firewall_endpoint``). CIDRs are ours. No VPC endpoints for AWS services, no flow log.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

NAME = "nfw-igw-nat"


def build() -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "us-east-1", ("use1-az1",))
    vpc = b.vpc("10.0.0.0/16", name=NAME)
    igw = b.igw(vpc)
    firewall = b.subnet(vpc, "10.0.1.0/28", name=f"{NAME}-firewall")
    nat_subnet = b.subnet(vpc, "10.0.2.0/24", name=f"{NAME}-nat")
    customer = b.subnet(vpc, "10.0.3.0/24", name=f"{NAME}-customer")
    endpoint = b.firewall_endpoint(vpc, firewall)
    nat = b.nat(nat_subnet)
    b.route_table(vpc, subnets=[firewall], routes={"0.0.0.0/0": igw}, name=f"{NAME}-firewall")
    b.route_table(vpc, subnets=[nat_subnet], routes={"0.0.0.0/0": endpoint}, name=f"{NAME}-nat")
    b.route_table(vpc, subnets=[customer], routes={"0.0.0.0/0": nat}, name=f"{NAME}-customer")
    workload = b.workload(customer)
    edge = b.edge_route_table(vpc, igw, {"10.0.2.0/24": endpoint}, f"{NAME}-igw-ingress")
    return b.snapshot(), {"vpc": vpc, "igw": igw, "firewall": firewall, "nat_subnet": nat_subnet,
                          "customer": customer, "endpoint": endpoint, "nat": nat, "workload": workload, "edge": edge}
