"""An AWS Global Accelerator standard accelerator whose endpoint is an internal Application Load
Balancer in private subnets, client IP address preservation on (us-west-2).

The published stack: aws-samples/access-internal-alb-through-aws-global-accelerator, ``main.yml``
at commit 0d430aaa8ace8189bb2d8eceb391cc93f71c5612
(https://github.com/aws-samples/access-internal-alb-through-aws-global-accelerator/blob/0d430aaa8ace8189bb2d8eceb391cc93f71c5612/main.yml),
the template of the AWS Networking & Content Delivery blog post "Accessing private Application Load
Balancers and instances through AWS Global Accelerator"
(https://aws.amazon.com/blogs/networking-and-content-delivery/accessing-private-application-load-balancers-and-instances-through-aws-global-accelerator/).
The Global Accelerator Developer Guide as stored in awsdocs/aws-global-accelerator-dev-guide
(``doc_source/secure-vpc-connections.md`` at e8ab2da44081c9f3a382a459523eda1bf2ef83ea,
``doc_source/best-practices-aga.md`` at 5e3f06d2c5a2d9fabce3770951b4dc3de8fbf3f7) and as published
(https://docs.aws.amazon.com/global-accelerator/latest/dg/secure-vpc-connections.html,
https://docs.aws.amazon.com/global-accelerator/latest/dg/best-practices-aga.html): "The VPC that
contains the load balancer or EC2 instance must have an internet gateway attached to it, to
indicate that the VPC accepts internet traffic. However, you don't need public IP addresses on the
load balancer or EC2 instance. You also don't need an associated internet gateway route for the
subnet"; "Global Accelerator creates one elastic network interface for each subnet that has at
least one elastic network interface of the Application Load Balancer in it"; "Global Accelerator
creates a specific security group for each VPC. Elastic network interfaces that are created for
the endpoints within a specific VPC all use the same security group"; "make sure that all your
required security configurations, for example, security groups, are updated to include the user
client IP address on allow lists".

Built as the template builds it: VPC 10.10.0.0/16 (DNS support and hostnames on), two AZs
(``usw2-az1``, ``usw2-az2``), an internet gateway attached; public subnets 10.10.10.0/24 and
10.10.11.0/24 (MapPublicIpOnLaunch true) on one table sending 0.0.0.0/0 to the internet gateway, a
NAT gateway in each; private subnets 10.10.20.0/24 and 10.10.21.0/24, each on its own table sending
0.0.0.0/0 to its AZ's NAT gateway (no route of theirs reaches the internet gateway). In the private
subnets:

- the internal ALB (``app/int-alb-with-aws-ga/…``, HTTP:80) and its nodes, one per subnet, as other
  layouts model ELB nodes: InterfaceType ``interface``, RequesterManaged true, RequesterId
  ``amazon-elb``, Description ``ELB app/<name>/<id>``; its group (``int-alb-with-ga-sg``) admits
  TCP 80 from the customer-managed prefix list ``WebServerPrefixList`` holding the parameter
  ``AllowedIP`` (default 0.0.0.0/0), AWS's default egress (the template gives none);
- the web server: the Auto Scaling group's one instance (MinSize = MaxSize = 1 over both private
  subnets; placed in the first), group ``web-server-sg`` admitting TCP 80 from the ALB's group,
  AWS's default egress; it reaches Systems Manager (``AmazonEC2RoleforSSM``) through its NAT gateway;
- Global Accelerator's interfaces, one per subnet of the ALB, and the group it creates. The guide
  documents neither's fields beyond the group's role; the template's clean-up function finds the
  group by ``group-name`` ``GlobalAccelerator``. Each interface is typed
  ``global_accelerator_managed``, a value the EC2 API Reference lists for NetworkInterface
  ``interfaceType`` and for the ``interface-type`` filter of DescribeNetworkInterfaces (botocore
  1.44's NetworkInterfaceType enum). Group and interfaces are tagged ``AWSServiceName:
  GlobalAccelerator``: AWSGlobalAcceleratorSLRPolicy lets the service delete a security group and
  assign or unassign an interface's IPv6 addresses only where ``ec2:ResourceTag/AWSServiceName`` is
  ``GlobalAccelerator``
  (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSGlobalAcceleratorSLRPolicy.html,
  v9 of 2024-10-29). Assumed: the group has no ingress and AWS's default egress, description
  ``GlobalAccelerator``; each interface carries that group alone, is attached to no instance, has
  an empty description and — created by the service-linked role in this account, as the
  CloudFront VPC origin layout assumes of its interfaces — is not requester-managed.

Companions the template does not have but private instances usually get: interface endpoints
``ssm``, ``ssmmessages``, ``ec2messages`` in both private subnets (private DNS on, group
``web-endpoints`` admitting TCP 443 from the VPC's block, AWS's default policy) and an S3 gateway
endpoint on both private tables, keeping Session Manager and patch traffic off the NAT gateways.

Variants: ``alb_ingress="vpc"`` (near miss: the ALB's group admits TCP 80 from the VPC's block
only, as for an internal ALB reached from inside); ``alb_ingress="ga-group"`` (the guide's
alternative: the ALB's group admits TCP 80 from Global Accelerator's group); ``nat=False`` (the
VPC private-only: no public subnets, no NAT gateways, the instance served by the endpoints alone,
the internet gateway still attached and routed by no table, as the guide describes);
``nat=False, internet_gateway=False`` (near miss: the internet gateway removed with the NAT
gateways; Global Accelerator is assumed to refuse the endpoint, so neither its group nor its
interfaces exist); ``endpoint_sources="app"`` (near miss, the tight form: the endpoints' group
admits 443 from the instance's group only); ``endpoint_azs=1`` (near miss: the interface endpoints
in the instance's subnet alone, while the ALB and Global Accelerator's interfaces span both);
``ga_group_egress=False`` (Global Accelerator's group with no egress rule: its rules are assumed,
so the audit is pinned for both forms).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-west-2"
NAME = "int-alb-with-aws-ga"  # the template's ResourceName default
VPC_CIDR = "10.10.0.0/16"
PUBLIC_CIDRS = ("10.10.10.0/24", "10.10.11.0/24")
PRIVATE_CIDRS = ("10.10.20.0/24", "10.10.21.0/24")
ALLOWED_IP = "0.0.0.0/0"  # the template's AllowedIP default
ALB = f"app/{NAME}/4b8e2f6a1c3d5e70"
GA_GROUP = "GlobalAccelerator"
GA_TAG = {"AWSServiceName": "GlobalAccelerator"}
GA_INTERFACE_TYPE = "global_accelerator_managed"
INTERFACE_ENDPOINTS = ("ssm", "ssmmessages", "ec2messages")


def build(*, alb_ingress: str = "prefix-list", nat: bool = True, internet_gateway: bool = True,
          endpoint_sources: str = "vpc", endpoint_azs: int = 2,
          ga_group_egress: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``alb_ingress``: "prefix-list" (the template's), "vpc" or "ga-group"; ``nat``: the
    template's public subnets and NAT gateways; ``internet_gateway``: attached (and so Global
    Accelerator's interfaces created); ``endpoint_sources``: "vpc" (the VPC's block) or "app"
    (the instance's group); ``endpoint_azs``: how many private subnets hold the interface
    endpoints; ``ga_group_egress``: Global Accelerator's group with AWS's default egress, or none."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("usw2-az1", "usw2-az2"))
    vpc = b.vpc(VPC_CIDR, name=f"{NAME}-VPC", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    if internet_gateway:
        ids["igw"] = b.igw(vpc)
        b.tag(ids["igw"], {"Name": f"{NAME}-IGW"})
    if nat:
        for az, cidr in enumerate(PUBLIC_CIDRS, start=1):
            subnet = ids[f"public{az}"] = b.subnet(vpc, cidr, az=az, name=f"Public Subnet (AZ{az})")
            b.subnets[subnet] = replace(b.subnets[subnet], map_public_ip_on_launch=True)
            ids[f"nat{az}"] = b.nat(subnet)
        ids["public_rt"] = b.route_table(vpc, subnets=[ids["public1"], ids["public2"]],
                                         routes={"0.0.0.0/0": ids["igw"]}, name="Public Routes")
    for az, cidr in enumerate(PRIVATE_CIDRS, start=1):
        ids[f"private{az}"] = b.subnet(vpc, cidr, az=az, name=f"Private Subnet (AZ{az})")
        routes = {"0.0.0.0/0": ids[f"nat{az}"]} if nat else {}
        ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[ids[f"private{az}"]], routes=routes,
                                               name=f"Private Routes (AZ{az})")
    private = [ids["private1"], ids["private2"]]

    ga_sg = None
    if internet_gateway:
        # The group Global Accelerator creates for the VPC (fields assumed: see the module docstring).
        ga_egress = [("-1", None, None, "0.0.0.0/0")] if ga_group_egress else []
        ga_sg = ids["ga_sg"] = b.security_group(vpc, name=GA_GROUP, egress=ga_egress)
        b.groups[ga_sg] = replace(b.groups[ga_sg], description=GA_GROUP)
        b.tag(ga_sg, GA_TAG)
    ids["allowed_pl"] = b.prefix_list("WebServerPrefixList", (ALLOWED_IP,))
    alb_source = {"prefix-list": ids["allowed_pl"], "vpc": VPC_CIDR, "ga-group": ga_sg}[alb_ingress]
    assert alb_source is not None, "the GlobalAccelerator group exists only with the internet gateway"
    alb_sg = ids["alb_sg"] = b.security_group(vpc, name="int-alb-with-ga-sg", ingress=[("tcp", 80, 80, alb_source)])
    app_sg = ids["app_sg"] = b.security_group(vpc, name="web-server-sg", ingress=[("tcp", 80, 80, alb_sg)])

    for az, subnet in enumerate(private, start=1):
        ids[f"alb_eni{az}"] = b.workload(subnet, groups=[alb_sg], requester_managed=True,
                                         requester_id="amazon-elb", description=f"ELB {ALB}")
        if ga_sg is not None:
            ids[f"ga_eni{az}"] = b.workload(subnet, groups=[ga_sg], interface_type=GA_INTERFACE_TYPE)
            b.tag(ids[f"ga_eni{az}"], GA_TAG)
    instance = ids["app_eni"] = b.workload(ids["private1"], groups=[app_sg])
    b.enis[instance] = replace(b.enis[instance], instance_id=b.new_id("i"))

    source = VPC_CIDR if endpoint_sources == "vpc" else app_sg
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="web-endpoints", ingress=[("tcp", 443, 443, source)])
    for key in INTERFACE_ENDPOINTS:
        ids[key] = b.interface_endpoint(vpc, key, subnets=private[:endpoint_azs], groups=[endpoint_sg])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt1"], ids["private_rt2"]])
    return b.snapshot(), ids
