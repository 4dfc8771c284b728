"""AWS CodeBuild projects running builds in a VPC (us-east-1).

The AWS CodeBuild User Guide's "Use AWS CodeBuild with Amazon Virtual Private Cloud"
(https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html), "Use VPC endpoints"
(use-vpc-endpoints-with-codebuild.html) and "AWS CloudFormation VPC template"
(cloudformation-vpc-template.html), as last published in the guide's source repository
(https://github.com/awsdocs/aws-codebuild-user-guide/tree/66cc3be8e695e9daf47158339ab05df638a90331/doc_source,
the last commit before the repository was emptied and archived; ``vpc-support.md`` last changed in
c77fb27, 2022-07-25), the current pages saying the same. The guide's checklist: "Set up your VPC
with public and private subnets, and a NAT gateway"; "You need a NAT gateway or NAT instance to use
CodeBuild with your VPC so that CodeBuild can reach public endpoints"; "Include multiple
Availability Zones"; "Make sure that your security groups have no inbound (ingress) traffic allowed
to your builds. CodeBuild does not have specific requirements for outbound traffic, but you must
allow access to any Internet resources required for your build, such as GitHub or Amazon S3";
"choose private subnets only". The console's **Subnets**: "a private subnet with NAT translation".

The canonical form is the template, built as declared (``EnvironmentName`` has no default:
assumed ``codebuild``; default CIDRs): VPC 10.192.0.0/16, DNS support and hostnames on; an
internet gateway; public subnets 10.192.10.0/24 and 10.192.11.0/24 (``MapPublicIpOnLaunch``
true) on ``codebuild Public Routes`` (0.0.0.0/0 to the internet gateway); a NAT gateway in each;
private subnets 10.192.20.0/24 and 10.192.21.0/24, each on ``codebuild Private Routes (AZn)``
sending 0.0.0.0/0 to its AZ's NAT gateway; ``no-ingress-sg`` ("Security group with no ingress
rule", no ingress, AWS's default egress: CloudFormation adds it when ``SecurityGroupEgress`` is
absent), the group the project is given. No flow log, the default NACL.

The second form is "Use VPC endpoints": "you don't need an internet gateway, NAT device, or
virtual private gateway", the interface endpoint ``com.amazonaws.<region>.codebuild``; "VPC
endpoints currently do not support cross-Region requests. Make sure that you create your endpoint
in the same AWS Region as any S3 buckets that store your build input and output", and "Use a NAT
gateway if you want to use CodeBuild with AWS services that do not support Amazon VPC PrivateLink
connections". The page names no other endpoint. Built (``nat=False``): the template without its
NAT gateways (private tables: local route only), the ``codebuild`` endpoint and, for what a build
does through its ENI — the source and artifacts in S3, its logs in CloudWatch Logs (the service
role's ``logs:PutLogEvents``, the guide's default policy) — an S3 gateway endpoint on both private
tables and a ``logs`` interface endpoint, both interface endpoints in the private subnets with
private DNS, behind ``codebuild-endpoints`` admitting TCP 443 from 10.192.0.0/16; every endpoint
with AWS's default full access, or (``codebuild_policy="guide"``) the codebuild endpoint with the
guide's example policy ("Create a VPC endpoint policy for CodeBuild").

A build's network interface (``build=True``), as DescribeNetworkInterfaces would report it. AWS
documents only how it is created: the service role gets ``ec2:CreateNetworkInterface`` and
``ec2:CreateNetworkInterfacePermission`` with ``ec2:AuthorizedService`` ``codebuild.amazonaws.com``
("Allow CodeBuild access to AWS services required to create a VPC network interface"), i.e. the
role creates the interface in this account and lets CodeBuild attach it to its own host.
Assumed, as for the Glue jobs' and MWAA's interfaces: typed ``interface``, not requester-managed
(the account's role created it), no RequesterId, an empty description, the project's group, one
interface per running build, in the first private subnet. The network model counts it as a
workload. Between builds the VPC holds no workload: the interface is deleted with the build.

Near misses: ``project_egress="db-only"`` (the project's group sending TCP 5432 to the VPC alone:
the guide's "integration tests … against data in an Amazon RDS database", with no 443 out);
``logs_endpoint=False`` (no NAT and no logs endpoint); ``s3_tables="main"`` (the S3 gateway
endpoint on the main route table instead of the private subnets' tables).
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
ENV = "codebuild"  # EnvironmentName (no default in the template: assumed)
PROJECT = "integration-tests"  # the build project's name (assumed)
VPC_CIDR = "10.192.0.0/16"
PUBLIC_CIDRS = ("10.192.10.0/24", "10.192.11.0/24")
PRIVATE_CIDRS = ("10.192.20.0/24", "10.192.21.0/24")
POSTGRES_PORT = 5432


def guide_codebuild_policy() -> str:
    """The guide's example endpoint policy, for this account and project (Region and account
    filled in): any principal may only start and view builds of the one project."""
    return json.dumps({"Statement": [{
        "Action": ["codebuild:ListBuildsForProject", "codebuild:StartBuild", "codebuild:BatchGetBuilds"],
        "Effect": "Allow", "Resource": f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/{PROJECT}",
        "Principal": "*"}]})


def build(*, nat: bool = True, build: bool = True, project_egress: str = "default",
          logs_endpoint: bool = True, s3_tables: str = "private",
          codebuild_policy: str = "default") -> tuple[Snapshot, dict[str, str]]:
    """``nat``: the template (True) or the "Use VPC endpoints" form (False). ``build``: a build
    running. ``project_egress``: "default" (AWS's all-traffic rule) or "db-only" (TCP 5432 to the
    VPC). ``logs_endpoint`` and ``s3_tables`` ("private" or "main") apply to the endpoint form;
    ``codebuild_policy``: "default" (full access) or "guide"."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=ENV, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    igw = ids["igw"] = b.igw(vpc)
    b.tag(igw, {"Name": ENV})
    public_rt = ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": igw}, name=f"{ENV} Public Routes")
    for az, (pub_cidr, priv_cidr) in enumerate(zip(PUBLIC_CIDRS, PRIVATE_CIDRS, strict=True), start=1):
        pub = ids[f"public{az}"] = b.subnet(vpc, pub_cidr, az=az, name=f"{ENV} Public Subnet (AZ{az})")
        b.subnets[pub] = replace(b.subnets[pub], map_public_ip_on_launch=True)
        b.associate(public_rt, pub)
        priv = ids[f"private{az}"] = b.subnet(vpc, priv_cidr, az=az, name=f"{ENV} Private Subnet (AZ{az})")
        routes = {}
        if nat:
            ids[f"nat{az}"] = b.nat(pub)
            routes = {"0.0.0.0/0": ids[f"nat{az}"]}
        ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[priv], routes=routes,
                                               name=f"{ENV} Private Routes (AZ{az})")

    # NoIngressSecurityGroup: no ingress; egress AWS's default, or the near miss's database-only rule.
    egress = [("-1", None, None, "0.0.0.0/0")] if project_egress == "default" \
        else [("tcp", POSTGRES_PORT, POSTGRES_PORT, VPC_CIDR)]
    ids["project_sg"] = b.security_group(vpc, name="no-ingress-sg", egress=egress)

    if not nat:
        private = [ids["private1"], ids["private2"]]
        endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="codebuild-endpoints",
                                                            ingress=[("tcp", 443, 443, VPC_CIDR)])
        ids["codebuild"] = b.interface_endpoint(vpc, "codebuild", subnets=private, groups=[endpoint_sg])
        if codebuild_policy == "guide":
            b.endpoints[ids["codebuild"]] = replace(b.endpoints[ids["codebuild"]],
                                                    policy_document=guide_codebuild_policy())
        if logs_endpoint:
            ids["logs"] = b.interface_endpoint(vpc, "logs", subnets=private, groups=[endpoint_sg])
        tables = [ids["private_rt1"], ids["private_rt2"]] if s3_tables == "private" else [ids["main_rt"]]
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)

    if build:
        # The build's interface (assumed fields: see the module docstring).
        ids["build_eni"] = b.workload(ids["private1"], groups=[ids["project_sg"]])
    return b.snapshot(), ids
