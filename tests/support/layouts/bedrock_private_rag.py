"""A retrieval-augmented-generation application calling Amazon Bedrock privately from a VPC:
AWS Lambda functions in private subnets reaching ``bedrock-runtime`` and a Bedrock knowledge base
(``bedrock-agent-runtime``) through interface endpoints, S3 and DynamoDB through gateway
endpoints, CloudWatch, CloudWatch Logs, X-Ray and SQS through interface endpoints (us-east-1).

The source is the AWS Solution "Generative AI Application Builder on AWS"
(https://github.com/aws-solutions/generative-ai-application-builder-on-aws, commit
7b47b670665078f00f0bfeb5ec889c56052986aa, release v4.1.23; the three VPC files below last
changed in 5343f89, v3.0.0, 2025-05-29): a Bedrock use case deployed with "deploy VPC",
whose nested stack ``BedrockUseCaseVPC`` is ``source/infrastructure/lib/vpc/bedrock-vpc.ts``
on top of ``text-use-case-vpc.ts`` and ``custom-vpc.ts``. Read with the Amazon Bedrock User
Guide's "Use interface VPC endpoints (AWS PrivateLink)"
(https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html): the four
service names ``com.amazonaws.<region>.bedrock`` (control plane), ``bedrock-runtime``,
``bedrock-agent`` (Agents build time) and ``bedrock-agent-runtime`` (Agents runtime, the
knowledge bases' ``Retrieve``), their private DNS names ``<suffix>.<region>.amazonaws.com``
(botocore 1.44's endpoint resolution gives the same hostnames; all four sign as ``bedrock``, the
IAM prefix), endpoint policies supported ("The default endpoint policy allows full access to
Amazon Bedrock through the interface endpoint"), and one example policy: ``bedrock:InvokeModel``
and ``bedrock:InvokeModelWithResponseStream`` on ``Resource *`` "for all principals on all
resources" (``bedrock_policy="guide"``).

Built as the solution declares it, in us-east-1, with ``RAGEnabled`` true and
``KnowledgeBaseType`` Bedrock (the template's defaults are false and Bedrock: assumed on, the
layout being a RAG application), no IPAM pool:

- VPC 10.0.0.0/20 (``10.0.0.0/${subnetCidrMask - 4}``, mask 24), DNS support and hostnames on
  (``ec2.Vpc`` defaults); two AZs (``GetCompatibleAZs``: the first two where ``lambda`` and
  ``bedrock-agent-runtime`` are offered; assumed use1-az1 and use1-az2, every service offered in
  both); ``private-egress`` subnets 10.0.0.0/24 and 10.0.1.0/24 and ``public`` subnets
  10.0.2.0/24 and 10.0.3.0/24 (``Fn::Cidr(vpc, 6, 8)``, private first), each on a route table of
  its own (CDK's): the public ones to the internet gateway, each private one to the NAT gateway
  CDK puts in its AZ's public subnet (``natGateways`` unset: one per AZ);
- a flow log of ``REJECT`` traffic to CloudWatch Logs; ``restrictDefaultSecurityGroup`` (the
  default group loses its rules);
- ``SecurityGroup`` ("Security Group for lambda functions …", ``allowAllOutbound: false``):
  egress TCP 443 to 0.0.0.0/0 (``addEgressRule``) and TCP 443 to the endpoints' group (CDK's
  ``connections.allowFrom`` adds it to the peer when that peer does not allow all outbound);
  ``VPCEndpointSecurityGroup``: ingress TCP 443 from the functions' group, egress TCP 443 to
  0.0.0.0/0;
- a custom NACL on all four subnets: TCP 443 and TCP 1024-65535 in and out from and to
  0.0.0.0/0 (rules 100 and 200), then AWS's ``*`` deny;
- gateway endpoints for DynamoDB and S3 on the private subnets' tables, interface endpoints
  (private DNS on, CDK's default; one interface in each private subnet, CDK's default subnet
  selection) for ``monitoring``, ``logs``, ``xray``, ``sqs``, ``bedrock-agent-runtime`` and
  ``bedrock-runtime``, all behind the endpoints' group, each with the solution's policy as
  CloudFormation stores it (CDK's rendering: ``Principal {"AWS": "*"}``, a one-element list as a
  string, actions de-duplicated).

The functions: the use case's functions are given ``VpcConfig`` with the private subnets and
the functions' group (``createVpcConfigForLambda``), so Lambda creates one Hyperplane ENI per
subnet for that pair, as DescribeNetworkInterfaces reports it: InterfaceType ``lambda``,
requester-managed, described ``AWS Lambda VPC ENI-<function>-<uuid>`` (the function's name
assumed). What the solution sends beyond the endpoints — the WebSocket replies through the API
Gateway Management API, Cognito, SSM — goes through the NAT gateways; which services a function
calls is not in the snapshot.

``nat=False`` is the form the Bedrock guide describes ("without the use of an internet gateway,
NAT device, VPN connection, or AWS Direct Connect connection"): the same VPC without public
subnets, internet gateway and NAT gateways (the private tables keep their local route and the
gateway endpoints' routes), for functions that call only services with an endpoint here. The
solution's own WebSocket replies would need a path that none of these endpoints gives: the form is the
guide's, not the solution's.

Variants: ``bedrock_policy="guide"`` (the guide's example policy on ``bedrock-runtime``). Near
misses: ``bedrock_service="bedrock"`` (the inference endpoint created with the control-plane
service name: a public CDK sample names its control-plane endpoint ``BedrockRuntimeEndpoint`` and
its runtime one ``BedrockEndpoint``, harmless there since it creates both);
``function_egress="endpoints-only"`` (the ``addEgressRule`` line dropped: only the rule CDK adds
for the endpoints' group is left) and ``"none"`` (no egress rule at all: CDK's placeholder for a
group that allows no outbound traffic, ICMP type 252 code 86 to 255.255.255.255/32);
``bedrock_policy="other-region"`` (the solution's policy with ``us-west-2`` written into the
model ARNs, as a template copied from an Oregon deployment has it).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from aws_layout import AwsRegionBuilder
from builders import nacl_entry

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "BedrockChat-7f3a9c21"  # the use case stack's name (assumed)
VPC_PATH = f"{STACK}/VPC/BedrockUseCaseVPC/UseCaseVPC"
VPC_CIDR = "10.0.0.0/20"
PRIVATE_CIDRS = ("10.0.0.0/24", "10.0.1.0/24")
PUBLIC_CIDRS = ("10.0.2.0/24", "10.0.3.0/24")
FUNCTION = f"{STACK}-ChatLlmProviderLambda-Qm4XwZ7pT2bK"  # the chat function's generated name (assumed)
# The four Bedrock services the guide lists, with the private DNS names it gives.
BEDROCK_SERVICES = ("bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime")
# CDK's rule for a group that allows no outbound traffic (``allowAllOutbound: false`` and no rule).
CDK_NO_EGRESS = ("icmp", 252, 86, "255.255.255.255/32")
ANY = {"AWS": "*"}  # CDK's AnyPrincipal


def _document(*statements: dict[str, Any]) -> str:
    """A policy document as CloudFormation stores a CDK ``PolicyDocument`` and DescribeVpcEndpoints
    returns it: ``Statement`` then ``Version``, each statement's keys sorted."""
    return json.dumps({"Statement": [dict(sorted(s.items())) for s in statements], "Version": "2012-10-17"})


def _allow(actions: list[str], resources: list[str] | str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    """One ``Allow`` statement for ``AnyPrincipal``; one-element lists become strings, as CDK renders them."""
    unique = list(dict.fromkeys(actions))
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": ANY,
                                 "Action": unique[0] if len(unique) == 1 else unique,
                                 "Resource": resources[0] if isinstance(resources, list) and len(resources) == 1
                                 else resources}
    if condition:
        statement["Condition"] = condition
    return statement


def bedrock_runtime_policy(model_region: str = REGION) -> str:
    """``BedrockEndpoint``'s policy (bedrock-vpc.ts): InvokeModel and its streaming form on every
    foundation model of ``model_region`` and this account's provisioned models, ApplyGuardrail on
    this account's guardrails."""
    return _document(
        _allow(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
               [f"arn:aws:bedrock:{model_region}::foundation-model/*",
                f"arn:aws:bedrock:{model_region}:{ACCOUNT}:provisioned-model/*"]),
        _allow(["bedrock:ApplyGuardrail"], [f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/*"]))


def guide_bedrock_policy() -> str:
    """The Bedrock guide's "Example: VPC endpoint policy for Amazon Bedrock actions", verbatim."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Principal": "*", "Effect": "Allow",
        "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "Resource": "*"}]})


def _policies(vpc_id: str) -> dict[str, str]:
    """The other endpoints' policies (custom-vpc.ts, text-use-case-vpc.ts), by service key."""
    return {
        "dynamodb": _document(_allow(
            ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
             "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:GetRecords",
             "dynamodb:GetShardIterator", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan",
             "dynamodb:UpdateItem", "dynamodb:CreateTable", "dynamodb:DeleteTable"],
            [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/*"])),
        "s3": _document(_allow(
            ["s3:AbortMultipartUpload", "s3:CreateBucket", "s3:DeleteBucketPolicy", "s3:DeleteObject*",
             "s3:GetEncryptionConfiguration", "s3:GetBucket*", "s3:GetObject*", "s3:List*",
             "s3:PutEncryptionConfiguration", "s3:PutObject", "s3:PutObjectLegalHold", "s3:PutObjectRetention",
             "s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
            ["arn:aws:s3:::*"], {"StringEquals": {"aws:SourceVpc": vpc_id}})),
        "monitoring": _document(_allow(
            ["cloudwatch:PutMetricData"], ["*"], {"StringEquals": {"cloudwatch:namespace": [
                "AWS/ApiGateway", "AWS/Bedrock", "AWS/Cognito", "AWS/Kendra", "AWS/SageMaker", "Langchain/LLM",
                "Solution/FeedbackManagement", "Solution/UseCaseDeployments", "Solution/UseCaseDetails"]}})),
        "logs": _document(_allow(
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups",
             "logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents", "logs:PutLogEvents",
             "logs:ListTagsForResource"],
            [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*"])),
        "xray": _document(_allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"])),
        "sqs": _document(_allow(
            ["sqs:sendMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueUrl",
             "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], ["*"])),
        "bedrock-agent-runtime": _document(_allow(
            ["bedrock:Retrieve"], [f"arn:aws:bedrock:{REGION}:{ACCOUNT}:knowledge-base/*"])),
    }


def build(*, nat: bool = True, functions: bool = True, bedrock_service: str = "bedrock-runtime",
          bedrock_policy: str = "solution", function_egress: str = "solution") -> tuple[Snapshot, dict[str, str]]:
    """``nat``: the solution's VPC (True) or the guide's form without internet access (False).
    ``functions``: the use case's functions deployed (their Lambda ENIs). ``bedrock_service``:
    the inference endpoint's service ("bedrock-runtime", or the near miss "bedrock").
    ``bedrock_policy``: "solution", "guide" or "other-region". ``function_egress``: "solution"
    (443 anywhere and to the endpoints' group), "endpoints-only" or "none"."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    for key in (*BEDROCK_SERVICES, "xray"):
        b.service(key)  # PrivateDnsNames <key>.us-east-1.amazonaws.com, endpoint policies supported
    vpc = b.vpc(VPC_CIDR, name=VPC_PATH, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "default_sg": b.default_group(vpc), "main_rt": b.main_route_table(vpc)}
    # Custom::VpcRestrictDefaultSG revokes the default group's rules.
    b.groups[ids["default_sg"]] = replace(b.groups[ids["default_sg"]], rules=())
    b.flow_log(vpc, traffic_type="REJECT")
    if nat:
        ids["igw"] = b.igw(vpc)
    subnets = []
    for az in (1, 2):
        private = ids[f"private{az}"] = b.subnet(vpc, PRIVATE_CIDRS[az - 1], az=az,
                                                 name=f"{VPC_PATH}/private-egressSubnet{az}")
        ids[f"private{az}_rt"] = b.route_table(vpc, subnets=[private], name=f"{VPC_PATH}/private-egressSubnet{az}")
        subnets.append(private)
    if nat:
        for az in (1, 2):
            public = ids[f"public{az}"] = b.subnet(vpc, PUBLIC_CIDRS[az - 1], az=az,
                                                   name=f"{VPC_PATH}/publicSubnet{az}")
            b.subnets[public] = replace(b.subnets[public], map_public_ip_on_launch=True)
            ids[f"public{az}_rt"] = b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": ids["igw"]},
                                                  name=f"{VPC_PATH}/publicSubnet{az}")
            ids[f"nat{az}"] = b.nat(public)
            b.route(ids[f"private{az}_rt"], "0.0.0.0/0", ids[f"nat{az}"])
            subnets.append(public)
    ids["nacl"] = b.nacl(vpc, subnets=subnets, entries=[
        nacl_entry(100, "allow", "0.0.0.0/0", ports=(443, 443)),
        nacl_entry(200, "allow", "0.0.0.0/0", ports=(1024, 65535)),
        nacl_entry(32767, "deny", "0.0.0.0/0", protocol="-1"),
        nacl_entry(100, "allow", "0.0.0.0/0", egress=True, ports=(443, 443)),
        nacl_entry(200, "allow", "0.0.0.0/0", egress=True, ports=(1024, 65535)),
        nacl_entry(32767, "deny", "0.0.0.0/0", egress=True, protocol="-1")])

    egress = {"solution": [("tcp", 443, 443, "0.0.0.0/0")], "endpoints-only": [], "none": [CDK_NO_EGRESS]}
    function_sg = ids["function_sg"] = b.security_group(
        vpc, name=f"{STACK}-VPC-SecurityGroup", egress=egress[function_egress])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(
        vpc, name=f"{STACK}-VPC-VPCEndpointSecurityGroup", ingress=[("tcp", 443, 443, function_sg)],
        egress=[("tcp", 443, 443, "0.0.0.0/0")])
    if function_egress != "none":
        # connections.allowFrom(functions, 443) also opens the functions' group towards the endpoints'.
        b.authorize(function_sg, egress=[("tcp", 443, 443, endpoint_sg)])

    policies = _policies(vpc)
    private_tables = [ids["private1_rt"], ids["private2_rt"]]
    for key in ("dynamodb", "s3"):
        ids[key] = b.gateway_endpoint(vpc, key, route_tables=private_tables, policy=policies[key])
    private = [ids["private1"], ids["private2"]]
    for key in ("monitoring", "logs", "xray", "sqs", "bedrock-agent-runtime"):
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoint_sg], policy=policies[key])
    runtime_policy = {"solution": bedrock_runtime_policy(), "guide": guide_bedrock_policy(),
                      "other-region": bedrock_runtime_policy("us-west-2")}[bedrock_policy]
    ids["inference"] = b.interface_endpoint(vpc, bedrock_service, subnets=private, groups=[endpoint_sg],
                                            policy=runtime_policy)

    if functions:
        for az, subnet in enumerate(private, start=1):
            ids[f"lambda_eni{az}"] = b.workload(
                subnet, groups=[function_sg], interface_type="lambda", requester_managed=True,
                description=f"AWS Lambda VPC ENI-{FUNCTION}-2b7e4c1a-9d3f-4e6b-8a0c-5f1d3e7b9c2{az}")
    return b.snapshot(), ids
