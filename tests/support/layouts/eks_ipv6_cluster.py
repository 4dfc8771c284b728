"""EKS Blueprints for Terraform, pattern ``ipv6-eks-cluster``: an EKS cluster in IPv6 mode (us-west-2).

https://github.com/aws-ia/terraform-aws-eks-blueprints/blob/98d0eb4069e787210848eeefcb2b9ba8e52706e7/patterns/ipv6-eks-cluster/main.tf
(the repository's head, 2026-04-08; the pattern's ``main.tf`` last changed in 4550759, 2025-11-18,
"Updated VPC configuration to disable DNS64 on the private subnets", PR #2138), with its ``README.md``
and ``versions.tf``. The pattern pins ``terraform-aws-modules/vpc/aws`` ``~> 6.0.1`` and
``terraform-aws-modules/eks/aws`` ``~> 21.0.7``; ``terraform init`` takes the newest release of each
range, so every default below is read at those tags:

- terraform-aws-vpc v6.0.1 (a0307d4d1807de60b3868b96ef1b369808289157): ``main.tf``, ``variables.tf``;
- terraform-aws-eks v21.0.9 (30664d261760ec97c670f90df3c793431cb096fb): ``main.tf``, ``node_groups.tf``,
  ``variables.tf``, ``modules/eks-managed-node-group``.

The EKS side is read against the EKS User Guide (awsdocs/amazon-eks-user-guide
4d52b4d05e3478582e7d10a73cbd9ba9194dd5f7: network-reqs, sec-group-reqs, private-clusters), the EKS
Best Practices Guide's "Running IPv6 EKS Clusters"
(https://github.com/aws/aws-eks-best-practices/blob/dc0243ad2cf41ff631097731852f18827de332c2/latest/bpg/networking/ipv6.adoc)
and the Amazon VPC CNI
(https://github.com/aws/amazon-vpc-cni-k8s/blob/b52188387f2e2f10bf289ace929d6a63b176a4fa/pkg/ipamd/ipamd.go:
"Outside of Security Groups for Pods, no additional ENIs are attached in IPv6 mode").

``local.name`` is ``basename(path.cwd)``, ``ipv6-eks-cluster``; every resource carries ``local.tags``.
What the network audit sees:

- VPC 10.0.0.0/16 with an Amazon-provided /56 (``enable_ipv6``), DNS support and hostnames on. The
  /56 is taken from the README, whose pods and nodes sit in 2600:1f13:6c4:a703::/64 and
  2600:1f13:6c4:a705::/64 — ``cidrsubnet(<the /56>, 8, 3)`` and ``(…, 8, 5)``: 2600:1f13:6c4:a700::/56.
  ``azs`` is the first three AZs not needing opt-in, us-west-2a-c (this account's usw2-az2, -az1,
  -az3). Private subnets ``cidrsubnet(10.0.0.0/16, 4, k)`` (10.0.0.0/20, 10.0.16.0/20,
  10.0.32.0/20) with IPv6 prefixes 3-5, public subnets ``cidrsubnet(10.0.0.0/16, 8, k + 48)``
  (10.0.48.0/24-10.0.50.0/24) with prefixes 0-2: every subnet dual-stack, as EKS requires ("you must
  have one IPv6 CIDR block and one IPv4 CIDR block that are associated with your subnet",
  network-reqs). ``map_public_ip_on_launch`` defaults to false. Every route table has a local route
  for each block, the /56 included (DescribeRouteTables lists it with ``DestinationIpv6CidrBlock``).
- An internet gateway; one public route table with 0.0.0.0/0 and ::/0 to it; one NAT gateway
  (``single_nat_gateway``) in the first public subnet; an egress-only internet gateway
  (``create_egress_only_igw``); one private route table (``nat_gateway_count`` is 1) named
  ``<name>-private`` with 0.0.0.0/0 to the NAT gateway and ::/0 to the egress-only gateway.
  ``private_subnet_enable_dns64 = false``: no DNS64 on the private subnets and so no
  ``aws_route.private_dns64_nat_gateway`` (64:ff9b::/96 to the NAT gateway), which the module
  creates only with DNS64 on. ``nat64_route=True`` builds the pattern as it stood before 4550759
  (0be5cd7, 2025-08-19, same module pins): DNS64 on by the module's default and that route present.
  DNS64 is a subnet attribute (``Subnet.EnableDns64``) the snapshot does not record. The public
  subnets keep DNS64 on (``public_subnet_enable_dns64`` defaults to true) without a NAT64 route;
  they hold only the NAT gateway.
- The module manages the main route table (no routes), the default group (no rules) and the default
  NACL (100 allow all IPv4, 101 allow all IPv6, then AWS's ``*`` deny entries of both families).
  No flow log (``enable_flow_log`` false).
- The EKS module: ``ip_family = "ipv6"``, ``endpoint_public_access = true`` (and private access, the
  module's default), control plane in ``module.vpc.private_subnets``. Three groups: EKS's cluster
  group ``eks-cluster-sg-<name>-<id>`` (all traffic from itself, all traffic out; sec-group-reqs
  gives the outbound rule as "0.0.0.0/0 (IPv4) or ::/0 (IPv6)": assumed both, as a group created in a
  VPC with an IPv6 block starts with both; it is on the control plane's interfaces alone, which are no
  workload, so no finding depends on it); the module's cluster group (TCP 443 from the node group); the
  module's node group (TCP 443, 10250, 4443, 6443, 8443, 9443 from the cluster group, TCP/UDP 53 and TCP
  1025-65535 from itself, all traffic out to 0.0.0.0/0 and, ``ip_family`` being ``ipv6``, to ::/0 —
  one ``aws_security_group_rule`` with both blocks, two rules in DescribeSecurityGroupRules). The node
  group module creates no group of its own (no rules given).
- The control plane's cross-account interfaces, "Amazon EKS <name>", two, in the first two private
  subnets, carrying EKS's and the module's cluster groups, as eks_blueprints_private builds them (the
  NET410 workshop's DescribeNetworkInterfaces output), dual-stack: "EKS will provision Cross-Account
  ENIs (X-ENIs) in dual stack mode (IPv4/IPv6)" (Best Practices) and "the network interfaces that
  Amazon EKS creates for your cluster and your nodes are assigned an IPv4 and an IPv6 address"
  (network-reqs).
- The managed node group ``initial`` (``desired_size = 2``): the README's two nodes, one in
  us-west-2a (2600:1f13:6c4:a703:ecf8:3ac1:76b0:9303, 10.0.10.183) and one in us-west-2c
  (2600:1f13:6c4:a705:a929:f8d4:9350:1b20; the README's 10.0.12.188 predates the /20 subnets, so
  10.0.44.188 is assumed). Each is one primary interface carrying the node group: in IPv6 mode the
  VPC CNI attaches no secondary interface and gives the primary one an /80 IPv6 prefix (prefix
  delegation is the only IPv6 mode) from which every pod on the node takes its address. The snapshot
  does not record ``Ipv6Prefixes``; the /80 lies in the subnet's /64, so every rule that asks "is the
  pod's address inside the VPC's /56" gets the right answer from the subnet. Pods also get a
  node-local IPv4 address (169.254.172.0/22) that the node SNATs to its primary IPv4 address for
  IPv4 destinations (Best Practices: "upon receiving an IPv4 "A" response, Pod's node-only unique IPv4
  address is translated through source network address translation (SNAT) to the Private IPv4 (VPC)
  address of the primary network interface").

Put to use (``endpoints=True``), what a private IPv6 cluster adds: the interface endpoints of the EKS
User Guide's private-clusters table that this cluster calls — ec2 (the VPC CNI's
``ec2:AssignIpv6Addresses``), ecr.api and ecr.dkr (image pulls), sts (IAM roles for service
accounts), logs — and the S3 gateway endpoint (image layers), written as the repository's
``patterns/fully-private-cluster`` writes its ``vpc_endpoints`` block (the same module's
``modules/vpc-endpoints`` at v6.0.1): interface endpoints in the three private subnets, private DNS on,
no policy, a group ``<name>-vpc-endpoints-`` admitting TCP 443 from ``module.vpc.vpc_cidr_block``
(10.0.0.0/16, "HTTPS from VPC"), no egress rule; the S3 gateway endpoint on the private route table.
No ``ip_address_type``: AWS's default for endpoints in dual-stack subnets, ``ipv4``, with
``DnsRecordIpType`` ``ipv4`` (A records only). Near misses: ``sts_dualstack`` (the STS endpoint given
``ip_address_type = "dualstack"`` and DNS record IP type ``dualstack``, the group left at the IPv4
block; STS "dual-stack regional endpoints … can also be accessed privately from your VPC using AWS
PrivateLink", IAM User Guide, dual-stack endpoint support); ``endpoint_ipv6_source`` (an
``ipv6_cidr_blocks`` added to the group's rule: ``"vpc"`` for ``module.vpc.vpc_ipv6_cidr_block``, or a
CIDR such as ``::/0``). Without the endpoints: ``eigw=False`` (``create_egress_only_igw = false``: no
egress-only gateway and no ::/0 route on the private table); DNS64 on without the 64:ff9b::/96 route
(terraform-aws-vpc v4's default, its issue #923) is the published snapshot, DNS64 not being recorded.
``DescribeVpcEndpointServices`` lists IPv4 and IPv6 for sts, ecr.api and ecr.dkr (assumed from the IAM
and ECR guides; no rule reads it).

Left out (no rule reads them): the EKS cluster itself, its add-ons, KMS key and log group, IAM roles
and the module's ``AmazonEKS_CNI_IPv6_Policy``, the launch template and Auto Scaling group, the
Elastic IP, Terraform's timestamp suffixes (replaced by fixed ones).
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.eks_blueprints_private import AZ_IDS, _rules, cidrsubnet, eks_module_groups, terraform_group
from layouts.tf_vpc_ipv6_only import DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-west-2"
NAME = "ipv6-eks-cluster"
TAGS = {"Blueprint": NAME, "GithubRepo": "github.com/aws-ia/terraform-aws-eks-blueprints"}
VPC_CIDR = "10.0.0.0/16"
VPC_IPV6_CIDR = "2600:1f13:6c4:a700::/56"
NAT64_PREFIX = "64:ff9b::/96"  # RFC 6052's well-known prefix, the one DNS64 on Route 53 Resolver uses
ANY4, ANY6 = "0.0.0.0/0", "::/0"
# The endpoints a private IPv6 cluster adds (the EKS User Guide's private-clusters table), in its order.
INTERFACE_SERVICES = ("ec2", "ecr.api", "ecr.dkr", "logs", "sts")
# Services whose PrivateLink endpoints take IPv6 clients (DescribeVpcEndpointServices' SupportedIpAddressTypes).
DUAL_STACK_SERVICES = ("sts", "ecr.api", "ecr.dkr")
TF_SUFFIX = "20250101000000000000000001"  # the unique suffix Terraform appends to a name_prefix
EKS_ROLE_ID = "AROAZQ3DPKG5EXAMPLE02"  # the cluster IAM role's unique id (RequesterId "<id>:AmazonEKS")
# The README's nodes: (private subnet index, IPv4 address, IPv6 address, instance id).
NODES = ((1, "10.0.10.183", "2600:1f13:6c4:a703:ecf8:3ac1:76b0:9303", "i-0a1b2c3d4e5f60718"),
         (3, "10.0.44.188", "2600:1f13:6c4:a705:a929:f8d4:9350:1b20", "i-0b2c3d4e5f6071829"))


def ipv6_subnet(netnum: int) -> str:
    """``cidrsubnet(aws_vpc.this[0].ipv6_cidr_block, 8, netnum)``: the module's /64 per prefix."""
    return cidrsubnet(VPC_IPV6_CIDR, 8, netnum)


def build(*, nat64_route: bool = False, eigw: bool = True, endpoints: bool = False, sts_dualstack: bool = False,
          endpoint_ipv6_source: str | None = None) -> tuple[Snapshot, dict[str, str]]:
    """``nat64_route``: the private table's 64:ff9b::/96 route to the NAT gateway (the pattern before
    4550759); ``eigw``: ``create_egress_only_igw``; ``endpoints``: the private cluster's endpoints;
    ``sts_dualstack`` and ``endpoint_ipv6_source`` (``"vpc"`` or a CIDR): see the module docstring."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS[:3])
    for key in DUAL_STACK_SERVICES:
        b.services[f"com.amazonaws.{REGION}.{key}"] = replace(b.services[f"com.amazonaws.{REGION}.{key}"],
                                                              supported_ip_address_types=("ipv4", "ipv6"))
    vpc = b.vpc(VPC_CIDR, name=NAME, ipv6_cidrs=[VPC_IPV6_CIDR])
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    for resource in (main_rt, default_sg, default_acl):
        b.tag(resource, {"Name": f"{NAME}-default", **TAGS})
    ids = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    ids["igw"] = b.igw(vpc)
    ids["public_rt"] = b.route_table(vpc, routes={ANY4: ids["igw"], ANY6: ids["igw"]}, name=f"{NAME}-public")
    for k in range(3):
        az = f"{REGION}{'abc'[k]}"
        public = ids[f"public{k + 1}"] = b.subnet(vpc, cidrsubnet(VPC_CIDR, 8, k + 48), az=k + 1,
                                                  name=f"{NAME}-public-{az}", ipv6_cidrs=[ipv6_subnet(k)])
        b.tag(public, {**TAGS, "kubernetes.io/role/elb": "1"})
        b.associate(ids["public_rt"], public)
        private = ids[f"private{k + 1}"] = b.subnet(vpc, cidrsubnet(VPC_CIDR, 4, k), az=k + 1,
                                                    name=f"{NAME}-private-{az}", ipv6_cidrs=[ipv6_subnet(k + 3)])
        b.tag(private, {**TAGS, "kubernetes.io/role/internal-elb": "1"})
    ids["nat"] = b.nat(ids["public1"])
    private_routes = {ANY4: ids["nat"]}
    if eigw:
        ids["eigw"] = b.eigw(vpc)
        private_routes[ANY6] = ids["eigw"]
    if nat64_route:
        private_routes[NAT64_PREFIX] = ids["nat"]
    ids["private_rt"] = b.route_table(vpc, subnets=[ids[f"private{k}"] for k in (1, 2, 3)], routes=private_routes,
                                      name=f"{NAME}-private")
    for table in (main_rt, ids["public_rt"], ids["private_rt"]):
        b.tag(table, TAGS)
        _ipv6_local_route(b, table)
    ids |= _cluster(b, vpc, ids)
    if endpoints:
        ids |= _endpoints(b, vpc, ids, sts_dualstack=sts_dualstack, ipv6_source=endpoint_ipv6_source)
    return b.snapshot(), ids


def _ipv6_local_route(b: AwsRegionBuilder, table_id: str) -> None:
    """The local route AWS adds to every route table for the VPC's IPv6 block."""
    table = b.route_tables[table_id]
    local = r.Route(VPC_IPV6_CIDR, "ipv6", "local", "local", "active", "CreateRouteTable")
    b.route_tables[table_id] = replace(table, routes=(*table.routes[:1], local, *table.routes[1:]))


def _group(b: AwsRegionBuilder, vpc: str, name: str, description: str, tags: dict[str, str]) -> str:
    return terraform_group(b, vpc, name, description, {**TAGS, **tags})


def _addressed(b: AwsRegionBuilder, eni_id: str, ipv4: str | None, ipv6: str) -> str:
    """An interface of a dual-stack subnet: its primary IPv4 address (kept when None) and one IPv6 address."""
    eni = b.enis[eni_id]
    b.enis[eni_id] = replace(eni, private_ip_addresses=(ipv4,) if ipv4 else eni.private_ip_addresses,
                             ipv6_addresses=(ipv6,))
    return eni_id


def _host(subnet_cidr: str, host: int) -> str:
    """The ``host``-th address of an IPv6 subnet."""
    return str(ipaddress.ip_network(subnet_cidr)[host])


def _cluster(b: AwsRegionBuilder, vpc: str, ids: dict[str, str]) -> dict[str, str]:
    """The EKS cluster's three groups, its cross-account interfaces and the node group's nodes."""
    added = eks_module_groups(b, vpc, name=NAME, tf_suffix=TF_SUFFIX, tags=TAGS,
                              eks_egress=[("-1", None, None, ANY4), ("-1", None, None, ANY6)], node_egress=(ANY4, ANY6))
    eks_sg, cluster_sg, node_sg = added["eks_sg"], added["cluster_sg"], added["node_sg"]
    for n in (1, 2):
        subnet = ids[f"private{n}"]
        eni = b.workload(subnet, groups=[eks_sg, cluster_sg], description=f"Amazon EKS {NAME}",
                         requester_id=f"{EKS_ROLE_ID}:AmazonEKS")
        added[f"control_plane{n}"] = _addressed(b, eni, None, _host(ipv6_subnet(n + 2), 0x1c2d))
    for n, (k, ipv4, ipv6, instance) in enumerate(NODES, start=1):
        # The node's primary interface: created with the instance (not requester-managed, no description),
        # the launch template's group, an IPv4 and an IPv6 address (and the CNI's /80 prefix, not recorded).
        eni = _addressed(b, b.workload(ids[f"private{k}"], groups=[node_sg]), ipv4, ipv6)
        b.enis[eni] = replace(b.enis[eni], instance_id=instance)
        added[f"node{n}"] = eni
    return added


def _endpoints(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], *, sts_dualstack: bool,
               ipv6_source: str | None) -> dict[str, str]:
    """The ``vpc-endpoints`` module as the fully-private-cluster pattern writes it, for this cluster's services."""
    endpoint_sg = _group(b, vpc, f"{NAME}-vpc-endpoints-{TF_SUFFIX}", "VPC endpoint security group",
                         {"Name": f"{NAME}-vpc-endpoints-"})
    sources = [VPC_CIDR] + ([] if ipv6_source is None else [VPC_IPV6_CIDR if ipv6_source == "vpc" else ipv6_source])
    _rules(b, endpoint_sg, [(False, "tcp", 443, 443, source, "HTTPS from VPC") for source in sources])
    added = {"endpoint_sg": endpoint_sg}
    added["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])
    b.tag(added["s3"], {**TAGS, "Name": f"{NAME}-s3"})
    subnets = [ids[f"private{k}"] for k in (1, 2, 3)]
    for service in INTERFACE_SERVICES:
        # DescribeVpcEndpoints: PrivateDnsEnabled true, IpAddressType and DnsOptions.DnsRecordIpType as AWS
        # defaults them in dual-stack subnets ("ipv4"), PolicyDocument AWS's default full access.
        endpoint = added[service] = b.interface_endpoint(vpc, service, subnets=subnets, groups=[endpoint_sg])
        b.tag(endpoint, {**TAGS, "Name": f"{NAME}-{service}"})
        if service == "sts" and sts_dualstack:
            b.endpoints[endpoint] = replace(b.endpoints[endpoint], ip_address_type="dualstack",
                                            dns_record_ip_type="dualstack")
            for eni in b.endpoints[endpoint].network_interface_ids:
                _addressed(b, eni, None, _host(b.subnets[b.enis[eni].subnet_id].ipv6_cidr_blocks[0], 0x5e5))
    return added
