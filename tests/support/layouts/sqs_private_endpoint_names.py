"""Queue workers in private subnets without NAT consuming Amazon SQS through the ``sqs`` interface
endpoint with private DNS, us-east-1 — and which names that private DNS answers.

Sources:

- the Amazon SQS Developer Guide, "Amazon Virtual Private Cloud endpoints for Amazon SQS"
  (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-internetwork-traffic-privacy.html)
  and its tutorial "Sending a message to an Amazon SQS queue from Amazon Virtual Private Cloud"
  (sqs-sending-messages-from-vpc.html), current pages, read 2026-12-06: the endpoint gives
  "connectivity to Amazon SQS without requiring an internet gateway, network address translation
  (NAT) instance, or VPN connection"; VPC endpoints work "only with HTTPS Amazon SQS endpoints";
  "you must enable private DNS and specify endpoints in the format ``sqs.us-east-2.amazonaws.com``
  or ``sqs.us-east-2.api.aws`` for the dual-stack endpoint"; FIPS is a separate service,
  ``com.amazonaws.region.sqs-fips``; and "Private DNS doesn't support legacy endpoints such as
  ``queue.amazonaws.com`` or ``us-east-2.queue.amazonaws.com``". The same sentence stands in the
  guide's last published source (https://github.com/awsdocs/amazon-sqs-developer-guide, commit
  92b1c2d1944a92e2e1f79e72af82645ba5af2a3d, doc_source/sqs-internetwork-traffic-privacy.md and
  sqs-sending-messages-from-vpc.md): no page of the guide says private DNS for the legacy names
  was ever added. The page's endpoint-policy example allows ``sqs:SendMessage`` on one queue ARN
  ("Creating an Amazon VPC endpoint policy for Amazon SQS");
- the AWS General Reference, "Amazon Simple Queue Service endpoints and quotas"
  (https://docs.aws.amazon.com/general/latest/gr/sqs-service.html, current page, read
  2026-12-06): ``sqs.us-east-1.amazonaws.com``, ``sqs.us-east-1.api.aws`` and the FIPS names; the
  ``queue.amazonaws.com`` names are no longer listed;
- what clients call: botocore's ``endpoints.json`` still carries ``sslCommonName``
  ``{region}.queue.{dnsSuffix}`` (1.44.18), which botocore used as the SQS hostname until 1.28
  (October 2022; the deprecation warning of 1.27 pointed to boto/botocore#2705, after
  boto/boto3#1900 and aws/aws-cli#5966: a CLI in a VPC with the sqs endpoint timing out on
  ``queue.amazonaws.com``); the AWS SDK for Java 1.x ``QueueUrlHandler`` sends each request to
  the host of its ``QueueUrl`` (aws/aws-sdk-java, aws-java-sdk-sqs), so a worker configured with
  an old ``https://queue.amazonaws.com/<account>/<queue>`` URL calls the legacy name whatever its
  client's endpoint.

Built (``build()``), after the guide (assumed where it gives no value): VPC 10.0.0.0/16
``sqs-workers``, DNS support and hostnames on (private DNS needs both); no internet gateway, no
NAT; private subnets 10.0.1.0/24 (us-east-1a, use1-az1) and 10.0.2.0/24 (us-east-1b, use1-az2) on
one table ``sqs-workers-private`` (local route only); the default NACL. Groups: ``sqs-workers``
(no ingress, AWS's default egress) on one worker instance per subnet; ``sqs-endpoint``, TCP 443
from ``sqs-workers`` (AWS's default egress). The ``sqs`` interface endpoint in both subnets,
private DNS on, IPv4, AWS's default full-access policy (the tutorial sets none). The queue
``work-items`` is in the same account and Region (no VPC record of it).

The Region's catalogue (DescribeVpcEndpointServices) lists ``com.amazonaws.us-east-1.sqs`` with
the one ``PrivateDnsName`` ``sqs.us-east-1.amazonaws.com`` (tests/support/aws_layout.py's
CATALOGUE): the guide's "Private DNS doesn't support legacy endpoints" read as the API's list
(assumed: no public DescribeVpcEndpointServices output was at hand; whether a dual-stack endpoint
adds ``sqs.us-east-1.api.aws`` is not modelled).

Network interfaces as DescribeNetworkInterfaces shows them: the endpoint's, one per subnet, typed
``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed, described ``VPC
Endpoint Interface <vpce-id>``, in ``sqs-endpoint``, attached to no instance of the account, no
tags; each worker's primary interface typed ``interface``, not requester-managed, no
description, attached to its instance, in ``sqs-workers``.

Near misses: ``private_dns=False`` (the endpoint created with private DNS off: the SDK's
``sqs.us-east-1.amazonaws.com`` resolves to SQS's public addresses, which the subnets cannot
reach); ``legacy_zone=True`` (private DNS on, and a private hosted zone ``queue.amazonaws.com``
the team created and associated with the VPC, its apex an alias A record to the endpoint's
regional DNS name, for workers still on ``https://queue.amazonaws.com/<account>/<queue>`` URLs);
``policy="queue"`` (the endpoint policy allowing any principal only the consumer's actions on the
one queue ARN, the guide's example shape).
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "sqs-workers"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
QUEUE = "work-items"  # assumed
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{QUEUE}"
SERVICE_HOSTNAME = f"sqs.{REGION}.amazonaws.com"
# The legacy names: queue.amazonaws.com for us-east-1, <region>.queue.amazonaws.com elsewhere.
LEGACY_HOSTNAME = "queue.amazonaws.com"
LEGACY_REGIONAL = f"{REGION}.queue.amazonaws.com"
CONSUMER_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes", "sqs:GetQueueUrl")


def queue_policy() -> str:
    """Any principal, the consumer's actions, the one queue (the guide's example shape, its
    ``sqs:SendMessage`` swapped for what a worker calls)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": list(CONSUMER_ACTIONS), "Resource": QUEUE_ARN}]})


def build(*, private_dns: bool = True, legacy_zone: bool = False, policy: str = "default"
          ) -> tuple[Snapshot, dict[str, str]]:
    """``private_dns``: the endpoint's private DNS; ``legacy_zone``: the team's private hosted
    zone ``queue.amazonaws.com``; ``policy``: "default" (full access) or "queue"."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    workers_sg = ids["workers_sg"] = b.security_group(vpc, name=NAME)
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="sqs-endpoint",
                                                        ingress=[("tcp", 443, 443, workers_sg)])
    sqs = ids["sqs"] = b.interface_endpoint(vpc, "sqs", subnets=private, groups=[endpoint_sg],
                                            private_dns=private_dns)
    if policy == "queue":
        b.endpoints[sqs] = replace(b.endpoints[sqs], policy_document=queue_policy())

    for az, subnet in enumerate(private, start=1):
        eni = ids[f"worker{az}"] = b.workload(subnet, groups=[workers_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))

    if legacy_zone:
        regional = b.endpoints[sqs].dns_entries[0].dns_name
        ids["legacy_zone"] = b.hosted_zone(LEGACY_HOSTNAME, [vpc],
                                           [r.RecordSet(LEGACY_HOSTNAME, "A", (), regional)])
    return b.snapshot(), ids
