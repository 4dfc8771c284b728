"""An AWS Elastic Beanstalk web server environment in a public/private VPC, then without internet
access behind VPC endpoints (us-east-1).

The AWS Elastic Beanstalk Developer Guide's "Using Elastic Beanstalk with Amazon VPC"
(https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/vpc.html, "Public/private VPC" and
"Running an Elastic Beanstalk environment in a private VPC") and "Using Elastic Beanstalk with VPC
endpoints" (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/vpc-vpce.html), as last
published in the guide's source repository
(https://github.com/awsdocs/aws-elastic-beanstalk-developer-guide/blob/5d7c96f8e9aa09c0542b9a5375248c3bede9433e/doc_source/vpc.md
and ``doc_source/vpc-vpce.md`` at the same commit, 2023-06-15, the last before the content was
removed; both pages last changed in f6087f5, 2022-01-05); the current pages say the same, the
endpoints page adding dual-stack endpoints. The template the guide links for the public/private
layout is ``cfn-templates/vpc-privatepublic.yaml`` of
https://github.com/awsdocs/elastic-beanstalk-samples (commit
3303795c4afb9e06b8fc9c941737a058896455ad, 2025-06-03, the repository's head; the template
unchanged since c26fcbe, 2018-03-26).

The template, built as declared (the stack name is not given: assumed ``beanstalk-vpc``): VPC
172.31.0.0/16 with no DNS properties, so CloudFormation's defaults — DNS support on, DNS hostnames
off ("Disabled by default for nondefault VPCs"); public subnets 172.31.0.0/24 (first AZ) and
172.31.1.0/24 (second), ``MapPublicIpOnLaunch`` true, both tagged ``<stack>_Public``, on one route
table sending 0.0.0.0/0 to the internet gateway; one NAT gateway, in the first public subnet;
private subnets 172.31.3.0/24 (first AZ) and 172.31.2.0/24 (second), both tagged
``<stack>_Private``, on one route table sending 0.0.0.0/0 to that NAT gateway. Route tables and the
NAT gateway carry no tags; CloudFormation's ``aws:cloudformation:*`` tags are left out. No flow
log; the VPC keeps AWS's main route table, default NACL and default security group.

The environment, with the guide's "Settings (load balanced)" for this layout — load balancer
visibility public, load balancer subnets both public subnets, instance public IP disabled,
instance subnets both private subnets, "Add the default security group" to the instances — and
what Elastic Beanstalk creates for a load-balanced environment ("a security group for the load
balancer that allows traffic on port 80 from the internet, and a security group for the
application instances that allows traffic from the load balancer's security group"). Assumed
where the guide is silent, from what DescribeSecurityGroups and DescribeNetworkInterfaces report
for such an environment in a public export of an account's groups and interfaces:

- ``LoadBalancerType`` ``application`` (the console's choice; the option's API default is
  ``classic``), a dedicated load balancer named ``awseb-AWSEB-<id>``, with an HTTP:80 listener;
- the load balancer's group ``awseb-<env id>-stack-AWSEBLoadBalancerSecurityGroup-<suffix>``,
  described "Elastic Beanstalk created security group used when no ELB security groups are
  specified during ELB creation": TCP 80 in from 0.0.0.0/0, TCP 80 out to 0.0.0.0/0;
- the instances' group ``awseb-<env id>-stack-AWSEBSecurityGroup-<suffix>``, described
  "SecurityGroup for ElasticBeanstalk environment.": TCP 80 in from the load balancer's group, all
  traffic out (no key pair, so no SSH rule); both groups tagged ``Name``,
  ``elasticbeanstalk:environment-id`` and ``elasticbeanstalk:environment-name``;
- the load balancer's nodes, one per public subnet: InterfaceType ``interface``, RequesterManaged
  true, RequesterId ``amazon-elb``, Description ``ELB app/awseb-AWSEB-<id>/<hex>``, the load
  balancer's group;
- the Auto Scaling group at two instances, one per private subnet (the option's default MinSize
  is 1, MaxSize 4: two assumed so that both AZs hold an instance), each primary interface typed
  ``interface``, not requester-managed, with an empty description, the instance in its
  attachment, and the instances' group and the VPC's default group.

The second form (``endpoints=True``) is the guide's private-VPC advice applied to the same layout:
"If you configure VPC endpoints in your VPC to connect to both the elasticbeanstalk and
elasticbeanstalk-health services, internet access is optional"; "Elastic Beanstalk instances send
traffic to several other AWS services on your behalf: Amazon Simple Storage Service (Amazon S3),
Amazon Simple Queue Service (Amazon SQS), AWS CloudFormation, and Amazon CloudWatch Logs. You must
configure VPC endpoints for these services too"; "choose the Enable DNS name option when you
configure all interface VPC endpoints". Built: the template without its NAT gateway (the private
table keeps the local route only); interface endpoints ``elasticbeanstalk``,
``elasticbeanstalk-health``, ``sqs``, ``cloudformation`` and ``logs`` in both private subnets with
private DNS on; for S3 — the guide names the service, not the endpoint type — a gateway endpoint
on the private route table; no policy given, so each endpoint whose service takes one keeps AWS's
default full access (the enhanced health service "doesn't support endpoint policies", the 2022
page). Assumed: the interface endpoints share a group ``<stack>-vpc-endpoints`` admitting TCP 443
from the VPC's block, with AWS's default egress; DNS hostnames turned on, since private DNS needs
them (CreateVpcEndpoint: "To use a private hosted zone, you must set the following VPC attributes
to true: enableDnsHostnames and enableDnsSupport"). The environment's, load balancer's and
instances' ids and names are made up in the formats AWS gives them.

Near misses, in the endpoint form: ``endpoint_sources="load-balancer"`` (the endpoints' group
admits 443 from the load balancer's group only, the one environment group a person sees named
after a load balancer); ``left_out="elasticbeanstalk-health"`` (no enhanced health endpoint);
``s3_tables="public"`` (the S3 gateway endpoint on the public route table only);
``dns_hostnames=False`` (the template's default kept). Also the guide's example endpoint policy on
the elasticbeanstalk endpoint (``elasticbeanstalk_policy="guide"``).
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "beanstalk-vpc"  # the VPC stack's name (not given: assumed)
VPC_CIDR = "172.31.0.0/16"
# Per AZ: (public CIDR, private CIDR), as the template declares them.
CIDRS = (("172.31.0.0/24", "172.31.3.0/24"), ("172.31.1.0/24", "172.31.2.0/24"))
ENVIRONMENT = "Webapp-env"  # the console's "<application>-env" for an application "webapp" (assumed)
ENVIRONMENT_ID = "e-7ptmcfq3xd"
EB_STACK = f"awseb-{ENVIRONMENT_ID}-stack"
ALB = "awseb-AWSEB-1LQ8X2ZK7N0RD"
ALB_ID = "5c9e3b7a1f0d2e84"
LB_GROUP = f"{EB_STACK}-AWSEBLoadBalancerSecurityGroup-1Q2W3E4R5T6Y7"
INSTANCE_GROUP = f"{EB_STACK}-AWSEBSecurityGroup-8U9I0O1P2A3S"
# The interface endpoints of the endpoint form: the two Elastic Beanstalk services, then SQS,
# CloudFormation and CloudWatch Logs, in the guide's order.
INTERFACE_ENDPOINTS = ("elasticbeanstalk", "elasticbeanstalk-health", "sqs", "cloudformation", "logs")
# Services the account's catalogue must list beyond aws_layout.CATALOGUE, with whether they take an
# endpoint policy (DescribeVpcEndpointServices, VpcEndpointPolicySupported): Elastic Beanstalk's
# does, its enhanced health service "doesn't support endpoint policies" (vpc-vpce.md, 2022), and
# CloudFormation's does ("Creating a VPC endpoint policy for CloudFormation", the CloudFormation
# User Guide's cfn-vpce-bucketnames.html; builders.NO_POLICY_SERVICES says otherwise).
EXTRA_SERVICES = {"elasticbeanstalk": True, "elasticbeanstalk-health": False, "cloudformation": True}


def guide_elasticbeanstalk_policy() -> str:
    """The guide's example endpoint policy (vpc-vpce.policy): full access for everyone, except
    TerminateEnvironment, denied to all."""
    return json.dumps({"Statement": [
        {"Action": "*", "Effect": "Allow", "Resource": "*", "Principal": "*"},
        {"Action": "elasticbeanstalk:TerminateEnvironment", "Effect": "Deny", "Resource": "*", "Principal": "*"}]})


def build(*, endpoints: bool = False, environment: bool = True, endpoint_sources: str = "vpc",
          left_out: str | None = None, s3_tables: str = "private", dns_hostnames: bool | None = None,
          elasticbeanstalk_policy: str = "default") -> tuple[Snapshot, dict[str, str]]:
    """``endpoints``: the template (False) or the endpoint form (True). ``environment``: the
    Elastic Beanstalk environment created. ``endpoint_sources``: "vpc" or "load-balancer";
    ``left_out``: an interface endpoint not created; ``s3_tables``: "private" or "public";
    ``dns_hostnames``: None for the form's own (off in the template, on with endpoints);
    ``elasticbeanstalk_policy``: "default" (full access) or "guide" (the guide's example)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    for key, policy_supported in EXTRA_SERVICES.items():
        b.service(key, policy_supported=policy_supported)
    hostnames = endpoints if dns_hostnames is None else dns_hostnames
    vpc = b.vpc(VPC_CIDR, name=STACK, dns_support=True, dns_hostnames=hostnames)
    igw = b.igw(vpc)
    b.tag(igw, {"Name": STACK})
    ids: dict[str, str] = {"vpc": vpc, "igw": igw, "main_rt": b.main_route_table(vpc)}
    public_rt = ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": igw})
    for az, (public_cidr, private_cidr) in enumerate(CIDRS, start=1):
        public = ids[f"public{az}"] = b.subnet(vpc, public_cidr, az=az, name=f"{STACK}_Public")
        b.subnets[public] = replace(b.subnets[public], map_public_ip_on_launch=True)
        b.associate(public_rt, public)
        ids[f"private{az}"] = b.subnet(vpc, private_cidr, az=az, name=f"{STACK}_Private")
    private = [ids["private1"], ids["private2"]]
    routes = {}
    if not endpoints:
        ids["nat"] = b.nat(ids["public1"])
        routes = {"0.0.0.0/0": ids["nat"]}
    ids["private_rt"] = b.route_table(vpc, subnets=private, routes=routes)
    if environment:
        ids |= _environment(b, vpc, [ids["public1"], ids["public2"]], private)
    if endpoints:
        ids |= _endpoints(b, vpc, private, ids, endpoint_sources=endpoint_sources, left_out=left_out,
                          s3_tables=s3_tables)
        if elasticbeanstalk_policy == "guide":
            b.endpoints[ids["elasticbeanstalk"]] = replace(b.endpoints[ids["elasticbeanstalk"]],
                                                           policy_document=guide_elasticbeanstalk_policy())
    return b.snapshot(), ids


def _environment(b: AwsRegionBuilder, vpc: str, public: list[str], private: list[str]) -> dict[str, str]:
    """What Elastic Beanstalk creates in the VPC: its two groups, the load balancer's nodes and the
    instances (fields assumed as the module docstring says)."""
    tags = {"Name": ENVIRONMENT, "elasticbeanstalk:environment-id": ENVIRONMENT_ID,
            "elasticbeanstalk:environment-name": ENVIRONMENT}
    lb_sg = b.security_group(vpc, name=LB_GROUP, ingress=[("tcp", 80, 80, "0.0.0.0/0")],
                             egress=[("tcp", 80, 80, "0.0.0.0/0")])
    b.groups[lb_sg] = replace(b.groups[lb_sg], description="Elastic Beanstalk created security group used when "
                              "no ELB security groups are specified during ELB creation")
    instance_sg = b.security_group(vpc, name=INSTANCE_GROUP, ingress=[("tcp", 80, 80, lb_sg)])
    b.groups[instance_sg] = replace(b.groups[instance_sg],
                                    description="SecurityGroup for ElasticBeanstalk environment.")
    for group in (lb_sg, instance_sg):
        b.tag(group, tags)
    ids = {"lb_sg": lb_sg, "instance_sg": instance_sg, "default_sg": b.default_group(vpc)}
    for az, (public_subnet, private_subnet) in enumerate(zip(public, private, strict=True), start=1):
        ids[f"alb_eni{az}"] = b.workload(public_subnet, groups=[lb_sg], requester_managed=True,
                                         requester_id="amazon-elb", description=f"ELB app/{ALB}/{ALB_ID}")
        instance = ids[f"instance_eni{az}"] = b.workload(private_subnet, groups=[instance_sg, ids["default_sg"]])
        b.enis[instance] = replace(b.enis[instance], instance_id=b.new_id("i"))
    return ids


def _endpoints(b: AwsRegionBuilder, vpc: str, private: list[str], ids: dict[str, str], *, endpoint_sources: str,
               left_out: str | None, s3_tables: str) -> dict[str, str]:
    """The endpoint form's endpoints and their group (see the module docstring)."""
    source = VPC_CIDR if endpoint_sources == "vpc" else ids["lb_sg"]
    endpoint_sg = b.security_group(vpc, name=f"{STACK}-vpc-endpoints", ingress=[("tcp", 443, 443, source)])
    added = {"endpoint_sg": endpoint_sg}
    for key in INTERFACE_ENDPOINTS:
        if key != left_out:
            # DescribeVpcEndpoints: VpcEndpointType Interface, PrivateDnsEnabled true, one
            # vpc_endpoint ENI per private subnet, the endpoints' group, AWS's default policy.
            added[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoint_sg])
    tables = [ids["private_rt"]] if s3_tables == "private" else [ids["public_rt"]]
    added["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)
    return added
