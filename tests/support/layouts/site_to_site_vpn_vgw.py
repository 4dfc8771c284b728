"""terraform-aws-modules/terraform-aws-vpn-gateway v4.0.0, ``examples/complete-vpn-gateway``, with
terraform-aws-vpc v5.21.0 (the example's ``~> 5.0``) (eu-west-1).

https://github.com/terraform-aws-modules/terraform-aws-vpn-gateway/blob/b4a481d06144addf271996c10ebdb688b06362f6/examples/complete-vpn-gateway/main.tf
(v4.0.0, 2024-12-20; the module's ``main.tf`` at the same commit), and
https://github.com/terraform-aws-modules/terraform-aws-vpc/blob/7c1f791efd61f326ed6102d564d1a65d1eceedf0/main.tf
(v5.21.0, with its ``variables.tf``) for what ``module "vpc"`` creates.

As published: VPC 10.10.0.0/16, DNS support and hostnames on; public subnets 10.10.1-3.0/24 and
private subnets 10.10.11-13.0/24 in eu-west-1a/b/c. ``enable_nat_gateway = false``, so no NAT
gateway; the module still makes one private route table per private subnet (``nat_gateway_count``
falls back to ``max_subnet_length``, 3), with the local route only. One public route table,
0.0.0.0/0 to the internet gateway. ``enable_vpn_gateway = true``: a virtual private gateway
attached to the VPC. The vpn-gateway module then creates the Site-to-Site VPN connection to the
customer gateway (BGP ASN 65000, 172.83.124.10; ``static_routes_only`` false: BGP) and one
``aws_vpn_gateway_route_propagation`` per id of ``module.vpc.private_route_table_ids`` (count:
``length(var.vpc_private_subnets)``): each private route table lists the gateway under
``PropagatingVgws`` and holds the routes the customer gateway advertises as DescribeRouteTables
reports them — target the gateway, ``Origin: EnableVgwRoutePropagation``, ``State: active``. The
public table propagates nothing (``propagate_public_route_tables_vgw`` stays false). The example's
``tags`` include ``Name = "complete"``, which the module merges after its own name, so every
resource is named ``complete``. The module manages the main route table (no routes), the default
security group (no rules) and the default NACL (100 allow all IPv4, 101 allow all IPv6), which
every subnet keeps. No flow log (``enable_flow_log`` false), no endpoints.

Assumptions: the example advertises nothing in particular, so the customer gateway advertises the
on-premises network 192.168.0.0/16 over BGP. The VPN connection, its tunnels, the customer gateway
and the virtual private gateway are not in the snapshot (it collects none of them); the gateway
appears only as the propagated routes' target and in ``PropagatingVgws``. The example runs no
workload; one instance per private subnet (group ``app``: no inbound rule, all outbound) stands
for the servers the VPN exists to reach.

Variants, each a small mistake on the same network:

- ``unpropagated=i``: propagation left off on private table ``i`` (1-3) — the vpn-gateway
  module's ``vpc_subnet_route_table_count`` set by hand below the number of private tables, or
  a table added later. That table has no ``PropagatingVgws`` and no route to 192.168.0.0/16.
- ``stale_static_route=True``: the gateway was replaced (a new ASN) and private table 1 kept a
  static route to 192.168.0.0/16 through the deleted one. DescribeRouteTables reports it with
  ``State: blackhole`` and ``Origin: CreateRoute`` beside the new gateway's propagated route of
  the same prefix, which it outranks (static over propagated).
- ``endpoints="on_premises"``: what the example leaves out, for on-premises servers managed by
  Systems Manager (hybrid activations) over the VPN: ``ssm``, ``ssmmessages`` and ``ec2messages``
  interface endpoints in the three private subnets, private DNS on, one group admitting HTTPS
  from the VPC and the on-premises range; a Route 53 Resolver inbound endpoint in private
  subnets 1 and 2 (group: TCP and UDP 53 from the on-premises range), to which the on-premises
  DNS servers forward the services' names.
- ``endpoints="vpc_only"``: the same, the endpoint group admitting HTTPS from the VPC CIDR only.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.tf_vpc_module import module_defaults
from layouts.tf_vpc_separate_route_tables import ANY4, DEFAULT_ENTRIES
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "eu-west-1"
NAME = "complete"
TAGS = {"Owner": "user", "Environment": "staging", "Name": NAME}
VPC_CIDR = "10.10.0.0/16"
ON_PREMISES = "192.168.0.0/16"
SSM_SERVICES = ("ssm", "ssmmessages", "ec2messages")


def build(*, unpropagated: int | None = None, stale_static_route: bool = False,
          endpoints: str | None = None) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder(ACCOUNT, REGION, ("euw1-az3", "euw1-az1", "euw1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    igw = b.igw(vpc)
    vgw = b.new_id("vgw")
    for resource in (vpc, main_rt, default_sg, default_acl, igw):
        b.tag(resource, TAGS)
    ids = {"vpc": vpc, "igw": igw, "vgw": vgw, "main_rt": main_rt, "default_sg": default_sg,
           "default_acl": default_acl}
    public = [b.subnet(vpc, f"10.10.{i}.0/24", az=i, name=NAME) for i in (1, 2, 3)]
    ids["public_rt"] = b.route_table(vpc, subnets=public, routes={ANY4: igw}, name=NAME)
    app_sg = b.security_group(vpc, name="app")
    ids["app_sg"] = app_sg
    for i in (1, 2, 3):
        subnet = b.subnet(vpc, f"10.10.{10 + i}.0/24", az=i, name=NAME)
        table = b.route_table(vpc, subnets=[subnet], name=NAME)
        if i != unpropagated:
            b.route_tables[table] = replace(b.route_tables[table], propagating_vgws=(vgw,))
            b.route(table, ON_PREMISES, vgw, origin="EnableVgwRoutePropagation")
        ids |= {f"public{i}": public[i - 1], f"private{i}": subnet, f"private_rt{i}": table,
                f"instance{i}": b.workload(subnet, groups=[app_sg], description="Primary network interface")}
    for resource in (*public, *(ids[f"private{i}"] for i in (1, 2, 3)), ids["public_rt"],
                     *(ids[f"private_rt{i}"] for i in (1, 2, 3))):
        b.tag(resource, TAGS)
    if stale_static_route:
        ids["old_vgw"] = b.new_id("vgw")
        b.route(ids["private_rt1"], ON_PREMISES, ids["old_vgw"], state="blackhole")
    if endpoints is not None:
        private = [ids[f"private{i}"] for i in (1, 2, 3)]
        sources = (VPC_CIDR, ON_PREMISES) if endpoints == "on_premises" else (VPC_CIDR,)
        ids["endpoint_sg"] = b.security_group(vpc, name="ssm-endpoints",
                                              ingress=[("tcp", 443, 443, s) for s in sources])
        for key in SSM_SERVICES:
            ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoint_sg"]])
        ids["resolver_sg"] = b.security_group(vpc, name="resolver-inbound",
                                              ingress=[("tcp", 53, 53, ON_PREMISES), ("udp", 53, 53, ON_PREMISES)])
        ids["resolver"], _ = b.resolver_endpoint(vpc, private[:2], [ids["resolver_sg"]])
    return b.snapshot(), ids
