"""Amazon Data Firehose delivering to an Amazon OpenSearch Service domain in a VPC (eu-west-1).

Sources:

- the Amazon Kinesis Data Firehose Developer Guide as last published in its source repository
  (https://github.com/awsdocs/amazon-kinesis-data-firehose-developer-guide, commit
  06060113e2b352f47b8079f8d7cb5634fff3af19, 2023-06-15, the last one before the content was
  deleted; ``controlling-access.md`` last changed in e8c2835, 2023-03-07), "Grant Kinesis Data
  Firehose Access to an OpenSearch Service Destination in a VPC": the delivery role needs
  ``ec2:CreateNetworkInterface``, ``ec2:CreateNetworkInterfacePermission`` and
  ``ec2:DeleteNetworkInterface`` ("If you revoke these permissions after you create the delivery
  stream, Kinesis Data Firehose can't scale out by creating more ENIs"); "you specify a security
  group for Kinesis Data Firehose to use when it sends data to your OpenSearch Service domain … If
  you specify a different security group, ensure that it allows outbound HTTPS traffic to the
  OpenSearch Service domain's security group. Also ensure that the OpenSearch Service domain's
  security group allows HTTPS traffic from the security group you specified"; and the current API
  reference, ``VpcConfiguration``
  (https://docs.aws.amazon.com/firehose/latest/APIReference/API_VpcConfiguration.html):
  ``SubnetIds`` "Make sure that the routing tables and inbound and outbound rules allow traffic to
  flow from the subnets whose IDs are specified here to the subnets that have the destination
  Amazon OpenSearch Service endpoints. Firehose creates at least one ENI in each of the subnets
  that are specified here. Do not delete or modify these ENIs", "assume that Firehose can create
  up to three ENIs for this Firehose stream for each of the subnets specified here";
- the published code built: fdmsantos/terraform-aws-kinesis-firehose,
  ``examples/elasticsearch/opensearch-in-vpc`` (commit 4be517c9f13b62816cc3d0ccede495ab3715d009,
  2023-09-18, released in v2.0.0; the example was dropped in v3.0.0, 7aa8e71, 2024-02-16), with
  the module's ``main.tf`` of the same commit for the groups it creates.

The example, as declared (variables' defaults):

- ``module "vpc"`` (terraform-aws-modules/vpc, unpinned: a v5 release at the commit's date):
  ``firehose-to-public-es-vpc``, 10.0.0.0/16, DNS support and hostnames on, AZs eu-west-1a, b, c
  (AZ IDs assumed euw1-az3, euw1-az1, euw1-az2), public subnets 10.0.101-103.0/24 on one table
  sending 0.0.0.0/0 to the internet gateway, private subnets 10.0.1-3.0/24 each on its own table
  holding the local route only: ``enable_nat_gateway`` is false by default. The module's defaults
  (``manage_default_*``): the main table adopted bare, the default group emptied, the default
  NACL allowing all. No flow log, no endpoint.
- ``module "security_groups"`` (``destination = "elasticsearch"``,
  ``vpc_create_security_group``, ``vpc_create_destination_security_group``,
  ``elasticsearch_vpc_security_group_same_as_destination = false``):
  ``firehose-to-public-es-delivery-stream-sg`` ("Security group to kinesis firehose") whose one
  rule is egress TCP 443 to the destination group, and
  ``firehose-to-public-es-delivery-stream-destination-sg`` ("Allow Inbound traffic from kinesis
  firehose stream") admitting TCP 443 from the Firehose group; no egress on either (Terraform
  revokes AWS's default egress rule of a group it creates).
- ``aws_opensearch_domain.this``: ``firehose-es-cluster``, Elasticsearch 7.10, one
  ``t3.small.search`` node in the first private subnet with the destination group; its
  interface as :mod:`layouts.opensearch_vpc_domain` builds it (``ES <domain>``, requester-managed,
  RequesterId ``amazon-elasticsearch`` assumed).
- ``module "firehose"``: the stream (Direct PUT) with ``elasticsearch_vpc_subnet_ids`` the three
  private subnets and the Firehose group, ``s3_backup_mode = "All"`` to a bucket of the account
  encrypted with a KMS key of its own.

What DescribeNetworkInterfaces reports for the stream (botocore's ec2 ``NetworkInterface``). AWS
documents how the interfaces come to be, not how they are described: the delivery role, a role of
this account, creates them and grants Firehose a permission on them
(``ec2:CreateNetworkInterfacePermission``), as CodeBuild's service role does for a build. Assumed:
InterfaceType ``interface``, not requester-managed, no RequesterId, an empty Description, the
stream's groups, attached to no instance of the account; one interface per subnet (the least
Firehose keeps; up to three each under load).

What DescribeDeliveryStream reports for the stream (botocore's firehose model,
``DeliveryStreamDescription``; :func:`describe_delivery_stream`), as the snapshot records it: one
destination, the module's ``elasticsearch_configuration`` (``ElasticsearchDestinationDescription``,
assumed: the AWS provider creates it with ``ElasticsearchDestinationConfiguration``), whose
``VpcConfigurationDescription`` names the VPC, the stream's subnets, the Firehose group and the
delivery role (``firehose-to-public-es-firehose-role``, the module's default name assumed).
``streams_collected=False``: DescribeDeliveryStream denied, the part not collected.

Do they call AWS services from the VPC? The guide names one use of the group: "when it sends data
to your OpenSearch Service domain", and one network requirement: traffic from the subnets "to the
subnets that have the destination Amazon OpenSearch Service endpoints". The S3 backup, the
CloudWatch Logs error logging and a Lambda transformation are done with the delivery role by
Firehose itself ("Kinesis Data Firehose uses an IAM role to access the specified … S3 bucket,
AWS KMS key, and CloudWatch log group and streams"); S3 is a destination with no VPC configuration,
and for an Amazon Redshift or Splunk destination in a VPC Firehose reaches it from its own
published CIDR blocks, outside the VPC. Here the private subnets have no route out and no endpoint,
and the example delivers.

Options: ``firehose_egress`` ("destination": the module's rule; "none": the Firehose group with no
egress rule, an existing group passed in ``vpc_security_group_firehose_ids`` without
``vpc_security_group_firehose_configure_existing``), ``domain_admits`` ("firehose": the module's
rule; "nothing": the destination group with no ingress, an existing group passed without
``vpc_security_group_destination_configure_existing``), ``firehose_azs`` (the stream's subnets:
the first ``n`` private subnets), ``endpoints`` (the VPC put to use with the interface endpoints
and the S3 gateway endpoint an engineer adds believing the backup and logs leave through the
stream's interfaces: ``s3`` on the private tables, ``logs`` and ``kms`` in the private subnets
behind a group admitting TCP 443 from the VPC; CloudFormation-like defaults, private DNS on).

Left out: the S3 bucket, KMS key, IAM roles and the service-linked role (no network resources),
the module's tags (none set), the domain's access policy and fine-grained access control.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.opensearch_vpc_domain import ES_REQUESTER_ID
from layouts.tf_vpc_ipv6_only import DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot

ACCOUNT = "123456789012"
REGION = "eu-west-1"
AZ_IDS = ("euw1-az3", "euw1-az1", "euw1-az2")  # this account's eu-west-1a, b, c (assumed)
PREFIX = "firehose-to-public-es"  # var.name_prefix's default
STREAM = f"{PREFIX}-delivery-stream"
DOMAIN = "firehose-es-cluster"
VPC_CIDR = "10.0.0.0/16"
HTTPS = 443
DELIVERY_ROLE = f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-firehose-role"  # the module's role (name assumed)


def build(*, firehose_egress: str = "destination", domain_admits: str = "firehose", firehose_azs: int = 3,
          endpoints: bool = False, streams_collected: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The example; the options are the near misses' (module docstring). ``streams_collected``:
    False for DescribeDeliveryStream denied."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=f"{PREFIX}-vpc", dns_support=True, dns_hostnames=True)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    ids["igw"] = b.igw(vpc)
    b.tag(ids["igw"], {"Name": f"{PREFIX}-vpc"})
    ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": ids["igw"]}, name=f"{PREFIX}-vpc-public")
    for k, az in enumerate("abc", start=1):
        zone = f"{REGION}{az}"
        ids[f"public{k}"] = b.subnet(vpc, f"10.0.{100 + k}.0/24", az=k, name=f"{PREFIX}-vpc-public-{zone}")
        b.associate(ids["public_rt"], ids[f"public{k}"])
        ids[f"private{k}"] = b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"{PREFIX}-vpc-private-{zone}")
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[ids[f"private{k}"]], name=f"{PREFIX}-vpc-private-{zone}")

    firehose_sg = ids["firehose_sg"] = _terraform_group(b, vpc, f"{STREAM}-sg", "Security group to kinesis firehose")
    domain_sg = ids["domain_sg"] = _terraform_group(b, vpc, f"{STREAM}-destination-sg",
                                                    "Allow Inbound traffic from kinesis firehose stream")
    if firehose_egress == "destination":
        b.authorize(firehose_sg, egress=[("tcp", HTTPS, HTTPS, domain_sg)])
    if domain_admits == "firehose":
        b.authorize(domain_sg, ingress=[("tcp", HTTPS, HTTPS, firehose_sg)])

    ids["domain_eni"] = b.workload(ids["private1"], groups=[domain_sg], requester_managed=True,
                                   requester_id=ES_REQUESTER_ID, description=f"ES {DOMAIN}")
    for k in range(1, firehose_azs + 1):
        # The stream's interfaces (assumed fields: see the module docstring).
        ids[f"firehose_eni{k}"] = b.workload(ids[f"private{k}"], groups=[firehose_sg])
    b.firehose_streams.append(r.FirehoseStream.from_api(
        describe_delivery_stream(ids, firehose_azs)["DeliveryStreamDescription"]))
    if endpoints:
        _endpoints(b, ids)
    return b.snapshot(missing=() if streams_collected else [Part.FIREHOSE_STREAMS]), ids


def describe_delivery_stream(ids: dict[str, str], firehose_azs: int = 3) -> r.Api:
    """The stream as DescribeDeliveryStream answers for it (botocore's firehose model): Direct PUT, one
    OpenSearch destination in the VPC backing every record up to S3 (``s3_backup_mode = "All"``), in
    the first ``firehose_azs`` private subnets with the Firehose group. Of the destination, only
    what the model requires, what the module declares and the VPC configuration are written: the
    index, buffering, retries and the S3 backup's own description are left out (none is required)."""
    return {"DeliveryStreamDescription": {
        "DeliveryStreamName": STREAM,
        "DeliveryStreamARN": f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{STREAM}",
        "DeliveryStreamStatus": "ACTIVE", "DeliveryStreamType": "DirectPut", "VersionId": "1",
        "HasMoreDestinations": False,
        "Destinations": [{"DestinationId": "destinationId-000000000001", "ElasticsearchDestinationDescription": {
            "RoleARN": DELIVERY_ROLE, "DomainARN": f"arn:aws:es:{REGION}:{ACCOUNT}:domain/{DOMAIN}",
            "S3BackupMode": "AllDocuments",
            "VpcConfigurationDescription": {
                "SubnetIds": [ids[f"private{k}"] for k in range(1, firehose_azs + 1)],
                "RoleARN": DELIVERY_ROLE, "SecurityGroupIds": [ids["firehose_sg"]], "VpcId": ids["vpc"]}}}]}}


def _terraform_group(b: AwsRegionBuilder, vpc: str, name: str, description: str) -> str:
    """A group as Terraform creates it: no rules (AWS's default egress rule revoked)."""
    group = b.security_group(vpc, name=name, egress=[])
    b.groups[group] = replace(b.groups[group], description=description)
    return group


def _endpoints(b: AwsRegionBuilder, ids: dict[str, str]) -> None:
    """The S3 gateway endpoint on the private tables, logs and kms interface endpoints in the
    private subnets behind a group admitting TCP 443 from the VPC."""
    vpc = ids["vpc"]
    private = [ids[f"private{k}"] for k in (1, 2, 3)]
    ids["endpoints_sg"] = b.security_group(vpc, name=f"{PREFIX}-endpoints", ingress=[("tcp", HTTPS, HTTPS, VPC_CIDR)])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids[f"private_rt{k}"] for k in (1, 2, 3)])
    for key in ("logs", "kms"):
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoints_sg"]])
