"""terraform-aws-modules/terraform-aws-vpc v6.6.0, ``examples/network-acls`` (eu-west-1).

https://github.com/terraform-aws-modules/terraform-aws-vpc/blob/v6.6.0/examples/network-acls/main.tf
(module defaults from the same tag's ``main.tf`` and ``variables.tf``).

As published: VPC 10.0.0.0/16 named ``vpc-name`` with an Amazon-provided /56 (``enable_ipv6``;
no ``*_subnet_ipv6_prefixes``, so no subnet gets an IPv6 CIDR), private subnets 10.0.0-2.0/24,
public 10.0.4-6.0/24 (all named ``overridden-name-public``), ElastiCache 10.0.8-10.0/24, in three
AZs. One public route table (0.0.0.0/0 and ::/0 to the internet gateway). ``enable_nat_gateway``
is false and ``single_nat_gateway`` true: no NAT gateway, one private route table whose only
route beyond the VPC is ::/0 to the egress-only internet gateway; the ElastiCache subnets share
it (``create_elasticache_subnet_route_table`` defaults to false). The module manages the main
route table (no routes), the default security group (no rules) and the default NACL (its
defaults: 100 allow all from/to 0.0.0.0/0, 101 allow all from/to ::/0), which the private
subnets keep (``private_dedicated_network_acl = false``). Dedicated NACLs, entry for entry:

- public, inbound: 900 TCP 1024-65535, 100 TCP 80, 110 TCP 443, 120 TCP 22, 130 TCP 3389 from
  0.0.0.0/0; 140 TCP 80 from ::/0. Outbound: 900 TCP 32768-65535, 100 TCP 80, 110 TCP 443 to
  0.0.0.0/0; 120 TCP 1433 and 130 TCP 22 to 10.0.100.0/22; 140 ICMP echo request to 10.0.0.0/22;
  150 TCP 90 to ::/0.
- ElastiCache, inbound: the module's default, 100 allow all from 0.0.0.0/0. Outbound: 900 TCP
  32768-65535, 100 TCP 80, 110 TCP 443 to 0.0.0.0/0; 140 ICMP type 12 to 10.0.0.0/22; 150 TCP 90
  to ::/0.

Every NACL ends in AWS's ``*`` entries: 32767 deny 0.0.0.0/0 and, the VPC having an IPv6 block,
32768 deny ::/0, both directions (as DescribeNetworkAcls lists them). No endpoints, no flow
log, no workloads.

``build(endpoints=True)`` puts the network to use, which the example itself does not: Session
Manager endpoints (ssm, ssmmessages, ec2messages, default policies) in the private subnets
behind a group admitting 443 from the VPC CIDR, as the module's ``vpc-endpoints`` submodule
creates them in ``examples/complete``; a web server in each public subnet, an application
instance in each private subnet (the private subnets have no IPv4 route out, hence the
endpoints) and an ElastiCache node in each ElastiCache subnet. ``endpoint_tier="public"`` is a
near miss: the same endpoints placed in the public subnets.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

NAME = "ex-network-acls"
TAGS = {"Example": NAME, "GithubRepo": "terraform-aws-vpc", "GithubOrg": "terraform-aws-modules"}
IPV6 = "2a05:d018:e4b:7a00::/56"
ANY4, ANY6 = "0.0.0.0/0", "::/0"
TCP, ICMP, ALL = "6", "1", "-1"  # DescribeNetworkAcls reports protocol numbers: "tcp" -> "6", "icmp" -> "1"


def _entry(number: int, egress: bool, protocol: str, cidr: str, ports: tuple[int, int] | None = None,
           action: str = "allow") -> r.NaclEntry:
    """One entry as DescribeNetworkAcls returns it. ``PortRange`` only for TCP/UDP; an ICMP entry's
    ``IcmpTypeCode`` (type 8 / 12 here) has no field in the snapshot model, which keeps protocol
    and CIDR only — no rule reads ICMP."""
    low, high = ports if ports else (None, None)
    v6 = ":" in cidr
    return r.NaclEntry(number, egress, protocol, action, None if v6 else cidr, cidr if v6 else None, low, high)


def _final_denies() -> tuple[r.NaclEntry, ...]:
    """AWS's ``*`` entries of a NACL in a VPC with an IPv6 block: 32767 for IPv4, 32768 for IPv6."""
    return tuple(_entry(n, egress, ALL, cidr, action="deny")
                 for egress in (False, True) for n, cidr in ((32767, ANY4), (32768, ANY6)))


PUBLIC_ENTRIES = (
    # default_inbound + public_inbound
    _entry(900, False, TCP, ANY4, (1024, 65535)),
    _entry(100, False, TCP, ANY4, (80, 80)),
    _entry(110, False, TCP, ANY4, (443, 443)),
    _entry(120, False, TCP, ANY4, (22, 22)),
    _entry(130, False, TCP, ANY4, (3389, 3389)),
    _entry(140, False, TCP, ANY6, (80, 80)),
    # default_outbound + public_outbound
    _entry(900, True, TCP, ANY4, (32768, 65535)),
    _entry(100, True, TCP, ANY4, (80, 80)),
    _entry(110, True, TCP, ANY4, (443, 443)),
    _entry(120, True, TCP, "10.0.100.0/22", (1433, 1433)),
    _entry(130, True, TCP, "10.0.100.0/22", (22, 22)),
    _entry(140, True, ICMP, "10.0.0.0/22"),  # icmp_type 8, icmp_code -1
    _entry(150, True, TCP, ANY6, (90, 90)),
    *_final_denies(),
)
ELASTICACHE_ENTRIES = (
    # the module's elasticache_inbound_acl_rules default
    _entry(100, False, ALL, ANY4),
    # default_outbound + elasticache_outbound
    _entry(900, True, TCP, ANY4, (32768, 65535)),
    _entry(100, True, TCP, ANY4, (80, 80)),
    _entry(110, True, TCP, ANY4, (443, 443)),
    _entry(140, True, ICMP, "10.0.0.0/22"),  # icmp_type 12, icmp_code -1
    _entry(150, True, TCP, ANY6, (90, 90)),
    *_final_denies(),
)
DEFAULT_ENTRIES = (  # default_network_acl_ingress / _egress defaults
    *(_entry(n, egress, ALL, cidr) for egress in (False, True) for n, cidr in ((100, ANY4), (101, ANY6))),
    *_final_denies(),
)


def build(*, endpoints: bool = False, endpoint_tier: str = "private") -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "eu-west-1", ("euw1-az3", "euw1-az1", "euw1-az2"))
    vpc = b.vpc("10.0.0.0/16", name="vpc-name", ipv6_cidrs=[IPV6])
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    igw = b.igw(vpc)
    eigw = b.eigw(vpc)
    public_rt = b.route_table(vpc, routes={ANY4: igw, ANY6: igw}, name=f"{NAME}-public")
    private_rt = b.route_table(vpc, routes={ANY6: eigw}, name=f"{NAME}-private")
    for table in (main_rt, public_rt, private_rt):  # every table of a dual-stack VPC has both local routes
        b.route(table, IPV6, "local", origin="CreateRouteTable")
    for resource, name in ((main_rt, f"{NAME}-default"), (default_sg, f"{NAME}-default"),
                           (default_acl, f"{NAME}-default"), (igw, NAME), (eigw, NAME)):
        b.tag(resource, {"Name": name, **TAGS})
    subnets: dict[str, list[str]] = {"private": [], "public": [], "elasticache": []}
    for i, az in enumerate("abc"):
        for tier, offset in (("private", 0), ("public", 4), ("elasticache", 8)):
            name = "overridden-name-public" if tier == "public" else f"{NAME}-{tier}-eu-west-1{az}"
            subnet = b.subnet(vpc, f"10.0.{offset + i}.0/24", az=i + 1, name=name)
            b.tag(subnet, TAGS)
            subnets[tier].append(subnet)
            b.associate(public_rt if tier == "public" else private_rt, subnet)
    public_acl = b.nacl(vpc, subnets=subnets["public"], entries=PUBLIC_ENTRIES)
    elasticache_acl = b.nacl(vpc, subnets=subnets["elasticache"], entries=ELASTICACHE_ENTRIES)
    b.tag(public_acl, {"Name": f"{NAME}-public", **TAGS})
    b.tag(elasticache_acl, {"Name": f"{NAME}-elasticache", **TAGS})
    ids = {"vpc": vpc, "igw": igw, "eigw": eigw, "public_rt": public_rt, "private_rt": private_rt,
           "public_acl": public_acl, "elasticache_acl": elasticache_acl, "default_acl": default_acl,
           "default_sg": default_sg}
    ids |= {f"{tier}{i + 1}": s for tier, ss in subnets.items() for i, s in enumerate(ss)}
    if endpoints:
        ids |= _put_to_use(b, vpc, subnets, endpoint_tier)
    return b.snapshot(), ids


def _put_to_use(b: AwsRegionBuilder, vpc: str, subnets: dict[str, list[str]], endpoint_tier: str) -> dict[str, str]:
    """Session Manager endpoints and the workloads the NACLs are written for."""
    endpoint_sg = b.security_group(vpc, name=f"{NAME}-vpc-endpoints-",
                                   ingress=[("tcp", 443, 443, "10.0.0.0/16")], egress=[])
    web_sg = b.security_group(vpc, name=f"{NAME}-web", ingress=[("tcp", 80, 80, ANY4), ("tcp", 443, 443, ANY4)])
    app_sg = b.security_group(vpc, name=f"{NAME}-app", ingress=[("tcp", 8080, 8080, web_sg)])
    cache_sg = b.security_group(vpc, name=f"{NAME}-redis", ingress=[("tcp", 6379, 6379, app_sg)])
    ids = {"endpoint_sg": endpoint_sg, "web_sg": web_sg, "app_sg": app_sg, "cache_sg": cache_sg}
    for key in ("ssm", "ssmmessages", "ec2messages"):
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets[endpoint_tier], groups=[endpoint_sg])
        b.tag(ids[key], {**TAGS, "Name": key})
    for public, private, cache in zip(subnets["public"], subnets["private"], subnets["elasticache"], strict=True):
        b.workload(public, groups=[web_sg], description="Primary network interface")
        b.workload(private, groups=[app_sg], description="Primary network interface")
        b.workload(cache, groups=[cache_sg], requester_managed=True, description=f"ElastiCache {NAME}-0001-001")
    return ids
