"""An AWS DMS replication instance in the private subnets of a VPC, reaching Amazon S3 through a
gateway endpoint and AWS Secrets Manager through an interface endpoint (us-east-1).

The template: terraform-aws-modules/terraform-aws-dms ``examples/complete``, v2.6.1
(https://github.com/terraform-aws-modules/terraform-aws-dms/tree/69358f4c46a098e859ae6f5a1ac8648c44adc994/examples/complete,
2025-10-21, the repository's head; ``main.tf`` last changed in 692d07d, 2025-01-18), with the
module's ``main.tf`` at the same commit (last changed in a6ae8f6, 2025-05-05), its ``vpc`` and ``vpc-endpoints`` from
terraform-aws-modules/terraform-aws-vpc ``~> 5.0`` (v5.21.0, 7c1f791efd61f326ed6102d564d1a65d1eceedf0)
and its groups from terraform-aws-modules/terraform-aws-security-group ``~> 5.0`` (v5.3.1,
3cf4e1a48a4649179e8ea27308daf0b551cb0bfa; ``rules.tf``: ``postgresql-tcp`` 5432, ``mysql-tcp``
3306, ``kafka-broker-sasl-scram-tcp`` 9096). The widely used public template that puts a
replication instance in private subnets with the two VPC endpoints the DMS guide asks for and
reads the endpoints' credentials from Secrets Manager. Its replication instance
``dms-ex-complete`` (dms.t3.large, engine 3.5.2, Multi-AZ, not publicly accessible) runs three
tasks: an S3 bucket's CSV files (S3 source endpoint) into Aurora PostgreSQL, Aurora PostgreSQL
into Aurora MySQL (full load and CDC), Aurora PostgreSQL into an Amazon MSK topic. The S3 endpoint
is a source there; an S3 *target* (the module's ``access_target_s3_bucket_arns``; AWS's own sample
``DMS/DMSAuroraToS3FullLoadAndOngoingReplication.yaml`` in aws-cloudformation-templates, e58f08a,
2025-03-13) takes the same path from the instance to S3. Read with the AWS DMS User Guide as last
published in its source repository
(https://github.com/awsdocs/aws-dms-user-guide/tree/d0f781f1aaffa73e9ad23aa640078d433b2d4bb5/doc_source,
2023-06-01, the last commit before the repository was emptied and archived) and its current pages:

- ``CHAP_VPC_Endpoints.md`` (last changed in 20671c6, 2023-02-25): "Upgrades to AWS DMS versions
  3.4.7 and higher require that you configure AWS DMS to use VPC endpoints or to use public routes
  to all your source and target endpoints that interact with" S3, Kinesis, Secrets Manager,
  DynamoDB, Redshift and OpenSearch Service; for the S3 and DynamoDB gateway endpoints "Under
  **Route Tables**, choose all available **Route Table ID** values"; the current page: "For AWS DMS
  replication instance created in private subnet or AWS DMS serverless replication … it is
  necessary to set up an Amazon VPC endpoint", and "If you are using AWS Secrets Manager to store
  connection credentials for DMS to use, you also need to set up a VPC endpoint";
- ``CHAP_ReplicationInstance.VPC.md`` (b37f0b0, 2023-04-06): "make sure this security group's
  rules let all traffic on all ports leave (egress) the VPC"; "You must specify subnets in at
  least two Availability Zones"; and, under ClassicLink, "choose **Network Interfaces** … Choose
  the *DMSNetworkInterface*, and then choose **Change Security Groups** from the **Actions** menu";
- ``security_iam_secretsmanager.md``, "To use secrets manager with a replication instance in a
  private subnet": create the endpoint, "Attach the replication instance security group to the
  secret manager VPC endpoint", "For the replication instance security group egress rules, allow
  all traffic for destination ``0.0.0.0/0``", and "Set the endpoint extra connection attribute,
  ``secretsManagerEndpointOverride=secretsManager endpoint DNS``" — the endpoint-specific name, which
  the example passes (``dns_entry[0].dns_name``) on each endpoint reading a secret.

Built, in us-east-1 (the example's Region; us-east-1a-c assumed use1-az1, az2, az4: MSK refuses
use1-az3):

- ``module.vpc``: VPC 10.0.0.0/16 ``dms-ex-complete`` (``"dms-ex-${basename(path.cwd)}"``), DNS
  support and hostnames on; public subnets 10.0.0-2.0/24, private 10.0.3-5.0/24 and database
  10.0.6-8.0/24 in the three AZs; an internet gateway and one NAT gateway (``single_nat_gateway``)
  in the first public subnet; the public table, one private table holding the private and, since
  ``create_database_subnet_route_table`` is false, the database subnets, with 0.0.0.0/0 to the NAT
  gateway; the module's main table, rule-less default group and allow-all default NACL, as in the
  other terraform-aws-vpc layouts. No flow log.
- ``module.vpc_endpoints``: an S3 gateway endpoint on ``flatten([private_route_table_ids,
  database_route_table_ids])`` (the one private table: the database ids fall back to it), no
  policy (AWS's default full access); a ``secretsmanager`` interface endpoint in the three private
  subnets, private DNS off (the submodule passes none, the provider's default is false: hence the
  example's ``secretsManagerEndpointOverride``), no policy, behind ``dms-ex-complete-vpc-endpoints-…``
  ("VPC endpoint security group"): TCP 443 from 10.0.0.0/16, no egress (Terraform revokes AWS's).
- ``module.security_group`` × 4 (``name_prefix``, "Security group for <key>"): ``postgresql-source``
  TCP 5432, ``mysql-destination`` TCP 3306, ``replication-instance`` TCP 5432, 3306 and 9096,
  ``kafka-destination`` TCP 9096, each from 10.0.0.0/16, and all traffic out to 0.0.0.0/0 and ::/0
  (``all-all`` with the module's default ``egress_ipv6_cidr_blocks``).
- Two Aurora clusters (terraform-aws-rds-aurora ``~> 8.0``), ``-postgresql-source`` and
  ``-mysql-destination``, two instances each in the database subnets (RDS picks the AZs: assumed
  us-east-1a and b), each on its own group; an MSK cluster (terraform-aws-msk-kafka-cluster
  ``~> 2.0``), three brokers in the private subnets on ``kafka-destination``, SASL/SCRAM.

What DescribeNetworkInterfaces reports (botocore's ec2 model, ``NetworkInterface``):

- the replication instance's: InterfaceType ``interface``, Description ``DMSNetworkInterface``
  (the DMS guide's name for it; what the Terraform AWS provider's ``deleteLingeringDMSENI`` and
  Cloud Custodian's ENI classifier match, and what public exports of accounts show), the
  instance's group, attached to no instance of this account. Not requester-managed, RequesterId
  this account's ID (assumed; no public dump shows either field): DMS creates it with this
  account's ``dms-vpc-role``, whose ``AmazonDMSVPCManagementRole`` (v4, 2024-07-25) grants
  ``ec2:CreateNetworkInterface``, ``ec2:DeleteNetworkInterface`` and
  ``ec2:ModifyNetworkInterfaceAttribute``; the DMS guide has the
  owner change its groups from the EC2 console and the provider detaches leftover ones, while of a
  requester-managed interface the EC2 guide says "you can't change other properties" and "You
  can't detach" it; and its Requester ID: "If you created the network interface, this is your AWS
  account ID" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html).
  ``requester_managed=True`` reads it requester-managed by ``amazon-rds`` instead, the reading
  nearest a DB instance's interface: the network model must still not take it for one (the
  description is not ``RDSNetworkInterface``). One interface for the primary and one for the
  Multi-AZ standby, in the first two private subnets (assumed: the example sets no
  ``availability_zone``; in a Multi-AZ deployment "AWS DMS automatically provisions and maintains a
  synchronous standby replica of the replication instance in a different Availability Zone",
  ``CHAP_ReplicationInstance.md``);
- the DB instances': InterfaceType ``interface``, requester-managed by ``amazon-rds``, Description
  ``RDSNetworkInterface``, the cluster's group;
- the brokers': ``DO NOT DELETE - Amazon MSK network interface for cluster <ARN>.``, attached to
  no instance (as in the MSK layout), ``kafka-destination``;
- the NAT gateway's and the endpoint's, one per private subnet.

``nat=False`` builds the example with ``enable_nat_gateway = false`` (no NAT gateway, the private
table holds the local route and the S3 endpoint's prefix list only): the fully private network the
DMS guide describes, in which the two endpoints are the instance's only paths to S3 and Secrets
Manager. Near misses, each a small change to the example: ``database_route_table=True`` with
``s3_tables="database"`` (``create_database_subnet_route_table = true`` and the S3 endpoint on
``module.vpc.database_route_table_ids`` alone, the replication subnets' private table left out);
``secrets_source="postgresql-source"`` (the endpoint's group admitting TCP 443 from the source
database's group instead of the VPC); ``replication_egress="database-ports"`` (the replication
instance's group sending only TCP 5432, 3306 and 9096 to the VPC, not the guide's all traffic:
no 443 out); ``s3_policy="other-bucket"`` (the S3 endpoint limited to another bucket of the
account, not the example's source bucket).

Left out: the event subscriptions' SNS topic, the KMS key and the secrets (Secrets Manager decrypts
them with KMS on DMS's behalf: no KMS path from the VPC), the S3 bucket and its object, the
replication tasks and DMS endpoints (none is a network resource), the IAM roles, the NAT
gateway's Elastic IP, security group rule descriptions.
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import Rule

from layouts.tf_vpc_ipv6_only import ANY4, ANY6, DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed; MSK refuses use1-az3)
NAME = "dms-ex-complete"  # "dms-ex-${basename(path.cwd)}"
VPC_CIDR = "10.0.0.0/16"
TAGS = {"Name": NAME, "Example": NAME, "Repository": "https://github.com/terraform-aws-modules/terraform-aws-dms"}
# terraform-aws-security-group rules.tf
POSTGRES_PORT, MYSQL_PORT, KAFKA_SCRAM_PORT = 5432, 3306, 9096
# module.security_group's for_each: key → the ports its ingress_rules admit from the VPC.
GROUPS = {"postgresql-source": (POSTGRES_PORT,), "mysql-destination": (MYSQL_PORT,),
          "replication-instance": (POSTGRES_PORT, MYSQL_PORT, KAFKA_SCRAM_PORT),
          "kafka-destination": (KAFKA_SCRAM_PORT,)}
CLUSTERS = ("postgresql-source", "mysql-destination")  # module.rds_aurora's for_each
TF_SUFFIX = "2026010100000000000000000"  # the unique suffix Terraform appends to a name_prefix (last digit varies)
DMS_DESCRIPTION = "DMSNetworkInterface"
DMS_AZS = (1, 2)  # the primary's and the Multi-AZ standby's private subnets, by AZ number (assumed)
RDS_REQUESTER_ID = "amazon-rds"
# module.msk_cluster's ARN (the uuid part assumed) and its brokers' interfaces' description.
MSK_CLUSTER_ARN = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/{NAME}/0b5e7c3a-9d21-4f86-b4a3-6e1d2c8f9a70-3"
BROKER_DESCRIPTION = f"DO NOT DELETE - Amazon MSK network interface for cluster {MSK_CLUSTER_ARN}."
# module.s3_bucket (bucket_prefix = local.name): the S3 source endpoint's bucket; and another bucket
# of the account that the other-bucket near miss names instead (assumed name).
SOURCE_BUCKET = f"{NAME}{TF_SUFFIX}9"
OTHER_BUCKET = f"{NAME}-exports-{ACCOUNT}"


def other_bucket_policy() -> str:
    """The near miss's S3 endpoint policy: any principal may list, read and write one bucket of the
    account — not the bucket the S3 source endpoint reads."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "ExportsBucketOnly", "Effect": "Allow", "Principal": "*",
        "Action": ["s3:ListBucket", "s3:GetObject", "s3:PutObject"],
        "Resource": [f"arn:aws:s3:::{OTHER_BUCKET}", f"arn:aws:s3:::{OTHER_BUCKET}/*"]}]})


def build(*, nat: bool = True, database_route_table: bool = False, s3_tables: str = "example",
          secrets_source: str = "vpc", replication_egress: str = "all", s3_policy: str = "default",
          requester_managed: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """The example (``nat=False``: without its NAT gateway). ``database_route_table``: the database
    subnets on a table of their own; ``s3_tables``: "example" (private and database tables) or
    "database"; ``secrets_source``: "vpc" or a ``module.security_group`` key whose group alone the
    endpoint admits; ``replication_egress``: "all" or "database-ports"; ``s3_policy``: "default"
    or "other-bucket"; ``requester_managed``: the replication instance's interfaces read
    requester-managed by ``amazon-rds`` (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    ids = _vpc(b, nat, database_route_table)
    vpc = ids["vpc"]
    for n, (key, ports) in enumerate(GROUPS.items(), start=1):
        egress: list[Rule] = [("-1", None, None, ANY4), ("-1", None, None, ANY6)]
        if key == "replication-instance" and replication_egress == "database-ports":
            egress = [("tcp", port, port, VPC_CIDR) for port in ports]
        ids[f"{key}_sg"] = _module_group(b, vpc, f"{NAME}-{key}-{TF_SUFFIX}{n}", f"Security group for {key}",
                                         [("tcp", port, port, VPC_CIDR) for port in ports], egress)
    source = VPC_CIDR if secrets_source == "vpc" else ids[f"{secrets_source}_sg"]
    ids |= _endpoints(b, ids, s3_tables, s3_policy, source)

    for key in CLUSTERS:
        for k in (1, 2):
            ids[f"{key}_eni{k}"] = b.workload(ids[f"database{k}"], groups=[ids[f"{key}_sg"]], requester_managed=True,
                                              requester_id=RDS_REQUESTER_ID, description="RDSNetworkInterface")
    for k in (1, 2, 3):
        ids[f"broker{k}"] = b.workload(ids[f"private{k}"], groups=[ids["kafka-destination_sg"]],
                                       description=BROKER_DESCRIPTION)
    for k in DMS_AZS:
        ids[f"dms_eni{k}"] = b.workload(ids[f"private{k}"], groups=[ids["replication-instance_sg"]],
                                        requester_managed=requester_managed,
                                        requester_id=RDS_REQUESTER_ID if requester_managed else ACCOUNT,
                                        description=DMS_DESCRIPTION)
    return b.snapshot(), ids


def _vpc(b: AwsRegionBuilder, nat: bool, database_route_table: bool) -> dict[str, str]:
    """terraform-aws-vpc v5.21.0 as the example calls it (module docstring)."""
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    for resource in (main_rt, default_sg, default_acl):
        b.tag(resource, {**TAGS, "Name": f"{NAME}-default"})
    for tier, suffix, offset in (("public", "public", 0), ("private", "private", 3), ("database", "db", 6)):
        for k in (1, 2, 3):
            az = f"{REGION}{'abc'[k - 1]}"
            ids[f"{tier}{k}"] = b.subnet(vpc, f"10.0.{offset + k - 1}.0/24", az=k)
            b.tag(ids[f"{tier}{k}"], {**TAGS, "Name": f"{NAME}-{suffix}-{az}"})
    ids["igw"] = b.igw(vpc)
    ids["public_rt"] = b.route_table(vpc, subnets=[ids[f"public{k}"] for k in (1, 2, 3)],
                                     routes={"0.0.0.0/0": ids["igw"]})
    private_routes: dict[str, str] = {}
    if nat:
        ids["nat"] = b.nat(ids["public1"])
        private_routes["0.0.0.0/0"] = ids["nat"]
    tiers = ("private",) if database_route_table else ("private", "database")
    ids["private_rt"] = b.route_table(vpc, subnets=[ids[f"{tier}{k}"] for tier in tiers for k in (1, 2, 3)],
                                      routes=private_routes)
    names = {"igw": NAME, "public_rt": f"{NAME}-public", "private_rt": f"{NAME}-private"}
    if database_route_table:
        # create_database_nat_gateway_route is false: the database table has the local route only.
        ids["database_rt"] = b.route_table(vpc, subnets=[ids[f"database{k}"] for k in (1, 2, 3)])
        names["database_rt"] = f"{NAME}-db"
    if nat:
        names["nat"] = f"{NAME}-{REGION}a"
    for key, name in names.items():
        b.tag(ids[key], {**TAGS, "Name": name})
    return ids


def _module_group(b: AwsRegionBuilder, vpc: str, name: str, description: str, ingress: list[Rule],
                  egress: list[Rule]) -> str:
    """A group as Terraform leaves it: the given rules only (AWS's default egress rule revoked)."""
    group = b.security_group(vpc, name=name, ingress=ingress, egress=egress)
    b.groups[group] = replace(b.groups[group], description=description)
    b.tag(group, TAGS)
    return group


def _endpoints(b: AwsRegionBuilder, ids: dict[str, str], s3_tables: str, s3_policy: str,
               secrets_source: str) -> dict[str, str]:
    """``module.vpc_endpoints``: the S3 gateway endpoint and the secretsmanager interface endpoint
    behind the submodule's group (module docstring)."""
    vpc = ids["vpc"]
    database_tables = [ids.get("database_rt", ids["private_rt"])]
    tables = database_tables if s3_tables == "database" else sorted({ids["private_rt"], *database_tables})
    s3 = b.gateway_endpoint(vpc, "s3", route_tables=tables,
                            **({"policy": other_bucket_policy()} if s3_policy == "other-bucket" else {}))
    b.tag(s3, {**TAGS, "Name": "s3-vpc-endpoint"})
    group = _module_group(b, vpc, f"{NAME}-vpc-endpoints-{TF_SUFFIX}5", "VPC endpoint security group",
                          [("tcp", 443, 443, secrets_source)], [])
    b.tag(group, {"Name": f"{NAME}-vpc-endpoints-"})
    secrets = b.interface_endpoint(vpc, "secretsmanager", subnets=[ids[f"private{k}"] for k in (1, 2, 3)],
                                   groups=[group], private_dns=False)
    b.tag(secrets, {**TAGS, "Name": "secretsmanager"})
    return {"s3": s3, "endpoints_sg": group, "secretsmanager": secrets}
