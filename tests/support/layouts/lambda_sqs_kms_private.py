"""A Lambda function in isolated subnets (no NAT, no internet gateway) that sends to an Amazon SQS
queue encrypted with a customer managed KMS key (SSE-KMS) and reads an AWS Secrets Manager
secret, through the ``sqs`` and ``secretsmanager`` interface endpoints (us-east-1).

Sources:

- AWS Solutions Constructs (https://github.com/awslabs/aws-solutions-constructs, commit
  33c062fd06edcd28fbf0a135f5f0af9f27c41b9c, v2.103.0 plus three commits, 2026-08-20):
  ``aws-lambda-sqs`` (``LambdaToSqs``) with ``deployVpc: true`` and
  ``enableEncryptionWithCustomerManagedKey: true``, and ``aws-lambda-secretsmanager``
  (``LambdaToSecretsmanager``) given the first construct's function (``existingLambdaObj``) and
  VPC (``existingVpc``), props both constructs' ``README.adoc`` tables offer. In ``core/lib``: ``buildVpc`` with
  ``DefaultIsolatedVpcProps`` (``natGateways: 0``, one subnet group ``isolated``,
  ``PRIVATE_ISOLATED``, ``cidrMask: 18``), DNS support and hostnames on, and a VPC flow log
  (``vpc.addFlowLog``: all traffic to CloudWatch Logs); ``AddAwsServiceEndpoint`` adds the ``SQS``
  and then the ``SECRETS_MANAGER`` interface endpoint (CDK's defaults: private DNS on, the
  isolated subnets, no policy document), each with a group of its own admitting TCP 443 from
  the VPC's CIDR block, ``allowAllOutbound: true``; ``deployLambdaFunction`` gives the function
  the group ``ReplaceDefaultSecurityGroup`` (no ingress, ``allowAllOutbound: true``);
  ``buildQueue`` creates the key (``buildEncryptionKey``) and encrypts the queue with it (without
  the flag, ``DefaultQueueProps`` makes it SSE-KMS anyway, with SQS's AWS managed key,
  ``KMS_MANAGED``). No ``kms`` endpoint: ``AddAwsServiceEndpoint``'s list has none, so neither
  construct's isolated VPC gets one, whatever the queue's key (the repository's integration tests
  ``integ.lamsqs-useCmk`` and ``integ.lamsqs-deployFunctionWithVpc`` deploy each form; they
  deploy only, they send nothing);
- the Amazon SQS Developer Guide, "Encryption at rest" and "Key management"
  (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
  and sqs-key-management.html, current pages, read 2026-12-07; the same text in the guide's last
  published source, https://github.com/awsdocs/amazon-sqs-developer-guide, commit
  39de636dd41007e232595165587ba162ddc491f4, doc_source/): SSE encrypts a message as soon as SQS
  receives it; when the data key reuse period ends, the producer's next ``SendMessage`` "also
  triggers calls to ``kms:GenerateDataKey`` and ``kms:Decrypt``", so the producer must hold both
  permissions on the key; all requests to an SSE queue must use HTTPS and Signature Version 4;
  and "Amazon Virtual Private Cloud endpoints for Amazon SQS" (sqs-internetwork-traffic-privacy.html,
  same date);
- the IAM User Guide, "Forward access sessions"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html, current
  page, read 2026-12-07): a service that receives a request needing another service calls it
  on the caller's behalf (its example: S3 calling KMS for an SSE-KMS object, "and does not call
  AWS KMS directly"); and the KMS Developer Guide's ``kms:ViaService`` condition key
  (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html, same date: it
  "limits use of an AWS KMS key to requests from specified AWS services"), which the key policy of
  SQS's AWS managed key uses with ``sqs.<region>.amazonaws.com`` ("Allow access through Simple
  Queue Service (SQS) for all principals in the account that are authorized to use SQS", as public
  copies of that policy show; assumed current). So the KMS calls SendMessage triggers
  leave SQS, not the function: they need IAM permissions, not a network path from the VPC;
- the Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC"
  (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html, current page, read
  2026-12-07): Hyperplane ENIs, one per combination of subnet and security group; a function in
  a VPC reaches AWS services without internet access through VPC endpoints.

Built (``build()``): VPC 10.0.0.0/16 ``LambdaSqsKmsStack/Vpc`` (stack name assumed), DNS support
and hostnames on, an active flow log (ALL); no internet gateway, no NAT; isolated subnets
10.0.0.0/18 (us-east-1a, use1-az1) and 10.0.64.0/18 (us-east-1b, use1-az2) — two AZs, as CDK
gives an environment-agnostic stack (AZ IDs assumed) — each on a route table of its own with the
local route only; the default NACL. The VPC's default group stripped of its rules (CDK's
``restrictDefaultSecurityGroup``, on under the feature flag that ``cdk init`` writes and the
construct's tests suppress warnings for; assumed). Groups: the function's (no ingress, all
egress); ``sqs-endpoint`` and ``secretsmanager-endpoint`` (TCP 443 from 10.0.0.0/16, all egress;
names assumed). Interface endpoints ``sqs`` and ``secretsmanager`` in both subnets, private DNS
on, IPv4, AWS's default full-access policy. The queue, its dead-letter queue, the key and the
secret have no VPC record (the snapshot collects no SQS, KMS or Secrets Manager resource).

Network interfaces as DescribeNetworkInterfaces reports them (botocore's ec2 model,
``NetworkInterface``): each endpoint's, one per subnet, InterfaceType ``vpc_endpoint``,
requester-managed, described ``VPC Endpoint Interface <vpce-id>``, in its endpoint's group, no
tags, attached to no instance of the account; the function's Hyperplane ENIs, one per subnet for
its one subnet and group pair, present from the function's creation: InterfaceType ``lambda``,
Description ``AWS Lambda VPC ENI-<function>-<uuid>``, the function's group, no tags, not
requester-managed with an opaque ``<role id>:<function>`` RequesterId (the reading of the
repository's ``elasticache_lambda`` and ``apigw_private_api`` layouts, from public dumps; the
function's physical name and role id assumed).

Near misses: ``endpoint_source="default"`` (both endpoints' groups narrowed by hand to TCP 443
from the VPC's default group, which no interface carries, instead of from the function's);
``endpoint_source="function"`` (narrowed to the function's group: the right narrowing);
``function_egress=False`` (the function given a group of the team's own made with
``allowAllOutbound: false`` and no egress rule added: CDK then writes its match-nothing rule,
ICMP 252-86 to 255.255.255.255/32, "Disallow all traffic"); ``kms_endpoint=True`` (a ``kms``
interface endpoint added by hand in the belief that SendMessage to an SSE-KMS queue needs one,
with a group like the construct's; with ``metrics=True``, each endpoint's ``AWS/PrivateLinkEndpoints``
``BytesProcessed`` over 14 days as a ``--with metrics`` scan collects it: the function's traffic
on ``sqs`` and ``secretsmanager`` (volumes assumed), none on ``kms``).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a and b (assumed)
STACK = "LambdaSqsKmsStack"  # assumed
VPC_CIDR = "10.0.0.0/16"
ISOLATED_CIDRS = ("10.0.0.0/18", "10.0.64.0/18")  # cidrMask 18, CDK's allocation order
FUNCTION = f"{STACK}-LambdaFunctionBF21E41F-k3Xp9QzR7mWd"  # CDK's physical name (assumed)
ROLE_ID = "AROAYQ3JKW7ESQSKMS0FN"  # the function's execution role's unique id (assumed)
# CDK's egress rule for a group made with allowAllOutbound false and no other egress rule.
MATCH_NO_TRAFFIC = ("icmp", 252, 86, "255.255.255.255/32")


def build(*, endpoint_source: str = "vpc", function_egress: bool = True, kms_endpoint: bool = False,
          metrics: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_source``: what the endpoints' groups admit TCP 443 from — "vpc" (the construct:
    the VPC's CIDR block), "function" (the function's group) or "default" (the VPC's default
    group); ``function_egress``: the function's group lets everything out (the construct) or
    holds only CDK's match-nothing rule; ``kms_endpoint``: a ``kms`` endpoint added by hand;
    ``metrics``: each endpoint's ``BytesProcessed`` as a scan with CloudWatch metrics collects it."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=f"{STACK}/Vpc", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    # restrictDefaultSecurityGroup: the custom resource revokes the default group's two rules.
    b.groups[ids["default_sg"]] = replace(b.groups[ids["default_sg"]], rules=())
    ids["flow_log"] = b.flow_log(vpc)
    isolated = [b.subnet(vpc, cidr, az=az, name=f"{STACK}/Vpc/isolatedSubnet{az}")
                for az, cidr in enumerate(ISOLATED_CIDRS, start=1)]
    for az, subnet in enumerate(isolated, start=1):
        ids[f"isolated{az}"] = subnet
        ids[f"isolated_rt{az}"] = b.route_table(vpc, subnets=[subnet], name=f"{STACK}/Vpc/isolatedSubnet{az}")

    egress = [("-1", None, None, "0.0.0.0/0")] if function_egress else [MATCH_NO_TRAFFIC]
    function_sg = ids["function_sg"] = b.security_group(
        vpc, name=f"{STACK}-ReplaceDefaultSecurityGroupsecuritygroup", egress=egress)
    source = {"vpc": VPC_CIDR, "function": function_sg, "default": ids["default_sg"]}[endpoint_source]
    services = ("sqs", "secretsmanager", "kms") if kms_endpoint else ("sqs", "secretsmanager")
    for key in services:
        group = ids[f"{key}_sg"] = b.security_group(vpc, name=f"{key}-endpoint", ingress=[("tcp", 443, 443, source)])
        # No PolicyDocument: AWS's default full-access policy (the builder's default).
        ids[key] = b.interface_endpoint(vpc, key, subnets=isolated, groups=[group])

    if metrics:
        # AWS/PrivateLinkEndpoints BytesProcessed over 14 days: the function's calls (assumed
        # volumes); nothing on kms, which SQS calls from AWS's side.
        for key, total in (("sqs", 96_468_992.0), ("secretsmanager", 1_843_200.0), ("kms", 0.0)):
            if key in ids:
                b.metric(ids[key], "AWS/PrivateLinkEndpoints", "BytesProcessed", total)

    for az, subnet in enumerate(isolated, start=1):
        ids[f"lambda_eni{az}"] = b.workload(
            subnet, groups=[function_sg], interface_type="lambda", requester_id=f"{ROLE_ID}:{FUNCTION}",
            description=f"AWS Lambda VPC ENI-{FUNCTION}-7c1e9a52-4b3f-4d8e-a6c0-2f5b8d1e3a9{az}")
    return b.snapshot(), ids
