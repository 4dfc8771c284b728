"""A Lambda function in dual-stack private subnets with IPv6 outbound allowed, IPv4 egress through NAT
gateways, IPv6 egress through an egress-only internet gateway and dual-stack interface endpoints for
STS and Secrets Manager (eu-west-1).

Sources:

- terraform-aws-modules/terraform-aws-vpc v6.6.0, ``examples/ipv6-dualstack``
  (https://github.com/terraform-aws-modules/terraform-aws-vpc/blob/v6.6.0/examples/ipv6-dualstack/main.tf),
  built as ``tf_vpc_ipv6_dualstack`` builds it: VPC 10.0.0.0/16 with an Amazon-provided /56
  (2a05:d018:1a2b:3c00::/56), public, private and database subnets in three AZs with /64 prefixes
  0-2, 3-5 and 6-8, a NAT gateway per public subnet, a route table per private subnet with
  0.0.0.0/0 to its AZ's NAT gateway and ::/0 to the egress-only internet gateway, public and
  database tables with both default routes to the internet gateway; the module's main route table
  (no routes), default group (no rules) and default NACL (100 allow all IPv4, 101 allow all IPv6,
  then AWS's ``*`` deny entries of both families), as the module manages them. DNS support and
  hostnames on (the module's ``enable_dns_hostnames`` default), which private DNS on the
  endpoints needs. Every table gets the local route AWS adds for the /56 (DescribeRouteTables
  lists it with ``DestinationIpv6CidrBlock``).
- AWS Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC" and its
  IPv6 section, and the Lambda API's ``VpcConfig.Ipv6AllowedForDualStack`` ("Allows outbound IPv6
  traffic on VPC functions that are connected to dual-stack subnets") (current pages, read
  2026-12-06); the AWS Compute Blog's "AWS Lambda networking over IPv6" (functions direct IPv6
  traffic to the egress-only internet gateway instead of the NAT gateway).
- AWS PrivateLink Guide, "IP address types" and "DNS record IP types" for interface endpoints, and
  CreateVpcEndpoint's ``IpAddressType`` / ``DnsOptions.DnsRecordIpType`` (current pages, read
  2026-12-06): ``dualstack`` endpoints take both address families and need subnets with both;
  DNS record IP type ``dualstack`` creates A and AAAA records for the private, Regional and zonal
  names, ``ipv4`` A records only.

Built: one function, ``orders-processor``, attached to the three private subnets with
``Ipv6AllowedForDualStack = true`` and a group of its own with no ingress and all traffic out to
0.0.0.0/0 and ::/0 (a group created in a VPC with an IPv6 block; ``function_ipv6_egress=False``
keeps the IPv4 rule only). Interface endpoints for ``sts`` and ``secretsmanager`` in the three
private subnets, private DNS on, ``IpAddressType`` ``dualstack``, ``DnsRecordIpType``
``dualstack`` (``dns_record_ip_type="ipv4"`` is the near miss with A records only), no policy
(AWS's default full access), behind a group ``vpc-endpoints`` admitting TCP 443 from 10.0.0.0/16
and from the /56 (``endpoint_ipv6_source=False`` drops the /56). ``eigw=False``: no egress-only
gateway and no ::/0 route on the private tables. DescribeVpcEndpointServices is assumed to list
``ipv4`` and ``ipv6`` in ``SupportedIpAddressTypes`` for both services (STS and Secrets Manager
publish dual-stack endpoints reachable through PrivateLink).

Assumptions about what DescribeNetworkInterfaces shows:

- The function's Hyperplane interfaces: one per private subnet (one group, one subnet combination
  each), ``InterfaceType`` ``lambda`` (botocore's enum), ``RequesterManaged`` true, description
  ``AWS Lambda VPC ENI-<function>-<uuid>``, no tags, no instance attachment; a primary private
  IPv4 address and, with ``Ipv6AllowedForDualStack``, one IPv6 address from the subnet's /64
  (assumed: the guide says IPv6 outbound is allowed, not how the address is shown).
- The endpoints' interfaces: ``InterfaceType`` ``vpc_endpoint``, requester-managed, description
  ``VPC Endpoint Interface <vpce id>``, an IPv4 and an IPv6 address each (``dualstack``).

Left out (no rule reads them): the function itself, its role and code; the Elastic IPs; Terraform
tags.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.tf_vpc_ipv6_only import DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "eu-west-1"
NAME = "ex-ipv6-dualstack"
FUNCTION = "orders-processor"
VPC_CIDR = "10.0.0.0/16"
VPC_IPV6_CIDR = "2a05:d018:1a2b:3c00::/56"
ANY4, ANY6 = "0.0.0.0/0", "::/0"
ENDPOINT_SERVICES = ("secretsmanager", "sts")


def _v6_subnet(prefix: int) -> str:
    """The module's /64 for ``*_subnet_ipv6_prefixes`` entry ``prefix``."""
    return str(list(ipaddress.ip_network(VPC_IPV6_CIDR).subnets(new_prefix=64))[prefix])


def _host(subnet_cidr: str, host: int) -> str:
    return str(ipaddress.ip_network(subnet_cidr)[host])


def _with_ipv6(b: AwsRegionBuilder, eni_id: str, host: int) -> None:
    """Give an interface one IPv6 address from its subnet's /64."""
    eni = b.enis[eni_id]
    b.enis[eni_id] = replace(eni, ipv6_addresses=(_host(b.subnets[eni.subnet_id].ipv6_cidr_blocks[0], host),))


def build(*, eigw: bool = True, dns_record_ip_type: str = "dualstack", endpoint_ipv6_source: bool = True,
          function_ipv6_egress: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``eigw``: the egress-only gateway and the private tables' ::/0 route; ``dns_record_ip_type``:
    the endpoints' ``DnsOptions.DnsRecordIpType``; ``endpoint_ipv6_source``: the endpoint group's
    rule from the /56; ``function_ipv6_egress``: the function group's ::/0 egress rule."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("euw1-az3", "euw1-az1", "euw1-az2"))
    for key in ENDPOINT_SERVICES:
        b.service(key)
        name = f"com.amazonaws.{REGION}.{key}"
        b.services[name] = replace(b.services[name], supported_ip_address_types=("ipv4", "ipv6"))
    vpc = b.vpc(VPC_CIDR, name=NAME, ipv6_cidrs=[VPC_IPV6_CIDR])
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    igw = b.igw(vpc)
    ids: dict[str, str] = {"vpc": vpc, "igw": igw, "main_rt": main_rt, "default_sg": default_sg,
                           "default_acl": default_acl}
    public_rt = b.route_table(vpc, routes={ANY4: igw, ANY6: igw}, name=f"{NAME}-public")
    database_rt = b.route_table(vpc, routes={ANY4: igw, ANY6: igw}, name=f"{NAME}-database")
    tables = [main_rt, public_rt, database_rt]
    if eigw:
        ids["eigw"] = b.eigw(vpc)
    for i, az in enumerate("abc"):
        public = b.subnet(vpc, f"10.0.{4 + i}.0/24", az=i + 1, name=f"{NAME}-public-eu-west-1{az}",
                          ipv6_cidrs=[_v6_subnet(i)])
        private = b.subnet(vpc, f"10.0.{i}.0/24", az=i + 1, name=f"{NAME}-private-eu-west-1{az}",
                           ipv6_cidrs=[_v6_subnet(3 + i)])
        database = b.subnet(vpc, f"10.0.{8 + i}.0/24", az=i + 1, name=f"{NAME}-db-eu-west-1{az}",
                            ipv6_cidrs=[_v6_subnet(6 + i)])
        b.associate(public_rt, public)
        b.associate(database_rt, database)
        nat = b.nat(public)
        routes = {ANY4: nat} | ({ANY6: ids["eigw"]} if eigw else {})
        private_rt = b.route_table(vpc, subnets=[private], routes=routes, name=f"{NAME}-private-eu-west-1{az}")
        tables.append(private_rt)
        ids |= {f"public{i + 1}": public, f"private{i + 1}": private, f"database{i + 1}": database,
                f"nat{i + 1}": nat, f"private_rt{i + 1}": private_rt}
    for table_id in tables:
        table = b.route_tables[table_id]
        local = r.Route(VPC_IPV6_CIDR, "ipv6", "local", "local", "active", "CreateRouteTable")
        b.route_tables[table_id] = replace(table, routes=(*table.routes[:1], local, *table.routes[1:]))
    private_subnets = [ids[f"private{k}"] for k in (1, 2, 3)]

    egress = [("-1", None, None, ANY4)] + ([("-1", None, None, ANY6)] if function_ipv6_egress else [])
    function_sg = ids["function_sg"] = b.security_group(vpc, name=f"{FUNCTION}-sg", egress=egress)
    for n, subnet in enumerate(private_subnets, start=1):
        eni = b.workload(subnet, groups=[function_sg], interface_type="lambda", requester_managed=True,
                         description=f"AWS Lambda VPC ENI-{FUNCTION}-5f0c2a7e-1b3d-4c8e-9a6f-0d2e4b6c8a1{n}")
        _with_ipv6(b, eni, 0x1a00 + n)
        ids[f"lambda_eni{n}"] = eni

    sources = [VPC_CIDR] + ([VPC_IPV6_CIDR] if endpoint_ipv6_source else [])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(
        vpc, name="vpc-endpoints", ingress=[("tcp", 443, 443, source) for source in sources], egress=())
    for key in ENDPOINT_SERVICES:
        endpoint = ids[key] = b.interface_endpoint(vpc, key, subnets=private_subnets, groups=[endpoint_sg])
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], ip_address_type="dualstack",
                                        dns_record_ip_type=dns_record_ip_type)
        for eni in b.endpoints[endpoint].network_interface_ids:
            _with_ipv6(b, eni, 0x5e5 + ENDPOINT_SERVICES.index(key))
    return b.snapshot(), ids
