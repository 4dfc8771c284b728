"""A private workload VPC in an opt-in Region, Asia Pacific (Hong Kong): instances with no route out
of the VPC reaching AWS STS, Systems Manager, CloudWatch Logs and Amazon ECR through interface
endpoints (``sts``, ``ssm``/``ssmmessages``/``ec2messages``, ``logs``, ``ecr.api``/``ecr.dkr``)
and S3 through a gateway endpoint (ap-east-1).

Sources (current pages, read 2026-12-07):

- the AWS Account Management Reference Guide, "Enable or disable AWS Regions in your account"
  (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html): Regions launched
  before 20 March 2019 are enabled by default; the later ones, Asia Pacific (Hong Kong) ap-east-1
  among them, are opt-in Regions an account must enable before it can create or manage resources
  there. The IAM User Guide's example policy "AWS: Allows enabling and disabling AWS Regions"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws-enable-disable-regions.html)
  takes ap-east-1 as its opt-in Region (``account:EnableRegion`` with ``account:TargetRegion``);
- the IAM User Guide, "AWS STS Regions and endpoints"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html):
  ``sts.ap-east-1.amazonaws.com``, not active by default, activated with the Region; the 2025
  change serving requests to ``https://sts.amazonaws.com`` in the caller's Region "will not be
  deployed to opt-in Regions", and the page recommends the Regional endpoints. The IAM API's
  ``SetSecurityTokenServicePreferences``
  (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SetSecurityTokenServicePreferences.html):
  version 1 session tokens from the global endpoint are valid only in Regions available by
  default and "do not work in manually enabled Regions, such as Asia Pacific (Hong Kong)";
  version 2 tokens are valid in all Regions (``GlobalEndpointTokenVersion`` in
  ``GetAccountSummary``). The SDKs and Tools Reference Guide, "AWS STS Regional endpoints"
  (https://docs.aws.amazon.com/sdkref/latest/guide/feature-sts-regionalized-endpoints.html): in
  opt-in Regions requests to the global endpoint are served by us-east-1;
- the IAM User Guide, "AWS STS and interface VPC endpoints"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_sts_vpce.html): with an ``sts``
  endpoint clients "must use the matching regional endpoint"; the AWS PrivateLink Guide, "Access an
  AWS service using an interface VPC endpoint" and "Gateway endpoints for Amazon S3"
  (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html,
  https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html): private DNS needs
  both VPC DNS attributes, the endpoint's group must admit HTTPS from the clients, a gateway
  endpoint adds its prefix-list route to each route table it is associated with;
- the Systems Manager User Guide's endpoints for instances without internet access
  (``ssm``, ``ssmmessages``, ``ec2messages``) and the ECR User Guide's "Amazon ECR interface VPC
  endpoints" (``ecr.api``, ``ecr.dkr`` and the S3 gateway endpoint for image layers, ``logs`` for
  the awslogs driver);
- botocore 1.44.18: ``endpoints.json`` lists ap-east-1 "Asia Pacific (Hong Kong)" in partition
  ``aws`` with Regional ``sts``, ``ssm``, ``logs``, ``api.ecr`` (``api.ecr.ap-east-1.amazonaws.com``)
  and ``s3`` entries (``ssmmessages``/``ec2messages`` are not listed there: their VPC endpoint
  services are assumed present in ap-east-1); ec2 2016-11-15: ``ServiceDetail`` (ServiceName,
  ServiceType, AvailabilityZones/AvailabilityZoneIds, BaseEndpointDnsNames, PrivateDnsNames,
  VpcEndpointPolicySupported …), ``AvailabilityZone`` with ``AvailabilityZoneOptInStatus``
  (``opt-in-not-required`` | ``opted-in`` | ``not-opted-in``), and ``Region.OptInStatus`` — the
  Region's own status, which DescribeRegions reports (``opted-in`` here) and which a snapshot
  region does not carry: vpcaudit reads it only to decide which Regions to collect.

No public Terraform or CDK project deploying this shape to ap-east-1 could be cited by repository
and commit; the layout is composed from the pages above.

Built (``build()``): the account has enabled ap-east-1 (DescribeRegions ``opted-in``, assumed);
VPC ``hk-workload`` 10.30.0.0/16, DNS support and hostnames on, the Region's default DHCP options,
the default NACL, no flow log, no internet gateway, no NAT gateway. AZs ap-east-1a, b, c → ape1-az1,
az2, az3 (the mapping is per account: assumed), each recorded as DescribeAvailabilityZones lists
it (``availability-zone``, network border group ``ap-east-1``, ``opt-in-not-required`` — an AZ's
status is that even in an opt-in Region). ``hk-private-1``-``3`` 10.30.1-3.0/24, one per AZ, each
on its own route table holding the S3 gateway endpoint's prefix-list route. Groups:
``hk-workload`` — no ingress, all traffic out; ``hk-endpoints`` — TCP 443 from ``hk-workload``,
AWS's default egress. Interface endpoints ``sts``, ``ssm``, ``ssmmessages``, ``ec2messages``,
``logs``, ``ecr.api``, ``ecr.dkr`` in the three subnets, PrivateDnsEnabled true, in
``hk-endpoints``, with AWS's default full-access policy where the service takes one (none on
``ssmmessages``/``ec2messages``); the S3 gateway endpoint on the three tables, default policy. The
catalogue: ``com.amazonaws.ap-east-1.<svc>`` in the three AZs, owner ``amazon``, private DNS
``<svc>.ap-east-1.amazonaws.com`` (ECR's ``api.ecr.…`` and ``*.dkr.ecr.…``), S3 gateway-only with
no private DNS name (which services ap-east-1 offers beyond these is assumed from the shared
catalogue). One instance per private subnet in ``hk-workload``, managed by Systems Manager and
pulling images from ECR, its SDK on the Regional STS endpoint.

Network interfaces as DescribeNetworkInterfaces reports them (botocore's
``NetworkInterfaceType``): the endpoints' — ``vpc_endpoint``, RequesterManaged true, described
``VPC Endpoint Interface <vpce-id>``, in ``hk-endpoints``, on no instance of the account, no tags,
no public address; the instances' — ``interface``, not requester-managed, described ``Primary
network interface`` (assumed: EC2's launch wizard's text), each attached to its instance, no tags.
The endpoints' DNS entries (Regional and zonal names under ``<svc>.ap-east-1.vpce.amazonaws.com``)
carry an assumed hosted zone id and 8-character suffix; the S3 prefix list's addresses are
placeholders, not ap-east-1's ranges.

Near misses: ``sts_endpoint=False`` — no ``sts`` endpoint, the workloads' SDK left on the global
endpoint ``sts.amazonaws.com`` (``sts_regional_endpoints = legacy``; in no EC2 record);
``s3_route_tables=2`` — the S3 gateway endpoint associated with the first two tables only;
``endpoint_source="10.30.1.0/24"`` — the endpoints' group admitting TCP 443 from the first private
subnet's block only.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from aws_layout import ALL_OUT, AwsRegionBuilder
from builders import FULL_ACCESS_POLICY

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "ap-east-1"
AZ_IDS = ("ape1-az1", "ape1-az2", "ape1-az3")  # this account's ap-east-1a, b, c (assumed)
VPC_CIDR = "10.30.0.0/16"
HTTPS = 443
INTERFACE_KEYS = ("sts", "ssm", "ssmmessages", "ec2messages", "logs", "ecr.api", "ecr.dkr")
REGIONAL_STS = f"sts.{REGION}.amazonaws.com"
GLOBAL_STS = "sts.amazonaws.com"
VPCE_ZONE_APE1 = "Z0QX8ZJW2DQ6EO"  # the hosted zone of ap-east-1's vpce.amazonaws.com names (assumed)
PRIMARY = "Primary network interface"


def _dns_entries(b: AwsRegionBuilder, endpoint_id: str, key: str) -> tuple[r.DnsEntry, ...]:
    """The Regional and zonal DNS names of an interface endpoint (suffix and zone id assumed)."""
    suffix = hashlib.sha256(endpoint_id.encode()).hexdigest()[:8]
    regional = f"{endpoint_id}-{suffix}.{key}.{REGION}.vpce.amazonaws.com"
    zonal = [f"{endpoint_id}-{suffix}-{az}.{key}.{REGION}.vpce.amazonaws.com" for az, _ in b.azs]
    return tuple(r.DnsEntry(name, VPCE_ZONE_APE1) for name in (regional, *zonal))


def build(*, sts_endpoint: bool = True, s3_route_tables: int = 3, endpoint_source: str = "hk-workload"
          ) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``sts_endpoint``: whether the ``sts`` interface endpoint exists;
    ``s3_route_tables``: how many of the three tables the S3 gateway endpoint is on;
    ``endpoint_source``: what the endpoints' group admits on 443, the workloads' group or a CIDR
    (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    b.service("s3", types=("Gateway",))
    for k in (1, 2, 3):
        b.zone(k)
    vpc = b.vpc(VPC_CIDR, name="hk-workload", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    for k in (1, 2, 3):
        subnet = ids[f"private{k}"] = b.subnet(vpc, f"10.30.{k}.0/24", az=k, name=f"hk-private-{k}")
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[subnet], name=f"hk-private-{k}")
    private = [ids[f"private{k}"] for k in (1, 2, 3)]
    tables = [ids[f"private_rt{k}"] for k in (1, 2, 3)]

    workload_sg = ids["workload_sg"] = b.security_group(vpc, name="hk-workload", egress=[ALL_OUT])
    source = workload_sg if endpoint_source == "hk-workload" else endpoint_source
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="hk-endpoints",
                                                        ingress=[("tcp", HTTPS, HTTPS, source)])
    ids["s3_gateway"] = b.gateway_endpoint(vpc, "s3", route_tables=tables[:s3_route_tables])
    for key in INTERFACE_KEYS:
        if key == "sts" and not sts_endpoint:
            continue
        supported = b.services[f"com.amazonaws.{REGION}.{key}"].vpc_endpoint_policy_supported
        policy = FULL_ACCESS_POLICY if supported else None
        endpoint = ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoint_sg],
                                                   private_dns=True, policy=policy)
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=_dns_entries(b, endpoint, key))

    for k, subnet in enumerate(private, start=1):
        eni = ids[f"app{k}"] = b.workload(subnet, groups=[workload_sg], description=PRIMARY)
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
