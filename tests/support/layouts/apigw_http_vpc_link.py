"""An Amazon API Gateway HTTP API reaching an Amazon ECS service on Fargate behind an internal
Application Load Balancer in private subnets, through a VPC link for HTTP APIs (us-east-2).

The guide: the API Gateway Developer Guide's "Tutorial: Building an HTTP API with a private
integration to an Amazon ECS service"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-private-integration.html; its
source as stored, ``doc_source/http-api-private-integration.md`` of
https://github.com/awsdocs/amazon-api-gateway-developer-guide at commit
8b5ab7d3b06e1ab149f268ae4d008e3752659272, 2021-05-04, the repository retired 2023-06-29) and
"Working with VPC links for HTTP APIs" (http-api-vpc-links.html; ``doc_source/http-api-vpc-links.md``
as stored): "When you create a VPC link, API Gateway creates and manages elastic network interfaces
for the VPC link in your account"; "VPC links are immutable. After you create a VPC link, you can't
change its subnets or security groups"; us-east-2 supports use2-az1, use2-az2 and use2-az3. The
tutorial's steps: a CloudFormation stack ``http-api-private-integrations-tutorial`` (the VPC named
``PrivateIntegrationsStack/…``, its private subnets' names ending ``PrivateSubnet``, the load
balancer's name starting ``http-Priva``, listener HTTP 80), then the VPC link
``private-integrations-tutorial`` in "the two private subnets" and — the current page's step — the
security group "that … has the description of
``PrivateIntegrationsStack/PrivateIntegrationsTutorialService/Service/SecurityGroup``", the
service's own group; then an HTTP API whose ``ANY /{proxy+}`` route has a private integration with
the ALB's listener through the VPC link.

The template itself (``samples/private-integration-cfn.zip``) is not in the stored repository (the
zip was never committed). Its names are those the AWS CDK gives an environment-agnostic stack
``PrivateIntegrationsStack`` holding ``ec2.Vpc`` ``PrivateIntegrationsTutorialVPC`` and an
``ecs_patterns.ApplicationLoadBalancedFargateService`` ``PrivateIntegrationsTutorialService`` with
``publicLoadBalancer: false``; built with those constructs' defaults (as ``cdk_default_vpc``
reads them; the CDK of 2020, before ``restrictDefaultSecurityGroup``, so the default group keeps
AWS's rules): 10.0.0.0/16 (DNS on) in two AZs, public subnets 10.0.0.0/18 and 10.0.64.0/18 (routed
to the internet gateway), private 10.0.128.0/18 and 10.0.192.0/18 each on its own table routed to
the NAT gateway of its AZ; the internal ALB in the private subnets, its group admitting TCP 80 from
0.0.0.0/0 (the listener's ``open: true``) and sending TCP 80 to the service's group only; the
service's group admitting TCP 80 from the ALB's group and sending anything anywhere; the Fargate
tasks in the private subnets (``desiredCount`` 1, CDK's default; the image pulled from Docker Hub
through the NAT gateway, the awslogs driver on). Third-party renditions of the same template
(public Terraform tagged ``PrivateIntegrationsStack/PrivateIntegrationsTutorialVPC/PrivateSubnet1``
at 10.0.128.0/18 with a NAT gateway per private subnet's AZ) agree on the shape.

Interfaces as DescribeNetworkInterfaces reports them:

- the VPC link's, one per subnet of the link: InterfaceType ``api_gateway_managed`` (botocore
  1.44's ``NetworkInterfaceType`` enum, and the ``interface-type`` filter of
  DescribeNetworkInterfaces lists ``api_gateway_managed``; API Gateway creates network interfaces
  in a customer's VPC for VPC links V2 alone: a V1 link reaches an NLB through an endpoint service),
  RequesterManaged true (API Gateway "creates and manages" them). Assumed, not documented: an
  empty Description and no RequesterId; the model reads the type alone. They carry the link's
  groups (the service's group in the tutorial) and no instance;
- the ALB's nodes, as other layouts model them: InterfaceType ``interface``, RequesterManaged true,
  RequesterId ``amazon-elb``, Description ``ELB app/<name>/<id>``, the ALB's group;
- the Fargate tasks', as ``ecs_fargate_private`` does: InterfaceType ``interface``,
  RequesterManaged true, Description the ECS attachment's ARN, the service's group;
- the NAT gateways', as the builder creates them.

Near misses: ``alb_ingress`` "vpc" (the ALB's group admitting 80 from the VPC's block, the usual
tightening) or "none" (no inbound rule: API Gateway's requests through the link are refused);
``link_azs=1`` (the VPC link in the first private subnet only, the ALB in both);
``nat=False`` (a NAT-less VPC: private tables with the local route alone, the interface endpoints
``ecr.api``, ``ecr.dkr`` and ``logs`` in both private subnets and an S3 gateway endpoint on their
tables, as the ECS guide prescribes for Fargate tasks without internet access) with ``endpoints``
naming the ones built and ``endpoint_azs`` the private subnets they sit in. And
``link_eni_type="interface"``: the VPC link's interfaces reported with the generic type (what a
collector that drops the type, or moto, gives), to pin what the model does without it.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.cdk_default_vpc import cdk_subnet_cidrs
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-2"
AZ_IDS = ("use2-az1", "use2-az2")  # two of the three AZs the guide lists for us-east-2
STACK = "PrivateIntegrationsStack"
VPC = f"{STACK}/PrivateIntegrationsTutorialVPC"
SERVICE = f"{STACK}/PrivateIntegrationsTutorialService"
VPC_CIDR = "10.0.0.0/16"
ALB = "app/http-Priva-Priva-1F3QW0Z9K7XYZ/5c2e8a9d0b7f4e13"  # CloudFormation's generated name (assumed)
LINK_ENI_TYPE = "api_gateway_managed"
# What the ECS guide names for Fargate tasks (platform 1.4.0) with no internet path.
NATLESS_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs", "s3")


def build(*, alb_ingress: str = "world", link_azs: int = 2, nat: bool = True,
          endpoints: tuple[str, ...] = NATLESS_ENDPOINTS, endpoint_azs: int = 2,
          tasks: int = 1, link_eni_type: str = LINK_ENI_TYPE) -> tuple[Snapshot, dict[str, str]]:
    """``alb_ingress``: "world" (the template), "vpc" or "none"; ``link_azs``: how many private
    subnets the VPC link takes; ``nat``: the template's NAT gateways (else ``endpoints``, in the
    first ``endpoint_azs`` private subnets); ``tasks``: the service's running tasks;
    ``link_eni_type``: the InterfaceType the VPC link's interfaces are reported with."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=VPC, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "igw": b.igw(vpc)}
    b.tag(ids["igw"], {"Name": VPC})
    cidrs = cdk_subnet_cidrs(VPC_CIDR, 4)
    for group, offset in (("Public", 0), ("Private", 2)):
        for az in (1, 2):
            name = f"{VPC}/{group}Subnet{az}"
            subnet = ids[f"{group.lower()}{az}"] = b.subnet(vpc, cidrs[offset + az - 1], az=az, name=name)
            b.subnets[subnet] = replace(b.subnets[subnet], map_public_ip_on_launch=group == "Public")
            ids[f"{group.lower()}{az}_rt"] = b.route_table(vpc, subnets=[subnet], name=name)
    for az in (1, 2):
        b.route(ids[f"public{az}_rt"], "0.0.0.0/0", ids["igw"])
        if nat:
            ids[f"nat{az}"] = b.nat(ids[f"public{az}"])
            b.route(ids[f"private{az}_rt"], "0.0.0.0/0", ids[f"nat{az}"])
    private = [ids["private1"], ids["private2"]]

    alb_sources = {"world": ["0.0.0.0/0"], "vpc": [VPC_CIDR], "none": []}[alb_ingress]
    alb_sg = ids["alb_sg"] = b.security_group(vpc, name=f"{SERVICE}/LB/SecurityGroup",
                                              ingress=[("tcp", 80, 80, s) for s in alb_sources], egress=[])
    service_sg = ids["service_sg"] = b.security_group(vpc, name=f"{SERVICE}/Service/SecurityGroup",
                                                      ingress=[("tcp", 80, 80, alb_sg)])
    b.authorize(alb_sg, egress=[("tcp", 80, 80, service_sg)])  # CDK's "Load balancer to target"

    for az, subnet in enumerate(private, start=1):
        ids[f"alb_eni{az}"] = b.workload(subnet, groups=[alb_sg], requester_managed=True,
                                         requester_id="amazon-elb", description=f"ELB {ALB}")
    # The VPC link's interfaces (fields assumed beyond the type: see the module docstring).
    for az, subnet in enumerate(private[:link_azs], start=1):
        ids[f"link_eni{az}"] = b.workload(subnet, groups=[service_sg], interface_type=link_eni_type,
                                          requester_managed=True)
    for n in range(tasks):
        ids[f"task{n + 1}"] = b.workload(
            private[n % 2], groups=[service_sg], requester_managed=True,
            description=f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/9d1c7e3a-2f4b-4c8d-b6e0-1a3f5c7e9b{n:02d}")

    if not nat:
        endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{VPC}/Endpoints/SecurityGroup",
                                                            ingress=[("tcp", 443, 443, VPC_CIDR)])
        for key in endpoints:
            if key == "s3":
                ids[key] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private1_rt"], ids["private2_rt"]])
            else:
                ids[key] = b.interface_endpoint(vpc, key, subnets=private[:endpoint_azs], groups=[endpoint_sg])
    return b.snapshot(), ids
