"""An Amazon CloudFront distribution whose origin is an internal Application Load Balancer in
private subnets, reached through a CloudFront VPC origin (us-east-1).

The Amazon CloudFront Developer Guide's "Restrict access with VPC origins"
(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html,
the current page as stored, with the Regions table listing ``mx-central-1``; the feature announced
2024-11-20, https://aws.amazon.com/blogs/networking-and-content-delivery/introducing-cloudfront-virtual-private-cloud-vpc-origins-shield-your-web-applications-from-public-internet/).
Its prerequisites: "You need to add an internet gateway to the VPC that has your VPC origin
resources. The internet gateway is required to denote that the VPC can receive traffic from the
internet. The internet gateway is not used for routing traffic to origins inside the subnet, and
you don't need to update the routing policies"; "CloudFront routes to your subnet by using a
service-managed elastic network interface (ENI) that CloudFront creates after you define your VPC
origin resource … You must have at least one available IPv4 address in your private subnet";
"CloudFront automatically creates a service-managed security group with the naming pattern
``CloudFront-VPCOrigins-Service-SG``. This security group is fully managed by AWS, and should not be
edited"; the origin's group admits CloudFront by "Option 1: … the CloudFront managed prefix list"
or "Option 2: … the CloudFront service-managed security group". The VPC origin itself, as the
Terraform AWS provider documents ``aws_cloudfront_vpc_origin``
(https://github.com/hashicorp/terraform-provider-aws/blob/34259791992779194318d907946aa2416082ea77/website/docs/r/cloudfront_vpc_origin.html.markdown:
``origin_arn = aws_lb.this.arn``, ``origin_protocol_policy = "https-only"``, TLSv1.2), is a
CloudFront resource the snapshot does not collect, nor is the distribution.

Built: VPC 10.0.0.0/16 (DNS support and hostnames on) in two AZs the guide supports
(``use1-az1``, ``use1-az2``; it excludes ``use1-az3``); an internet gateway attached and routed by
no table, as the guide says; private subnets 10.0.1.0/24 and 10.0.2.0/24, each on its own route
table with the local route alone (the guide's example needs no NAT gateway and has none). In them:

- the internal ALB (``app/web-origin/…``, HTTPS:443) and its nodes, one per subnet, as other
  layouts model ELB nodes: InterfaceType ``interface``, RequesterManaged true, RequesterId
  ``amazon-elb``, Description ``ELB app/<name>/<id>``, the ALB's group ``web-origin-alb``, which
  admits TCP 443 from the AWS-managed prefix list ``com.amazonaws.global.cloudfront.origin-facing``
  (Option 1, usable before the VPC origin exists) and sends TCP 8080 to the instances' group;
- the VPC origin's interfaces, one per subnet of the ALB, and the group CloudFront creates. Assumed,
  since AWS documents neither's fields beyond the name: the group named
  ``CloudFront-VPCOrigins-Service-SG`` with no ingress and AWS's default egress, tagged
  ``aws.cloudfront.vpcorigin: enabled`` (the tag the CloudFront service-linked role's
  AWSCloudFrontVPCOriginServiceRolePolicy requires on every ``ec2:CreateSecurityGroup`` and
  ``ec2:CreateNetworkInterface`` it makes, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloudFrontVPCOriginServiceRolePolicy.html,
  v1 of 2024-10-24; public Terraform looks the group up by that tag); each interface typed
  ``interface`` (botocore 1.44's NetworkInterfaceType names no CloudFront type), carrying that tag
  and that group alone, attached to no instance, with an empty description, and — since the
  service-linked role creates it in this account, as CodeBuild's and MWAA's roles do theirs — not
  requester-managed, no RequesterId. What holds whichever fields AWS reports: the tag and the group;
- the application: two instances, one per subnet (an Auto Scaling group of two, assumed), in
  ``web-app`` (TCP 8080 from the ALB's group, AWS's default egress), managed with Session Manager
  through interface endpoints ``ssm``, ``ssmmessages``, ``ec2messages`` and ``logs`` in both
  subnets (private DNS on, group ``web-endpoints`` admitting TCP 443 from the VPC's block, AWS's
  default policy) and an S3 gateway endpoint on both private tables (patches and the SSM agent's
  S3 buckets): the usual companions of private instances without a NAT gateway, not the guide's.

Near misses: ``alb_ingress="world"`` (the ALB's group admitting 443 from 0.0.0.0/0, as for an
internet-facing ALB, instead of the prefix list); ``internet_gateway=False`` (the VPC without the
internet gateway the guide requires: the VPC origin is assumed never to deploy, so neither its
group nor its interfaces exist); ``endpoint_sources="app"`` (the endpoints' group admitting
443 from the instances' group only, the tight form); ``app_azs=1`` (one instance, in the first
subnet, and the interface endpoints there alone, while the ALB and the VPC origin span both).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "web-origin"  # the stack's name (assumed)
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
APP_PORT = 8080
ALB = f"app/{NAME}/7d2e9c4b1a6f3e50"
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
CLOUDFRONT_GROUP = "CloudFront-VPCOrigins-Service-SG"
CLOUDFRONT_TAG = {"aws.cloudfront.vpcorigin": "enabled"}
INTERFACE_ENDPOINTS = ("ssm", "ssmmessages", "ec2messages", "logs")
# A few of the prefix list's published ranges (the list holds many more; none is in the VPC).
CLOUDFRONT_RANGES = ("13.32.0.0/15", "52.84.0.0/15", "64.252.64.0/18")


def build(*, alb_ingress: str = "prefix-list", internet_gateway: bool = True, endpoint_sources: str = "vpc",
          app_azs: int = 2) -> tuple[Snapshot, dict[str, str]]:
    """``alb_ingress``: "prefix-list" (the guide's Option 1) or "world"; ``internet_gateway``: the
    guide's internet gateway attached (and so the VPC origin deployed); ``endpoint_sources``: "vpc"
    (the VPC's block) or "app" (the instances' group); ``app_azs``: how many subnets hold an
    instance and the interface endpoints."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    if internet_gateway:
        ids["igw"] = b.igw(vpc)
        b.tag(ids["igw"], {"Name": NAME})
    for az, cidr in enumerate(PRIVATE_CIDRS, start=1):
        ids[f"private{az}"] = b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
        ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[ids[f"private{az}"]], name=f"{NAME}-private-{az}")
    private = [ids["private1"], ids["private2"]]
    app_subnets = private[:app_azs]

    # The AWS-managed prefix list (owner AWS), as DescribeManagedPrefixLists reports it.
    cloudfront_pl = ids["cloudfront_pl"] = b.prefix_list(CLOUDFRONT_PREFIX_LIST, CLOUDFRONT_RANGES, owner_id="AWS")
    alb_source = cloudfront_pl if alb_ingress == "prefix-list" else "0.0.0.0/0"
    alb_sg = ids["alb_sg"] = b.security_group(vpc, name=f"{NAME}-alb", ingress=[("tcp", 443, 443, alb_source)],
                                              egress=[])
    app_sg = ids["app_sg"] = b.security_group(vpc, name=f"{NAME}-app", ingress=[("tcp", APP_PORT, APP_PORT, alb_sg)])
    b.authorize(alb_sg, egress=[("tcp", APP_PORT, APP_PORT, app_sg)])

    for az, subnet in enumerate(private, start=1):
        ids[f"alb_eni{az}"] = b.workload(subnet, groups=[alb_sg], requester_managed=True,
                                         requester_id="amazon-elb", description=f"ELB {ALB}")
    if internet_gateway:
        # What CloudFront creates for the VPC origin (fields assumed: see the module docstring).
        cloudfront_sg = ids["cloudfront_sg"] = b.security_group(vpc, name=CLOUDFRONT_GROUP)
        b.tag(cloudfront_sg, CLOUDFRONT_TAG)
        for az, subnet in enumerate(private, start=1):
            ids[f"cloudfront_eni{az}"] = b.workload(subnet, groups=[cloudfront_sg])
            b.tag(ids[f"cloudfront_eni{az}"], CLOUDFRONT_TAG)
    for az, subnet in enumerate(app_subnets, start=1):
        instance = ids[f"app_eni{az}"] = b.workload(subnet, groups=[app_sg])
        b.enis[instance] = replace(b.enis[instance], instance_id=b.new_id("i"))

    source = VPC_CIDR if endpoint_sources == "vpc" else app_sg
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints",
                                                        ingress=[("tcp", 443, 443, source)])
    for key in INTERFACE_ENDPOINTS:
        ids[key] = b.interface_endpoint(vpc, key, subnets=app_subnets, groups=[endpoint_sg])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt1"], ids["private_rt2"]])
    return b.snapshot(), ids
