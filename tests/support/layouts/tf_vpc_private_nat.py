"""terraform-aws-modules/terraform-aws-vpc, ``examples/fully-private-nat-gateways`` (us-west-2).

https://github.com/terraform-aws-modules/terraform-aws-vpc/blob/master/examples/fully-private-nat-gateways/main.tf

A VPC of a routable primary CIDR (10.247.84.0/22) and a non-routable secondary one
(100.120.0.0/16), with no internet gateway (``create_igw = false``). Three "public" subnets in
the primary CIDR hold one **private** NAT gateway each (``nat_gateway_connectivity_type =
"private"``, fixed private IPs, one per AZ); their route table has only the local routes, as the
module creates it without an internet gateway. Three private subnets in the secondary CIDR, a
route table per AZ sending 0.0.0.0/0 to that AZ's private NAT gateway, and a transit gateway
attachment in them (``tgw-12345678``, to which the example adds no route). The module strips the
default security group of its rules (``manage_default_security_group``) and adopts the default
NACL and main route table unchanged. No endpoints, no flow log, no workloads.

``build(onward=True)`` completes it the way AWS documents the pattern ("Enable communication
between overlapping networks", NAT gateway scenarios in the Amazon VPC user guide): the NAT
subnets' route table sends 0.0.0.0/0 to the transit gateway, and the non-routable private
subnets hold the workloads (one instance each).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

NAME = "fully-private-nat-gateways"
PRIMARY, SECONDARY = "10.247.84.0/22", "100.120.0.0/16"
NAT_IPS = ("10.247.84.122", "10.247.85.204", "10.247.86.117")
TGW = "tgw-12345678"


def build(*, onward: bool = False) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "us-west-2", ("usw2-az2", "usw2-az1", "usw2-az3"))
    vpc = b.vpc(PRIMARY, name=NAME, extra_cidrs=[SECONDARY])
    # AWS adds a local route for every CIDR block to every route table, the main one included.
    main = b.main_route_table(vpc)
    b.route_tables[main] = replace(b.route_tables[main], routes=tuple(
        r.Route(cidr, "ipv4", "local", "local", "active", "CreateRouteTable") for cidr in (PRIMARY, SECONDARY)))
    default_sg = b.default_group(vpc)
    b.groups[default_sg] = replace(b.groups[default_sg], rules=())
    public_rt = b.route_table(vpc, name=f"{NAME}-public", routes={"0.0.0.0/0": TGW} if onward else None)
    ids: dict[str, str] = {"vpc": vpc}
    private_subnets = []
    for i, az in enumerate("abc"):
        public = b.subnet(vpc, f"10.247.{84 + i}.0/24", az=i + 1, name=f"{NAME}-public-us-west-2{az}")
        private = b.subnet(vpc, f"100.120.{4 * (i + 1)}.0/22", az=i + 1, name=f"{NAME}-private-us-west-2{az}")
        b.associate(public_rt, public)
        nat = b.nat(public, connectivity="private")
        address = b.nats[nat].addresses[0]
        b.nats[nat] = replace(b.nats[nat], addresses=(replace(address, public_ip=None, private_ip=NAT_IPS[i]),))
        b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": nat}, name=f"{NAME}-private-us-west-2{az}")
        private_subnets.append(private)
        if onward:
            ids[f"workload{i + 1}"] = b.workload(private)
        ids |= {f"public{i + 1}": public, f"private{i + 1}": private, f"nat{i + 1}": nat}
    ids["tgw_attachment"] = b.tgw_attachment(vpc, TGW, private_subnets)
    return b.snapshot(), ids
