"""Amazon QuickSight reaching a private Amazon RDS for PostgreSQL instance through a QuickSight
VPC connection, in a VPC that also runs an application tier behind NAT gateways (us-east-1).

Sources:

- the Amazon QuickSight User Guide, "Security groups: inbound and outbound rules"
  (https://docs.aws.amazon.com/quicksight/latest/user/vpc-security-groups.html; read in AWS's
  published Japanese edition, the English page not being stored, and the Indonesian edition of
  the same page in the Amazon Quick Suite guide): "For your VPC connection, create a new security
  group with the description QuickSight-VPC. This security group must allow all inbound TCP
  traffic from the security groups of the data destinations you want to reach"
  (``aws ec2 create-security-group --group-name quicksight-vpc --description "QuickSight-VPC"``);
  "we strongly recommend that you create a new security group for use with QuickSight"; and the
  database instance's group admits "the port that QuickSight connects to" from "the security group
  ID associated with the QuickSight network interface (recommended)" or "the private IP address of
  the QuickSight network interface";
- the same guide's "Inbound rules" (vpc-inbound-rules.html, Japanese edition): "The following
  section applies to VPC connections created before April 27, 2023": the group on QuickSight's
  network interface "isn't stateful", return traffic from the database host is not allowed
  automatically, so an inbound rule on all ports (0-65535) must admit it. The guide's source
  repository (https://github.com/awsdocs/amazon-quicksight-user-guide, head 10a70d6, 2020-04-27;
  ``doc_source/working-with-aws-vpc.md`` last changed in 805985d, 2019-12-22) still carries the
  single-interface design this section describes: "Each connection creates an elastic network
  interface in your VPC", "Network traffic from Amazon QuickSight then originates from this
  network interface", and "The security group attached to the Amazon QuickSight elastic network
  interface should have outbound rules allowing traffic to all of the data source instances";
- the QuickSight API Reference, CreateVPCConnection
  (https://docs.aws.amazon.com/quicksight/latest/APIReference/API_CreateVPCConnection.html):
  ``SubnetIds`` "Array Members: Minimum number of 2 items. Maximum number of 15 items";
  ``SecurityGroupIds`` 1-16; ``RoleArn`` required. The CloudFormation resource
  ``AWS::QuickSight::VPCConnection`` reports ``NetworkInterfaces``, each with ``AvailabilityZone``,
  ``NetworkInterfaceId``, ``Status`` and ``SubnetId`` — the one documented field that names
  QuickSight's interfaces;
- the "Configuring the VPC connection with the QuickSight CLI" page
  (vpc-creating-a-connection-in-quicksight-cli.html): the execution role "allows QuickSight to
  create, update, and delete network infrastructure in your account", with
  ``ec2:CreateNetworkInterface``, ``ec2:DeleteNetworkInterface``,
  ``ec2:ModifyNetworkInterfaceAttribute``, ``ec2:DescribeSubnets``, ``ec2:DescribeSecurityGroups``;
- Terraform's ``aws_quicksight_vpc_connection`` acceptance test
  (https://github.com/hashicorp/terraform-provider-aws/blob/0daabaa43976602fb895ba1733f20ecb3180a234/internal/service/quicksight/vpc_connection_test.go):
  two subnets, one security group, the role above (``quicksight.amazonaws.com`` trusted, no
  ``ec2:CreateTags``).

Built as those describe it (names and CIDRs assumed): VPC 10.20.0.0/16, DNS support and hostnames
on; an internet gateway; public subnets 10.20.0.0/24 and 10.20.1.0/24 (``<region>a``, ``b``) on
one table to the internet gateway, a NAT gateway in each; application subnets 10.20.10.0/24 and
10.20.11.0/24, each on its AZ's table to its NAT gateway; data subnets 10.20.20.0/24,
10.20.21.0/24 and 10.20.22.0/24 in ``a``, ``b`` and ``c`` (the DB subnet group's), on a table with
the local route alone; an S3 gateway endpoint on the application and data tables; Session
Manager's three interface endpoints (``ssm``, ``ssmmessages``, ``ec2messages``) in the application
subnets with private DNS, behind ``endpoints`` admitting TCP 443 from the VPC. Groups: ``app``
(the application instances; AWS's default egress); ``quicksight-vpc`` (description
``QuickSight-VPC``: all TCP in from ``db``, and out TCP 5432 to ``db`` only, the egress rule AWS
adds revoked — the guide's "outbound rules allowing traffic to all of the data source instances",
narrowed to the one data source); ``db`` (TCP 5432 from ``quicksight-vpc`` and from ``app``;
AWS's default egress). No flow log, the default NACL.

Network interfaces as DescribeNetworkInterfaces reports them:

- the DB instance's (single-AZ, in data subnet ``a``): ``interface``, requester-managed,
  RequesterId ``amazon-rds``, Description ``RDSNetworkInterface``, ``db``;
- the application instances', one per application subnet: ``interface``, not requester-managed;
- QuickSight's, one per subnet of the connection (``AWS::QuickSight::VPCConnection``
  ``NetworkInterfaces`` lists one per subnet, each with its subnet and AZ), the three data
  subnets. Typed ``quicksight``: botocore's ec2 ``NetworkInterfaceType`` lists that value for
  them (beside ``lambda``, ``api_gateway_managed``, ``global_accelerator_managed``). Assumed: not
  requester-managed (the account's execution role creates it), no RequesterId, an empty
  description (QuickSight documents none), no tags (the role has no ``ec2:CreateTags``),
  ``quicksight-vpc``.

Near misses: ``quicksight_inbound=False`` (``quicksight-vpc`` without the inbound rule the guide
requires); ``db_source="vpc-cidr"`` (``db`` admitting TCP 5432 from 10.20.0.0/16 instead of
``quicksight-vpc``: the guide's alternative, by address); ``connection_azs=1`` (the connection's
two subnets both in ``a``: data subnet ``a`` and a second one there, 10.20.23.0/24).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")
VPC_CIDR = "10.20.0.0/16"
PG_PORT = 5432
RDS_REQUESTER_ID = "amazon-rds"
SSM_SERVICES = ("ssm", "ssmmessages", "ec2messages")
PUBLIC_CIDRS = ("10.20.0.0/24", "10.20.1.0/24")
APP_CIDRS = ("10.20.10.0/24", "10.20.11.0/24")
DATA_CIDRS = ("10.20.20.0/24", "10.20.21.0/24", "10.20.22.0/24")
SECOND_DATA_A_CIDR = "10.20.23.0/24"  # the one-AZ near miss's second subnet in a


def build(*, quicksight_inbound: bool = True, db_source: str = "quicksight-group",
          connection_azs: int = 3) -> tuple[Snapshot, dict[str, str]]:
    """``db_source``: "quicksight-group" (the guide's recommendation) or "vpc-cidr";
    ``connection_azs``: 3 (the three data subnets) or 1 (two subnets in ``a``)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="analytics", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "igw": b.igw(vpc)}
    public_rt = ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": ids["igw"]}, name="analytics-public")
    app_subnets, app_tables = [], []
    for az, (public_cidr, app_cidr) in enumerate(zip(PUBLIC_CIDRS, APP_CIDRS, strict=True), start=1):
        public = ids[f"public{az}"] = b.subnet(vpc, public_cidr, az=az, name=f"analytics-public-{az}")
        b.associate(public_rt, public)
        nat = ids[f"nat{az}"] = b.nat(public)
        app_subnets.append(b.subnet(vpc, app_cidr, az=az, name=f"analytics-app-{az}"))
        ids[f"app{az}"] = app_subnets[-1]
        app_tables.append(b.route_table(vpc, subnets=[app_subnets[-1]], routes={"0.0.0.0/0": nat},
                                        name=f"analytics-app-{az}"))
        ids[f"app_rt{az}"] = app_tables[-1]
    data_subnets = [b.subnet(vpc, cidr, az=az, name=f"analytics-data-{az}")
                    for az, cidr in enumerate(DATA_CIDRS, start=1)]
    ids.update({f"data{az}": s for az, s in enumerate(data_subnets, start=1)})
    connection_subnets = data_subnets
    if connection_azs == 1:
        ids["data1b"] = b.subnet(vpc, SECOND_DATA_A_CIDR, az=1, name="analytics-data-1b")
        connection_subnets = [data_subnets[0], ids["data1b"]]
    data_rt = ids["data_rt"] = b.route_table(vpc, subnets=sorted({*data_subnets, *connection_subnets}),
                                             name="analytics-data")
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[*app_tables, data_rt])

    app_sg = ids["app_sg"] = b.security_group(vpc, name="app")
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="endpoints", ingress=[("tcp", 443, 443, VPC_CIDR)])
    for key in SSM_SERVICES:
        ids[key] = b.interface_endpoint(vpc, key, subnets=app_subnets, groups=[endpoint_sg])

    # quicksight-vpc: created without rules but the egress AWS adds, which is revoked; then the
    # guide's inbound all-TCP from the data source's group and the outbound database port.
    qs_sg = ids["quicksight_sg"] = b.security_group(vpc, name="quicksight-vpc", egress=[])
    b.groups[qs_sg] = replace(b.groups[qs_sg], description="QuickSight-VPC")
    db_sg = ids["db_sg"] = b.security_group(vpc, name="db", ingress=[
        ("tcp", PG_PORT, PG_PORT, qs_sg if db_source == "quicksight-group" else VPC_CIDR),
        ("tcp", PG_PORT, PG_PORT, app_sg)])
    if quicksight_inbound:
        b.authorize(qs_sg, ingress=[("tcp", 0, 65535, db_sg)])
    b.authorize(qs_sg, egress=[("tcp", PG_PORT, PG_PORT, db_sg)])

    ids["db_eni"] = b.workload(data_subnets[0], groups=[db_sg], requester_managed=True,
                               requester_id=RDS_REQUESTER_ID, description="RDSNetworkInterface")
    for az, subnet in enumerate(app_subnets, start=1):
        ids[f"app_eni{az}"] = b.workload(subnet, groups=[app_sg])
    for n, subnet in enumerate(connection_subnets, start=1):
        ids[f"qs_eni{n}"] = b.workload(subnet, groups=[qs_sg], interface_type="quicksight")
    return b.snapshot(), ids
