"""AWS Lambda's sample VPC for functions without internet access, then with interface endpoints
(us-east-1).

https://github.com/awsdocs/aws-lambda-developer-guide/blob/main/templates/vpc-private.yaml
(commit 38d9514809af86b8766f1a523b14a670965e40d9), which the Lambda developer guide's
configuration-vpc page offers as "A VPC with two private subnets and VPC endpoints for Amazon
Simple Storage Service (Amazon S3) and Amazon DynamoDB. Use this template to create a VPC for
functions that don't need internet access". Built as the template declares it: VPC
172.31.0.0/16 with no DNS attributes set (AWS's defaults for a non-default VPC: DNS resolution
on, DNS hostnames off), private subnets 172.31.3.0/24 and 172.31.2.0/24 in the Region's first
two AZs on one route table with no route beyond the VPC, S3 and DynamoDB gateway endpoints on
that table with the template's policies (``Principal *``, ``s3:*`` / ``dynamodb:*`` on
``Resource *``). A function runs in both subnets with a group of its own (egress to anywhere,
as Lambda's console creates it); Lambda's Hyperplane ENIs are requester-managed, InterfaceType
``lambda``, described ``AWS Lambda VPC ENI-<function>-<uuid>``, one per subnet.

``endpoints=True`` puts it to the use the guide's VPC pages describe for other services (Lambda
guide, "Giving Lambda functions access to AWS services through VPC endpoints"): interface
endpoints with private DNS for Secrets Manager and SQS in both subnets, behind a group admitting
HTTPS from the function's group. Private DNS needs DNS hostnames (CreateVpcEndpoint refuses it
otherwise), so that form turns them on. ``endpoint_azs`` leaves endpoint ENIs out of zones (the
cost-saving near miss), ``nacl_ephemeral`` gives the subnets a custom NACL admitting replies
only on that port range.
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder
from builders import nacl_entry

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
FUNCTION = "orders-processor"


def _policy(service: str) -> str:
    """The template's endpoint policy: every action of the service on every resource, for anyone."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": [f"{service}:*"], "Resource": ["*"]}]})


def build(*, endpoints: bool = False, endpoint_azs: tuple[int, ...] = (1, 2),
          nacl_ephemeral: tuple[int, int] | None = None) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az4", "use1-az6"))
    vpc = b.vpc("172.31.0.0/16", name="lambda-vpc-private", dns_hostnames=endpoints)
    subnets = [b.subnet(vpc, "172.31.3.0/24", az=1, name="lambda-vpc-private-subnet-a"),
               b.subnet(vpc, "172.31.2.0/24", az=2, name="lambda-vpc-private-subnet-b")]
    route_table = b.route_table(vpc, subnets=subnets)
    ids = {"vpc": vpc, "route_table": route_table, "subnet_a": subnets[0], "subnet_b": subnets[1]}
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table], policy=_policy("s3"))
    ids["dynamodb"] = b.gateway_endpoint(vpc, "dynamodb", route_tables=[route_table], policy=_policy("dynamodb"))
    function_sg = ids["function_sg"] = b.security_group(vpc, name=f"{FUNCTION}-sg")
    for n, subnet in enumerate(subnets):
        ids[f"lambda_eni_{'ab'[n]}"] = b.workload(
            subnet, groups=[function_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{FUNCTION}-5f0c2a7e-1b3d-4c8e-9a6f-0d2e4b6c8a1{n}")
    if endpoints:
        endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="vpc-endpoints",
                                                            ingress=[("tcp", 443, 443, function_sg)])
        for key in ("secretsmanager", "sqs"):
            ids[key] = b.interface_endpoint(vpc, key, subnets=[subnets[az - 1] for az in endpoint_azs],
                                            groups=[endpoint_sg])
    if nacl_ephemeral is not None:
        low, high = nacl_ephemeral
        ids["nacl"] = b.nacl(vpc, subnets=subnets, entries=[
            nacl_entry(100, "allow", "172.31.0.0/16", ports=(443, 443)),
            nacl_entry(110, "allow", "172.31.0.0/16", ports=(low, high)),
            nacl_entry(100, "allow", "0.0.0.0/0", egress=True, protocol="-1"),
            nacl_entry(32767, "deny", "0.0.0.0/0", protocol="-1"),
            nacl_entry(32767, "deny", "0.0.0.0/0", egress=True, protocol="-1")])
    return b.snapshot(), ids
