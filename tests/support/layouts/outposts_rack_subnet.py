"""A VPC extended to an AWS Outposts rack: Amazon ECS container instances in a subnet on the
Outpost, reaching the Region's NAT gateways and interface endpoints over the service link, an
on-premises range through the Outpost's local gateway, and S3 through a gateway endpoint,
us-west-2.

Sources:

- the AWS sample aws-samples/aws-ecs-on-outposts at commit
  3185aba4a59b4954687d5cb7565c6bb857e25443 (Terraform): ``terraform/vars/test.tfvars`` (VPC
  10.181.192.0/19; public subnets 10.181.194.0/23 and 10.181.200.0/23, private 10.181.220.0/24 and
  10.181.221.0/24, Outpost subnets 10.181.222.64/27 and 10.181.222.96/27; an Outpost ARN of
  us-west-2; ``outposts_route_to_LGW_destination = "10.10.0.0/24"``),
  ``terraform/1-test-outposts-vpc.tf`` (DNS support and hostnames on, internet and NAT gateways,
  ``endpoints_ha = true``, ``outposts_subnets_internet_access_nat_gw = true``, a flow log, and the
  S3 gateway endpoint associated with the Outpost subnets' route tables only),
  ``terraform/modules/vpc/2-vpc.tf`` (a NAT gateway per public subnet; a route table per subnet;
  the Outpost subnets created with ``outpost_arn`` in the Outpost's ``availability_zone_id``; on
  their tables ``10.10.0.0/24`` → ``local_gateway_id`` and ``0.0.0.0/0`` → the NAT gateway
  ``count.index % number_AZ``; the private subnets' tables with no route out, as
  ``private_subnets_internet_access_nat_gw`` defaults to false), ``modules/vpc/4-ssm.tf`` (``ssm``,
  ``ssmmessages``, ``ec2``, ``ec2messages``, ``kms`` interface endpoints with private DNS in both
  private subnets, their group admitting TCP 443 from the VPC's block), ``modules/vpc/5-s3-endpoint.tf``,
  ``modules/vpc/3-flow-logs.tf`` (traffic type ALL to CloudWatch Logs), and the ``alb-ecs``
  module (``4-test-alb-ecs.tf``: ``subnets = [the first Outpost subnet]``; ``6-capacity-provider.tf``:
  the container instances' Auto Scaling group in those subnets, in ``ecs_sg``;
  ``5-securitygroups.tf``: ``ecs_sg`` admits the target port 8080 from the ALB's group and lets
  everything out, the ALB's group admits port 80 from the VPC's block and lets 8080 out to
  ``ecs_sg``; ``9-endpoints.tf``: ``ecs``, ``ecs-agent``, ``ecs-telemetry``, ``ecr.api``,
  ``ecr.dkr``, ``secretsmanager`` and ``logs`` endpoints whose group admits 443 from the VPC's
  block);
- the AWS Outposts User Guide for racks (current pages, read 2026-12-07): "AWS Outposts network
  components" (https://docs.aws.amazon.com/outposts/latest/userguide/outposts-networking-components.html:
  an Outpost subnet is created by giving the Outpost's ARN; its route tables "work as they do for
  Availability Zone subnets", local gateways among the targets), "How local gateways for racks
  work" (https://docs.aws.amazon.com/outposts/latest/userguide/how-racks-work.html: the local
  gateway is a target for on-premises traffic and may carry internet-bound traffic; from Outpost
  subnets the Regional service endpoints are reached over the public internet or "using interface
  VPC endpoints"), "Outpost connectivity to AWS Regions"
  (https://docs.aws.amazon.com/outposts/latest/userguide/region-connectivity.html: the service
  link carries "Traffic between the Outpost and any associated VPCs, including customer data plane
  traffic"), "Local gateway route table routes"
  (https://docs.aws.amazon.com/outposts/latest/userguide/manage-lgw-routes.html: inbound routes of
  the local gateway's own table target interfaces "attached to an instance in that Outpost";
  "Interface VPC endpoints are not supported" as such targets);
- the whitepaper "AWS Outposts High Availability Design and Architecture Considerations",
  "Application/workload routing"
  (https://docs.aws.amazon.com/whitepapers/latest/aws-outposts-high-availability-design/applicationworkload-routing.html,
  current page, read 2026-12-07): routes to the local gateway leave through it to the on-premises
  network; routes to Region targets ("Internet Gateway, NAT Gateway, Virtual Private Gateway, and
  TGW") "will use service link to reach these targets";
- botocore's ec2 model: ``Subnet.OutpostArn``, ``Subnet.MapCustomerOwnedIpOnLaunch``,
  ``Route.LocalGatewayId``, ``NetworkInterface.OutpostArn`` ("The Amazon Resource Name (ARN) of
  the Outpost").

What vpcaudit's snapshot keeps of it: a route's ``LocalGatewayId`` becomes target kind ``lgw``
(``resources.route_target``); the network view classes that egress ``other``. ``Subnet`` and
``NetworkInterface`` records keep no ``OutpostArn``: an Outpost subnet is recorded as a subnet
of the Outpost's anchor AZ (DescribeSubnets reports that AZ for it), nothing more.

Assumed: the account, the ids; us-west-2a and b as usw2-az1 and az2, the Outpost anchored to
us-west-2a (the sample reads the AZ from the Outpost); the local gateway's id; two container
instances in the first Outpost subnet, each with one interface in ``ecs_sg``, not
requester-managed; the tasks' interfaces left out. The ALB's node on the Outpost as
DescribeNetworkInterfaces shows an ALB's: InterfaceType ``interface``, requester-managed,
RequesterId ``amazon-elb``, described ``ELB app/<name>/<id>``; no CoIP rule on its group
(``coip_auto_assign`` is off). Groups the sample declares without an ``egress`` block get none:
Terraform removes AWS's default egress rule. One deviation: the sample's ``alb-ecs`` module puts
its seven endpoints in the Outpost subnet (``subnet_ids = var.subnets``, beside its own comment
"is this compatible with outposts?"); AWS's Outposts guide shows interface endpoints used from
Outpost subnets, never placed in one, so they are built here in the two private Region subnets
like the module's SSM endpoints.

Near misses: ``outpost_default="lgw"`` with ``s3_on_outpost_tables=False`` — the Outpost subnets'
default route to the local gateway (internet through the on-premises network) and the gateway
endpoint left off their tables, so S3 traffic leaves through the local gateway instead of the
endpoint. ``endpoint_sources="region_subnets"`` — the endpoint groups admit 443 from the two
private Region subnets' blocks, not the VPC's, so the Outpost's instances are refused.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-west-2"
AZ_IDS = ("usw2-az1", "usw2-az2")  # this account's us-west-2a, b (assumed)
OUTPOST_ARN = f"arn:aws:outposts:{REGION}:{ACCOUNT}:outpost/op-0ab12cd34ef56a789"  # assumed
VPC_CIDR = "10.181.192.0/19"
PUBLIC = ("10.181.194.0/23", "10.181.200.0/23")
PRIVATE = ("10.181.220.0/24", "10.181.221.0/24")
OUTPOST = ("10.181.222.64/27", "10.181.222.96/27")
ON_PREMISES = "10.10.0.0/24"  # outposts_route_to_LGW_destination
SSM_ENDPOINTS = ("ssm", "ssmmessages", "ec2", "ec2messages", "kms")
ECS_ENDPOINTS = ("ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "secretsmanager", "logs")
HTTPS, ALB_PORT, TARGET_PORT = 443, 80, 8080
ALB = "ALB-ECS"
ALB_ID = "5c0d8e2a7b91f364"  # assumed
NAME = "outposts-AoD"


def build(*, outpost_default: str = "nat", s3_on_outpost_tables: bool = True,
          endpoint_sources: str = "vpc") -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``outpost_default``: the Outpost subnets' default route, to the NAT gateways
    (``nat``, the sample's) or to the local gateway (``lgw``); ``s3_on_outpost_tables``: whether
    the S3 gateway endpoint is associated with their tables; ``endpoint_sources``: what the
    endpoint groups admit on 443, the VPC's block (``vpc``) or the private subnets' blocks
    (``region_subnets``). See the module docstring."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=f"{NAME}-challenge", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "igw": b.igw(vpc), "lgw": b.new_id("lgw")}
    for k in (0, 1):
        public = ids[f"public{k}"] = b.subnet(vpc, PUBLIC[k], az=k + 1, name=f"{NAME}-public-subnet-{k}")
        ids[f"public_rt{k}"] = b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": ids["igw"]},
                                             name=f"{NAME}-PublicRouteTable-{k}")
        ids[f"nat{k}"] = b.nat(public)
        private = ids[f"private{k}"] = b.subnet(vpc, PRIVATE[k], az=k + 1, name=f"{NAME}-private-subnet-{k}")
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[private], name=f"{NAME}-PrivateRoutable-{k}")
    for k in (0, 1):  # both on the Outpost, so in its anchor AZ
        outpost = ids[f"outpost{k}"] = b.subnet(vpc, OUTPOST[k], az=1, name=f"{NAME}-outposts-subnet-{k}")
        default = ids[f"nat{k % 2}"] if outpost_default == "nat" else ids["lgw"]
        ids[f"outpost_rt{k}"] = b.route_table(vpc, subnets=[outpost], name=f"{NAME}-outpostsRoutable-{k}",
                                              routes={ON_PREMISES: ids["lgw"], "0.0.0.0/0": default})
    outpost_tables = [ids["outpost_rt0"], ids["outpost_rt1"]] if s3_on_outpost_tables else []
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=outpost_tables)
    b.flow_log(vpc)

    sources = [VPC_CIDR] if endpoint_sources == "vpc" else list(PRIVATE)
    admit = [("tcp", HTTPS, HTTPS, cidr) for cidr in sources]
    ids["ssm_endpoint_sg"] = b.security_group(vpc, name=f"SSM-endpoint-{NAME}-sec-group", ingress=admit, egress=())
    ids["ecs_endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-challenge-{NAME}-ecs-endpoint", ingress=admit,
                                              egress=())
    region_subnets = [ids["private0"], ids["private1"]]
    for group, keys in (("ssm_endpoint_sg", SSM_ENDPOINTS), ("ecs_endpoint_sg", ECS_ENDPOINTS)):
        for key in keys:
            ids[key] = b.interface_endpoint(vpc, key, subnets=region_subnets, groups=[ids[group]])

    alb_sg = ids["alb_sg"] = b.security_group(vpc, name=f"{NAME}-challenge-{NAME}-{ALB}-sec-group",
                                              ingress=[("tcp", ALB_PORT, ALB_PORT, VPC_CIDR)], egress=())
    ecs_sg = ids["ecs_sg"] = b.security_group(vpc, name=f"{NAME}-challenge-{NAME}-ecs-sec-group",
                                              ingress=[("tcp", TARGET_PORT, TARGET_PORT, alb_sg)])
    b.authorize(alb_sg, egress=[("tcp", TARGET_PORT, TARGET_PORT, ecs_sg)])
    ids["alb_node"] = b.workload(ids["outpost0"], groups=[alb_sg], requester_managed=True,
                                 requester_id="amazon-elb", description=f"ELB app/{ALB}/{ALB_ID}")
    for n in (0, 1):
        host = ids[f"host{n}"] = b.workload(ids["outpost0"], groups=[ecs_sg])
        b.enis[host] = replace(b.enis[host], instance_id=b.new_id("i"))
    return b.snapshot(), ids
