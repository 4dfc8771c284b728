"""terraform-aws-modules/terraform-aws-vpc v6.6.0, ``examples/separate-route-tables`` (eu-west-1).

https://github.com/terraform-aws-modules/terraform-aws-vpc/blob/v6.6.0/examples/separate-route-tables/main.tf
(module defaults from the same tag's ``main.tf`` and ``variables.tf``).

As published: VPC 10.0.0.0/16 named ``ex-separate-route-tables`` (``path.cwd``'s basename), no
IPv6, DNS support and hostnames on; six tiers of /24s in the Region's first three AZs: private
10.0.0-2, public 10.0.4-6, database 10.0.8-10, ElastiCache 10.0.12-14, Redshift 10.0.16-18,
intra 10.0.20-22, each named ``<name>-<suffix>-<az>`` (suffixes public, private, db,
elasticache, redshift, intra). An internet gateway; one public route table (0.0.0.0/0 to it);
``single_nat_gateway``: one NAT gateway in the first public subnet and one private route table
(0.0.0.0/0 to it) for the three private subnets. ``create_database_subnet_route_table``,
``create_elasticache_subnet_route_table`` and ``create_redshift_subnet_route_table`` give each of
those tiers one route table of its own (one, not one per AZ: ``single_nat_gateway``), and the
intra subnets get theirs as always. None of the four has a route beyond the VPC: the example
leaves ``create_database_internet_gateway_route``, ``create_database_nat_gateway_route`` and
``enable_public_redshift`` at their default, false, and the module has no such routes for the
ElastiCache, Redshift or intra tables. The module manages the main route table (no routes), the
default security group (no rules) and the default NACL (100 allow all from/to 0.0.0.0/0, 101
allow all from/to ::/0), which every subnet keeps (no ``*_dedicated_network_acl``). No flow log,
no endpoints, no workloads.

``build(database_route=…)`` sets the example's database route options: ``"nat"`` is
``create_database_nat_gateway_route = true`` (the database table sends 0.0.0.0/0 to the NAT
gateway), ``"igw"`` is ``create_database_internet_gateway_route = true`` (to the internet
gateway). ``build(s3_endpoint=True)`` adds what the example does not: an S3 gateway endpoint on
the private route table alone (the module's ``vpc-endpoints`` submodule with ``route_table_ids =
module.vpc.private_route_table_ids``), the subnets that pay NAT processing for S3.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

NAME = "ex-separate-route-tables"
TAGS = {"Example": NAME, "GithubRepo": "terraform-aws-vpc", "GithubOrg": "terraform-aws-modules"}
ANY4, ANY6 = "0.0.0.0/0", "::/0"
# tier → (third octet of its first /24, the module's subnet suffix); the example's cidrsubnet offsets
TIERS = {"private": (0, "private"), "public": (4, "public"), "database": (8, "db"),
         "elasticache": (12, "elasticache"), "redshift": (16, "redshift"), "intra": (20, "intra")}
# default_network_acl_ingress / _egress defaults, then AWS's IPv4 '*' deny. The VPC has no IPv6
# block, so AWS adds no 32768 '*' entry for ::/0; the module's 101 ::/0 entries are created as
# written (entries are not checked against the VPC's address families).
DEFAULT_ENTRIES = tuple(
    r.NaclEntry(number, egress, "-1", action, cidr if ":" not in cidr else None, cidr if ":" in cidr else None,
                None, None)
    for egress in (False, True)
    for number, action, cidr in ((100, "allow", ANY4), (101, "allow", ANY6), (32767, "deny", ANY4)))


def build(*, database_route: str | None = None, s3_endpoint: bool = False) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "eu-west-1", ("euw1-az3", "euw1-az1", "euw1-az2"))
    vpc = b.vpc("10.0.0.0/16", name=NAME)
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    igw = b.igw(vpc)
    for resource, name in ((main_rt, f"{NAME}-default"), (default_sg, f"{NAME}-default"),
                           (default_acl, f"{NAME}-default"), (igw, NAME)):
        b.tag(resource, {"Name": name, **TAGS})
    subnets: dict[str, list[str]] = {}
    for tier, (offset, suffix) in TIERS.items():
        subnets[tier] = []
        for i, az in enumerate("abc"):
            subnet = b.subnet(vpc, f"10.0.{offset + i}.0/24", az=i + 1, name=f"{NAME}-{suffix}-eu-west-1{az}")
            b.tag(subnet, TAGS)
            subnets[tier].append(subnet)
    public_rt = b.route_table(vpc, subnets=subnets["public"], routes={ANY4: igw}, name=f"{NAME}-public")
    nat = b.nat(subnets["public"][0])
    b.tag(nat, {"Name": f"{NAME}-eu-west-1a", **TAGS})
    private_rt = b.route_table(vpc, subnets=subnets["private"], routes={ANY4: nat}, name=f"{NAME}-private")
    ids = {"vpc": vpc, "igw": igw, "nat": nat, "main_rt": main_rt, "public_rt": public_rt, "private_rt": private_rt,
           "default_sg": default_sg, "default_acl": default_acl}
    database_routes = {"nat": {ANY4: nat}, "igw": {ANY4: igw}, None: {}}[database_route]
    for tier, suffix in (("database", "db"), ("redshift", "redshift"), ("elasticache", "elasticache"),
                         ("intra", "intra")):
        routes = database_routes if tier == "database" else {}
        ids[f"{tier}_rt"] = b.route_table(vpc, subnets=subnets[tier], routes=routes, name=f"{NAME}-{suffix}")
    for table in (public_rt, private_rt, *(ids[f"{t}_rt"] for t in ("database", "redshift", "elasticache", "intra"))):
        b.tag(table, TAGS)
    ids |= {f"{tier}{i + 1}": s for tier, ss in subnets.items() for i, s in enumerate(ss)}
    if s3_endpoint:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[private_rt])
    return b.snapshot(), ids
