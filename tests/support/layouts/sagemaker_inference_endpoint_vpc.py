"""An Amazon SageMaker real-time inference endpoint whose model has a ``VpcConfig`` (isolated
subnets in two AZs, a group of its own, network isolation off) in a VPC without internet access,
invoked by a Lambda function in the same subnets through the ``sagemaker.runtime`` interface
endpoint (us-east-1).

Sources:

- the AWS Solutions Constructs pattern ``aws-lambda-sagemakerendpoint`` with ``deployVpc: true``,
  https://github.com/awslabs/aws-solutions-constructs at commit
  33c062fd06edcd28fbf0a135f5f0af9f27c41b9c (v2.103.0 plus three commits):
  ``source/patterns/@aws-solutions-constructs/aws-lambda-sagemakerendpoint/lib/index.ts`` (the VPC,
  then "S3 VPC Gateway Endpoint, required by SageMaker to access Models artifacts" and the
  "SAGEMAKER_RUNTIME VPC Interface Endpoint, required by the lambda function to invoke the
  SageMaker endpoint"); in ``core/lib/``: ``buildVpc`` adds a flow log, "trafficType:ALL
  and destination: CloudWatch Logs"; ``AddInterfaceEndpoint`` gives each interface endpoint a group
  of its own admitting TCP 443 from the VPC's block, all traffic out; ``DefaultIsolatedVpcProps``
  (``vpc-defaults.ts``): no NAT gateway, one ``PRIVATE_ISOLATED`` subnet group, mask /18;
  ``createSagemakerModel`` and ``addPermissions``: the model's
  ``ReplaceModelDefaultSecurityGroup``, all traffic out, TCP 443 from the VPC's block; ``VpcConfig``
  subnets ``selectSubnets({onePerAz: true})``; the execution role's ``ec2:CreateNetworkInterface``
  and ``ec2:CreateNetworkInterfacePermission``; ECR read actions on the account's repositories;
  ``DefaultSagemakerEndpointConfigProps`` (``sagemaker-defaults.ts``): one ``ml.m4.xlarge``
  instance; ``deployLambdaFunction``: the function's ``ReplaceDefaultSecurityGroup``, all traffic
  out, no ingress. The README's example model is an ECR image,
  ``<AccountId>.dkr.ecr.<region>.amazonaws.com/linear-learner``, with ``modelDataUrl`` in S3;
- the SageMaker Developer Guide, "Give SageMaker hosted endpoints access to resources in your
  Amazon VPC" (https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html, current page, read
  2026-12-07; also its markdown source,
  https://github.com/awsdocs/amazon-sagemaker-developer-guide/blob/1c4d5ff778919484beaa0f1a5f2e86708842ef72/doc_source/host-vpc.md):
  SageMaker creates network interfaces "associated with your security groups in one of the
  subnets" and attaches them to the model containers; "You must create at least two subnets in
  different availability zones in your private VPC, even if you have only one hosting instance";
  at least two private addresses per instance; without internet access the containers "can't
  connect to the Amazon S3 buckets that contain your data unless you create a VPC endpoint";
- the same guide, "Connect to SageMaker Within your VPC"
  (https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html, current page, read
  2026-12-07): an application in the VPC reaches SageMaker Runtime, and through it the endpoint,
  over the ``com.amazonaws.<region>.sagemaker.runtime`` interface endpoint;
- "Use a Private Docker Registry for Real-Time Inference Containers"
  (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-containers-inference-private.html,
  current page, read 2026-12-07): hosting uses ECR images "by default"; only a private registry
  must be reachable from the model's VPC and admit its groups.

Built (``build()``), as the CDK app synthesises for an environment-agnostic stack: VPC 10.0.0.0/16
(CDK's default), DNS support and hostnames on, a flow log of all traffic to CloudWatch Logs;
``isolatedSubnet1`` 10.0.0.0/18 and ``isolatedSubnet2`` 10.0.64.0/18 in the first two AZs
(use1-az1, use1-az2 assumed), each on a route table of its own with no route beyond the VPC; the S3
gateway endpoint on both tables, no policy (AWS's default full access); the ``sagemaker.runtime``
interface endpoint in both subnets, private DNS on, AWS's default policy, behind its group
(TCP 443 from 10.0.0.0/16). To that the layout adds ``ecr.api`` and ``ecr.dkr`` interface
endpoints, each through the same function (``AddAwsServiceEndpoint`` with ``ECR_API`` and
``ECR_DKR``, which the construct library offers but this pattern does not call), hence each behind
a group of its own admitting TCP 443 from the VPC's block: the private image path. host-vpc.md
asks for the S3 endpoint and names no endpoint for an ECR image, so they are kept as a choice
(``ecr=False`` is the pattern as published). Group names are the construct paths (CloudFormation
generates the real ones; the paths are the groups' descriptions).

The interfaces, as DescribeNetworkInterfaces would report them:

- the model's: one per hosting instance (one, the default), in ``isolatedSubnet1`` (the guide:
  "in one of the subnets"; which one is assumed), in the model's group. AWS documents how it is
  made — the execution role's ``ec2:CreateNetworkInterface`` and
  ``ec2:CreateNetworkInterfacePermission`` (the construct grants both; host-vpc.md lists them) —
  not how it is reported. Assumed, as ``sagemaker_jobs_private`` assumes for its endpoint: typed
  ``interface`` (botocore's ``NetworkInterfaceType`` has no SageMaker member), not
  requester-managed, no RequesterId, an empty description, no tags, on no instance of the account
  (SageMaker's instance is in its own account), ``in-use``, no public address;
- the function's: one per subnet, ``lambda``, requester-managed, described ``AWS Lambda VPC
  ENI-<function>-<uuid>``, as ``lambda_vpc_private`` models them (the function's name assumed);
- each interface endpoint's: ``vpc_endpoint``, requester-managed, ``VPC Endpoint Interface
  <vpce-id>``.

Near misses (``build``'s keywords): ``s3=False`` — no S3 gateway endpoint, so the model container
cannot download ``model.tar.gz`` and the endpoint fails to create; ``runtime_sources="model"`` — the
runtime endpoint's group admitting TCP 443 from the model's group instead of the VPC's block, the
function's group forgotten, so every InvokeEndpoint times out; ``model_azs=1`` — ``VpcConfig``
naming ``isolatedSubnet1`` alone, against the guide's "at least two subnets in different
availability zones" (the interface lands where it does in the canonical form: the snapshot is the
same).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "SagemakerInferenceStack"  # the CDK app's stack name (assumed)
FUNCTION = f"{STACK}-LambdaFunctionBF21E41F-4kQ9xY2mZ7pA"  # CloudFormation's generated name (assumed)
VPC_CIDR = "10.0.0.0/16"
ISOLATED_CIDRS = ("10.0.0.0/18", "10.0.64.0/18")
ALL_OUT = ("-1", None, None, "0.0.0.0/0")
HTTPS_FROM_VPC = ("tcp", 443, 443, VPC_CIDR)
RUNTIME_SERVICE = f"com.amazonaws.{REGION}.sagemaker.runtime"
RUNTIME_DNS = f"runtime.sagemaker.{REGION}.amazonaws.com"
# The construct library's endpoint names (``ServiceEndpointTypes``) and the keys they stand for.
INTERFACE_ENDPOINTS = {"sagemaker.runtime": "SAGEMAKER_RUNTIME", "ecr.api": "ECR_API", "ecr.dkr": "ECR_DKR"}


def build(*, ecr: bool = True, s3: bool = True, runtime_sources: str = "vpc", model_azs: int = 2
          ) -> tuple[Snapshot, dict[str, str]]:
    """``ecr``: the two ECR endpoints added with the construct library's
    ``AddAwsServiceEndpoint``. ``s3``: the S3 gateway endpoint. ``runtime_sources``: what the
    runtime endpoint's group admits on 443, the VPC's block (``"vpc"``, the construct's rule) or
    the model's group alone (``"model"``). ``model_azs``: the model's ``VpcConfig`` subnets, both
    (2) or the first alone (1)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    b.service("sagemaker.runtime", name=RUNTIME_SERVICE, dns_names=[RUNTIME_DNS])
    vpc = b.vpc(VPC_CIDR, name=f"{STACK}/Vpc", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    ids["flow_log"] = b.flow_log(vpc)
    tables = []
    for az, cidr in enumerate(ISOLATED_CIDRS, start=1):
        subnet = ids[f"isolated{az}"] = b.subnet(vpc, cidr, az=az, name=f"{STACK}/Vpc/isolatedSubnet{az}")
        tables.append(b.route_table(vpc, subnets=[subnet], name=f"{STACK}/Vpc/isolatedSubnet{az}"))
        ids[f"isolated_rt{az}"] = tables[-1]
    subnets = [ids["isolated1"], ids["isolated2"]]

    model_sg = ids["model_sg"] = b.security_group(
        vpc, name=f"{STACK}/ReplaceModelDefaultSecurityGroup", ingress=[HTTPS_FROM_VPC], egress=[ALL_OUT])
    function_sg = ids["function_sg"] = b.security_group(
        vpc, name=f"{STACK}/ReplaceDefaultSecurityGroup-security-group", egress=[ALL_OUT])

    if s3:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)  # no PolicyDocument: AWS's default
    for key, tag in INTERFACE_ENDPOINTS.items():
        if key != "sagemaker.runtime" and not ecr:
            continue
        source = model_sg if key == "sagemaker.runtime" and runtime_sources == "model" else VPC_CIDR
        group = ids[f"{key}_sg"] = b.security_group(
            vpc, name=f"{STACK}/{STACK}-{tag}-security-group", ingress=[("tcp", 443, 443, source)], egress=[ALL_OUT])
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[group],
                                        service_name=RUNTIME_SERVICE if key == "sagemaker.runtime" else None)

    # Assumed fields (module docstring): the role-created interface of the one hosting instance, in
    # the first of the model's subnets, which is isolatedSubnet1 whatever ``model_azs`` says.
    model_subnets = subnets[:model_azs]
    ids["model_eni"] = b.workload(model_subnets[0], groups=[model_sg])
    for n, subnet in enumerate(subnets):
        ids[f"lambda_eni{n + 1}"] = b.workload(
            subnet, groups=[function_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{FUNCTION}-3c7e9a1f-52d4-4b8e-a06f-8e1d2c4b6f0{n}")
    return b.snapshot(), ids
