"""An Amazon API Gateway REST API reaching an Amazon ECS service on Fargate behind an internal
Network Load Balancer in private subnets, through a VPC link for REST APIs (VPC link V1) (us-east-1).

The guide: the API Gateway Developer Guide's "Private integration using VPC links V1 (legacy)"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/vpc-links-v1.html, current page, read
2026-12-07): a private integration first needs a Network Load Balancer with a listener routing to
resources in the VPC; "To improve the availability of your API, ensure that your Network Load
Balancer routes traffic to resources in more than one Availability Zone"; the load balancer and the
API belong to one account. "Set up a Network Load Balancer for API Gateway private integrations
(legacy)" (set-up-nlb-for-vpclink-using-console.html, current page, read 2026-12-07): after
creating the load balancer, note its ARN and turn off security group evaluation for PrivateLink
(clear "Enforce inbound rules on PrivateLink traffic", or ``aws elbv2 set-security-groups …
--enforce-security-group-inbound-rules-on-private-link-traffic off``), and take no dependency on
API Gateway's CIDRs, which change without notice. "API Gateway accounts used for private
integrations" (set-up-api-with-vpclink-accounts.html; as stored,
``doc_source/set-up-api-with-vpclink-accounts.md`` of
https://github.com/awsdocs/amazon-api-gateway-developer-guide at commit
678401eb0597ccdde40719611af5ccd31c9f41aa): creating a ``VpcLink`` adds a Region's API Gateway
account (us-east-1: 392220576650) to "your VPC endpoint service" as ``AllowedPrincipals`` — the
endpoint service on the load balancer is in the API's own account (the provider side), the
interface endpoint reaching it in API Gateway's. A V1 link places no network interface in the
customer's VPC (unlike a VPC link V2, ``layouts.apigw_http_vpc_link``).

The Elastic Load Balancing guide's "Update the security groups for your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html,
current page, read 2026-12-07): without a group "all client traffic can reach the Network Load
Balancer listeners"; groups can be associated only at creation; health checks are subject to the
outbound rules, not the inbound ones; with inbound rules enforced on PrivateLink traffic the source
evaluated is the client's private address, not the endpoint interface's
(``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic``, botocore's elbv2 ``SetSecurityGroups``:
"The default is on"); the targets' groups should admit the load balancer's group on the target
and health check ports. Through PrivateLink the targets see the nodes' private addresses as the
source (the PrivateLink Guide's "Create a service powered by AWS PrivateLink", considerations).

The template: https://github.com/aws-samples/serverless-patterns,
``apigw-vpclink-pvtnlb-fargate-cdk-python`` read at commit
fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (2026-08-06; the stack module unchanged since 4ac0813,
2024-03-25; ``requirements.txt``: aws-cdk-lib 2.253.0). The stack
``ApigwVpclinkPvtnlbFargateCdkPyStack`` (environment-agnostic, ``env`` commented out):

- ``ec2.Vpc`` ``Vpc``, ``max_azs=2``, 10.1.0.0/16 (DNS support and hostnames on, CDK's defaults),
  subnet groups ``private-snet`` (``PRIVATE_WITH_EGRESS``, /24) then ``public-snet`` (``PUBLIC``,
  /24): CDK allocates in that order, 10.1.0.0/24 and 10.1.1.0/24 private, 10.1.2.0/24 and
  10.1.3.0/24 public, each on its own route table; an internet gateway; a NAT gateway per public
  subnet (``natGateways`` defaults to one per AZ), each private subnet routed to its AZ's.
  ``cdk.json`` sets ``@aws-cdk/aws-ec2:restrictDefaultSecurityGroup``: the default group has no
  rules. No flow log, no gateway endpoint.
- ``ecs.Cluster`` with no capacity, a ``FargateTaskDefinition`` whose one container
  (``amazon/amazon-ecs-sample`` from Docker Hub, through the NAT gateways; no log driver) maps
  TCP 80.
- ``Service_SG``: ingress TCP 80 from ``vpc.vpc_cidr_block`` ("Allow HTTP from NLB"), CDK's
  allow-all egress.
- ``ecs_patterns.NetworkLoadBalancedFargateService`` ``Service`` with ``public_load_balancer=False``
  and ``security_groups=[service_sg]``: an internal ``NetworkLoadBalancer`` (``{vpc,
  internetFacing}`` alone, so the private subnets) with a TCP 80 listener to an IP target group
  on port 80, ``desiredCount`` 1, the task in the private subnets with no public address. The
  load balancer gets no security group: ``cdk.json`` does not set
  ``@aws-cdk/aws-elasticloadbalancingv2:networkLoadBalancerWithSecurityGroupByDefault``, so the
  flag keeps its legacy value (the stack's commented-out line would have given it one).
- ``apigw.RestApi`` with ``{proxy+}`` ``ANY`` integrated (``HTTP``, ``VPC_LINK``) with
  ``apigw.VpcLink`` ``Link`` targeting the load balancer.

Assumed where the sources say nothing: the account 123456789012 and us-east-1 (the
environment-agnostic stack takes the Region's first two AZs, us-east-1a and b, here use1-az2 and
use1-az4), the names CloudFormation generates (group and load balancer names, logical-id hashes),
the random parts of ids, and the one task in the first private subnet.

Interfaces as DescribeNetworkInterfaces reports them (botocore's ec2 model):

- the load balancer's nodes, one per enabled subnet: InterfaceType ``network_load_balancer``,
  RequesterManaged true, RequesterId ``amazon-elb``, Description ``ELB net/<name>/<id>``, the load
  balancer's groups (none in the template), on no instance (as ``layouts.privatelink_provider_nlb``);
- the Fargate task's: InterfaceType ``interface``, RequesterManaged true, Description the ECS
  attachment's ARN, ``Service_SG`` (as ``layouts.ecs_fargate_private``);
- the NAT gateways', as the builder creates them;
- none for the VPC link.

What the snapshot has no record of: the load balancer, its listener, target group and
``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` (elbv2 DescribeLoadBalancers,
DescribeListeners, DescribeTargetGroups), the VPC link (apigateway GetVpcLinks) and the endpoint
service the link created (DescribeVpcEndpointServiceConfigurations, the provider's view; this
account's DescribeVpcEndpointServices is not assumed to list it, as in
``layouts.privatelink_provider_nlb``), API Gateway's interface endpoint (another account's).

Variants: ``nlb_group=True`` (the 2023 form the ELB guide recommends: the load balancer created
with a group admitting TCP 80 from the VPC's block, AWS's default egress, and ``Service_SG``
admitting TCP 80 from that group instead of the block). Whether it works hangs on the attribute the
snapshot lacks: off, as the API Gateway guide says, API Gateway's requests pass; on (the default),
they are evaluated against the VPC's block from API Gateway's addresses and refused. Near misses:
``app_source="other"`` (``Service_SG`` admitting 10.0.0.0/16, CDK's default VPC block copied from
another stack, not the nodes' 10.1.0.0/16: targets unhealthy, every call fails);
``nlb_azs=1`` (the load balancer in the first private subnet only).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az2", "use1-az4")  # this account's mapping of us-east-1a and b (assumed)
STACK = "ApigwVpclinkPvtnlbFargateCdkPyStack"
VPC = f"{STACK}/Vpc"
VPC_CIDR = "10.1.0.0/16"
OTHER_CIDR = "10.0.0.0/16"  # CDK's default VPC block: the near miss's copied source
SUBNET_GROUPS = (("private-snet", "Private"), ("public-snet", "Public"))  # the template's order
NLB = "net/ApigwV-Servi-1K7Q2M9X4B3ZD/7c1e9a2f5b3d8e46"  # CloudFormation's generated name (assumed)
ELB_REQUESTER = "amazon-elb"
LISTENER_PORT = 80  # the listener's, the target group's and the container's port
ALLOW_ALL_OUTBOUND = "Allow all outbound traffic by default"


def build(*, nlb_group: bool = False, app_source: str = "vpc",
          nlb_azs: int = 2) -> tuple[Snapshot, dict[str, str]]:
    """``nlb_group``: the load balancer has a group (admitting TCP 80 from the VPC's block);
    ``app_source``: what ``Service_SG`` admits TCP 80 from, "vpc" (the template), "nlb-group" or
    "other" (10.0.0.0/16); ``nlb_azs``: the private subnets the load balancer is enabled in."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=VPC, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "default_sg": b.default_group(vpc)}
    b.groups[ids["default_sg"]] = replace(b.groups[ids["default_sg"]], rules=())  # restrictDefaultSecurityGroup
    ids["igw"] = b.igw(vpc)
    b.tag(ids["igw"], {"Name": VPC})
    third_octet = 0
    for group_name, type_tag in SUBNET_GROUPS:
        key = type_tag.lower()
        for az in (1, 2):
            name = f"{VPC}/{group_name}Subnet{az}"
            subnet = ids[f"{key}{az}"] = b.subnet(vpc, f"10.1.{third_octet}.0/24", az=az, name=name)
            third_octet += 1
            b.subnets[subnet] = replace(b.subnets[subnet], map_public_ip_on_launch=type_tag == "Public")
            b.tag(subnet, {"aws-cdk:subnet-name": group_name, "aws-cdk:subnet-type": type_tag})
            ids[f"{key}{az}_rt"] = b.route_table(vpc, subnets=[subnet], name=name)
    for az in (1, 2):
        b.route(ids[f"public{az}_rt"], "0.0.0.0/0", ids["igw"])
        ids[f"nat{az}"] = b.nat(ids[f"public{az}"])
        b.tag(ids[f"nat{az}"], {"Name": f"{VPC}/public-snetSubnet{az}"})
        b.route(ids[f"private{az}_rt"], "0.0.0.0/0", ids[f"nat{az}"])
    private = [ids["private1"], ids["private2"]]

    nlb_groups: list[str] = []
    if nlb_group:
        ids["nlb_sg"] = _cdk_group(b, vpc, "ServiceLBSecurityGroup3A5E1C7B", f"{STACK}/Service/LB/SecurityGroup",
                                   ingress=[("tcp", LISTENER_PORT, LISTENER_PORT, VPC_CIDR)],
                                   ingress_description=f"from {VPC_CIDR}:{LISTENER_PORT}")
        nlb_groups.append(ids["nlb_sg"])
    source = {"vpc": VPC_CIDR, "other": OTHER_CIDR}.get(app_source) or ids["nlb_sg"]
    ids["service_sg"] = _cdk_group(b, vpc, "ServiceSG9B2D4F61", f"{STACK}/Service_SG",
                                   ingress=[("tcp", LISTENER_PORT, LISTENER_PORT, source)],
                                   ingress_description="Allow HTTP from NLB")

    for az, subnet in enumerate(private[:nlb_azs], start=1):
        ids[f"nlb_eni{az}"] = b.workload(subnet, groups=nlb_groups, interface_type="network_load_balancer",
                                         requester_managed=True, requester_id=ELB_REQUESTER,
                                         description=f"ELB {NLB}")
    # desiredCount 1: the one task, in the first private subnet (assumed).
    ids["task1"] = b.workload(private[0], groups=[ids["service_sg"]], requester_managed=True,
                              description=f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/5e2a9c41-7d3b-4f6e-8a1c-2b9d4e6f8a00")
    return b.snapshot(), ids


def _cdk_group(b: AwsRegionBuilder, vpc: str, logical_id: str, description: str, *,
               ingress: list[tuple[str, int | None, int | None, str]], ingress_description: str) -> str:
    """A CDK ``SecurityGroup`` as CloudFormation creates it: GroupName ``<stack>-<logical id>-<suffix>``,
    GroupDescription the construct path, CDK's allow-all egress rule, the rules' descriptions."""
    suffix = b.new_id("x")[-13:].upper()
    group = b.security_group(vpc, name=f"{STACK}-{logical_id}-{suffix}", ingress=ingress)
    rules = tuple(replace(rule, description=ALLOW_ALL_OUTBOUND if rule.is_egress else ingress_description)
                  for rule in b.groups[group].rules)
    b.groups[group] = replace(b.groups[group], description=description, rules=rules)
    return group
