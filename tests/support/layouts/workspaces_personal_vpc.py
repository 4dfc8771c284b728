"""Amazon WorkSpaces Personal in a VPC with two private subnets and a NAT gateway in a public
subnet, registered to an AWS Managed Microsoft AD in the same private subnets (us-east-1).

Sources:

- The Amazon WorkSpaces Administration Guide, "Configure a VPC for WorkSpaces Personal" (current
  page, read 2026-12-06; https://docs.aws.amazon.com/workspaces/latest/adminguide/amazon-workspaces-vpc.html,
  as archived in awsdocs/amazon-workspaces-administration-guide@14e8fdf,
  ``doc_source/amazon-workspaces-vpc.md``): the WorkSpaces "must have access to the internet" to
  install operating-system updates and deploy applications; with AWS Managed Microsoft AD or Simple
  AD the guide recommends "one public subnet and two private subnets", the directory launching the
  WorkSpaces in the private subnets and "a NAT gateway in the public subnet" for their internet
  access; the VPC wizard's public subnet ("No Preference" AZ), the first private subnet in the first
  AZ, a second private subnet added in the second AZ and associated with the same private route
  table (local route and "all other traffic to the NAT gateway"), DNS hostnames on.
- The same guide's "IP address and port requirements", section "Network interfaces"
  (https://docs.aws.amazon.com/workspaces/latest/adminguide/workspaces-port-requirements.html;
  ``doc_source/workspaces-port-requirements.md`` at 083869c): each WorkSpace has a primary
  interface (eth1) that "provides connectivity to the resources within your VPC and on the
  internet, and is used to join the WorkSpace to the directory", and a management interface (eth0)
  on a WorkSpaces-managed network, used for streaming and management (its addresses from
  192.168.0.0/16 or 198.19.0.0/16 in us-east-1). Only eth1 is in the customer's VPC, so only it
  is in the snapshot; "Do not modify or delete any of the network interfaces that are attached to
  a WorkSpace".
- The same guide's "Security groups for your WorkSpaces" (amazon-workspaces-security-groups.html,
  ``doc_source/amazon-workspaces-security-groups.md`` at 0b6bc03): registering a directory creates
  ``<directory-id>_controllers`` and ``<directory-id>_workspacesMembers``, the latter on every
  WorkSpace's interface.
- The Directory Service Administration Guide, "What gets created with your AWS Managed Microsoft
  AD" (https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ms_ad_getting_started_what_gets_created.html,
  current page): the controllers' interfaces described "AWS created network interface for
  directory <directory-id>", the controllers' group (AD ports from the VPC's CIDR, all traffic
  from itself; built as ``managed_ad_dhcp_dns`` builds it); the Best Practices for Deploying
  WorkSpaces whitepaper, "Network considerations": every Directory Service construct requires "two
  subnets to operate, each in different Availability Zones".
- The AWS managed policy AmazonWorkSpacesServiceAccess (v2, on ``workspaces_DefaultRole``):
  ``ec2:CreateNetworkInterface``, ``ec2:DeleteNetworkInterface``, ``ec2:DescribeNetworkInterfaces``
  — WorkSpaces creates eth1 through a role of the customer's account.
- botocore's ``NetworkInterfaceType`` enumeration (ec2 2016-11-15): no WorkSpaces value.
- botocore's workspaces service model: RegisterWorkspaceDirectory's ``SubnetIds`` "must also be in
  separate Availability Zones" (else ``OperationNotSupportedException``); ``EnableInternetAccess``
  (automatic Elastic IPs) is to be disabled when a NAT gateway provides the internet access.

What DescribeNetworkInterfaces shows of a WorkSpace's eth1 AWS does not document. Assumed, after
public inventory and lifecycle code that finds these interfaces by a ``description`` filter
``Created By Amazon Workspaces for AWS Account ID*`` and reads their ``Attachment.AttachTime``:
``InterfaceType`` ``interface``; ``Description`` ``Created By Amazon Workspaces for AWS Account ID
<account>``; not requester-managed (the customer's ``workspaces_DefaultRole`` creates it with
``ec2:CreateNetworkInterface``; ``RequesterId`` not recorded); attached, but to an instance of
WorkSpaces' own account, so no ``InstanceId`` of this account is recorded (``instance_id`` None);
in ``<directory-id>_workspacesMembers`` only; ``in-use``; no public address (the directory's
automatic Elastic IP assignment off, as the guide says for a NAT gateway); no tags. The
controllers' interfaces as ``managed_ad_dhcp_dns`` models them (typed ``interface``,
requester-managed, the documented description, on no instance). The members group: named
``<directory-id>_workspacesMembers``, described ``Amazon WorkSpaces Security Group``, no inbound
rule, all traffic out (assumed after public dumps of one).

Built (``build()``): VPC 10.0.0.0/16 ``WorkSpaces VPC``, DNS support and hostnames on, the Region's
default DHCP options set (the guide sets none); ``WorkSpaces Public Subnet`` 10.0.0.0/24 in
us-east-1a (assumed for "No Preference") on ``workspaces-public-routetable`` to the internet
gateway, holding the NAT gateway; ``WorkSpaces Private Subnet 1`` 10.0.1.0/24 in us-east-1a and
``WorkSpaces Private Subnet 2`` 10.0.2.0/24 in us-east-1b on ``workspaces-private-routetable``
(0.0.0.0/0 to the NAT gateway); the default NACL; no endpoint, no flow log. AWS Managed Microsoft
AD ``d-906712ab34`` (assumed id) with a controller in each private subnet; one WorkSpace in each
private subnet (AZ IDs use1-az1, use1-az2 assumed).

Near misses: ``members_egress=False`` — the ``_workspacesMembers`` group's outbound rule removed:
the desktops reach neither the directory nor the internet. ``one_az=True`` — both private subnets
in us-east-1a: Directory Service refuses such a pair (two AZs required), so only an account that
moved nothing but its WorkSpaces could show it; built as asked, the directory in them too.
``nat_route=False`` — the private table without its 0.0.0.0/0 route to the NAT gateway: the users'
desktops lose the internet the guide says they must have.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.managed_ad_dhcp_dns import AD_PORTS, controller_description
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a and b (assumed)
VPC_CIDR = "10.0.0.0/16"
DIRECTORY_ID = "d-906712ab34"  # assumed
WORKSPACE_DESCRIPTION = f"Created By Amazon Workspaces for AWS Account ID {ACCOUNT}"
MEMBERS_GROUP = f"{DIRECTORY_ID}_workspacesMembers"
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, members_egress: bool = True, one_az: bool = False, nat_route: bool = True
          ) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``members_egress``: the members group's all-traffic outbound rule;
    ``one_az``: both private subnets in us-east-1a; ``nat_route``: the private table's default
    route to the NAT gateway (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="WorkSpaces VPC", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "public": b.subnet(vpc, "10.0.0.0/24", az=1, name="WorkSpaces Public Subnet")}
    private = [b.subnet(vpc, f"10.0.{k}.0/24", az=1 if one_az else k, name=f"WorkSpaces Private Subnet {k}")
               for k in (1, 2)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(private, start=1)}
    ids["igw"] = b.igw(vpc)
    ids["nat"] = b.nat(ids["public"])
    ids["public_rt"] = b.route_table(vpc, subnets=[ids["public"]], routes={"0.0.0.0/0": ids["igw"]},
                                     name="workspaces-public-routetable")
    ids["private_rt"] = b.route_table(vpc, subnets=private, routes={"0.0.0.0/0": ids["nat"]} if nat_route else {},
                                      name="workspaces-private-routetable")

    controllers = ids["controllers_sg"] = b.security_group(
        vpc, name=f"{DIRECTORY_ID}_controllers",
        ingress=[*((protocol, low, high, VPC_CIDR) for protocol, low, high in AD_PORTS), ("-1", None, None, "self")])
    b.groups[controllers] = replace(b.groups[controllers],
                                    description=f"AWS created security group for {DIRECTORY_ID} directory controllers")
    members = ids["members_sg"] = b.security_group(vpc, name=MEMBERS_GROUP, egress=[ALL_OUT] if members_egress else [])
    b.groups[members] = replace(b.groups[members], description="Amazon WorkSpaces Security Group")

    for k, subnet in enumerate(private, start=1):
        ids[f"controller{k}"] = b.workload(subnet, groups=[controllers], requester_managed=True,
                                           description=controller_description(DIRECTORY_ID))
    for k, subnet in enumerate(private, start=1):
        ids[f"workspace{k}"] = b.workload(subnet, groups=[members], description=WORKSPACE_DESCRIPTION)
    return b.snapshot(), ids
