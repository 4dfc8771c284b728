"""terraform-aws-modules/terraform-aws-vpc v6.6.0, ``examples/ipv6-dualstack`` (eu-west-1).

https://github.com/terraform-aws-modules/terraform-aws-vpc/blob/v6.6.0/examples/ipv6-dualstack/main.tf

A dual-stack VPC (10.0.0.0/16 and an Amazon-provided /56): public, private and database subnets
in three AZs, each with a /64 (prefixes 0-2, 3-5, 6-8). Public subnets route 0.0.0.0/0 and ::/0
to the internet gateway; a NAT gateway in each public subnet (``enable_nat_gateway`` without
``single_nat_gateway``), and a route table per private subnet sending 0.0.0.0/0 to its AZ's NAT
gateway and ::/0 to the egress-only internet gateway; the database subnets get their own route
table with both default routes to the internet gateway (``create_database_internet_gateway_route``).
The module's default security group is stripped of its rules (``manage_default_security_group``),
the default NACL and main route table adopted unchanged. No endpoints, no flow log, no workloads.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

NAME = "ex-ipv6-dualstack"
V6 = "2a05:d018:1a2b:3c00"  # the VPC's /56 is 2a05:d018:1a2b:3c00::/56


def build() -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "eu-west-1", ("euw1-az3", "euw1-az1", "euw1-az2"))
    vpc = b.vpc("10.0.0.0/16", name=NAME, ipv6_cidrs=[f"{V6}::/56"])
    default_sg = b.default_group(vpc)
    b.groups[default_sg] = replace(b.groups[default_sg], rules=())
    igw = b.igw(vpc)
    eigw = b.eigw(vpc)
    public_rt = b.route_table(vpc, routes={"0.0.0.0/0": igw, "::/0": igw}, name=f"{NAME}-public")
    database_rt = b.route_table(vpc, routes={"0.0.0.0/0": igw, "::/0": igw}, name=f"{NAME}-database")
    ids: dict[str, str] = {"vpc": vpc, "igw": igw, "eigw": eigw}
    for i, az in enumerate("abc"):
        public = b.subnet(vpc, f"10.0.{4 + i}.0/24", az=i + 1, name=f"{NAME}-public-eu-west-1{az}",
                          ipv6_cidrs=[f"{V6[:-1]}{i}::/64"])
        private = b.subnet(vpc, f"10.0.{i}.0/24", az=i + 1, name=f"{NAME}-private-eu-west-1{az}",
                           ipv6_cidrs=[f"{V6[:-1]}{3 + i}::/64"])
        database = b.subnet(vpc, f"10.0.{8 + i}.0/24", az=i + 1, name=f"{NAME}-db-eu-west-1{az}",
                            ipv6_cidrs=[f"{V6[:-1]}{6 + i}::/64"])
        b.associate(public_rt, public)
        b.associate(database_rt, database)
        nat = b.nat(public)
        b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": nat, "::/0": eigw},
                      name=f"{NAME}-private-eu-west-1{az}")
        ids |= {f"public{i + 1}": public, f"private{i + 1}": private, f"database{i + 1}": database, f"nat{i + 1}": nat}
    return b.snapshot(), ids
