"""A workload VPC in AWS GovCloud (US-West), us-gov-west-1, with private subnets only and no
internet access: its instances reach AWS services through interface endpoints (KMS through the
FIPS endpoint service ``com.amazonaws.us-gov-west-1.kms-fips``) and through the S3 and DynamoDB
gateway endpoints, every endpoint policy naming ``arn:aws-us-gov:`` resources.

Sources (the layout is composed from AWS's own GovCloud pages; no public template of this exact
shape was found):

- AWS GovCloud (US) User Guide (docs.aws.amazon.com/govcloud-us/latest/UserGuide/; current pages,
  read 2026-12-07): "Amazon VPC in AWS GovCloud (US)" (``govcloud-vpc.html``: not every VPC
  endpoint in GovCloud supports endpoint policies; calls to the service over HTTPS; Reachability
  Analyzer and Network Access Analyzer unsupported); "Amazon S3 in AWS GovCloud (US)"
  (``govcloud-s3.html``: S3 policies use the GovCloud ARN identifier; the FIPS endpoint
  ``s3-fips.us-gov-west-1.amazonaws.com``; Route 53 private DNS for VPCs not supported for S3
  endpoints); "Service Endpoints" (``using-govcloud-endpoints.html``: use the FIPS endpoints where
  FIPS 140 is required); the S3 page sends ARNs to "Amazon Resource Names (ARNs) in AWS GovCloud
  (US) Regions", not read here: the partition ``aws-us-gov`` is botocore's (below), so
  ``arn:aws-us-gov:s3:::bucket``; "AWS Step Functions in AWS GovCloud
  (US)" (``govcloud-step-functions.html``: in us-gov-west-1 PrivateLink serves the FIPS endpoint
  only — named here only as evidence that GovCloud has FIPS-only PrivateLink services; no Step
  Functions endpoint is built, its endpoint service name was not found in the pages read).
- AWS KMS Developer Guide, "Create a VPC endpoint for AWS KMS"
  (https://docs.aws.amazon.com/kms/latest/developerguide/vpce-create-endpoint.html; current page,
  read 2026-12-07): the service names ``com.amazonaws.<region>.kms`` and, for the KMS FIPS
  endpoint, ``com.amazonaws.<region>.kms-fips``; private DNS makes the standard hostname resolve to
  the endpoint. The only ``-fips`` VPC endpoint service name the pages read document.
- botocore 1.44.18, ``botocore/data/endpoints.json``, partition ``aws-us-gov`` (DNS suffix
  ``amazonaws.com``): in us-gov-west-1 the FIPS variant of ``ssm``, ``logs``, ``monitoring`` and
  ``sts`` is the standard hostname itself (``ssm.us-gov-west-1.amazonaws.com`` …), while KMS has
  a distinct one, ``kms-fips.us-gov-west-1.amazonaws.com`` (S3 ``s3-fips.…``, DynamoDB
  ``dynamodb-fips.…``). Hence one FIPS interface endpoint service in the layout: kms-fips.
- AWS Systems Manager User Guide, "SSM Agent communications with AWS managed S3 buckets"
  (https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-technical-details.html;
  current page, read 2026-12-07): the S3 endpoint policy must admit reads of
  ``aws-ssm-<region>`` and ``patch-baseline-snapshot-<region>`` (and ``amazon-ssm-<region>`` for
  agent updates); written here in ``aws-us-gov``.
- botocore's ec2 model (``VpcEndpoint``, ``DnsEntry``, ``ServiceDetail``, ``NetworkInterface``,
  ``NetworkInterfaceType`` ``vpc_endpoint``, ``FlowLog``).

Built (``build()``), account 123456789012 (assumed), us-gov-west-1 with AZs us-gov-west-1a, b, c
mapped to AZ IDs usgw1-az1, az2, az3 (assumed: the mapping is per account): VPC ``gov-workload``
10.20.0.0/16, DNS support and hostnames on, the Region's default DHCP options, no internet
gateway, no NAT gateway; one flow log on the VPC (ALL, to CloudWatch Logs — assumed, as a FedRAMP
workload records its traffic); three subnets ``gov-private-1..3`` (10.20.1-3.0/24, one per AZ),
each on its own route table ``gov-private-1..3`` (local route plus the S3 and DynamoDB prefix-list
routes the gateway endpoints add); the default NACL. Groups: ``gov-workload`` (no ingress, AWS's
default egress) on one instance per private subnet; ``gov-endpoints`` admitting TCP 443 from
``gov-workload``, AWS's default egress. Interface endpoints in the three private subnets, private
DNS on, group ``gov-endpoints``: ``ssm``, ``ssmmessages``, ``ec2messages`` (Session Manager),
``logs``, ``monitoring``, ``sts`` and ``kms-fips``. Gateway endpoints ``s3`` and ``dynamodb`` on
the three tables.

Endpoint policies (the layout's choices, assumed): ``s3`` gateway — Principal ``*`` may read, write
and list ``arn:aws-us-gov:s3:::gov-workload-data`` and read the objects of
``aws-ssm-us-gov-west-1``, ``patch-baseline-snapshot-us-gov-west-1`` and
``amazon-ssm-us-gov-west-1``; ``dynamodb`` gateway — item reads and writes on
``arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/gov-workload-*``; ``kms-fips`` —
``kms:Decrypt``/``Encrypt``/``GenerateDataKey``/``DescribeKey`` on
``arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/*``; ``ssm``, ``logs``, ``monitoring`` and
``sts`` — every action on every resource for principals of the account (``aws:PrincipalAccount``);
``ssmmessages`` and ``ec2messages`` none (they support no endpoint policy).

The Region's catalogue (DescribeVpcEndpointServices), as built: the commercial-shaped names of
``aws_layout.CATALOGUE`` in us-gov-west-1 (``com.amazonaws.us-gov-west-1.<svc>``, private DNS
``<svc>.us-gov-west-1.amazonaws.com``, ECR's ``api.ecr.…``/``*.dkr.ecr.…``), plus
``com.amazonaws.us-gov-west-1.kms-fips`` (Interface, private DNS
``kms-fips.us-gov-west-1.amazonaws.com``, base ``kms-fips.us-gov-west-1.vpce.amazonaws.com``) and the
gateway services ``com.amazonaws.us-gov-west-1.s3`` and ``.dynamodb`` (Gateway, no private DNS),
each offered in the three AZs, owner ``amazon``, IPv4. GovCloud uses the commercial DNS suffix
``amazonaws.com`` and the commercial ``com.amazonaws.`` prefix (no ``cn.``-style variant); which
services GovCloud offers is assumed from the pages above, not listed from the Region. The endpoint
policy support flags follow the commercial catalogue (``ssmmessages``/``ec2messages`` without);
GovCloud's "not all endpoints support policies" names no service. The S3/DynamoDB prefix lists'
addresses are placeholders, not GovCloud's ranges.

Assumed, for the endpoints' interfaces as DescribeNetworkInterfaces shows them: ``InterfaceType``
``vpc_endpoint``, ``RequesterManaged`` true, description ``VPC Endpoint Interface <vpce-id>``, in
the endpoint's group, attached to no instance of the account, no tags, no public address; the
instances' interfaces ``interface``, not requester-managed, described ``Primary network
interface``, each on an instance. The endpoints' DNS entries (Regional and zonal names under
``<svc>.us-gov-west-1.vpce.amazonaws.com``) carry an assumed hosted zone id and 8-character suffix.

Near misses: ``kms_beside_fips=True`` — a second KMS interface endpoint, the non-FIPS
``com.amazonaws.us-gov-west-1.kms``, beside ``kms-fips`` in the same subnets, private DNS on both
(two services, two hostnames: no private DNS conflict); ``policy_partition="aws"`` — every policy
ARN written in the commercial partition (``arn:aws:s3:::gov-workload-data`` …), as copied from a
commercial template; ``s3_route_tables=2`` — the S3 gateway endpoint associated with the first two
route tables only, so ``gov-private-3`` has no S3 route; ``endpoint_group_admits="gov-admin"`` — the
endpoints' group admits TCP 443 from a group ``gov-admin`` that no workload carries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import NO_POLICY_SERVICES

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-gov-west-1"
AZS = (("us-gov-west-1a", "usgw1-az1"), ("us-gov-west-1b", "usgw1-az2"), ("us-gov-west-1c", "usgw1-az3"))  # assumed
PARTITION = "aws-us-gov"
VPC_CIDR = "10.20.0.0/16"
BUCKET = "gov-workload-data"
KMS_FIPS = "kms-fips"
KMS_FIPS_SERVICE = f"com.amazonaws.{REGION}.{KMS_FIPS}"
KMS_SERVICE = f"com.amazonaws.{REGION}.kms"
INTERFACE_KEYS = ("ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "sts", KMS_FIPS)
VPCE_ZONE_GOV = "Z2UU7ZFP5C8TQF"  # the hosted zone of us-gov-west-1's vpce.amazonaws.com names (assumed)
ALL_OUT = ("-1", None, None, "0.0.0.0/0")
PRIMARY = "Primary network interface"
SSM_BUCKETS = (f"aws-ssm-{REGION}", f"patch-baseline-snapshot-{REGION}", f"amazon-ssm-{REGION}")


def s3_policy(partition: str = PARTITION) -> str:
    """The S3 gateway endpoint's policy: the workload's bucket, and reads of Systems Manager's buckets."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "WorkloadBucket", "Effect": "Allow", "Principal": "*",
         "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation"],
         "Resource": [f"arn:{partition}:s3:::{BUCKET}", f"arn:{partition}:s3:::{BUCKET}/*"]},
        {"Sid": "SystemsManagerBuckets", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": [f"arn:{partition}:s3:::{name}/*" for name in SSM_BUCKETS]}]})


def dynamodb_policy(partition: str = PARTITION) -> str:
    """The DynamoDB gateway endpoint's policy: item reads and writes on the workload's tables."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "WorkloadTables", "Effect": "Allow", "Principal": "*",
        "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                   "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:DescribeTable"],
        "Resource": f"arn:{partition}:dynamodb:{REGION}:{ACCOUNT}:table/gov-workload-*"}]})


def kms_policy(partition: str = PARTITION) -> str:
    """The KMS endpoints' policy: data-key and envelope operations on the account's keys."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "AccountKeys", "Effect": "Allow", "Principal": "*",
        "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        "Resource": f"arn:{partition}:kms:{REGION}:{ACCOUNT}:key/*"}]})


def account_policy() -> str:
    """The other interface endpoints' policy: anything, for principals of this account."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "ThisAccount", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}]})


def _catalogue(b: AwsRegionBuilder) -> None:
    """Add the FIPS KMS service and the gateway services to the builder's us-gov-west-1 catalogue."""
    b.service(KMS_FIPS, dns_names=[f"kms-fips.{REGION}.amazonaws.com"])
    b.service("s3", types=("Gateway",))
    b.service("dynamodb", types=("Gateway",))


def _dns_entries(endpoint_id: str, key: str) -> tuple[r.DnsEntry, ...]:
    """The Regional and zonal DNS names of an interface endpoint (suffix assumed)."""
    suffix = hashlib.sha256(endpoint_id.encode()).hexdigest()[:8]
    regional = f"{endpoint_id}-{suffix}.{key}.{REGION}.vpce.amazonaws.com"
    zonal = [f"{endpoint_id}-{suffix}-{az}.{key}.{REGION}.vpce.amazonaws.com" for az, _ in AZS]
    return tuple(r.DnsEntry(name, VPCE_ZONE_GOV) for name in (regional, *zonal))


def build(*, kms_beside_fips: bool = False, policy_partition: str = PARTITION, s3_route_tables: int = 3,
          endpoint_group_admits: str = "gov-workload") -> tuple[Snapshot, dict[str, str]]:
    """The layout and its near misses (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, [i for _, i in AZS])
    b.azs = list(AZS)
    _catalogue(b)
    vpc = b.vpc(VPC_CIDR, name="gov-workload", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    b.flow_log(vpc)
    for k in (1, 2, 3):
        subnet = ids[f"private{k}"] = b.subnet(vpc, f"10.20.{k}.0/24", az=k, name=f"gov-private-{k}")
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[subnet], name=f"gov-private-{k}")
    private = [ids[f"private{k}"] for k in (1, 2, 3)]
    tables = [ids[f"private_rt{k}"] for k in (1, 2, 3)]

    workload_sg = ids["workload_sg"] = b.security_group(vpc, name="gov-workload", egress=[ALL_OUT])
    source = workload_sg
    if endpoint_group_admits != "gov-workload":
        source = ids["admin_sg"] = b.security_group(vpc, name=endpoint_group_admits, egress=[ALL_OUT])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="gov-endpoints",
                                                        ingress=[("tcp", 443, 443, source)], egress=[ALL_OUT])

    ids["s3_gateway"] = b.gateway_endpoint(vpc, "s3", route_tables=tables[:s3_route_tables],
                                           policy=s3_policy(policy_partition))
    ids["dynamodb_gateway"] = b.gateway_endpoint(vpc, "dynamodb", route_tables=tables,
                                                 policy=dynamodb_policy(policy_partition))
    keys = [*INTERFACE_KEYS, *(["kms"] if kms_beside_fips else [])]
    for key in keys:
        if key in NO_POLICY_SERVICES:
            policy = None
        elif key in (KMS_FIPS, "kms"):
            policy = kms_policy(policy_partition)
        else:
            policy = account_policy()
        endpoint = ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoint_sg],
                                                   private_dns=True, policy=policy)
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=_dns_entries(endpoint, key))

    for k, subnet in enumerate(private, start=1):
        eni = ids[f"app{k}"] = b.workload(subnet, groups=[workload_sg], description=PRIMARY)
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
