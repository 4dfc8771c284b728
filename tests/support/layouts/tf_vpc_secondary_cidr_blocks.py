"""terraform-aws-modules/terraform-aws-vpc v6.6.0, ``examples/secondary-cidr-blocks`` (eu-west-1).

https://github.com/terraform-aws-modules/terraform-aws-vpc/blob/v6.6.0/examples/secondary-cidr-blocks/main.tf
(module defaults from the same tag's ``main.tf`` and ``variables.tf``; the tag is commit
82d1929e669efef4e2ad00611b8a68e7a56e049c).

As published: VPC 10.0.0.0/16 named ``ex-secondary-cidr-blocks`` with the secondary IPv4 blocks
10.1.0.0/16 and 10.2.0.0/16 (``aws_vpc_ipv4_cidr_block_association``), no IPv6, DNS support and
hostnames on. Nine private subnets, placed by ``element(azs, index)`` over the Region's first
three AZs: 10.0.0.0/20, 10.0.16.0/20, 10.0.32.0/20 in the primary block, 10.1.0.0/18,
10.1.64.0/18, 10.1.128.0/18 and 10.2.0.0/18, 10.2.64.0/18, 10.2.128.0/18 in the secondary ones
(a, b, c in each block), each named ``<name>-private-<az>``; three public subnets 10.0.48.0/24,
10.0.49.0/24, 10.0.50.0/24 on one public route table sending 0.0.0.0/0 to the internet gateway.
``enable_nat_gateway = false`` (the example's README still speaks of a single NAT gateway): no NAT
gateway, yet the module creates one private route table per private subnet (``nat_gateway_count``
is the longest subnet list, nine, when neither ``single_nat_gateway`` nor
``one_nat_gateway_per_az`` is set), each holding only the local routes. AWS gives every route
table of the VPC a local route per CIDR block, the main one included. The module manages the
main route table (no routes), the default security group (no rules) and the default NACL (100
allow all from/to 0.0.0.0/0, 101 from/to ::/0, and AWS's IPv4 ``*`` entry), which every subnet
keeps. No flow log, no endpoints, no workloads.

``build(endpoints=…)`` puts the VPC to use, which the example does not: an instance in each
private subnet (in a group sending everything out) and Session Manager endpoints (ssm,
ssmmessages, ec2messages; private DNS on) in the three primary-block private subnets (one
subnet per AZ, as an interface endpoint allows) behind a group admitting TCP 443 from a source
chosen by the argument:

- ``"vpc_cidr_block"``: the module's ``vpc_cidr_block`` output, as the module's own
  ``examples/complete`` writes the rule for its ``vpc-endpoints`` submodule. That output is the
  primary block alone (``aws_vpc.this[0].cidr_block``); the secondary blocks are
  ``vpc_secondary_cidr_blocks``.
- ``"all_blocks"``: the primary and the secondary blocks, one rule each.
- ``"supernet"``: one rule for 10.0.0.0/14, which also spans 10.3.0.0/16, not the VPC's.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

NAME = "ex-secondary-cidr-blocks"
TAGS = {"Example": NAME, "GithubRepo": "terraform-aws-vpc", "GithubOrg": "terraform-aws-modules"}
PRIMARY, SECONDARY = "10.0.0.0/16", ("10.1.0.0/16", "10.2.0.0/16")
ANY4, ANY6 = "0.0.0.0/0", "::/0"
# cidrsubnet(primary, 4, k) for k in 0-2, then cidrsubnet(secondary, 2, k) for each secondary block
PRIVATE = ("10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20", "10.1.0.0/18", "10.1.64.0/18", "10.1.128.0/18",
           "10.2.0.0/18", "10.2.64.0/18", "10.2.128.0/18")
PUBLIC = ("10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24")  # cidrsubnet(primary, 8, k + 48)
# The endpoint group's TCP 443 sources for each ``build(endpoints=…)``.
SOURCES = {"vpc_cidr_block": (PRIMARY,), "all_blocks": (PRIMARY, *SECONDARY), "supernet": ("10.0.0.0/14",)}
# default_network_acl_ingress / _egress defaults, then AWS's IPv4 '*' deny (the VPC has no IPv6 block).
DEFAULT_ENTRIES = tuple(
    r.NaclEntry(number, egress, "-1", action, cidr if ":" not in cidr else None, cidr if ":" in cidr else None,
                None, None)
    for egress in (False, True)
    for number, action, cidr in ((100, "allow", ANY4), (101, "allow", ANY6), (32767, "deny", ANY4)))


def build(*, endpoints: str | None = None) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "eu-west-1", ("euw1-az3", "euw1-az1", "euw1-az2"))
    vpc = b.vpc(PRIMARY, name=NAME, extra_cidrs=SECONDARY)
    b.tag(vpc, TAGS)
    main_rt = b.main_route_table(vpc)
    default_sg = b.default_group(vpc)
    b.groups[default_sg] = replace(b.groups[default_sg], rules=())
    default_acl = next(a for a in b.nacls.values() if a.vpc_id == vpc and a.is_default).network_acl_id
    b.nacls[default_acl] = replace(b.nacls[default_acl], entries=DEFAULT_ENTRIES)
    igw = b.igw(vpc)
    for resource, name in ((main_rt, f"{NAME}-default"), (default_sg, f"{NAME}-default"),
                           (default_acl, f"{NAME}-default"), (igw, NAME)):
        b.tag(resource, {"Name": name, **TAGS})
    ids = {"vpc": vpc, "igw": igw, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    public = []
    for i, cidr in enumerate(PUBLIC):
        public.append(b.subnet(vpc, cidr, az=i + 1, name=f"{NAME}-public-eu-west-1{'abc'[i]}"))
        b.tag(public[-1], TAGS)
    ids["public_rt"] = b.route_table(vpc, subnets=public, routes={ANY4: igw}, name=f"{NAME}-public")
    b.tag(ids["public_rt"], TAGS)
    private = []
    for i, cidr in enumerate(PRIVATE):
        az = "abc"[i % 3]
        subnet = b.subnet(vpc, cidr, az=i % 3 + 1, name=f"{NAME}-private-eu-west-1{az}")
        table = b.route_table(vpc, subnets=[subnet], name=f"{NAME}-private-eu-west-1{az}")
        for resource in (subnet, table):
            b.tag(resource, TAGS)
        private.append(subnet)
        ids |= {f"private{i + 1}": subnet, f"private_rt{i + 1}": table}
    ids |= {f"public{i + 1}": s for i, s in enumerate(public)}
    if endpoints is not None:
        group = b.security_group(vpc, name=f"{NAME}-vpc-endpoints",
                                 ingress=[("tcp", 443, 443, cidr) for cidr in SOURCES[endpoints]])
        instances = b.security_group(vpc, name=f"{NAME}-instances", egress=[("-1", None, None, ANY4)])
        for i, subnet in enumerate(private):
            ids[f"instance{i + 1}"] = b.workload(subnet, groups=[instances], description="Primary network interface")
        for key in ("ssm", "ssmmessages", "ec2messages"):
            ids[key] = b.interface_endpoint(vpc, key, subnets=private[:3], groups=[group])
        ids["endpoints_sg"] = group
    return b.snapshot(), ids
