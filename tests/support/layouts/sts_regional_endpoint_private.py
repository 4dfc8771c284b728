"""EC2 instances in private subnets without NAT calling AWS STS through an ``sts`` interface VPC
endpoint with private DNS, and what that does and does not answer: the Regional name
``sts.eu-west-1.amazonaws.com``, not the global ``sts.amazonaws.com`` (eu-west-1).

Sources:

- the IAM User Guide (current pages, read 2026-12-06), "AWS STS and interface VPC endpoints"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_sts_vpce.html) and "Create a
  VPC endpoint for AWS STS"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_create.html): an
  interface endpoint for STS gives a VPC STS "without requiring an internet gateway, NAT
  device"; after creating it one "must use the matching regional endpoint" for STS requests —
  a client left on the global endpoint is not sent to it;
- the same guide's "AWS STS Regions and endpoints", section "AWS STS global endpoint changes"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html#reference_sts_global_endpoint_changes,
  current page, read 2026-12-06): in Regions enabled by default (eu-west-1 is one), requests to
  ``https://sts.amazonaws.com`` resolved by the Amazon DNS server are now served in the Region
  they come from, no longer in us-east-1 (rolled out through 2025; AWS Security Blog "Announcing
  upcoming changes to the AWS Security Token Service global endpoint", updated 2025-04-18);
  CloudTrail still logs them in us-east-1 and ``aws:RequestedRegion`` is still ``us-east-1``.
  Served in the Region is not served through the endpoint: nothing on the page says the
  endpoint's private DNS answers the global name, and the endpoint service's ``PrivateDnsNames``
  (DescribeVpcEndpointServices) is the Regional name only;
- the AWS SDKs and Tools Reference Guide, "AWS STS Regional endpoints"
  (https://docs.aws.amazon.com/sdkref/latest/guide/feature-sts-regionalized-endpoints.html,
  current page, read 2026-12-06): ``sts_regional_endpoints`` / ``AWS_STS_REGIONAL_ENDPOINTS``,
  ``legacy`` (the global endpoint) or ``regional``; "Default value: ``regional``, see
  exceptions"; SDK major versions released after July 2022 default to Regional; the AWS
  Developer Tools Blog "Updating AWS SDK defaults – AWS STS service endpoint and Retry
  Strategy" moved Python, PHP, C++, .NET and PowerShell to ``regional`` on 2025-07-31 (botocore
  1.40.0, commit 23581d12f23774b99e413cf3149cde0dffeecd30 of boto/botocore, "Change default sts
  endpoint to regional"); AWS CLI v1, the SDK for Java 1.x, JavaScript 2.x and Go 1.x (V1) still
  default to ``legacy``, and several SDKs fall back to the global endpoint when no Region is
  configured.

Built (``build()``): VPC 10.0.0.0/16, DNS support and hostnames on (private DNS needs both); AZ
IDs euw1-az1, euw1-az2 for eu-west-1a, b (assumed); ``private1``, ``private2`` 10.0.1-2.0/24 on
the main route table (local route only: no internet gateway, no NAT); the default NACL; no flow
log. Groups (assumed, after the guide's "allow access"): ``app`` — no ingress, AWS's default
egress; ``sts-endpoint`` — TCP 443 from ``app``, AWS's default egress. The ``sts`` endpoint:
VpcEndpointType Interface, both subnets, PrivateDnsEnabled true, ``sts-endpoint``, AWS's default
full-access policy. One instance per subnet, in ``app`` (its application assumes roles and calls
GetCallerIdentity with an SDK; which SDK and which ``sts_regional_endpoints`` is not in any EC2
record).

Network interfaces as DescribeNetworkInterfaces reports them (botocore 1.44.18, ec2 2016-11-15,
``NetworkInterface``, ``NetworkInterfaceType``): each instance's primary interface —
InterfaceType ``interface``, not requester-managed, described ``Primary network interface``
(assumed: EC2's launch wizard's text), ``app``, attached to its instance, no tags; the endpoint's,
one per subnet — InterfaceType ``vpc_endpoint``, RequesterManaged true, described ``VPC Endpoint
Interface <vpce-id>``, ``sts-endpoint``, on no instance.

Near misses: ``private_dns=False`` — the endpoint created with private DNS off;
``global_name_zone=True`` — a private hosted zone ``sts.amazonaws.com`` associated with the VPC,
its apex an alias A record to the endpoint's Regional DNS name (``vpce-….sts.eu-west-1.vpce.amazonaws.com``),
the workaround some teams deploy for clients left on the global endpoint; whether STS answers a
request for ``sts.amazonaws.com`` arriving at the endpoint (the TLS name, SigV4's ``us-east-1``
scope) AWS does not document: assumed unknown; ``endpoint_source="vpc-cidr"`` — the endpoint's
group admits TCP 443 from 10.0.0.0/16 instead of ``app``.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "eu-west-1"
AZ_IDS = ("euw1-az1", "euw1-az2")  # this account's eu-west-1a, b (assumed)
VPC_CIDR = "10.0.0.0/16"
HTTPS = 443
REGIONAL_NAME = f"sts.{REGION}.amazonaws.com"
GLOBAL_NAME = "sts.amazonaws.com"


def build(*, private_dns: bool = True, global_name_zone: bool = False, endpoint_source: str = "group"
          ) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``private_dns``: the endpoint's PrivateDnsEnabled; ``global_name_zone``: a
    private hosted zone ``sts.amazonaws.com`` aliased to the endpoint; ``endpoint_source``:
    ``group`` (the instances' group) or ``vpc-cidr`` (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="sts-private", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc}
    subnets = [b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"private{k}") for k in (1, 2)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(subnets, start=1)}

    app_sg = ids["app_sg"] = b.security_group(vpc, name="app")
    source = app_sg if endpoint_source == "group" else VPC_CIDR
    endpoint_sg = ids["endpoint_sg"] = b.security_group(
        vpc, name="sts-endpoint", ingress=[("tcp", HTTPS, HTTPS, source)])
    sts = ids["sts"] = b.interface_endpoint(vpc, "sts", subnets=subnets, groups=[endpoint_sg],
                                            private_dns=private_dns)
    b.tag(sts, {"Name": "sts"})

    for k, subnet in enumerate(subnets, start=1):
        eni = ids[f"instance{k}_eni"] = b.workload(subnet, groups=[app_sg], description="Primary network interface")
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))

    if global_name_zone:
        regional = b.endpoints[sts].dns_entries[0].dns_name
        ids["zone"] = b.hosted_zone(GLOBAL_NAME, [vpc], [r.RecordSet(GLOBAL_NAME, "A", (), regional)])
    return b.snapshot(), ids
