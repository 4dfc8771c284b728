"""AWS Step Functions used from isolated subnets: a Lambda function in a VPC without internet
access starting executions through a ``states`` interface endpoint with private DNS, activity
workers polling the same endpoint, and the separate ``sync-states`` endpoint Synchronous Express
Workflows need (us-east-1).

Sources:

- AWS Solutions Constructs, ``@aws-solutions-constructs/aws-lambda-stepfunctions`` with
  ``deployVpc: true``, as its integration test synthesises it
  (https://github.com/awslabs/aws-solutions-constructs, commit
  ad687288bbe709d5fef918f2394e9e13567c4618,
  source/patterns/@aws-solutions-constructs/aws-lambda-stepfunctions/test/integ.lamstp-deployFunctionWithVpc.js.snapshot/lamstp-deployFunctionWithVpc.template.json):
  VPC 10.0.0.0/16 with DNS support and hostnames on; two isolated subnets, 10.0.0.0/18 and
  10.0.64.0/18, in the Region's first two AZs, each on a route table of its own with no route
  beyond the VPC; no internet gateway, no NAT gateway; a flow log of the VPC (``TrafficType``
  ALL, to CloudWatch Logs); the default group stripped of every rule (``Custom::VpcRestrictDefaultSG``);
  the function on a group of its own (``ReplaceDefaultSecurityGroup-security-group``: no
  ingress, all traffic out), in both subnets, with ``STATE_MACHINE_ARN`` in its environment and
  ``states:StartExecution`` on that state machine in its role; the ``STEP_FUNCTIONS`` interface
  endpoint (``com.amazonaws.<region>.states``) in both subnets, ``PrivateDnsEnabled`` true, no
  ``PolicyDocument`` (AWS's default full-access policy), on a group admitting TCP 443 from the
  VPC's CIDR block (``from 10.0.0.0/16:443``) and sending all traffic out;
- the AWS Step Functions Developer Guide, "Creating Amazon VPC endpoints for Step Functions"
  (https://docs.aws.amazon.com/step-functions/latest/dg/vpc-endpoints.html, current page, read
  2026-12-06; the same text in awsdocs/aws-step-functions-developer-guide, commit
  62af5c4d38c68544bb22cf974539a1dd7444f785, doc_source/vpc-endpoints.md): the service name for
  Standard and Express Workflows is ``com.amazonaws.us-east-1.states`` and for Synchronous
  Express Workflows ``com.amazonaws.us-east-1.sync-states``; private DNS lets the SDK use the
  endpoint without overriding its endpoint, and an SDK pointed at a ``sync-states`` endpoint's
  own DNS name must turn host-prefix injection off. botocore's ``stepfunctions`` model (1.44.18)
  gives ``StartSyncExecution`` and ``TestState`` the host prefix ``sync-``, so those two calls go
  to ``sync-states.us-east-1.amazonaws.com`` and every other call to
  ``states.us-east-1.amazonaws.com``;
- the guide's "Amazon Virtual Private Cloud endpoint policies for Step Functions"
  (https://docs.aws.amazon.com/step-functions/latest/dg/vpc-iam.html, current page, read
  2026-12-06): its example allows ``*Execution`` on ``*`` to ``Principal: *``, allows
  ``states:CreateStateMachine`` to one IAM user and denies ``states:DeleteStateMachine`` to all;
- the guide's "Learn about Activities in Step Functions"
  (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-activities.html, current page,
  read 2026-12-06): an activity worker, on EC2 among other hosts, polls with
  ``GetActivityTask`` and reports with ``SendTaskSuccess`` / ``SendTaskFailure`` /
  ``SendTaskHeartbeat``; ``GetActivityTask`` is a long poll held up to 60 seconds (API
  reference).

Built (``build()``): the construct's test stack as listed above, in use1-az1 and use1-az2
(assumed: the account's us-east-1a and b). The function's Hyperplane interfaces, one per subnet
for its one subnet and group pair, as DescribeNetworkInterfaces shows them (botocore's ec2
model, ``NetworkInterface``): InterfaceType ``lambda``, RequesterManaged true, Description ``AWS
Lambda VPC ENI-<function>-<uuid>`` (function name assumed), in the function's group, attached to
no instance of the account, no tags. The endpoint's, one per subnet: InterfaceType
``vpc_endpoint``, RequesterManaged true, Description ``VPC Endpoint Interface <vpce-id>``, in
the endpoint's group, no tags.

The Region's catalogue (DescribeVpcEndpointServices) lists ``com.amazonaws.us-east-1.states``
with the ``PrivateDnsName`` ``states.us-east-1.amazonaws.com`` and
``com.amazonaws.us-east-1.sync-states`` with ``sync-states.us-east-1.amazonaws.com``, both
Interface, both in every AZ, both supporting endpoint policies (assumed: the guide names the
services and the SDK's hostnames, and no public DescribeVpcEndpointServices output was at hand).

Options, each a small change: ``activity_workers`` (an EC2 activity worker in each subnet on a
group ``activity-workers`` of its own, no ingress, AWS's default egress; each worker's primary
interface typed ``interface``, not requester-managed, no description, attached to its
instance); ``endpoint_source`` ("vpc", the construct's rule; "function", 443 from the function's
group only, CDK's ``connections.allowDefaultPortFrom(fn)`` shape; "default", 443 from the VPC's
default group only, which has no member); ``sync_endpoint`` (a ``sync-states`` endpoint beside
``states``, same subnets, group and private DNS, default policy: the construct has none);
``policy`` ("default", or "guide": the guide's example on the ``states`` endpoint, its user in
this account). Not modelled: the state machine, its log group and role, the function's code
(none of them a network resource); whether a workflow is Express and started synchronously
(no record of the VPC shows it).
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # the account's us-east-1a and b (assumed)
NAME = "lamstp-deployFunctionWithVpc"
VPC_CIDR = "10.0.0.0/16"
SUBNET_CIDRS = ("10.0.0.0/18", "10.0.64.0/18")
FUNCTION = "lamstp-deployFunctionWit-testlambdastepfunctions-Xq3Ld9PzR7aV"  # CloudFormation's generated name (assumed)
STATES_HOSTNAME = f"states.{REGION}.amazonaws.com"
SYNC_HOSTNAME = f"sync-states.{REGION}.amazonaws.com"


def guide_policy() -> str:
    """The guide's example endpoint policy, its IAM user put in this account."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Action": "*Execution", "Resource": "*", "Effect": "Allow", "Principal": "*"},
        {"Action": "states:CreateStateMachine", "Resource": "*", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/MyUser"}},
        {"Action": "states:DeleteStateMachine", "Resource": "*", "Effect": "Deny", "Principal": "*"}]})


def build(*, activity_workers: bool = False, endpoint_source: str = "vpc", sync_endpoint: bool = False,
          policy: str = "default") -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_source``: what the endpoints' group admits TCP 443 from — "vpc" (the
    construct), "function" or "default"; ``policy``: "default" (full access) or "guide"."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=f"{NAME}/Vpc", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    b.groups[ids["default_sg"]] = replace(b.groups[ids["default_sg"]], rules=())  # VpcRestrictDefaultSG
    ids["flow_log"] = b.flow_log(vpc)
    subnets = [b.subnet(vpc, cidr, az=az, name=f"{NAME}/Vpc/isolatedSubnet{az}")
               for az, cidr in enumerate(SUBNET_CIDRS, start=1)]
    for az, subnet in enumerate(subnets, start=1):
        ids[f"isolated{az}"] = subnet
        ids[f"isolated_rt{az}"] = b.route_table(vpc, subnets=[subnet], name=f"{NAME}/Vpc/isolatedSubnet{az}")

    function_sg = ids["function_sg"] = b.security_group(
        vpc, name=f"{NAME}/test-lambda-stepfunctions/ReplaceDefaultSecurityGroup-security-group")
    source = {"vpc": VPC_CIDR, "function": function_sg, "default": ids["default_sg"]}[endpoint_source]
    endpoint_sg = ids["endpoint_sg"] = b.security_group(
        vpc, name=f"{NAME}-STEP_FUNCTIONS-security-group", ingress=[("tcp", 443, 443, source)])

    b.service("states")
    ids["states"] = b.interface_endpoint(vpc, "states", subnets=subnets, groups=[endpoint_sg])
    if policy == "guide":
        b.endpoints[ids["states"]] = replace(b.endpoints[ids["states"]], policy_document=guide_policy())
    b.service("sync-states")
    if sync_endpoint:
        ids["sync_states"] = b.interface_endpoint(vpc, "sync-states", subnets=subnets, groups=[endpoint_sg])

    for az, subnet in enumerate(subnets, start=1):
        ids[f"lambda_eni{az}"] = b.workload(
            subnet, groups=[function_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{FUNCTION}-7c1e4a92-3b5d-4f60-8e2a-9d4c6b1f0a3{az}")
    if activity_workers:
        workers_sg = ids["workers_sg"] = b.security_group(vpc, name="activity-workers")
        for az, subnet in enumerate(subnets, start=1):
            eni = ids[f"worker{az}"] = b.workload(subnet, groups=[workers_sg])
            b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
