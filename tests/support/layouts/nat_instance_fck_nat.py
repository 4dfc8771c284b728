"""A NAT instance instead of a NAT gateway: the fck-nat Terraform module in high-availability
mode, its ``examples/full`` VPC (us-east-1).

Sources:

- RaJiska/terraform-aws-fck-nat at tag v1.4.0 (commit d5ef75950e3614daf71c50245c516965778edca5,
  2025-08-31; https://github.com/RaJiska/terraform-aws-fck-nat/tree/v1.4.0), ``main.tf``,
  ``ec2.tf``, ``asg.tf``, ``templates/user_data.sh``, ``variables.tf`` and
  ``examples/full/{main,network}.tf``. ``main.tf``: a security group named after the instance
  admitting all traffic "from within VPC" (``cidr_blocks`` = the VPC's CIDR associations) and
  sending all traffic to 0.0.0.0/0 and ::/0; an ``aws_network_interface`` described
  ``"${var.name} static private ENI"`` in ``var.subnet_id`` with that group,
  ``source_dest_check = false`` and the tag ``Name``; one ``aws_route`` per given route table,
  0.0.0.0/0 with ``network_interface_id`` = that interface. ``ec2.tf``: the launch template's
  one ``network_interfaces`` block (described ``"${var.name} ephemeral public ENI"``, in the same
  subnet, ``associate_public_ip_address = true``, the module's group as
  ``use_default_security_group`` defaults to true), ``tag_specifications`` tagging instance,
  interface and volume ``Name``; ``asg.tf``: with ``ha_mode`` (default true) an Auto Scaling group
  of exactly one instance in ``var.subnet_id``; ``user_data.sh`` writes the static interface's id
  (``eni_id``) and, when given, an Elastic IP allocation (``eip_id``; ``eip_allocation_ids``
  defaults to none) into ``/etc/fck-nat.conf``;
- the fck-nat AMI's service, RaJiska/fck-nat ``service/fck-nat.sh`` (commit
  c2e7f2c16a775e94e1143f94e7e8958ebdc4ecfe, 2023-11-14) and ``docs/features.md``
  ("High-availability Mode": the group's instance "always attach[es] a specific ENI at start-up,
  allowing fck-nat to maintain a consistent internal-facing IP address"): on boot it turns
  source/destination checking off on its primary interface (``modify-network-interface-attribute
  --no-source-dest-check`` on eth0), attaches the static interface at device index 1 and
  masquerades out of eth0;
- the Amazon VPC User Guide, "NAT instances" (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html,
  current page, read 2026-12-06): the private subnet's route table "sends internet traffic …
  to the NAT instance in the public subnet"; the instance "must be in a public subnet … and it
  must have a public IP address or an Elastic IP address"; source/destination checks must be
  disabled; its security group admits traffic from the private subnets' CIDRs;
- botocore's ec2 model (2016-11-15): ``Route`` (``InstanceId`` "The ID of a NAT instance in your
  VPC", ``InstanceOwnerId``, ``NetworkInterfaceId``; ``State`` ``blackhole`` "indicates that the
  route's target isn't available (for example, … the specified NAT instance has been
  terminated)"), ``NetworkInterface`` (``SourceDestCheck``, ``Attachment.InstanceId`` and
  ``DeviceIndex``), ``NetworkInterfaceType`` (``interface``).

Built (``build()``), the example as declared (``local.name`` ``fck-nat-example``): VPC
10.255.255.0/24 tagged ``fck-nat-example``, DNS support on and DNS hostnames off (the
``aws_vpc`` defaults: the example sets neither); the internet gateway; ``public`` 10.255.255.0/28
and ``private`` 10.255.255.16/28, both in ``<region>a`` (AZ ID use1-az1 assumed), each on its
own table (``fck-nat-example-public``: 0.0.0.0/0 to the internet gateway;
``fck-nat-example-private``: the module's route); the module with ``subnet_id`` the public
subnet, ``ha_mode = true``, ``update_route_tables = true`` for the private table. The default
NACL, no flow log, no VPC endpoint. The example runs nothing in the private subnet; one
application instance there (group ``app``: no ingress, AWS's default egress) is assumed, so the
NAT instance has a client.

What DescribeNetworkInterfaces and DescribeRouteTables show, as assumed here. Both of the NAT
instance's interfaces are the account's own (created by Terraform and by the launch template):
``InterfaceType`` ``interface``, not requester-managed, no RequesterId, the descriptions and
``Name`` tag above, the module's group, ``in-use``, attached to the running instance (device 0
and 1; the snapshot keeps only the instance id). The ephemeral interface carries a public IPv4
address EC2 assigned at launch (no Elastic IP: none is given); the static one none. While the
static interface is attached, the route lists ``InstanceId``, ``InstanceOwnerId`` and
``NetworkInterfaceId``; the snapshot records the instance as the target (botocore's
``InstanceId``, "a NAT instance") and the static interface beside it. ``SourceDestCheck`` false
on both interfaces (the module's attribute on the static one, the AMI's service on eth0).

Near misses: ``source_dest_check=True`` — the static interface with AWS's default (checking on),
as a hand-rolled ``aws_network_interface`` without the attribute would have it: the NAT instance
drops every forwarded packet (the ephemeral interface keeps the check off: the AMI's service
turns it off on eth0 at boot). ``nat_subnet="private"`` — the module given the private subnet as
``subnet_id``: both interfaces, the instance and its public address land in the private subnet,
whose default route then points at the instance itself. ``instance_attached=False`` — the Auto
Scaling group's instance terminated (a Spot interruption, a failed health check) and its
replacement not yet up: the ephemeral interface is gone with it, the static one ``available``
and attached to nothing; the route lists ``NetworkInterfaceId`` alone, ``State`` ``blackhole``
(per botocore's definition: the target "isn't available"; assumed for a detached interface).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "fck-nat-example"
VPC_CIDR = "10.255.255.0/24"
PUBLIC_CIDR = "10.255.255.0/28"  # cidrsubnet(local.vpc_cidr, 4, 0)
PRIVATE_CIDR = "10.255.255.16/28"  # cidrsubnet(local.vpc_cidr, 4, 1)
PUBLIC_IP = "3.91.20.17"  # the address EC2 assigns at launch (assumed)
STATIC_DESCRIPTION = f"{NAME} static private ENI"
EPHEMERAL_DESCRIPTION = f"{NAME} ephemeral public ENI"
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, source_dest_check: bool = False, nat_subnet: str = "public",
          instance_attached: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``source_dest_check``: the static interface's attribute;
    ``nat_subnet``: "public" (the example) or "private" (the module's ``subnet_id``);
    ``instance_attached``: the Auto Scaling group's instance running with the static interface
    attached, or terminated and not yet replaced (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1",))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=False)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    igw = ids["igw"] = b.igw(vpc)
    b.tag(igw, {"Name": NAME})
    public = ids["public"] = b.subnet(vpc, PUBLIC_CIDR, az=1, name=f"{NAME}-public")
    private = ids["private"] = b.subnet(vpc, PRIVATE_CIDR, az=1, name=f"{NAME}-private")
    ids["public_rt"] = b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw}, name=f"{NAME}-public")
    private_rt = ids["private_rt"] = b.route_table(vpc, subnets=[private], name=f"{NAME}-private")

    # The module (main.tf, ec2.tf, asg.tf).
    nat_sg = ids["nat_sg"] = b.security_group(vpc, name=NAME, ingress=[("-1", None, None, VPC_CIDR)],
                                              egress=[ALL_OUT, ("-1", None, None, "::/0")])
    b.tag(nat_sg, {"Name": NAME})
    home = public if nat_subnet == "public" else private
    static = ids["static_eni"] = b.workload(home, groups=[nat_sg], description=STATIC_DESCRIPTION)
    b.enis[static] = replace(b.enis[static], source_dest_check=source_dest_check)
    b.tag(static, {"Name": NAME})
    if instance_attached:
        instance = ids["nat_instance"] = b.new_id("i")
        b.enis[static] = replace(b.enis[static], instance_id=instance)
        ephemeral = ids["ephemeral_eni"] = b.workload(home, groups=[nat_sg], description=EPHEMERAL_DESCRIPTION)
        b.enis[ephemeral] = replace(b.enis[ephemeral], instance_id=instance, public_ip_addresses=(PUBLIC_IP,),
                                    source_dest_check=False)
        b.tag(ephemeral, {"Name": NAME})
        # InstanceId shown while the interface is attached, NetworkInterfaceId beside it
        b.route(private_rt, "0.0.0.0/0", instance, interface=static)
    else:
        b.enis[static] = replace(b.enis[static], status="available")
        b.route(private_rt, "0.0.0.0/0", static, state="blackhole")

    # The companion in the private subnet (assumed).
    ids["app_sg"] = b.security_group(vpc, name="app", egress=[ALL_OUT])
    app = ids["app_eni"] = b.workload(private, groups=[ids["app_sg"]])
    b.enis[app] = replace(b.enis[app], instance_id=b.new_id("i"))
    return b.snapshot(), ids
