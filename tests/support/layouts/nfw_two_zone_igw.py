"""AWS Network Firewall, multi zone architecture with an internet gateway (us-east-1).

https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-two-zone-igw.html
(and arch-single-zone-igw.html for the route tables of one zone)

A VPC (10.0.0.0/16) whose two Availability Zones each hold a firewall subnet and a customer
subnet. The customer subnets' instances have public addresses; every customer subnet sends
0.0.0.0/0 to the firewall endpoint of its own zone, every firewall subnet sends 0.0.0.0/0 to the
internet gateway, and the internet gateway's own route table (an edge association) sends each
customer subnet's range to its zone's firewall endpoint. The firewall endpoints are what
DescribeVpcEndpoints reports for Network Firewall (``AwsRegionBuilder.firewall_endpoint``). The guide gives the customer
subnet of one zone as 10.0.2.0/24; the firewall subnets and the second zone's ranges are ours.
No NAT gateway, no VPC endpoints for AWS services, no flow log.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

NAME = "nfw-two-zone"


def build() -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "us-east-1", ("use1-az1", "use1-az2"))
    vpc = b.vpc("10.0.0.0/16", name=NAME)
    igw = b.igw(vpc)
    ids: dict[str, str] = {"vpc": vpc, "igw": igw}
    edge_routes: dict[str, str] = {}
    for i, (firewall_cidr, customer_cidr) in enumerate((("10.0.1.0/28", "10.0.2.0/24"),
                                                         ("10.0.3.0/28", "10.0.4.0/24"))):
        zone = i + 1
        firewall = b.subnet(vpc, firewall_cidr, az=zone, name=f"{NAME}-firewall-{zone}")
        customer = b.subnet(vpc, customer_cidr, az=zone, name=f"{NAME}-customer-{zone}")
        endpoint = b.firewall_endpoint(vpc, firewall)
        b.route_table(vpc, subnets=[firewall], routes={"0.0.0.0/0": igw}, name=f"{NAME}-firewall-{zone}")
        b.route_table(vpc, subnets=[customer], routes={"0.0.0.0/0": endpoint}, name=f"{NAME}-customer-{zone}")
        b.workload(customer)
        edge_routes[customer_cidr] = endpoint
        ids |= {f"firewall{zone}": firewall, f"customer{zone}": customer, f"endpoint{zone}": endpoint}
    ids["edge"] = b.edge_route_table(vpc, igw, edge_routes, f"{NAME}-igw-ingress")
    return b.snapshot(), ids
