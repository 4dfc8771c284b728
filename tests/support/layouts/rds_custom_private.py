"""An Amazon RDS Custom for Oracle DB instance in a VPC without internet access, reaching the AWS
services it depends on through VPC endpoints (us-east-1).

Sources:

- the Amazon RDS User Guide's "Setting up your environment for Amazon RDS Custom for Oracle",
  section "Configuring your VPC manually" (custom-setup-orcl.html#custom-setup-orcl.vpc), as last
  published in the guide's source repository
  (https://github.com/awsdocs/amazon-rds-user-guide/blob/0219b24f7008c50d897f2da74ea812fb55487c09/doc_source/custom-setup-orcl.md;
  its SQL Server twin custom-setup-sqlserver.md at the same commit says the same): the DB instance
  "communicates with" CloudWatch, CloudWatch Logs, CloudWatch Events, EC2, EventBridge, S3,
  Secrets Manager and Systems Manager; it must make "outbound connections on port 443"; "If you
  have a private VPC and use VPC endpoints", the DB instance's group must allow 443 out to the
  endpoints and "the security group associated with the VPC endpoint allows inbound connections on
  port 443 from the DB instance" — otherwise it "can't connect to the AWS Systems Manager and
  Amazon EC2 endpoints"; endpoints are recommended "for every service", with NAT or Direct
  Connect as alternatives; for each endpoint "choose a subnet from each Availability Zone";
  "Correctly resolve the domain names of endpoints for each AWS service";
- the guide's CloudFormation template ``custom-vpc.json`` (linked from the same section; parameters
  ``PrivateVpc``, ``PrivateSubnets``, one ``RouteTable`` "associated with the PrivateSubnets", one
  ``SecurityGroupId``), as republished in YAML at
  https://github.com/sharplee7/rds-custom-for-oracle/blob/493b0cc840097658c20aaf60b325bc567b50ea94/codebuild-vpc-endpoints.yaml:
  a DB subnet group, an S3 gateway endpoint on that table, and interface endpoints ``ec2``,
  ``ec2messages``, ``monitoring``, ``ssm``, ``ssmmessages``, ``logs``, ``events`` and
  ``secretsmanager``, each ``PrivateDnsEnabled: true`` in the private subnets;
- the AWS managed policy ``AmazonRDSCustomInstanceProfileRolePolicy`` (the instance profile's
  policy), which beside those services grants ``sqs:SendMessage``, ``ReceiveMessage``,
  ``DeleteMessage`` and ``GetQueueUrl`` (as listed at
  https://github.com/badele/aws-policies-analyzer-docs/blob/3656c16833d94b9b78baca69a7687b433c269624/policies/amazonrdscustominstanceprofilerolepolicy.md):
  the agent on the host talks to Amazon SQS too, so an ``sqs`` endpoint is built (assumed needed on
  a host without internet access; the archived guide page does not name SQS). The same policy grants
  ``kms:Decrypt``/``GenerateDataKey`` on the customer key: assumed used for S3 objects and
  secrets that S3 and Secrets Manager decrypt server-side, so no ``kms`` endpoint (neither the
  page nor the template lists one). No ``sts`` endpoint: the instance profile's credentials come
  from the instance metadata service, which the page asks to reach over IMDSv2 (assumed: the host
  calls no STS API);
- the guide's "Security in Amazon RDS Custom" (custom-security.html, current page, read
  2026-12-06): "RDS Custom automation uses credentials from the service-linked role to run
  commands using AWS Systems Manager", which "connects to your RDS Custom DB instance using your
  networking setup";
- the SQL Server page's list of what its own template creates (same commit): a VPC 10.0.0.0/16,
  "Two private subnets" 10.0.128.0/20 and 10.0.144.0/20 in two AZs, a route table "with no access
  to the internet", a group for the DB instance "restricted for outbound HTTPS to AWS service
  endpoints", a group for the VPC endpoints, a DB subnet group: the CIDRs and groups here follow it.

The DB instance's interface, as DescribeNetworkInterfaces reports it. RDS Custom runs the database
on an EC2 instance in the customer's account (the page: "just like an Amazon EC2 instance"; the
instance profile is the customer's, the role policy's ``ec2:CreateSnapshots`` names the account's
instances tagged ``AWSRDSCustom``), so its interface is an instance's primary interface: typed
``interface`` (botocore's ``NetworkInterfaceType``), attached to that instance (``InstanceId``),
carrying the DB instance's group. Assumed: not requester-managed, no RequesterId (the instance is the
account's, launched by RDS Custom's service-linked role in it), an empty description, no tags on the
interface (the ``AWSRDSCustom`` tag is on the instance, which the snapshot does not hold). It is not
the ``amazon-rds``/``RDSNetworkInterface`` interface of an RDS DB instance, so the network model
counts it as an ordinary workload — rightly: its agent calls every service above from it.

Built (``build()``): VPC 10.0.0.0/16 ``rds-custom``, DNS support and hostnames on (private DNS needs
both); no internet gateway, NAT gateway or flow log; ``rds-custom-private-1``/``-2`` 10.0.128.0/20
and 10.0.144.0/20 in use1-az1 and use1-az2 (the DB subnet group), on one table ``rds-custom-private``
(local route only), the default NACL. ``rds-custom-db``: TCP 1521 (the Oracle listener, assumed)
from 10.0.0.0/16, TCP 443 out to 0.0.0.0/0 (the page's "outbound connections on port 443"; the S3
gateway endpoint's traffic goes to S3's public ranges, so not to the endpoints' group only).
``rds-custom-endpoints``: TCP 443 from ``rds-custom-db``, AWS's default egress. The template's nine
endpoints plus ``sqs``, every interface endpoint in both subnets with private DNS and AWS's default
policy (the page: "The default policy allows all requests"). One single-AZ DB instance in the first
subnet.

Near misses: ``omit=("ssmmessages",)``, ``omit=("secretsmanager",)`` or ``omit=("sqs",)`` — one
interface endpoint left out;
``second_table=True`` — the second DB subnet moved to its own table ``rds-custom-private-2``
without the S3 gateway endpoint; ``endpoint_source="other-half"`` — the endpoints' group admitting
TCP 443 from 10.0.0.0/17, the half of the VPC where a public tier would go, instead of the DB
instance's group.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "rds-custom"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.128.0/20", "10.0.144.0/20")
OTHER_HALF = "10.0.0.0/17"  # the half of the VPC holding no DB subnet
ORACLE_LISTENER = 1521
HTTPS = 443
# The template's interface endpoints (custom-vpc.json), and sqs (the instance profile's policy).
INTERFACE_SERVICES = ("ec2", "ec2messages", "monitoring", "ssm", "ssmmessages", "logs", "events",
                      "secretsmanager", "sqs")


def build(*, omit: tuple[str, ...] = (), second_table: bool = False, endpoint_source: str = "db-group"
          ) -> tuple[Snapshot, dict[str, str]]:
    """``omit``: interface endpoints left out. ``second_table``: the second subnet on its own table,
    without the S3 route. ``endpoint_source``: "db-group" (TCP 443 from ``rds-custom-db``) or
    "other-half" (from 10.0.0.0/17)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    if second_table:
        ids["private_rt"] = b.route_table(vpc, subnets=private[:1], name=f"{NAME}-private")
        ids["private_rt2"] = b.route_table(vpc, subnets=private[1:], name=f"{NAME}-private-2")
    else:
        ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    db_sg = ids["db_sg"] = b.security_group(vpc, name=f"{NAME}-db",
                                            ingress=[("tcp", ORACLE_LISTENER, ORACLE_LISTENER, VPC_CIDR)],
                                            egress=[("tcp", HTTPS, HTTPS, "0.0.0.0/0")])
    source = db_sg if endpoint_source == "db-group" else OTHER_HALF
    endpoints_sg = ids["endpoints_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints",
                                                          ingress=[("tcp", HTTPS, HTTPS, source)])
    for key in INTERFACE_SERVICES:
        if key not in omit:
            ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoints_sg])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])

    # The DB instance's host: an EC2 instance of the account (fields: see the module docstring).
    eni = ids["db_eni"] = b.workload(private[0], groups=[db_sg])
    ids["db_instance"] = b.new_id("i")
    b.enis[eni] = replace(b.enis[eni], instance_id=ids["db_instance"])
    return b.snapshot(), ids
