"""terraform-aws-modules/terraform-aws-vpc v6.6.0, ``examples/ipv6-only`` (eu-west-1).

https://github.com/terraform-aws-modules/terraform-aws-vpc/blob/v6.6.0/examples/ipv6-only/main.tf

The module's default IPv4 block (``cidr`` defaults to 10.0.0.0/16) and an Amazon-provided /56;
three IPv6-only public subnets (``public_subnet_ipv6_native``, prefixes 0-2) and three IPv6-only
private subnets (3-5), no NAT gateway (``enable_nat_gateway = false``), an egress-only internet
gateway (``create_egress_only_igw``). One public route table with 0.0.0.0/0 and ::/0 to the
internet gateway (the module's ``public_internet_gateway`` and ``public_internet_gateway_ipv6``);
a private route table per private subnet (``nat_gateway_count`` is the subnet count without
``single_nat_gateway``) with ::/0 to the egress-only gateway. DNS64 is on in every subnet (the
module's default; a snapshot does not record it), and the 64:ff9b::/96 route to a NAT gateway
that would carry its synthesized addresses comes only with ``enable_nat_gateway``. The module's
defaults: a main route table without routes, the default security group stripped, the default
NACL allowing everything.

``kms_from`` adds what an IPv6-only workload needs to call an AWS API whose public name has no
IPv6 address (a near miss built for the test, not in the example): a KMS interface endpoint in
the private subnets, IPv6 only (in IPv6-only subnets AWS requires the ``ipv6`` IpAddressType and
DnsRecordIpType; AWS KMS "is also privately accessible over IPv4 and IPv6 from your VPC using
AWS PrivateLink"), behind a group admitting 443 from ``kms_from``, and an instance per private
subnet.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

NAME = "ex-ipv6-only"
TAGS = {"Example": NAME, "GithubRepo": "terraform-aws-vpc", "GithubOrg": "terraform-aws-modules"}
ANY4, ANY6 = "0.0.0.0/0", "::/0"
V6 = "2a05:d018:1a2b:3c00"  # the VPC's /56 is 2a05:d018:1a2b:3c00::/56
# default_network_acl_ingress / _egress defaults, then AWS's '*' deny entries (the VPC has IPv6).
DEFAULT_ENTRIES = tuple(
    r.NaclEntry(number, egress, "-1", action, cidr if ":" not in cidr else None, cidr if ":" in cidr else None,
                None, None)
    for egress in (False, True)
    for number, action, cidr in ((100, "allow", ANY4), (101, "allow", ANY6), (32767, "deny", ANY4),
                                 (32768, "deny", ANY6)))


def build(*, kms_from: str | None = None) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "eu-west-1", ("euw1-az3", "euw1-az1", "euw1-az2"))
    vpc = b.vpc("10.0.0.0/16", name=NAME, ipv6_cidrs=[f"{V6}::/56"])
    b.tag(vpc, TAGS)
    module_defaults(b, vpc, DEFAULT_ENTRIES)
    igw = b.igw(vpc)
    eigw = b.eigw(vpc)
    public_rt = b.route_table(vpc, routes={ANY4: igw, ANY6: igw}, name=f"{NAME}-public")
    ids: dict[str, str] = {"vpc": vpc, "igw": igw, "eigw": eigw, "public_rt": public_rt}
    for i, az in enumerate("abc"):
        public = _ipv6_only(b, b.subnet(vpc, "", az=i + 1, name=f"{NAME}-public-eu-west-1{az}",
                                        ipv6_cidrs=[f"{V6[:-1]}{i}::/64"]))
        private = _ipv6_only(b, b.subnet(vpc, "", az=i + 1, name=f"{NAME}-private-eu-west-1{az}",
                                         ipv6_cidrs=[f"{V6[:-1]}{3 + i}::/64"]))
        b.associate(public_rt, public)
        ids[f"private_rt{i + 1}"] = b.route_table(vpc, subnets=[private], routes={ANY6: eigw},
                                                  name=f"{NAME}-private-eu-west-1{az}")
        ids |= {f"public{i + 1}": public, f"private{i + 1}": private}
    if kms_from is not None:
        _kms_endpoint(b, vpc, [ids[f"private{i + 1}"] for i in range(3)], kms_from, ids)
    return b.snapshot(), ids


def _ipv6_only(b: AwsRegionBuilder, subnet_id: str) -> str:
    """An IPv6-native subnet as DescribeSubnets shows it: no CidrBlock, Ipv6Native true."""
    b.subnets[subnet_id] = replace(b.subnets[subnet_id], cidr_block=None, ipv6_native=True)
    return subnet_id


def _kms_endpoint(b: AwsRegionBuilder, vpc: str, private: list[str], source: str, ids: dict[str, str]) -> None:
    """The KMS endpoint (IPv6 addresses in every private subnet), its group admitting 443 from
    ``source``, and an instance per private subnet whose group allows all IPv6 egress."""
    endpoint_sg = b.security_group(vpc, name=f"{NAME}-kms-endpoint", ingress=[("tcp", 443, 443, source)], egress=())
    instance_sg = b.security_group(vpc, name=f"{NAME}-instances", egress=[("-1", None, None, ANY6)])
    endpoint = b.interface_endpoint(vpc, "kms", subnets=private, groups=[endpoint_sg])
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], ip_address_type="ipv6", dns_record_ip_type="ipv6")
    for eni in b.endpoints[endpoint].network_interface_ids:
        _ipv6_addressed(b, eni)
    ids |= {"endpoint_sg": endpoint_sg, "instance_sg": instance_sg, "kms": endpoint}
    for i, subnet in enumerate(private):
        ids[f"instance{i + 1}"] = _ipv6_addressed(b, b.workload(subnet, groups=[instance_sg]))


def _ipv6_addressed(b: AwsRegionBuilder, eni_id: str) -> str:
    """The interface as AWS addresses it in an IPv6-only subnet: no private IPv4 address, one
    IPv6 address from the subnet's /64."""
    eni = b.enis[eni_id]
    prefix = b.subnets[eni.subnet_id].ipv6_cidr_blocks[0].split("::/")[0]
    b.enis[eni_id] = replace(eni, private_ip_addresses=(), ipv6_addresses=(f"{prefix}::{len(b.enis):x}",))
    return eni_id
