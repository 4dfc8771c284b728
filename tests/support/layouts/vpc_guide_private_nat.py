"""The Amazon VPC User Guide's example "VPC with servers in private subnets and NAT" (us-east-1).

https://docs.aws.amazon.com/vpc/latest/userguide/vpc-example-private-subnets-nat.html; its text as
last published in the guide's source repository,
https://github.com/awsdocs/amazon-vpc-user-guide/blob/a1298ceea56d79184f27c2fbc5e72a84a5730054/doc_source/vpc-example-private-subnets-nat.md
(2023-04-21, the page's last commit before the repository was archived).

Built as the page's "Create the VPC" procedure drives the console's "VPC and more" wizard, with the
wizard's defaults wherever the page keeps them: Name tag auto-generation ``project`` (the wizard's
default), IPv4 CIDR 10.0.0.0/16 (the default suggestion, the CIDR of the page's route tables), two
AZs (us-east-1a, us-east-1b), a public and a private subnet in each with the wizard's default
CIDRs (public 10.0.0.0/20 and 10.0.16.0/20, private 10.0.128.0/20 and 10.0.144.0/20), NAT gateways
"1 per AZ", each in its AZ's public subnet, the S3 gateway endpoint (the default, "S3 Gateway")
and, as the page asks, DNS hostnames cleared (DNS resolution stays on). The wizard creates one route
table for both public subnets (0.0.0.0/0 to the internet gateway) and one per private subnet
(0.0.0.0/0 to its AZ's NAT gateway) and associates the S3 endpoint, with the default full-access
policy, with the private route tables only — the page's private route table carries the S3
prefix-list route, its public one does not. The wizard turns on no auto-assigned public IPv4
address in the public subnets, creates no flow log and no NACL or security group: the VPC keeps
AWS's main route table (local route only), default NACL and default security group.

``ipv6=True`` is the page's dual-stack form ("If your application communicates using IPv6
addresses"): an Amazon-provided /56 (the page's example block, 2001:db8:1234:1a00::/56, stands
for it), a /64 per subnet (public 1a00 and 1a01, private 1a02 and 1a03: the page gives none),
::/0 to the internet gateway in the public table and to an egress-only internet gateway in the
private ones.

Then "Deploy your application", the page's details left open chosen as the console and the
Elastic Load Balancing guide default them: an internet-facing Application Load Balancer in both
public subnets with an HTTP:80 listener forwarding to an HTTP:80 target group whose health check
uses the traffic port; its group admits HTTP from anywhere and sends HTTP to the servers' group
(the ELB guide's recommended rules for an internet-facing load balancer). The servers' group is the
page's Security table: the listener protocol and port and the health check protocol and port
from the load balancer's group — one rule here, TCP 80 (the two rows coincide, and EC2 refuses a
duplicate rule), with the default allow-all egress (the servers reach the internet through the
NAT gateways and S3 through the endpoint). An Auto Scaling group of two, one server per private
subnet (Auto Scaling balances across the group's AZs).

``session_manager=True`` puts it to a use the page does not describe: Session Manager for the
private servers, through ssm, ssmmessages and ec2messages interface endpoints with private DNS in
both private subnets (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html),
behind a group admitting HTTPS from the servers' group. Private
DNS needs DNS hostnames (CreateVpcEndpoint refuses it otherwise), so that form turns them back on.

Near misses: ``nat_gateways="one"`` (the wizard's "In 1 AZ": both private route tables send
0.0.0.0/0 to the NAT gateway in us-east-1a), ``s3_route_tables="first"`` (the S3 endpoint
associated with the first private route table only), ``s3_route_tables="none"`` (the page's
"If you choose None").
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "project"  # the wizard's default for "Name tag auto-generation"
V6 = "2001:db8:1234:1a0"  # the page's example /56 is 2001:db8:1234:1a00::/56
ALB = "project-alb"
ALB_ID = "7d1e4f0a9b2c3e5d"
# Per AZ: (public CIDR, private CIDR) — the wizard's defaults for 10.0.0.0/16 with two AZs.
CIDRS = (("10.0.0.0/20", "10.0.128.0/20"), ("10.0.16.0/20", "10.0.144.0/20"))


def build(*, ipv6: bool = False, nat_gateways: str = "per-az", s3_route_tables: str = "private",
          servers: bool = True, session_manager: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``nat_gateways``: "per-az" (the page) or "one"; ``s3_route_tables``: "private" (the wizard),
    "first" or "none"."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az2", "use1-az4"))
    # DescribeVpcAttribute: enableDnsSupport true, enableDnsHostnames false (cleared, as the page
    # asks), except in the Session Manager form, whose private DNS needs it.
    vpc = b.vpc("10.0.0.0/16", name=f"{NAME}-vpc", dns_support=True, dns_hostnames=session_manager,
                ipv6_cidrs=[f"{V6}0::/56"] if ipv6 else ())
    igw = b.igw(vpc)
    b.tag(igw, {"Name": f"{NAME}-igw"})
    ids: dict[str, str] = {"vpc": vpc, "igw": igw}
    public_routes = {"0.0.0.0/0": igw} | ({"::/0": igw} if ipv6 else {})
    public_rt = ids["public_rt"] = b.route_table(vpc, routes=public_routes, name=f"{NAME}-rtb-public")
    if ipv6:
        ids["eigw"] = b.eigw(vpc)
        b.tag(ids["eigw"], {"Name": f"{NAME}-eigw"})
    private_rts: list[str] = []
    for az, (public_cidr, private_cidr) in enumerate(CIDRS, start=1):
        az_name = b.azs[az - 1][0]
        public = b.subnet(vpc, public_cidr, az=az, name=f"{NAME}-subnet-public{az}-{az_name}",
                          ipv6_cidrs=[f"{V6}{az - 1}::/64"] if ipv6 else ())
        b.associate(public_rt, public)
        private = b.subnet(vpc, private_cidr, az=az, name=f"{NAME}-subnet-private{az}-{az_name}",
                           ipv6_cidrs=[f"{V6}{az + 1}::/64"] if ipv6 else ())
        if nat_gateways == "per-az" or az == 1:
            ids[f"nat{az}"] = b.nat(public)
            b.tag(ids[f"nat{az}"], {"Name": f"{NAME}-nat-public{az}-{az_name}"})
        nat = ids[f"nat{az}"] if nat_gateways == "per-az" else ids["nat1"]
        routes = {"0.0.0.0/0": nat} | ({"::/0": ids["eigw"]} if ipv6 else {})
        private_rt = b.route_table(vpc, subnets=[private], routes=routes, name=f"{NAME}-rtb-private{az}-{az_name}")
        private_rts.append(private_rt)
        ids |= {f"public{az}": public, f"private{az}": private, f"private_rt{az}": private_rt}
    if s3_route_tables != "none":
        tables = private_rts if s3_route_tables == "private" else private_rts[:1]
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)  # the default policy (full access)
        b.tag(ids["s3"], {"Name": f"{NAME}-vpce-s3"})
    private = [ids["private1"], ids["private2"]]
    if servers:
        ids |= _application(b, vpc, [ids["public1"], ids["public2"]], private)
    if session_manager:
        endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-ssm-endpoints-sg",
                                                            ingress=[("tcp", 443, 443, ids["server_sg"])])
        for key in ("ssm", "ssmmessages", "ec2messages"):
            ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoint_sg])
    return b.snapshot(), ids


def _application(b: AwsRegionBuilder, vpc: str, public: list[str], private: list[str]) -> dict[str, str]:
    """The load balancer and the Auto Scaling group's servers, with their groups and ENIs."""
    # The ELB guide's recommended rules for an internet-facing load balancer with instance targets:
    # inbound the listener port from anywhere, outbound the instance listener and health check
    # ports to the instances' group (TCP 80 for both here), nothing else.
    alb_sg = b.security_group(vpc, name=f"{NAME}-alb-sg", ingress=[("tcp", 80, 80, "0.0.0.0/0")], egress=())
    server_sg = b.security_group(vpc, name=f"{NAME}-server-sg", ingress=[("tcp", 80, 80, alb_sg)])
    b.authorize(alb_sg, egress=[("tcp", 80, 80, server_sg)])
    ids = {"alb_sg": alb_sg, "server_sg": server_sg}
    for az, (public_subnet, private_subnet) in enumerate(zip(public, private, strict=True), start=1):
        # A load balancer node's ENI as DescribeNetworkInterfaces reports it (botocore's ec2 model,
        # NetworkInterface): InterfaceType "interface", RequesterManaged true, RequesterId
        # "amazon-elb", Description "ELB app/<name>/<id>", the load balancer's groups.
        node = b.workload(public_subnet, groups=[alb_sg], requester_managed=True, requester_id="amazon-elb",
                          description=f"ELB app/{ALB}/{ALB_ID}")
        # A server's primary ENI: InterfaceType "interface", not requester-managed, an empty
        # Description (EC2 sets none for an instance launched from a launch template), and the
        # instance in Attachment.InstanceId.
        server = b.workload(private_subnet, groups=[server_sg])
        b.enis[server] = replace(b.enis[server], instance_id=b.new_id("i"))
        ids |= {f"alb_eni{az}": node, f"server_eni{az}": server}
    return ids
