"""aws-ia/terraform-aws-vpc (registry ``aws-ia/vpc/aws``) v4.7.1, ``examples/public_private_flow_logs``
(eu-west-1).

Sources:

- the example as released in v4.7.1 (commit 98ee2fdf8cab5fc21450388b4190740e7454ca24, 2025-09-24;
  the last release that ships it: commit 1d86633 of 2025-10-05 folded it into ``examples/basic``):
  https://github.com/aws-ia/terraform-aws-vpc/blob/98ee2fdf8cab5fc21450388b4190740e7454ca24/examples/public_private_flow_logs/main.tf
  and its README ("creates a nat gateway in each AZ and appropriately routes from each private to
  the nat gateway … routes subnet traffic from "0.0.0.0/0" to the IGW … VPC Flow Logs that are
  sent to cloud-watch and retained for 180 days"; the README says three AZs, the code sets
  ``az_count = 2``, and the code is what is built);
- the module at the same commit, read for what it writes: ``main.tf`` (one subnet per AZ and tier,
  one route table *per subnet* — ``aws_route_table.public``/``private``/``tgw`` keyed by AZ or
  ``<tier>/<az>`` — ``public_to_igw`` 0.0.0.0/0 on every public table, ``private_to_nat``
  0.0.0.0/0 on the tables of tiers with ``connect_to_public_natgw = true`` only, to
  ``local.nat_per_az[az]``; ``private_to_tgw`` the ``transit_gateway_routes`` destination on a
  tier's tables; ``tgw_to_nat`` only with ``transit_gateway.connect_to_public_natgw``; no NACL
  resource, no security group, the VPC's defaults untouched), ``data.tf`` (``nat_options``:
  ``all_azs`` = every AZ, ``single_az`` = the first; ``nat_per_az`` falls back to the first AZ's
  NAT gateway for an AZ without one; ``az_count`` takes the first AZs of
  ``aws_availability_zones``), ``modules/calculate_subnets`` (``drewmullen/subnets/cidr`` 1.0.2
  allocating in the subnets map's key order, lexicographic — ``private`` before ``public``),
  ``modules/flow_logs`` (one ``aws_flow_log`` on the VPC, ``traffic_type`` default ``ALL``, to a
  CloudWatch log group it creates — ``aws-ia/cloudwatch-log-group/aws`` 1.0.0, retention as set —
  or, for ``s3``, to a bucket it creates); ``variables.tf`` (DNS support and hostnames default on;
  ``transit_gateway_routes``) and the README's transit gateway usage (``transit_gateway_routes =
  { private = "0.0.0.0/0" … }`` with ``transit_gateway = { netmask = 28 … }``).

Built (``build()``), both VPCs of the example in one account:

- ``flowlogs`` 10.0.0.0/20, DNS support and hostnames on, eu-west-1a/b (AZ IDs euw1-az3, az1
  assumed): ``private-eu-west-1a``/``b`` 10.0.0.0/24, 10.0.1.0/24; ``public-eu-west-1a``/``b``
  10.0.2.0/24, 10.0.3.0/24 (tagged ``subnet_type = public``, as the IGW, NAT gateways and public
  tables are); internet gateway ``flowlogs-igw``; one NAT gateway per public subnet
  (``nat-public-<az>``, one Elastic IP each); four route tables, one per subnet: public →
  0.0.0.0/0 to the IGW, private → 0.0.0.0/0 to the same AZ's NAT gateway; the default NACL and
  security group; a flow log on the VPC (ALL, ``cloud-watch-logs``, log group ``test``).
- ``vpc-s3-logs`` 10.0.0.0/16: ``endpoints`` 10.0.0.0/24, 10.0.1.0/24 and ``workloads``
  10.0.2.0/24, 10.0.3.0/24 in a/b, no ``connect_to_public_natgw``, no public tier, so no IGW and
  no NAT gateway: four route tables with the local route only — isolated by construction; a flow
  log (ALL, ``s3``, Parquet, to a bucket the module creates).

The NAT gateways' interfaces are what ``AwsRegionBuilder.nat`` models: ``InterfaceType``
``natGateway`` (botocore's ``NetworkInterfaceType`` enumeration), requester-managed, described
``Interface for NAT Gateway <id>``, no security group, no tags, attached to no instance of the
account, carrying the NAT gateway's Elastic IP — one distinct address each (addresses assumed;
the description wording and the absence of tags assumed as in the other layouts). The example
deploys no workload, so no interface is a workload. Ids are what AWS would report in format only.

Near misses (module inputs changed):

- ``nat="single_az"``: ``nat_gateway_configuration = "single_az"`` — one NAT gateway, in
  eu-west-1a; ``nat_per_az`` points eu-west-1b's private table at it.
- ``connect_private=False``: ``connect_to_public_natgw`` left out of ``private`` while the public
  tier still builds ``all_azs`` NAT gateways: the private tables keep the local route alone and
  the two NAT gateways are routed to by nothing (the README warns the two settings go together).
- ``egress="tgw"``: the first VPC as a spoke of centralized egress, after the module README's
  transit gateway usage: no public tier (no IGW, no NAT gateway), ``transit_gateway`` /28 subnets
  10.0.2.0/28 and 10.0.2.16/28 with their own tables (local only: without
  ``connect_to_public_natgw`` the module writes no route there), a VPC attachment (one
  ``transit_gateway`` interface per attachment subnet — botocore's enumeration — requester-managed,
  no group, no tags, described ``Network Interface for Transit Gateway Attachment <id>``
  (assumed, as ``AwsRegionBuilder.tgw_attachment`` models it), and
  ``transit_gateway_routes = { private = "0.0.0.0/0" }`` on both private tables. The transit
  gateway and its route tables (to an egress VPC) are outside this snapshot.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "eu-west-1"
AZ_IDS = ("euw1-az3", "euw1-az1")  # this account's eu-west-1a, b (assumed)
AZS = ("eu-west-1a", "eu-west-1b")
NAME, NAME2 = "flowlogs", "vpc-s3-logs"
PUBLIC_TAGS = {"subnet_type": "public"}
ELASTIC_IPS = ("52.16.24.113", "34.240.87.201")  # assumed
TGW = "tgw-0b5e7a1c9d3f24680"  # the transit gateway the spoke form attaches to (assumed)


def _nat(b: AwsRegionBuilder, subnet: str, k: int) -> str:
    nat = b.nat(subnet)
    address = b.nats[nat].addresses[0]
    b.nats[nat] = replace(b.nats[nat], addresses=(replace(address, public_ip=ELASTIC_IPS[k]),))
    eni = address.network_interface_id
    b.enis[eni] = replace(b.enis[eni], public_ip_addresses=(ELASTIC_IPS[k],))
    b.tag(nat, {"Name": f"nat-public-{AZS[k]}", **PUBLIC_TAGS})
    return nat


def build(*, nat: str = "all_azs", connect_private: bool = True, egress: str = "nat"
          ) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``nat``: ``nat_gateway_configuration`` (``all_azs`` or ``single_az``);
    ``connect_private``: ``connect_to_public_natgw`` on the private tier; ``egress``: ``nat`` as
    published or ``tgw``, the spoke form (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc("10.0.0.0/20", name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    for k, az in enumerate(AZS):
        ids[f"private{k + 1}"] = b.subnet(vpc, f"10.0.{k}.0/24", az=k + 1, name=f"private-{az}")
    if egress == "nat":
        for k, az in enumerate(AZS):
            public = ids[f"public{k + 1}"] = b.subnet(vpc, f"10.0.{2 + k}.0/24", az=k + 1, name=f"public-{az}")
            b.tag(public, PUBLIC_TAGS)
            b.subnets[public] = replace(b.subnets[public], map_public_ip_on_launch=True)
        igw = ids["igw"] = b.igw(vpc)
        b.tag(igw, {"Name": f"{NAME}-igw", **PUBLIC_TAGS})
        nat_azs = range(len(AZS)) if nat == "all_azs" else range(1)
        nats = [_nat(b, ids[f"public{k + 1}"], k) for k in nat_azs]
        ids |= {f"nat{k + 1}": n for k, n in enumerate(nats)}
        for k, az in enumerate(AZS):
            rt = ids[f"public_rt{k + 1}"] = b.route_table(vpc, subnets=[ids[f"public{k + 1}"]],
                                                          routes={"0.0.0.0/0": igw}, name=f"public-{az}")
            b.tag(rt, PUBLIC_TAGS)
            # nat_per_az: the AZ's own NAT gateway, else the first AZ's
            routes = {"0.0.0.0/0": nats[k] if k < len(nats) else nats[0]} if connect_private else None
            ids[f"private_rt{k + 1}"] = b.route_table(vpc, subnets=[ids[f"private{k + 1}"]], routes=routes,
                                                      name=f"private-{az}")
    else:
        attach = []
        for k, az in enumerate(AZS):
            subnet = ids[f"tgw{k + 1}"] = b.subnet(vpc, f"10.0.2.{16 * k}/28", az=k + 1,
                                                   name=f"transit_gateway-{az}")
            attach.append(subnet)
            ids[f"tgw_rt{k + 1}"] = b.route_table(vpc, subnets=[subnet], name=f"transit_gateway-{az}")
            ids[f"private_rt{k + 1}"] = b.route_table(vpc, subnets=[ids[f"private{k + 1}"]],
                                                      routes={"0.0.0.0/0": TGW}, name=f"private-{az}")
        ids["tgw_attachment"] = b.tgw_attachment(vpc, TGW, attach)
    b.flow_logs.append(r.FlowLog(b.new_id("fl"), vpc, "ACTIVE", "SUCCESS", "ALL", "cloud-watch-logs"))

    vpc2 = ids["vpc2"] = b.vpc("10.0.0.0/16", name=NAME2, dns_support=True, dns_hostnames=True)
    for t, tier in enumerate(("endpoints", "workloads")):
        for k, az in enumerate(AZS):
            subnet = ids[f"{tier}{k + 1}"] = b.subnet(vpc2, f"10.0.{2 * t + k}.0/24", az=k + 1, name=f"{tier}-{az}")
            ids[f"{tier}_rt{k + 1}"] = b.route_table(vpc2, subnets=[subnet], name=f"{tier}-{az}")
    b.flow_logs.append(r.FlowLog(b.new_id("fl"), vpc2, "ACTIVE", "SUCCESS", "ALL", "s3"))
    return b.snapshot(), ids
